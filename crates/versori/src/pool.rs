//! The HTTP client requests are sent with, one per process: a child made by
//! `fork` builds its own (see [`crate::fork`]) instead of writing on the
//! parent's pooled connections; and one per thread inside
//! [`crate::blocking::block_on`], whose connections belong to that thread's
//! runtime.

use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::fork::ForkLocal;

/// How the facade builds its HTTP client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Option<Duration>,
}

impl HttpSettings {
    /// A reqwest client with these settings and the SDK's policies: no
    /// redirects followed (see [`Error::Redirect`](crate::Error::Redirect))
    /// and no retries of reqwest's own (the transport retries).
    pub(crate) fn build(&self) -> reqwest::Result<reqwest::Client> {
        // retries are ours (transport.rs); reqwest's own layer would only
        // retry HTTP/2 refusals (HTTP/2 is not built in), yet it copies
        // every request to be ready for one
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never().max_retries_per_request(0));
        if let Some(t) = self.request_timeout {
            builder = builder.timeout(t);
        }
        builder.build()
    }
}

/// Where a client's requests are sent from.
#[derive(Debug)]
pub(crate) enum Pool {
    /// A client the facade built: rebuilt with the same settings in a
    /// process made by `fork`.
    Own {
        settings: HttpSettings,
        clients: ForkLocal<reqwest::Client>,
        /// The pool's identity, for the per-thread clients of
        /// [`crate::blocking`].
        id: Arc<()>,
    },
    /// A client the caller supplied (`ClientBuilder::http_client`), used as
    /// given in every process.
    Given(reqwest::Client),
}

impl Pool {
    /// A pool holding `client`, built from `settings`.
    pub(crate) fn own(settings: HttpSettings, client: reqwest::Client) -> Pool {
        Pool::Own {
            settings,
            clients: ForkLocal::with_value(client),
            id: Arc::new(()),
        }
    }

    /// The client for a request sent from here: this thread's inside
    /// [`crate::blocking::block_on`], else this process's.
    pub(crate) fn client(&self) -> reqwest::Result<reqwest::Client> {
        match self {
            Pool::Own {
                settings,
                clients,
                id,
            } => match crate::blocking::thread_client(id, || settings.build()) {
                Some(client) => client,
                None => clients.get_or_try_init(|| settings.build()).cloned(),
            },
            Pool::Given(client) => Ok(client.clone()),
        }
    }

    /// Whether requests may be sent from here. A client the caller gave
    /// cannot be copied per thread, so it is refused inside
    /// [`crate::blocking::block_on`]: its connections would be shared by
    /// threads' runtimes, and a request could wait on a thread that is not
    /// running.
    pub(crate) fn usable_here(&self) -> Result<(), Error> {
        match self {
            Pool::Given(_) if crate::blocking::active() => Err(Error::invalid(
                "a client built with ClientBuilder::http_client cannot be used from \
                 versori::blocking::block_on: await it in async Rust instead",
            )),
            _ => Ok(()),
        }
    }
}
