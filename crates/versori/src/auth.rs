//! Credentials: API keys, static JWTs, and signing keys that mint a JWT per
//! end user (see the platform's authentication facts in the README).

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header::HeaderValue;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::fork::ForkLocal;
use crate::secret::Secret;

/// Lifetime of a minted token, as the platform documents it.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// A cached token is replaced this long before it expires, so a request
/// never carries a token that expires in flight.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// How the client authenticates.
///
/// ```
/// use versori::{Credentials, Secret};
///
/// let api_key = Credentials::ApiKey(Secret::new("vk_123"));
/// let jwt = Credentials::Jwt(Secret::new("eyJ..."));
/// assert_eq!(format!("{api_key:?}"), "ApiKey(Secret(<redacted>))");
/// # let _ = jwt;
/// ```
#[derive(Clone, Debug)]
pub enum Credentials {
    /// An organisation API key, sent as `Authorization: Bearer <key>`.
    ApiKey(Secret),
    /// A ready-made JWT, sent as `Authorization: JWT <token>`.
    Jwt(Secret),
    /// A signing key that mints a short-lived JWT for the end user the client
    /// acts as (see [`crate::Client::acting_as`]).
    SigningKey(Arc<SigningKey>),
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    iat: u64,
    exp: u64,
}

struct Cached {
    token: Secret,
    expires: SystemTime,
}

/// An organisation's signing key: mints RS256 JWTs for end users
/// (`iss = https://versori.com/sk/<key id>`, `sub` = the end user's
/// externalId, valid for one hour), caching one token per end user and
/// minting a fresh one shortly before it expires.
///
/// ```no_run
/// use versori::SigningKey;
///
/// let key = SigningKey::from_pem_file("01J8ZQ4N7G3Y5B2K9T6W1XSKEY", "signing-key.pem")?;
/// let token = key.token_for("customer-123")?;
/// # Ok::<(), versori::Error>(())
/// ```
pub struct SigningKey {
    key_id: String,
    issuer: String,
    key: EncodingKey,
    /// One token per end user; a process made by `fork` starts its own
    /// (the parent's lock may have been held by a thread the child lacks).
    cache: ForkLocal<Mutex<HashMap<String, Cached>>>,
    clock: fn() -> SystemTime,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl SigningKey {
    /// A signing key from its id and its PEM private key (PKCS #8, as the
    /// platform hands it out, or PKCS #1).
    ///
    /// Text around the key is allowed: a UTF-8 byte-order mark, the
    /// `Bag Attributes` lines `openssl pkcs12 -nodes` writes, certificates
    /// before or after it. An error never contains the key.
    ///
    /// ```
    /// use versori::SigningKey;
    ///
    /// let err = SigningKey::from_pem("01J8ZQ4N7G3Y5B2K9T6W1XSKEY", b"MIIEvQIBADANBg").unwrap_err();
    /// assert!(err.to_string().contains("no -----BEGIN"));
    /// assert!(!err.to_string().contains("MIIEvQ"));
    /// ```
    pub fn from_pem(key_id: impl Into<String>, pem: &[u8]) -> Result<Self> {
        let key_id = key_id.into();
        if key_id.trim().is_empty() {
            return Err(Error::Auth {
                message: "the signing key id is empty".into(),
            });
        }
        let block = private_key_block(pem)?;
        let key = EncodingKey::from_rsa_pem(block.as_bytes()).map_err(|e| Error::Auth {
            message: format!("the signing key is not a usable RSA private key in PEM form: {e}"),
        })?;
        Ok(SigningKey {
            issuer: format!("https://versori.com/sk/{key_id}"),
            key_id,
            key,
            cache: ForkLocal::new(),
            clock: SystemTime::now,
        })
    }

    /// A signing key read from a PEM file.
    ///
    /// An error names the path, unless no file is there and the path looks
    /// like key material (base64, PEM armour, several lines): a key given
    /// where a path was expected is never echoed.
    pub fn from_pem_file(key_id: impl Into<String>, path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| Error::Auth {
            message: match path.to_str() {
                Some(text) if !path.exists() && looks_like_key_material(text) => format!(
                    "cannot read the signing key file: {e}; the path given looks like key \
                     material rather than a path, so it is not shown"
                ),
                _ => format!("cannot read the signing key file {}: {e}", path.display()),
            },
        })?;
        Self::from_pem(key_id, &pem)
    }

    /// A signing key from `value`, which is either the PEM text itself or
    /// the path of a PEM file: text holding a `-----BEGIN` line is PEM (see
    /// [`SigningKey::from_pem`]), an existing file is read, and anything
    /// else is a path whose file is missing, named in the error, unless it
    /// looks like key material: several lines, JSON, PEM armour (`-----`,
    /// `PRIVATE KEY`), or a run of base64 of 16 characters or more that is
    /// not a path into an existing folder. Such a value is refused without
    /// being echoed.
    ///
    /// ```
    /// use versori::SigningKey;
    ///
    /// let err = SigningKey::from_pem_or_path("k1", "/etc/versori/missing.pem").unwrap_err();
    /// assert!(err.to_string().contains("/etc/versori/missing.pem"));
    ///
    /// let der_base64 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vx1rYHM9kqTyf3";
    /// let err = SigningKey::from_pem_or_path("k1", der_base64).unwrap_err();
    /// assert!(!err.to_string().contains(der_base64));
    /// // a fragment of one, too
    /// let err = SigningKey::from_pem_or_path("k1", "kqTyf3+Vx1rYHM9k").unwrap_err();
    /// assert!(!err.to_string().contains("kqTyf3+Vx1rYHM9k"));
    /// ```
    pub fn from_pem_or_path(key_id: impl Into<String>, value: &str) -> Result<Self> {
        if value.contains("-----BEGIN") {
            return Self::from_pem(key_id, value.as_bytes());
        }
        if !Path::new(value).exists() && looks_like_key_material(value) {
            return Err(Error::Auth {
                message: "the signing key is neither PEM text (it has no -----BEGIN line) nor \
                          the path of an existing file, and it looks like key material, so its \
                          value is not shown"
                    .into(),
            });
        }
        Self::from_pem_file(key_id, value)
    }

    /// The key's id.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    #[cfg(test)]
    pub(crate) fn with_clock(mut self, clock: fn() -> SystemTime) -> Self {
        self.clock = clock;
        self
    }

    /// The cached token for `subject`, if one was minted (never mints).
    pub(crate) fn cached_token(&self, subject: &str) -> Option<String> {
        let cache = self.cache.get_or_init(Default::default).lock().ok()?;
        cache.get(subject).map(|c| c.token.expose().to_string())
    }

    /// A valid token for `subject` (an end user's externalId): the cached one
    /// while it has more than [`REFRESH_MARGIN`] left, otherwise a new one.
    pub fn token_for(&self, subject: &str) -> Result<String> {
        if subject.trim().is_empty() {
            return Err(Error::Auth {
                message: "cannot mint a token for an empty subject (end user externalId)".into(),
            });
        }
        let now = (self.clock)();
        let mut cache = self
            .cache
            .get_or_init(Default::default)
            .lock()
            .map_err(|_| Error::Auth {
                message: "the token cache was poisoned by a panic".into(),
            })?;
        if let Some(c) = cache.get(subject) {
            if c.expires > now + REFRESH_MARGIN {
                return Ok(c.token.expose().to_string());
            }
        }
        let iat = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::Auth {
                message: "the system clock is before 1970".into(),
            })?
            .as_secs();
        let claims = Claims {
            iss: &self.issuer,
            sub: subject,
            iat,
            exp: iat + TOKEN_LIFETIME.as_secs(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| Error::Auth {
                message: format!("signing a token for {subject:?} failed: {e}"),
            })?;
        cache.insert(
            subject.to_string(),
            Cached {
                token: Secret::new(token.clone()),
                expires: now + TOKEN_LIFETIME,
            },
        );
        Ok(token)
    }
}

/// The private key's PEM block in `pem` (a UTF-8 BOM, attribute lines and
/// other blocks around it are skipped). Errors name what was found, never
/// the content.
fn private_key_block(pem: &[u8]) -> Result<&str> {
    let refuse = |message: String| Err(Error::Auth { message });
    let Ok(text) = std::str::from_utf8(pem) else {
        return refuse("the signing key is not PEM text (it is not even UTF-8 text)".into());
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(begin) = rest.find("-----BEGIN ") {
        let after = &rest[begin + "-----BEGIN ".len()..];
        let Some(close) = after.find("-----") else {
            break;
        };
        let label = &after[..close];
        if label.ends_with("PRIVATE KEY") && !label.contains("ENCRYPTED") {
            let end_line = format!("-----END {label}-----");
            let Some(end) = after.find(&end_line) else {
                return refuse(format!(
                    "the signing key's PEM block ({label}) has no -----END line: the text is cut short"
                ));
            };
            let start = text.len() - rest.len() + begin;
            let stop = text.len() - after.len() + end + end_line.len();
            return Ok(&text[start..stop]);
        }
        labels.push(
            label
                .chars()
                .filter(|c| c.is_ascii_uppercase() || *c == ' ')
                .collect::<String>(),
        );
        rest = &after[close..];
    }
    if labels.iter().any(|l| l.contains("ENCRYPTED")) {
        return refuse(
            "the signing key is encrypted; decrypt it first (for example with \
             `openssl pkcs8 -in key.pem -out plain.pem`)"
                .into(),
        );
    }
    if labels.is_empty() {
        return refuse("the signing key is not PEM text: it has no -----BEGIN line".into());
    }
    refuse(format!(
        "the signing key's PEM text holds no private key (found {})",
        labels.join(", ")
    ))
}

/// Whether a signing-key value that is not PEM (nor an existing file) looks
/// like key material rather than a path: several lines, JSON, more than a
/// path's length, PEM armour (`-----`, `PRIVATE KEY`), or a run of 16 or
/// more base64 characters (either alphabet) that is not a path into an
/// existing folder (`keys/signing` when `keys/` exists). Such a value is
/// never echoed in an error.
fn looks_like_key_material(value: &str) -> bool {
    let v = value.trim();
    let base64 = v.len() >= 16
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    v.contains(['\n', '\r'])
        || v.starts_with('{')
        || v.len() > 1024
        || v.contains("-----")
        || v.contains("PRIVATE KEY")
        || (base64 && !in_existing_folder(v))
}

/// Whether `v` names an entry of a folder that exists, other than the root
/// or the current one (`/etc/versori/key` when `/etc/versori` exists): a
/// path to a missing file rather than a fragment of base64, which a `/` can
/// be part of.
fn in_existing_folder(v: &str) -> bool {
    Path::new(v).parent().is_some_and(|folder| {
        folder
            .components()
            .any(|c| matches!(c, std::path::Component::Normal(_)))
            && folder.is_dir()
    })
}

impl Credentials {
    /// The `Authorization` header value, marked sensitive so that no
    /// formatting of the request shows it.
    pub(crate) fn header(&self, subject: Option<&str>) -> Result<HeaderValue> {
        let value = match self {
            Credentials::ApiKey(key) => format!("Bearer {}", key.expose()),
            Credentials::Jwt(token) => format!("JWT {}", token.expose()),
            Credentials::SigningKey(key) => {
                let subject = subject.ok_or_else(|| Error::Auth {
                    message: "signing-key credentials need an end user: call acting_as(external_id) or set VERSORI_SUBJECT".into(),
                })?;
                format!("JWT {}", key.token_for(subject)?)
            }
        };
        let mut header = HeaderValue::from_str(&value).map_err(|_| Error::Auth {
            message: "the credential contains characters that cannot go in an HTTP header".into(),
        })?;
        header.set_sensitive(true);
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    const PEM: &[u8] = include_bytes!("../tests/fixtures/test-signing-key.pem");

    static NOW: AtomicU64 = AtomicU64::new(1_800_000_000);

    fn fake_now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW.load(Ordering::SeqCst))
    }

    fn claims(token: &str) -> serde_json::Value {
        let payload = token.split('.').nth(1).expect("payload");
        let bytes = base64_url_decode(payload);
        serde_json::from_slice(&bytes).expect("json claims")
    }

    /// Minimal base64url decoding for reading test tokens' claims.
    fn base64_url_decode(input: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in input.bytes() {
            let v = ALPHABET.iter().position(|a| *a == c).expect("base64url") as u32;
            bits = (bits << 6) | v;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        out
    }

    #[test]
    fn tokens_are_cached_then_refreshed_before_they_expire() {
        let key = SigningKey::from_pem("k1", PEM)
            .expect("key")
            .with_clock(fake_now);
        let first = key.token_for("alice").expect("mints");
        let c = claims(&first);
        assert_eq!(c["iss"], "https://versori.com/sk/k1");
        assert_eq!(c["sub"], "alice");
        assert_eq!(c["exp"].as_u64(), c["iat"].as_u64().map(|i| i + 3600));

        // well inside the lifetime: the same token
        NOW.fetch_add(3600 - REFRESH_MARGIN.as_secs() - 10, Ordering::SeqCst);
        assert_eq!(key.token_for("alice").expect("cached"), first);

        // within the refresh margin: a new token with a later expiry
        NOW.fetch_add(20, Ordering::SeqCst);
        let second = key.token_for("alice").expect("refreshed");
        assert_ne!(second, first);
        assert!(claims(&second)["exp"].as_u64() > c["exp"].as_u64());
    }

    #[test]
    fn empty_subjects_and_key_ids_are_refused() {
        let key = SigningKey::from_pem("k1", PEM).expect("key");
        assert!(matches!(key.token_for(" "), Err(Error::Auth { .. })));
        assert!(matches!(
            SigningKey::from_pem("", PEM),
            Err(Error::Auth { .. })
        ));
        assert_eq!(
            format!("{key:?}"),
            "SigningKey { key_id: \"k1\", key: \"<redacted>\" }"
        );
    }
}
