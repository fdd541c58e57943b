//! Secrets that never show up in `Debug`, `Display`, logs or errors.

use std::fmt;

/// A credential (API key, token). Its `Debug` output is redacted and it has
/// no `Display`, so it cannot leak through formatting by accident.
///
/// ```
/// let key = versori::Secret::new("sk_live_123");
/// assert_eq!(format!("{key:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for building a request header.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

/// What replaces a credential in text the SDK keeps from a response.
pub(crate) const REDACTED: &str = "<redacted>";

/// Credentials shorter than this are not searched for verbatim (they would
/// match ordinary words); JWTs and `Bearer`/`JWT` values are still found.
const MIN_VERBATIM: usize = 8;

/// `text` with credentials replaced by `<redacted>`: the credential the
/// request carried (`sent`, the `Authorization` value without its scheme),
/// anything shaped like a JWT, and the value after `Bearer ` or `JWT ` (as
/// an echoed `Authorization` header shows it). Servers and the proxies in
/// front of them sometimes echo a request's credential in an error body;
/// this keeps it out of errors and logs.
///
/// Borrowed when there was nothing to replace, so the common case costs one
/// scan of the text and no allocation.
pub(crate) fn redact<'a>(text: &'a str, sent: Option<&str>) -> std::borrow::Cow<'a, str> {
    let sent = sent.filter(|s| s.len() >= MIN_VERBATIM);
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // the span to replace, [from, to)
        let hit = sent
            .filter(|s| bytes[i..].starts_with(s.as_bytes()))
            .map(|s| (i, i + s.len()))
            .or_else(|| jwt_at(bytes, i).map(|end| (i, end)))
            .or_else(|| scheme_value_at(bytes, i));
        match hit {
            Some((from, to)) => {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..from]);
                o.push_str(REDACTED);
                copied = to;
                i = to;
            }
            None => i += 1,
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
}

fn base64url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=')
}

/// The end of a JWT (`eyJ<base64url>.<base64url>[.<base64url>]`) starting
/// at `i`, if one does (and starts a word).
fn jwt_at(bytes: &[u8], i: usize) -> Option<usize> {
    if !bytes[i..].starts_with(b"eyJ") || (i > 0 && base64url_byte(bytes[i - 1])) {
        return None;
    }
    let mut end = i;
    let mut dots = 0;
    while end < bytes.len() && (base64url_byte(bytes[end]) || bytes[end] == b'.') {
        dots += usize::from(bytes[end] == b'.');
        end += 1;
    }
    (dots >= 1 && end - i >= 16).then_some(end)
}

/// The credential after `Bearer ` or `JWT ` (any case) at `i`, as the
/// span `[start, end)` of the value (the scheme itself is kept, so the
/// text still says what was there), when it is at least [`MIN_VERBATIM`]
/// token characters long.
fn scheme_value_at(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    const SCHEMES: [&[u8]; 2] = [b"bearer ", b"jwt "];
    if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let scheme = SCHEMES
        .iter()
        .find(|s| bytes.len() >= i + s.len() && bytes[i..i + s.len()].eq_ignore_ascii_case(s))?;
    let start = i + scheme.len();
    let end = start
        + bytes[start..]
            .iter()
            .take_while(|b| token_byte(**b))
            .count();
    (end - start >= MIN_VERBATIM).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sent_credential_is_redacted() {
        assert_eq!(
            redact("bad key vk_live_secret_1 given", Some("vk_live_secret_1")),
            "bad key <redacted> given"
        );
    }

    #[test]
    fn jwts_and_scheme_values_are_redacted_without_knowing_them() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        assert_eq!(
            redact(&format!("token {jwt}, again"), None),
            "token <redacted>, again"
        );
        assert_eq!(
            redact("Authorization: Bearer vk_abcdefgh123", None),
            "Authorization: Bearer <redacted>"
        );
        assert_eq!(
            redact(r#"{"authorization":"JWT abc.def.ghijkl"}"#, None),
            r#"{"authorization":"JWT <redacted>"}"#
        );
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "the bearer of bad news; a JWT is required";
        assert!(matches!(
            redact(text, Some("short")),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(redact(text, None), std::borrow::Cow::Borrowed(_)));
    }
}
