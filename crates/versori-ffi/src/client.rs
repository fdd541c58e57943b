//! Clients: `versori_client_new` / `versori_client_free`.

use std::ffi::c_char;
use std::time::Duration;

use versori::{ClientBuilder, ClientOptions, Credentials};

use crate::error::{boundary, Failure};
use crate::handle::{self, Handle};
use crate::runtime;
use crate::status::VersoriStatus;
use crate::strings::{check_out, opt_str};

/// A client of the Versori Platform API (opaque).
///
/// Thread-safe: one client may be used from any number of threads at once;
/// all clients share the library's runtime and each has its own connection
/// pool. A client survives `fork`: used in the child, it gets a runtime and
/// connection pool of its own there, and the parent's are left alone.
pub struct VersoriClient {
    pub(crate) client: versori::Client,
}

impl Handle for VersoriClient {
    const ARG: &'static str = "client";
}

/// How to build a client. Every pointer field may be NULL, meaning "from the
/// `VERSORI_*` environment" (`VERSORI_BASE_URL`, `VERSORI_ORG`,
/// `VERSORI_API_KEY`, `VERSORI_JWT`, `VERSORI_SIGNING_KEY` with
/// `VERSORI_SIGNING_KEY_ID`, `VERSORI_SUBJECT`); numeric fields of 0 mean
/// the default. A zero-initialised struct therefore configures everything
/// from the environment. Strings are only read during `versori_client_new`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VersoriClientOptions {
    /// The API's base URL (default: production, `https://platform.versori.com/api/v2`).
    pub base_url: *const c_char,
    /// The organisation operations default to.
    pub organisation: *const c_char,
    /// An API key (`Authorization: Bearer`). When this or `jwt` is set, no
    /// credential is taken from the environment.
    pub api_key: *const c_char,
    /// A JWT (`Authorization: JWT`); ignored when `api_key` is set.
    pub jwt: *const c_char,
    /// A product name prepended to the SDK's user agent.
    pub user_agent: *const c_char,
    /// Milliseconds one attempt may take, response included (0: 60 000).
    pub request_timeout_ms: u32,
    /// Milliseconds to wait for a connection (0: 10 000).
    pub connect_timeout_ms: u32,
    /// Retries after the first attempt on connection failures, timeouts and
    /// 408/429/502/503/504 (idempotent methods only). Negative: the default
    /// (2); 0: never retry.
    pub max_retries: i32,
    /// Non-zero: allow credentials over plain `http://` to hosts other than
    /// loopback (trusted networks only).
    pub allow_insecure_http: u8,
    /// The longest response body read, in bytes (0: 64 MiB). A longer body
    /// fails the call with `VERSORI_DECODE_ERROR` and a message naming the
    /// limit; reading stops there, so memory stays near it.
    pub max_response_bytes: u64,
}

const CREDENTIAL_VARS: [&str; 4] = [
    versori::env::API_KEY,
    versori::env::JWT,
    versori::env::SIGNING_KEY,
    versori::env::SIGNING_KEY_ID,
];

/// The facade client for `opts` (NULL: everything from the environment).
///
/// # Safety
/// `opts` is NULL or points to a valid options struct whose strings are NULL
/// or NUL-terminated.
pub(crate) unsafe fn build(opts: *const VersoriClientOptions) -> Result<versori::Client, Failure> {
    // SAFETY: NULL or valid by the caller's contract.
    let opts = unsafe { opts.as_ref() };
    let text = |ptr: Option<*const c_char>, name: &str| match ptr {
        // SAFETY: the struct's strings are NULL or NUL-terminated.
        Some(p) => unsafe { opt_str(p, name) },
        None => Ok(None),
    };
    let base_url = text(opts.map(|o| o.base_url), "opts->base_url")?;
    let organisation = text(opts.map(|o| o.organisation), "opts->organisation")?;
    let api_key = text(opts.map(|o| o.api_key), "opts->api_key")?;
    let jwt = text(opts.map(|o| o.jwt), "opts->jwt")?;
    let user_agent = text(opts.map(|o| o.user_agent), "opts->user_agent")?;

    let explicit_credentials = api_key.is_some() || jwt.is_some();
    let builder = ClientBuilder::from_lookup(|name| {
        if explicit_credentials && CREDENTIAL_VARS.contains(&name) {
            None
        } else {
            std::env::var(name).ok()
        }
    })?;
    // 0 (and a negative max_retries) mean the default
    let millis = |ms: u32| (ms > 0).then(|| Duration::from_millis(ms.into()));
    let options = ClientOptions {
        base_url: base_url.map(String::from),
        organisation: organisation.map(String::from),
        // the API key wins over the JWT
        credentials: api_key
            .map(|key| Credentials::ApiKey(key.into()))
            .or(jwt.map(|token| Credentials::Jwt(token.into()))),
        user_agent: user_agent.map(String::from),
        request_timeout: opts.and_then(|o| millis(o.request_timeout_ms)),
        connect_timeout: opts.and_then(|o| millis(o.connect_timeout_ms)),
        max_retries: opts.and_then(|o| u32::try_from(o.max_retries).ok()),
        allow_insecure_http: opts.is_some_and(|o| o.allow_insecure_http != 0),
        max_response_bytes: opts
            .map(|o| o.max_response_bytes)
            .filter(|&bytes| bytes > 0),
        ..ClientOptions::default()
    };
    let builder = builder.options(options);
    // building the HTTP client needs no runtime, but its pool lives in ours
    let _guard = runtime::runtime()?.enter();
    Ok(builder.build()?)
}

/// Creates a client.
///
/// `opts` may be NULL (everything from the environment). On success writes a
/// new client to `*out`; the caller owns it and frees it with
/// `versori_client_free`. Fails with `VERSORI_INVALID_ARGUMENT` (bad URL,
/// non-UTF-8 string, NULL `out`) or `VERSORI_AUTH_ERROR` (conflicting or
/// unreadable credentials in the environment).
///
/// Thread safety: may be called from any thread.
///
/// # Safety
/// `opts` is NULL or a valid options struct; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_client_new(
    opts: *const VersoriClientOptions,
    out: *mut *mut VersoriClient,
) -> VersoriStatus {
    boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded contract.
        let client = unsafe { build(opts) }?;
        // SAFETY: `out` is writable by the caller's contract.
        unsafe { handle::hand_out(out, VersoriClient { client }) }?;
        Ok(VersoriStatus::VERSORI_OK)
    })
}

/// Frees a client. NULL is allowed and ignored.
///
/// Pagers created from the client keep working after it is freed. The
/// client must not be in use by another thread while it is freed.
///
/// # Safety
/// `client` is NULL or a client from `versori_client_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn versori_client_free(client: *mut VersoriClient) {
    // SAFETY: forwarded contract.
    unsafe { handle::free(client) }
}
