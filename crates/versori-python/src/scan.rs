//! Finds where things are in JSON text that serde_json has already checked.
//!
//! A response body is checked (with serde_json, the GIL released) when it
//! arrives; to find the fields of a listing's items later, the body is
//! walked again. serde_json's parser gives values but not their positions,
//! and parsing every item once more just to learn where its fields are
//! cost as much as the check itself, so this walks the checked text byte
//! by byte instead: it only follows strings, brackets and commas, and
//! validates nothing. Text that is not JSON reads as `None` (never a
//! panic), but only checked text is ever given to it.

use crate::item_fields::{ItemIndex, KeyText};

/// A position in checked JSON text.
pub(crate) struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
}

/// A string's place: the text between its quotes, and whether it has
/// escapes (then the text is not the string itself).
pub(crate) struct StrSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) escaped: bool,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Scanner { text, at: 0 }
    }

    /// The next byte that is not whitespace (not consumed).
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.text.get(self.at) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    /// Consumes `byte` (after whitespace) if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A string (the scanner is at its opening quote, after whitespace).
    fn string(&mut self) -> Option<StrSpan> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.at;
        let mut escaped = false;
        loop {
            let rest = self.text.get(self.at..)?;
            self.at += quote_or_backslash(rest)?;
            if self.text.get(self.at) == Some(&b'"') {
                break;
            }
            escaped = true;
            self.at += 2;
        }
        let end = self.at;
        self.at += 1;
        Some(StrSpan {
            start,
            end,
            escaped,
        })
    }

    /// Passes over one value, giving where it is.
    pub(crate) fn value(&mut self) -> Option<(usize, usize)> {
        let first = self.peek()?;
        let start = self.at;
        match first {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match *self.text.get(self.at)? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                // a number, true, false or null
                while let Some(&b) = self.text.get(self.at) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.at += 1;
                }
            }
        }
        Some((start, self.at))
    }

    /// The fields of an object (the scanner is at its `{`): calls `field`
    /// with each key and where its value is.
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(StrSpan, (usize, usize)) -> Option<()>,
    ) -> Option<()> {
        self.object_with(|scanner, key| {
            let value = scanner.value()?;
            field(key, value)
        })
    }

    /// The fields of an object (the scanner is at its `{`): calls `field`
    /// with the scanner at each value (after its key), which the call must
    /// pass over.
    pub(crate) fn object_with(
        &mut self,
        mut field: impl FnMut(&mut Self, StrSpan) -> Option<()>,
    ) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            field(self, key)?;
            if self.eat(b'}') {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// Where the scanner is (after whitespace).
    pub(crate) fn position(&mut self) -> usize {
        self.peek();
        self.at
    }

    /// Moves the scanner back to `at` (a position it gave).
    pub(crate) fn rewind(&mut self, at: usize) {
        self.at = at;
    }

    /// The items of an array (the scanner is at its `[`) when every one
    /// is an object: where each field of each is, offsets shifted by
    /// `base` (where this text starts in the body). None when an item is
    /// not an object.
    pub(crate) fn object_items(&mut self, base: usize) -> Option<ItemIndex> {
        if !self.eat(b'[') {
            return None;
        }
        let mut index = ItemIndex::default();
        if self.eat(b']') {
            return Some(index);
        }
        let text = self.text;
        loop {
            if self.peek() != Some(b'{') {
                return None;
            }
            index.start_item();
            self.object(|key, (start, end)| {
                let value = (base + start, base + end);
                if key.escaped {
                    let decoded = unescape(text, &key)?;
                    index.add(KeyText::Decoded(&decoded), value).ok()
                } else {
                    index
                        .add(KeyText::At(base + key.start, base + key.end), value)
                        .ok()
                }
            })?;
            if self.eat(b']') {
                return Some(index);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }
}

/// Where the first `"` or `\\` of `bytes` is. Strings in API bodies are
/// short (ids, names, dates), too short for memchr's vector set-up to pay
/// off, so this looks at 8 bytes at a time in a plain `u64`: a byte of the
/// word equals `c` where `word ^ c…c` has a zero byte, and the lowest flag
/// of the zero-byte test is always exact.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let mut at = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let found = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|i| at + i)
}

/// The string at `span` of `text`, its escapes decoded.
pub(crate) fn unescape(text: &[u8], span: &StrSpan) -> Option<String> {
    let quoted = text.get(span.start.checked_sub(1)?..span.end + 1)?;
    serde_json::from_slice(quoted).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        Scanner::new(text.as_bytes()).object(|key, (start, end)| {
            let key = unescape(text.as_bytes(), &key)?;
            out.push((key, text.get(start..end)?.to_owned()));
            Some(())
        })?;
        Some(out)
    }

    #[test]
    fn finds_every_field_of_an_object() {
        let text = r#" { "a" : 1.5e3 , "b\"c": "x\\\"]}y", "d": {"e": [1, {"f": "}"}]}, "g": [] ,"h":null} "#;
        let found = fields(text).expect("an object");
        let found: Vec<(&str, &str)> = found
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("a", "1.5e3"),
                ("b\"c", r#""x\\\"]}y""#),
                ("d", r#"{"e": [1, {"f": "}"}]}"#),
                ("g", "[]"),
                ("h", "null"),
            ]
        );
        assert_eq!(fields("{}"), Some(vec![]));
    }

    #[test]
    fn indexes_an_array_of_objects() {
        let text = r#"[{"id": "a", "n": 1}, {}, {"k\u0041": [true]}]"#;
        let index = Scanner::new(text.as_bytes())
            .object_items(0)
            .expect("objects");
        assert_eq!(index.len(), 3);
        let body = text.as_bytes();
        assert_eq!(index.get(body, 0, "id"), Ok(Some("\"a\"")));
        assert_eq!(index.get(body, 0, "n"), Ok(Some("1")));
        assert_eq!(index.get(body, 1, "id"), Ok(None));
        assert_eq!(index.get(body, 2, "kA"), Ok(Some("[true]")));
        let empty = Scanner::new(b" [ ] ").object_items(0).expect("empty");
        assert_eq!(empty.len(), 0);
    }

    #[test]
    fn finds_the_first_quote_or_backslash_at_any_offset() {
        for len in 0..40 {
            for at in 0..len {
                for c in [b'"', b'\\'] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = c;
                    // a later one must not win
                    if at + 1 < len {
                        bytes[at + 1] = b'"';
                    }
                    assert_eq!(quote_or_backslash(&bytes), Some(at), "{len} {at}");
                }
            }
            assert_eq!(quote_or_backslash(&vec![0xff_u8; len]), None);
            // bytes just around the searched ones (!, #, [, ]) are not matches
            assert_eq!(quote_or_backslash(&b"!#[]!#[]!#[]".repeat(3)), None);
        }
    }

    #[test]
    fn an_array_with_anything_but_objects_is_not_indexed() {
        assert!(Scanner::new(br#"[{"a": 1}, 2]"#).object_items(0).is_none());
        assert!(Scanner::new(br#"["a"]"#).object_items(0).is_none());
        assert!(Scanner::new(br#"{"a": 1}"#).object_items(0).is_none());
    }

    #[test]
    fn text_that_is_not_json_reads_as_none_without_panicking() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": [",
            "[{\"a\": \"x",
            "[{",
            "{\"a\" 1}",
            "[{\"a\": 1} {}]",
            "\"\\",
        ] {
            let mut scanner = Scanner::new(text.as_bytes());
            assert!(scanner.object_items(0).is_none(), "{text:?}");
            let _ = Scanner::new(text.as_bytes()).value();
            let _ = fields(text);
        }
    }
}
