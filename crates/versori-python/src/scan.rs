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
            // strings in API bodies are short: a plain loop beats memchr's
            // set-up here
            let rest = self.text.get(self.at..)?;
            self.at += rest.iter().position(|&b| b == b'"' || b == b'\\')?;
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
            let value = self.value()?;
            field(key, value)?;
            if self.eat(b'}') {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
        }
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
