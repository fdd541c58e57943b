//! The HTTP client requests are sent with, one per process: a child made by
//! `fork` builds its own (see [`crate::fork`]) instead of writing on the
//! parent's pooled connections.

use std::time::Duration;

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
        }
    }

    /// This process's client.
    pub(crate) fn client(&self) -> reqwest::Result<&reqwest::Client> {
        match self {
            Pool::Own { settings, clients } => clients.get_or_try_init(|| settings.build()),
            Pool::Given(client) => Ok(client),
        }
    }
}
