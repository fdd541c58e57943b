//! Path parameters that hold a slash-separated path (a KV key such as
//! `orders/1042`, marked `x-versori-path-segments` in the spec), put on the
//! wire as the platform's official client puts them: every segment
//! percent-escaped on its own, the `/` between segments left as it is. The
//! key `["orders", "1042"]` travels as `/store/{store}/kv/orders/1042`, never
//! as `orders%2F1042`, which a server routing on the raw path reads as a
//! different key.
//!
//! The generated client's builders, the facade's generic call (and through
//! it Python and C) all build these parameters here, so every path sends the
//! same bytes.
//!
//! ```
//! use versori_core::path;
//!
//! assert_eq!(path::encode("key", "orders/1042")?, "orders/1042");
//! assert_eq!(path::encode("key", "caf\u{e9} menu/50%?#")?, "caf%C3%A9%20menu/50%25%3F%23");
//! assert_eq!(path::encode_segments("key", ["a", "b c"])?, "a/b%20c");
//! // what cannot travel is refused, naming the parameter and the segment
//! assert!(path::encode("key", "orders//1042").unwrap_err().contains("empty"));
//! assert!(path::encode_segments("key", ["10/42"]).unwrap_err().contains("\"10/42\""));
//! # Ok::<(), String>(())
//! ```

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a segment leaves unescaped: letters, digits, `-._~` and the
/// sub-delimiters `$&+,:;=@` (the set Go's `net/url` keeps in a path, which
/// the official client is built on). Everything else, including `/`, `%`,
/// `?`, `#`, `\`, spaces, controls and every non-ASCII byte, is escaped.
pub const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b',')
    .remove(b':')
    .remove(b';')
    .remove(b'=')
    .remove(b'@');

/// A path value (`orders/1042`) split at its slashes, each segment escaped
/// with [`SEGMENT`] and joined again with `/`.
///
/// `name` is the parameter's name, for the message when the value cannot
/// travel: it is empty, has an empty segment (`a//b`, `/a`, `a/`), or has a
/// `.` or `..` segment (URLs resolve those as steps in the path, so the
/// server would see another key).
///
/// ```
/// assert_eq!(versori_core::path::encode("key", "products/123")?, "products/123");
/// assert!(versori_core::path::encode("key", "a/../b").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn encode(name: &str, value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err(format!("`{name}` must not be empty"));
    }
    let mut out = String::with_capacity(value.len() + 8);
    for (i, segment) in value.split('/').enumerate() {
        check(name, value, i, segment)?;
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, SEGMENT));
    }
    Ok(out)
}

/// Segments given one by one (`["orders", "1042"]`), escaped with
/// [`SEGMENT`] and joined with `/`. A segment that itself contains `/` is
/// refused (the slash would split it in two on the wire), as are the cases
/// [`encode`] refuses.
///
/// ```
/// use versori_core::path::encode_segments;
///
/// assert_eq!(encode_segments("key", ["orders", "10 42"])?, "orders/10%2042");
/// let err = encode_segments("key", ["orders", "10/42"]).unwrap_err();
/// assert!(err.contains("segment 2"), "{err}");
/// # Ok::<(), String>(())
/// ```
pub fn encode_segments<I, S>(name: &str, segments: I) -> Result<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    let mut count = 0;
    for (i, segment) in segments.into_iter().enumerate() {
        let segment = segment.as_ref();
        if segment.contains('/') {
            return Err(format!(
                "`{name}` segment {} {segment:?} contains '/', which separates segments on the wire; \
                 give each part as a segment of its own",
                i + 1
            ));
        }
        check(name, segment, i, segment)?;
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, SEGMENT));
        count += 1;
    }
    if count == 0 {
        return Err(format!("`{name}` needs at least one segment"));
    }
    Ok(out)
}

/// Refuses a segment that cannot travel as itself.
fn check(name: &str, whole: &str, index: usize, segment: &str) -> Result<(), String> {
    match segment {
        "" => Err(format!(
            "`{name}` {whole:?} has an empty segment (segment {}): segments are separated by '/' \
             and each needs at least one character",
            index + 1
        )),
        "." | ".." => Err(format!(
            "`{name}` {whole:?}: segment {} is {segment:?}, which URLs resolve as a step in the \
             path, so it cannot travel as a key segment",
            index + 1
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_two_and_five_segments_keep_their_slashes() {
        assert_eq!(encode("key", "orders").as_deref(), Ok("orders"));
        assert_eq!(encode("key", "orders/1042").as_deref(), Ok("orders/1042"));
        assert_eq!(encode("key", "a/b/c/d/e").as_deref(), Ok("a/b/c/d/e"));
        assert_eq!(
            encode_segments("key", ["a", "b", "c", "d", "e"]).as_deref(),
            Ok("a/b/c/d/e")
        );
    }

    #[test]
    fn segments_are_escaped_as_the_official_client_escapes_them() {
        assert_eq!(
            encode("key", "a b/100%/what?/#tag/\u{2713}").as_deref(),
            Ok("a%20b/100%25/what%3F/%23tag/%E2%9C%93")
        );
        // kept as they are, as Go's net/url keeps them in a path
        assert_eq!(
            encode("key", "A-z_0.9~$&+,:;=@").as_deref(),
            Ok("A-z_0.9~$&+,:;=@")
        );
        // escaped: a backslash would otherwise become a '/' in a URL parser
        assert_eq!(
            encode("key", "a\\b\"<>`{}|^[]!*'()").as_deref(),
            Ok("a%5Cb%22%3C%3E%60%7B%7D%7C%5E%5B%5D%21%2A%27%28%29")
        );
        assert_eq!(encode("key", "tab\there").as_deref(), Ok("tab%09here"));
        assert_eq!(encode("key", "%2F").as_deref(), Ok("%252F"));
    }

    #[test]
    fn what_cannot_travel_is_refused_by_name() {
        for bad in ["", "/a", "a/", "a//b", "a/./b", "..", "a/.."] {
            let err = encode("key", bad).expect_err(bad);
            assert!(err.starts_with("`key`"), "{err}");
        }
        assert!(encode_segments("key", Vec::<String>::new()).is_err());
        assert!(encode_segments("key", [""]).is_err());
        let err = encode_segments("key", ["ok", "a/b"]).expect_err("slash");
        assert!(
            err.contains("segment 2") && err.contains("\"a/b\""),
            "{err}"
        );
        // a dot inside a segment is fine
        assert_eq!(encode("key", "v1.2/..x").as_deref(), Ok("v1.2/..x"));
    }
}
