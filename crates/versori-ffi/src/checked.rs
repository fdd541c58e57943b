//! The check every body handed to C passes: one JSON value, nested no
//! deeper than serde_json's limit (128), as the facade's own decoding and
//! the Python package refuse deeper ones. serde's `IgnoredAny` skips
//! values without that limit, so a body 100,000 deep would reach the C
//! program, whose own parser may not survive it.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One JSON value, walked through `deserialize_any` (so that the nesting
/// limit applies) and not kept.
pub(crate) struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i128<E>(self, _: i128) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<IgnoredAny, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// Checks that `text` is one JSON value within the nesting limit.
pub(crate) fn check(text: &[u8]) -> serde_json::Result<()> {
    serde_json::from_slice::<Checked>(text).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn json_values_pass_and_big_integers_with_them() {
        for text in [
            r#"{"a": [1, -2, 3.5, "x\u00e9", true, null, {}], "b": {"c": []}}"#,
            "1180591620717411303424",
            "[]",
            "\"s\"",
        ] {
            assert!(check(text.as_bytes()).is_ok(), "{text}");
        }
    }

    #[test]
    fn deep_nesting_and_bad_json_are_refused() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = check(deep.as_bytes()).expect_err("too deep");
        assert!(err.to_string().contains("recursion limit"), "{err}");
        let inside = format!(
            r#"{{"items": [1, {}{}]}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(check(inside.as_bytes()).is_err());
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(check(ok.as_bytes()).is_ok());
        for bad in ["{", "[1,]", "{\"a\" 1}", "1 2", ""] {
            assert!(check(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
