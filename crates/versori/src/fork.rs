//! Processes made by `fork`: state that must not be shared with the parent.
//!
//! After `fork()` the child has a copy of the parent's memory but only the
//! thread that called `fork`. A connection pool copied that way holds the
//! parent's sockets (two processes writing on one TCP stream corrupt both),
//! and an async runtime copied that way has no worker threads (anything
//! spawned on it waits forever). [`ForkLocal`] gives each process its own
//! value: a child that uses one gets a new value made on first use, and the
//! parent's copy is left untouched (never used, never dropped) in the
//! child. The SDK keeps its connection pools and token caches in them, and
//! the Python and C bindings their runtimes, so a client created before a
//! `fork` (gunicorn `--preload`, celery's prefork pool, multiprocessing's
//! `fork` start method) just works in the child, and the parent is not
//! disturbed.
//!
//! Forks are noticed through `pthread_atfork`: a child handler increments
//! [`generation`], which costs nothing on the request path (one atomic load,
//! no `getpid` system call).

use std::marker::PhantomData;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Once;

/// How many `fork`s separate this process from the one that first used the
/// SDK (0 in that process, 1 in its children, ...).
static GENERATION: AtomicU64 = AtomicU64::new(0);

static REGISTER: Once = Once::new();

/// The handler `fork` runs in the child: an atomic increment, which is
/// async-signal-safe as a child handler must be.
#[cfg(unix)]
extern "C" fn forked_child() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

fn register() {
    REGISTER.call_once(|| {
        #[cfg(unix)]
        {
            // SAFETY: `forked_child` is an `extern "C" fn()` that only
            // performs an atomic increment; the other two handlers are
            // absent, which pthread_atfork allows. Registration happens once.
            let rc = unsafe { libc::pthread_atfork(None, None, Some(forked_child)) };
            if rc != 0 {
                // without the handler a child cannot be told from its parent;
                // nothing better can be done than to say so
                tracing::warn!(rc, "pthread_atfork failed: clients will not notice a fork");
            }
        }
    });
}

/// The fork generation of this process: 0 in the process that first used
/// the SDK, one more in each child made by `fork` after that.
///
/// ```
/// // no fork has happened in this test process
/// assert_eq!(versori::fork::generation(), 0);
/// ```
pub fn generation() -> u64 {
    register();
    GENERATION.load(Ordering::Acquire)
}

static RUNTIME: ForkLocal<Result<tokio::runtime::Runtime, String>> = ForkLocal::new();

/// The process's multi-thread Tokio runtime, for code that blocks on the
/// SDK from outside async Rust (the C library and the Python package share
/// it): started on first use, and again on first use in a child made by
/// `fork`, since the parent's runtime has no threads there. The error says
/// why its threads could not start.
///
/// ```
/// let rt = versori::fork::runtime()?;
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// // one runtime per process
/// assert!(std::ptr::eq(rt, versori::fork::runtime()?));
/// # Ok::<(), &str>(())
/// ```
pub fn runtime() -> Result<&'static tokio::runtime::Runtime, &'static str> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("versori-runtime")
                .build()
                .map_err(|e| format!("could not start the runtime's threads: {e}"))
        })
        .as_ref()
        .map_err(String::as_str)
}

struct Slot<T> {
    generation: u64,
    value: T,
    /// The value of an ancestor process, kept (never used, never dropped):
    /// dropping it would act on the ancestor's sockets and threads.
    previous: *mut Slot<T>,
}

/// A value of which each process has its own (see the [module
/// docs](self)): [`ForkLocal::get_or_init`] returns the value made in this
/// process, making it on first use, so a child made by `fork` makes its own
/// rather than using its parent's.
///
/// In a child, the parent's value is kept but neither used nor dropped (it
/// may own threads that do not exist in the child, or sockets the parent is
/// still using), so each fork leaves one value's memory behind in the child.
///
/// ```
/// use versori::fork::ForkLocal;
///
/// static POOL: ForkLocal<Vec<u8>> = ForkLocal::new();
/// let pool = POOL.get_or_init(|| Vec::with_capacity(16));
/// assert_eq!(pool.capacity(), 16);
/// // the same value until the process forks
/// assert!(std::ptr::eq(pool, POOL.get_or_init(Vec::new)));
/// ```
pub struct ForkLocal<T> {
    current: AtomicPtr<Slot<T>>,
    _owns: PhantomData<Box<Slot<T>>>,
}

// SAFETY: the slots are only reached through `&T` (shared by threads, hence
// `T: Sync`) and are made and freed by whichever thread happens to (hence
// `T: Send`); the pointer itself is atomic.
unsafe impl<T: Send + Sync> Sync for ForkLocal<T> {}
// SAFETY: as above; moving the `ForkLocal` moves ownership of its slots.
unsafe impl<T: Send> Send for ForkLocal<T> {}

impl<T> Default for ForkLocal<T> {
    fn default() -> Self {
        ForkLocal::new()
    }
}

impl<T> ForkLocal<T> {
    /// An empty cell; the value is made by the first `get_or_init`.
    pub const fn new() -> Self {
        ForkLocal {
            current: AtomicPtr::new(ptr::null_mut()),
            _owns: PhantomData,
        }
    }

    /// A cell holding `value` for this process.
    ///
    /// ```
    /// let cell = versori::fork::ForkLocal::with_value(7);
    /// assert_eq!(*cell.get_or_init(|| 0), 7);
    /// ```
    pub fn with_value(value: T) -> Self {
        let slot = Box::new(Slot {
            generation: generation(),
            value,
            previous: ptr::null_mut(),
        });
        ForkLocal {
            current: AtomicPtr::new(Box::into_raw(slot)),
            _owns: PhantomData,
        }
    }

    /// This process's value, made by `make` if there is none yet (first
    /// use, or first use after a `fork`).
    pub fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        match self.get_or_try_init(|| Ok::<T, std::convert::Infallible>(make())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// As [`ForkLocal::get_or_init`], for a `make` that can fail (its error
    /// is returned, and a later call tries again).
    ///
    /// ```
    /// let cell = versori::fork::ForkLocal::<u8>::new();
    /// assert!(cell.get_or_try_init(|| "300".parse::<u8>()).is_err());
    /// assert_eq!(cell.get_or_try_init(|| "30".parse::<u8>()), Ok(&30));
    /// ```
    pub fn get_or_try_init<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<&T, E> {
        let now = generation();
        let seen = self.current.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Box::into_raw` below and its
        // slot is freed only by `Drop`, which needs `&mut self`.
        if let Some(slot) = unsafe { seen.as_ref() } {
            if slot.generation == now {
                return Ok(&slot.value);
            }
        }
        let fresh = Box::into_raw(Box::new(Slot {
            generation: now,
            value: make()?,
            previous: seen,
        }));
        let mut expected = seen;
        loop {
            match self.current.compare_exchange(
                expected,
                fresh,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                // SAFETY: `fresh` is now owned by `self` and lives as long as it.
                Ok(_) => return Ok(unsafe { &(*fresh).value }),
                Err(winner) => {
                    // SAFETY: as for `seen` above.
                    if let Some(slot) = unsafe { winner.as_ref() } {
                        if slot.generation == now {
                            // another thread of this process got there first:
                            // use its value and drop ours, which nobody has seen
                            // SAFETY: `fresh` came from `Box::into_raw` and was
                            // never shared.
                            drop(unsafe { Box::from_raw(fresh) });
                            return Ok(&slot.value);
                        }
                    }
                    // an older process's value was put there meanwhile (a
                    // process's generation never changes once its code runs,
                    // so this is only defensive): chain it and try again
                    // SAFETY: `fresh` is still ours alone.
                    unsafe { (*fresh).previous = winner };
                    expected = winner;
                }
            }
        }
    }
}

impl<T> Drop for ForkLocal<T> {
    fn drop(&mut self) {
        let now = generation();
        let mut next = *self.current.get_mut();
        while !next.is_null() {
            // SAFETY: every slot in the chain came from `Box::into_raw` and
            // is reachable only from here, and `&mut self` excludes readers.
            let slot = unsafe { Box::from_raw(next) };
            next = slot.previous;
            if slot.generation != now {
                // an ancestor's value: leave it alone (see the type's docs)
                std::mem::forget(slot);
            }
        }
    }
}

impl<T> std::fmt::Debug for ForkLocal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let current = self.current.load(Ordering::Acquire);
        // SAFETY: as in `get_or_try_init`.
        let generation = unsafe { current.as_ref() }.map(|s| s.generation);
        f.debug_struct("ForkLocal")
            .field("generation", &generation)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[test]
    fn one_value_per_process_generation() {
        let cell = ForkLocal::new();
        let made = AtomicUsize::new(0);
        let make = || {
            made.fetch_add(1, Ordering::SeqCst);
            vec![1u8]
        };
        let first: *const Vec<u8> = cell.get_or_init(make);
        let again: *const Vec<u8> = cell.get_or_init(make);
        assert_eq!(first, again);
        assert_eq!(made.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn racing_threads_share_one_value() {
        let cell = Arc::new(ForkLocal::<usize>::new());
        let seen: Vec<usize> = (0..8)
            .map(|i| {
                let cell = cell.clone();
                std::thread::spawn(move || *cell.get_or_init(|| i))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap_or(usize::MAX))
            .collect();
        assert!(seen.iter().all(|v| *v == seen[0]), "{seen:?}");
    }

    #[test]
    fn a_failed_make_is_retried() {
        let cell = ForkLocal::<u32>::new();
        assert_eq!(cell.get_or_try_init(|| Err::<u32, _>("no")), Err("no"));
        assert_eq!(cell.get_or_try_init(|| Ok::<_, &str>(5)), Ok(&5));
    }
}
