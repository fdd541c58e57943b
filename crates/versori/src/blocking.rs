//! Blocking on the SDK from outside async Rust, with the I/O on the calling
//! thread.
//!
//! [`block_on`] runs a future on a current-thread Tokio runtime that belongs
//! to the calling thread: the thread writes the request, waits in the I/O
//! driver for the answer and reads it itself. The shared multi-thread
//! runtime ([`crate::fork::runtime`]) would hand the request to a worker
//! thread and the answer back, two thread wake-ups more per request; on a
//! loopback or same-rack server those wake-ups are most of a small call's
//! latency (measured by `python/bench/run.py`, scenario 1). The Python
//! package's `Client` and the C library block through here.
//!
//! A connection belongs to the runtime that opened it, and a current-thread
//! runtime runs only while its thread blocks on it, so a connection opened
//! on one thread's runtime must never carry another thread's request (it
//! would wait until the first thread called again). Inside [`block_on`] a
//! [`Client`](crate::Client) therefore sends from a connection pool of the
//! calling thread's own, built with the client's settings; outside it the
//! client's shared pool is used as before. A thread's pools close with the
//! thread; the pool of a client dropped meanwhile closes its connections
//! during the thread's next call (a runtime of this kind does nothing
//! between calls). A child made by `fork` starts a runtime and pools of its
//! own on first use, leaving the parent's untouched (see [`crate::fork`]).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use crate::error::Error;

/// The calling thread's runtime and connection pools, made in fork
/// generation `generation`.
struct Local {
    generation: u64,
    /// Always there but while the thread exits (see the `Drop`).
    runtime: Option<tokio::runtime::Runtime>,
    /// This thread's client of each live pool (keyed by the pool's
    /// identity, see [`thread_client`]).
    clients: RefCell<Vec<(Weak<()>, reqwest::Client)>>,
    /// When the runtime last ran (a call ended), for [`settle`].
    last_ran: Cell<Option<Instant>>,
}

/// How long the runtime may have been still before a call first lets it
/// take in what happened meanwhile ([`settle`]). A server closes a
/// connection for idleness after seconds, not microseconds, and a close
/// that lands within this much of the last call is the race every client
/// has with a server over a network (the close is in flight while the
/// request is written); back-to-back calls skip the two yields it costs.
const SETTLE_AFTER: Duration = Duration::from_millis(1);

thread_local! {
    static LOCAL: RefCell<Option<Rc<Local>>> = const { RefCell::new(None) };
    /// The thread's [`Local`] while [`block_on`] runs a future on it.
    static ACTIVE: RefCell<Option<Rc<Local>>> = const { RefCell::new(None) };
}

/// This thread's [`Local`] for this process, made on first use.
fn local() -> Result<Rc<Local>, Error> {
    let generation = crate::fork::generation();
    LOCAL
        .try_with(|slot| {
            let mut slot = slot.borrow_mut();
            if let Some(local) = slot.as_ref() {
                if local.generation == generation {
                    return Ok(local.clone());
                }
                // made before a fork, in the parent: its driver's epoll
                // instance and its sockets are the parent's too, so it must
                // be neither used nor dropped here (dropping deregisters the
                // parent's sockets)
                if let Some(parents) = slot.take() {
                    std::mem::forget(parents);
                }
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Transport {
                    message: format!("could not start this thread's runtime: {e}"),
                    source: None,
                })?;
            let local = Rc::new(Local {
                generation,
                runtime: Some(runtime),
                clients: RefCell::new(Vec::new()),
                last_ran: Cell::new(None),
            });
            *slot = Some(local.clone());
            Ok(local)
        })
        .map_err(|_| exiting())?
}

fn exiting() -> Error {
    Error::Transport {
        message: "this thread is exiting: it can no longer send requests".into(),
        source: None,
    }
}

impl Drop for Local {
    /// When the thread exits: the runtime stops without waiting for
    /// anything it runs on other threads (a name lookup a cancelled request
    /// left behind), so a thread's exit never blocks on the SDK.
    fn drop(&mut self) {
        // the clients first: their connections close with the runtime there
        self.clients.get_mut().clear();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs `future` to completion on the calling thread, which does the I/O
/// itself: see the [module docs](self).
///
/// It is an [`Error::InvalidInput`] to call this from inside an async
/// runtime, including from code `future` itself runs (a nested call would
/// stall the outer one); an [`Error::Transport`] when the thread's runtime
/// cannot start.
///
/// ```
/// // the emulator serves from the shared runtime; the calls block here
/// let emulator = versori::fork::runtime()?.block_on(versori_emulator::Emulator::start())?;
/// let client = versori::Client::builder()
///     .base_url(emulator.base_url())
///     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
///     .api_key("vk_docs")
///     .build()?;
/// let body = serde_json::json!({"body": {"externalId": "customer-1"}});
/// let created = versori::blocking::block_on(client.call("CreateEndUser", body))??;
/// assert_eq!(created["externalId"], "customer-1");
/// // inside an async runtime it refuses rather than stall
/// let nested = versori::fork::runtime()?.block_on(async {
///     versori::blocking::block_on(async { 1 })
/// });
/// assert!(matches!(nested, Err(versori::Error::InvalidInput { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::invalid(
            "versori::blocking::block_on was called from inside an async runtime \
             (or from code a blocking call runs, such as a log handler); \
             await the future there instead",
        ));
    }
    let local = local()?;
    let _active = Active::enter(local.clone())?;
    let Some(runtime) = &local.runtime else {
        return Err(exiting());
    };
    let still = local
        .last_ran
        .get()
        .is_none_or(|t| t.elapsed() >= SETTLE_AFTER);
    let out = runtime.block_on(async {
        if still {
            settle().await;
        }
        future.await
    });
    local.last_ran.set(Some(Instant::now()));
    Ok(out)
}

/// Lets the thread's runtime take in what happened to its connections while
/// it was not running, before a request picks one from the pool: a server
/// that closed an idle connection (keep-alive timeouts of a few seconds are
/// common) must be seen to have, or the request is written to a closed
/// connection and fails after the server may have read it, which no retry
/// can then safely repeat. The first yield has the runtime poll its I/O
/// driver, which wakes each connection's task that has news; the second
/// lets those tasks run, and a closed connection leaves the pool. Only
/// after the runtime has been still for [`SETTLE_AFTER`]: the two yields
/// cost about 30 µs on a virtual machine, half a loopback call.
/// (`tests/blocking.rs::a_connection_the_server_closed_while_idle_is_not_written_to`
/// fails without it.)
async fn settle() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// Marks the thread's [`Local`] active for the length of a [`block_on`]
/// (and clears it on unwind too).
struct Active;

impl Active {
    fn enter(local: Rc<Local>) -> Result<Active, Error> {
        ACTIVE
            .try_with(|a| *a.borrow_mut() = Some(local))
            .map_err(|_| exiting())?;
        Ok(Active)
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        // the thread may be exiting; nothing is left to clear then
        let _ = ACTIVE.try_with(|a| a.borrow_mut().take());
    }
}

/// Inside [`block_on`], this thread's client of the pool `pool` (made with
/// `build` on first use); None outside it, where the pool's shared client
/// is used.
pub(crate) fn thread_client(
    pool: &Arc<()>,
    build: impl FnOnce() -> reqwest::Result<reqwest::Client>,
) -> Option<reqwest::Result<reqwest::Client>> {
    let local = ACTIVE.try_with(|a| a.borrow().clone()).ok()??;
    let mut clients = local.clients.borrow_mut();
    // the clients of pools that are gone go first: their connections' tasks
    // then see them gone and close, while this call runs the runtime
    clients.retain(|(k, _)| k.strong_count() > 0);
    let key = Arc::downgrade(pool);
    if let Some((_, client)) = clients.iter().find(|(k, _)| k.ptr_eq(&key)) {
        return Some(Ok(client.clone()));
    }
    Some(build().inspect(|client| clients.push((key, client.clone()))))
}

/// Whether the calling thread is inside [`block_on`].
pub(crate) fn active() -> bool {
    ACTIVE.try_with(|a| a.borrow().is_some()).unwrap_or(false)
}
