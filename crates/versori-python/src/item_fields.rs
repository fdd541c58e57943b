//! Where each field of each object of a listing is in the response body.
//!
//! The walk that checks a body (`json::check`) records, for every item of
//! an array of objects (and for the top-level object), the key of each
//! field and the extent of its value ([`ItemIndex`]). A model over an item
//! then reads a field by looking its key up and turning just that value
//! into a Python object (`json::to_py`): reading one field of each of
//! 10,000 items builds 10,000 strings, not 10,000 dicts of every field.

use std::sync::atomic::{AtomicU32, Ordering};

/// The fields of every item of an array of objects, as offsets into the
/// body. Offsets are `u32`: an array past 4 GiB into a body is not indexed
/// (it is decoded at once instead).
#[derive(Default)]
pub(crate) struct ItemIndex {
    entries: Vec<Entry>,
    /// Item `i`'s fields are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    /// The keys that had escapes in them, decoded.
    decoded: Vec<Box<str>>,
}

/// One field: where its key is (the text between the quotes), or which
/// decoded key it is, and where its value is.
#[derive(Clone, Copy)]
struct Entry {
    key: (u32, u32),
    value: (u32, u32),
}

/// `Entry::key.0` of a key kept decoded: `key.1` is its place in
/// [`ItemIndex::decoded`].
const DECODED: u32 = u32::MAX;

/// One field's key as the parser gave it.
pub(crate) enum KeyText<'a> {
    /// Where the key's text is in the body (no escapes in it).
    At(usize, usize),
    /// The key decoded (it had escapes).
    Decoded(&'a str),
}

impl ItemIndex {
    /// Starts a new item (its fields are the ones added until the next).
    pub(crate) fn start_item(&mut self) {
        self.starts.push(self.entries.len());
    }

    /// Adds a field to the current item; gives its entry number (see
    /// [`ItemIndex::find`]).
    pub(crate) fn add(&mut self, key: KeyText<'_>, value: (usize, usize)) -> Result<usize, String> {
        let narrow = |(a, b): (usize, usize)| match (u32::try_from(a), u32::try_from(b)) {
            (Ok(a), Ok(b)) if a < DECODED && b < DECODED => Ok((a, b)),
            _ => Err(format!("offset {b} is past the 4 GiB an index can hold")),
        };
        let key = match key {
            KeyText::At(start, end) => narrow((start, end))?,
            KeyText::Decoded(text) => {
                let at = u32::try_from(self.decoded.len())
                    .map_err(|_| "too many escaped keys".to_owned())?;
                self.decoded.push(text.into());
                (DECODED, at)
            }
        };
        self.entries.push(Entry {
            key,
            value: narrow(value)?,
        });
        Ok(self.entries.len() - 1)
    }

    /// How many items there are.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    fn item(&self, item: usize) -> Option<&[Entry]> {
        let start = *self.starts.get(item)?;
        let end = self
            .starts
            .get(item + 1)
            .copied()
            .unwrap_or(self.entries.len());
        self.entries.get(start..end)
    }

    fn key<'a>(&'a self, body: &'a str, e: &Entry) -> Option<&'a str> {
        if e.key.0 == DECODED {
            return self.decoded.get(e.key.1 as usize).map(|k| &**k);
        }
        text(body, e.key)
    }

    /// The text of the value under `key` in item `item`: the last one if
    /// the key repeats, as a decoded dict would keep it. `Err` when there
    /// is no such item.
    pub(crate) fn get<'a>(
        &'a self,
        body: &'a str,
        item: usize,
        key: &str,
    ) -> Result<Option<&'a str>, ()> {
        Ok(self.find(body, item, key)?.map(|(_, value)| value))
    }

    /// As [`ItemIndex::get`], with the entry number of the field (the
    /// number [`ItemIndex::add`] gave it).
    pub(crate) fn find<'a>(
        &'a self,
        body: &'a str,
        item: usize,
        key: &str,
    ) -> Result<Option<(usize, &'a str)>, ()> {
        self.find_near(body, item, key, &Hint::default())
    }

    /// As [`ItemIndex::find`], looking first where `hint` says the key was
    /// in the item last read (the items of a listing mostly share one
    /// layout), and keeping that place for the next read.
    pub(crate) fn find_near<'a>(
        &'a self,
        body: &'a str,
        item: usize,
        key: &str,
        hint: &Hint,
    ) -> Result<Option<(usize, &'a str)>, ()> {
        let start = *self.starts.get(item).ok_or(())?;
        let entries = self.item(item).ok_or(())?;
        let is_key = |e: &Entry| {
            if e.key.0 == DECODED {
                self.decoded.get(e.key.1 as usize).map(|k| &**k) == Some(key)
            } else {
                // keys are compared as bytes: only the value found is read as text
                body.as_bytes().get(e.key.0 as usize..e.key.1 as usize) == Some(key.as_bytes())
            }
        };
        let guess = hint.0.load(Ordering::Relaxed) as usize;
        // the last one if the key repeats, as a decoded dict would keep it
        let found = match entries.get(guess) {
            Some(e) if is_key(e) && !entries[guess + 1..].iter().any(is_key) => Some((guess, e)),
            _ => entries.iter().enumerate().rev().find(|(_, e)| is_key(e)),
        };
        Ok(found.and_then(|(i, e)| {
            if i != guess {
                hint.0
                    .store(u32::try_from(i).unwrap_or(u32::MAX), Ordering::Relaxed);
            }
            Some((start + i, text(body, e.value)?))
        }))
    }

    /// Item `item`'s fields as (entry number, key, value text), in order.
    pub(crate) fn entries<'a>(
        &'a self,
        body: &'a str,
        item: usize,
    ) -> Option<impl Iterator<Item = (usize, Option<&'a str>, Option<&'a str>)> + 'a> {
        let start = *self.starts.get(item)?;
        let entries = self.item(item)?;
        Some(
            entries
                .iter()
                .enumerate()
                .map(move |(i, e)| (start + i, self.key(body, e), text(body, e.value))),
        )
    }
}

/// Where a field's key was found in the last item read: its place among
/// the item's fields (see [`ItemIndex::find_near`]).
#[derive(Default)]
pub(crate) struct Hint(AtomicU32);

/// The text at `span` of the body (spans are at token boundaries, so this
/// only fails on an index bug, and then reads as missing).
fn text(body: &str, (start, end): (u32, u32)) -> Option<&str> {
    body.get(start as usize..end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_value_by_key() {
        let body = r#"{"a":1,"b":"x"}{"a":true,"c":{"d":[1,2]},"a":false}"#;
        let mut index = ItemIndex::default();
        index.start_item();
        assert_eq!(index.add(KeyText::At(2, 3), (5, 6)), Ok(0));
        index.add(KeyText::At(8, 9), (11, 14)).expect("fits");
        index.start_item();
        index.add(KeyText::At(17, 18), (20, 24)).expect("fits");
        index.add(KeyText::Decoded("c"), (29, 40)).expect("fits");
        index.add(KeyText::At(42, 43), (45, 50)).expect("fits");
        assert_eq!(index.len(), 2);
        assert_eq!(index.get(body, 0, "b"), Ok(Some("\"x\"")));
        assert_eq!(index.get(body, 1, "a"), Ok(Some("false")));
        assert_eq!(index.get(body, 1, "c"), Ok(Some(r#"{"d":[1,2]}"#)));
        assert_eq!(index.get(body, 1, "b"), Ok(None));
        assert_eq!(index.get(body, 2, "a"), Err(()));
        let keys: Vec<_> = index
            .entries(body, 1)
            .map(|f| f.map(|(_, k, _)| k).collect())
            .unwrap_or_default();
        assert_eq!(keys, [Some("a"), Some("c"), Some("a")]);
    }

    #[test]
    fn a_hint_is_only_a_first_guess() {
        // item 0: a, b; item 1: b, a, b (a repeat: the last wins); item 2: b
        let body = r#"{"a":1,"b":2}{"b":3,"a":4,"b":5}{"b":6}"#;
        let mut index = ItemIndex::default();
        index.start_item();
        index.add(KeyText::At(2, 3), (5, 6)).expect("fits");
        index.add(KeyText::At(8, 9), (11, 12)).expect("fits");
        index.start_item();
        index.add(KeyText::At(15, 16), (18, 19)).expect("fits");
        index.add(KeyText::At(21, 22), (24, 25)).expect("fits");
        index.add(KeyText::At(27, 28), (30, 31)).expect("fits");
        index.start_item();
        index.add(KeyText::At(34, 35), (37, 38)).expect("fits");
        let hint = Hint::default();
        let b = |item| {
            index
                .find_near(body, item, "b", &hint)
                .map(|f| f.map(|(_, v)| v))
        };
        assert_eq!(b(0), Ok(Some("2")));
        assert_eq!(
            b(1),
            Ok(Some("5")),
            "the repeat after the hinted place wins"
        );
        assert_eq!(b(2), Ok(Some("6")), "a hint past the item's end is ignored");
        assert_eq!(b(1), Ok(Some("5")), "the hinted key's repeat wins");
        assert_eq!(b(0), Ok(Some("2")));
        let a = |item| {
            index
                .find_near(body, item, "a", &hint)
                .map(|f| f.map(|(_, v)| v))
        };
        assert_eq!(a(1), Ok(Some("4")));
        assert_eq!(a(2), Ok(None));
        assert_eq!(a(3), Err(()));
    }

    #[test]
    fn offsets_past_4_gib_are_refused() {
        let mut index = ItemIndex::default();
        index.start_item();
        assert!(index.add(KeyText::At(0, 1), (2, 1 << 33)).is_err());
    }
}
