//! Pagination: `versori_paginate`, `versori_pager_next`, `versori_pager_free`.

use std::ffi::c_char;

use std::collections::HashMap;
use std::fmt;

use bytes::Bytes;
use futures::StreamExt;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use versori::operations::{self, Operation, Pagination};
use versori::{Page, PageLayout, RawResponse};

use crate::call::call_inputs;
use crate::client::VersoriClient;
use crate::error::{boundary, Failure};
use crate::handle::{self, Handle};
use crate::runtime;
use crate::status::VersoriStatus;
use crate::strings::{check_out, into_c_string};

/// Every item of a paginated list operation, fetched one page at a time
/// (opaque).
///
/// A pager may move between threads but must not be used by two threads at
/// once.
pub struct VersoriPager {
    pages: versori::Pages<Bytes>,
}

impl Handle for VersoriPager {
    const ARG: &'static str = "pager";
}

/// The facade's page decoder for C: each item is its JSON text, a slice of
/// the page's body (checked once, as a whole), so it reaches the caller
/// exactly as the platform sent it.
// the signature of the facade's `PageDecoder`, whose error is its `versori::Error`
#[allow(clippy::result_large_err)]
fn raw_page(op: &'static Operation, raw: RawResponse) -> versori::Result<Page<Bytes>> {
    let layout = PageLayout::of(op).ok_or_else(|| versori::Error::InvalidInput {
        message: format!("{} is not a paginated operation", op.id),
    })?;
    let body = raw.body().clone();
    let text: &[u8] = if raw.is_empty() { b"{}" } else { &body };
    // the nesting limit first: the walk below skips what it does not keep
    // without one
    crate::checked::check(text).map_err(|e| raw.decode_error(e))?;
    let mut de = serde_json::Deserializer::from_slice(text);
    let found = PageSeed(layout)
        .deserialize(&mut de)
        .and_then(|found| de.end().map(|()| found))
        .map_err(|e| raw.decode_error(e))?;
    let items = found
        .items
        .iter()
        .map(|item| {
            let start = (item.get().as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
            body.slice(start..start + item.get().len())
        })
        .collect();
    Ok(Page {
        items,
        total_count: found
            .total_count
            .and_then(|t| serde_json::from_str(t.get()).ok()),
        next: found.next.and_then(|n| follow(n, &layout.next[1..])),
    })
}

/// The members of a page body its layout names, as JSON texts.
#[derive(Default)]
struct Found<'de> {
    items: Vec<&'de RawValue>,
    total_count: Option<&'de RawValue>,
    /// The first member on the way to the cursor.
    next: Option<&'de RawValue>,
}

/// Reads a page body for the members of a [`PageLayout`], checking the
/// rest without keeping it.
struct PageSeed(PageLayout);

impl<'de> DeserializeSeed<'de> for PageSeed {
    type Value = Found<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let layout = self.0;
        let mut found = Found::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == layout.items {
                found.items = map
                    .next_value::<Option<Vec<&RawValue>>>()?
                    .unwrap_or_default();
            } else if key == layout.total_count {
                found.total_count = Some(map.next_value()?);
            } else if layout.next.first() == Some(&key.as_str()) {
                found.next = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The cursor at `path` inside `value` (checked JSON text): a string, or
/// None when a member is missing or of another type (as the facade's own
/// decoder reads it).
fn follow(value: &RawValue, path: &[&str]) -> Option<String> {
    match path.split_first() {
        None => serde_json::from_str::<Option<String>>(value.get())
            .ok()
            .flatten(),
        Some((key, rest)) => {
            let members: HashMap<String, &RawValue> = serde_json::from_str(value.get()).ok()?;
            follow(members.get(*key)?, rest)
        }
    }
}

/// Starts iterating over every item of the paginated operation
/// `operation_id` (e.g. `"ListSystems"`, `"ListConnections"`, `"ListKV"`),
/// with arguments as for `versori_call` (NULL: none). Nothing is fetched
/// until the first `versori_pager_next`.
///
/// On success writes a new pager to `*out`; the caller frees it with
/// `versori_pager_free`. The pager holds its own reference to the client's
/// connection pool, so it may outlive the client handle. Operations that are
/// not paginated, unknown operations and malformed arguments are
/// `VERSORI_INVALID_ARGUMENT`.
///
/// Thread safety: may be called from any thread.
///
/// # Safety
/// `client` is NULL or live; the strings are NULL or NUL-terminated; `out`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_paginate(
    client: *const VersoriClient,
    operation_id: *const c_char,
    args_json: *const c_char,
    out: *mut *mut VersoriPager,
) -> VersoriStatus {
    boundary(|| {
        // SAFETY: forwarded contract (a live client, NUL-terminated strings).
        let (client, operation_id, args) = unsafe { call_inputs(client, operation_id, args_json)? };
        check_out(out, "out")?;
        let op = operations::find(operation_id)
            .ok_or_else(|| Failure::invalid(format!("unknown operation {operation_id:?}")))?;
        if op.pagination == Pagination::None {
            let listed: Vec<&str> = operations::OPERATIONS
                .iter()
                .filter(|o| o.pagination != Pagination::None)
                .map(|o| o.id)
                .collect();
            return Err(Failure::invalid(format!(
                "{} is not paginated; use versori_call (paginated operations: {})",
                op.id,
                listed.join(", ")
            )));
        }
        let Value::Object(args) = args else {
            return Err(Failure::invalid("`args_json` must be a JSON object"));
        };
        let pages = client.client.pages_with(op.id, args, raw_page);
        // SAFETY: `out` is writable by the caller's contract.
        unsafe { handle::hand_out(out, VersoriPager { pages }) }?;
        Ok(VersoriStatus::VERSORI_OK)
    })
}

/// The next item: writes its JSON text (as the platform sent it, numbers
/// with every digit) to `*item_json` and returns `VERSORI_OK`,
/// or returns `VERSORI_DONE` (writing nothing) after the last item. Fetches
/// the next page when the current one is used up, blocking the calling
/// thread. After an error the pager is finished: later calls return
/// `VERSORI_DONE`.
///
/// Ownership: the caller frees `*item_json` with `versori_string_free`.
/// Thread safety: a pager must not be used by two threads at once.
///
/// # Safety
/// `pager` is NULL or live and not in use by another thread; `item_json` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn versori_pager_next(
    pager: *mut VersoriPager,
    item_json: *mut *mut c_char,
) -> VersoriStatus {
    boundary(|| {
        // SAFETY: NULL or live and unshared by the caller's contract.
        let pager = unsafe { handle::borrow_mut(pager) }?;
        check_out(item_json, "item_json")?;
        match runtime::block_on(pager.pages.next())? {
            None => Ok(VersoriStatus::VERSORI_DONE),
            Some(Err(e)) => Err(e.into()),
            Some(Ok(item)) => {
                // a slice of a body checked to be UTF-8 JSON
                let text = String::from_utf8(item.to_vec())
                    .map_err(|e| Failure::system(format!("an item is not UTF-8: {e}")))?;
                // SAFETY: non-NULL and writable.
                unsafe { *item_json = into_c_string(text) };
                Ok(VersoriStatus::VERSORI_OK)
            }
        }
    })
}

/// Frees a pager (an unfinished one too). NULL is allowed and ignored.
///
/// # Safety
/// `pager` is NULL or a pager from `versori_paginate`, not yet freed and not
/// in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn versori_pager_free(pager: *mut VersoriPager) {
    // SAFETY: forwarded contract.
    unsafe { handle::free(pager) }
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};

    use super::*;
    use crate::call::tests::client;
    use crate::client::versori_client_free;
    use crate::strings::versori_string_free;

    fn op(id: &str) -> &'static Operation {
        operations::find(id).expect("in the table")
    }

    #[test]
    fn items_come_back_as_sent_with_every_digit() {
        let body = r#"{"totalCount": 2, "items": [{"id": "a", "n": 1180591620717411303424}, {"id": "b", "x": [1.50, {"k": null}]}]}"#;
        let server = versori_emulator::FixedResponseServer::start(body).expect("server");
        let url = CString::new(server.base_url()).expect("url");
        let c = client(&url);
        let mut pager = std::ptr::null_mut();
        let status =
            // SAFETY: a live client, NUL-terminated strings, writable out.
            unsafe { versori_paginate(c, c"ListSystems".as_ptr(), std::ptr::null(), &mut pager) };
        assert_eq!(status, VersoriStatus::VERSORI_OK);
        let mut items = Vec::new();
        loop {
            let mut item = std::ptr::null_mut();
            // SAFETY: a live pager used by this thread only; writable out.
            match unsafe { versori_pager_next(pager, &mut item) } {
                VersoriStatus::VERSORI_OK => {
                    items.push(
                        // SAFETY: a NUL-terminated string this library returned.
                        unsafe { CStr::from_ptr(item) }
                            .to_string_lossy()
                            .into_owned(),
                    );
                    // SAFETY: that string, freed once.
                    unsafe { versori_string_free(item) };
                }
                VersoriStatus::VERSORI_DONE => break,
                other => panic!("{other:?}"),
            }
        }
        // SAFETY: a live pager, freed once.
        unsafe { versori_pager_free(pager) };
        // SAFETY: a live client, freed once.
        unsafe { versori_client_free(c) };
        assert_eq!(
            items,
            [
                r#"{"id": "a", "n": 1180591620717411303424}"#,
                r#"{"id": "b", "x": [1.50, {"k": null}]}"#
            ]
        );
    }

    #[test]
    fn reads_the_cursor_and_total_where_the_layout_says() {
        let page = raw_page(
            op("ListKV"),
            RawResponse::new(200, r#"{"data": [{"key": ["a"]}], "pagination": {"nextCursor": "c\"2"}, "totalCount": 7}"#),
        )
        .expect("a page");
        assert_eq!(page.items, [Bytes::from_static(br#"{"key": ["a"]}"#)]);
        assert_eq!(
            (page.total_count, page.next.as_deref()),
            (Some(7), Some("c\"2"))
        );
        let page = raw_page(
            op("ListSystems"),
            RawResponse::new(200, r#"{"items": null, "next": 3}"#),
        )
        .expect("a page");
        assert!(page.items.is_empty() && page.next.is_none() && page.total_count.is_none());
    }

    #[test]
    fn a_malformed_page_is_a_decode_error() {
        for body in [
            r#"{"items": [{"id": 1}"#,
            r#"[{"id": 1}]"#,
            r#"{"items": "x"}"#,
            r#"{} {}"#,
        ] {
            let err = raw_page(op("ListSystems"), RawResponse::new(200, body)).err();
            assert!(
                matches!(err, Some(versori::Error::Decode { .. })),
                "{body}: {err:?}"
            );
        }
    }

    #[test]
    fn an_item_nested_beyond_the_recursion_limit_is_a_decode_error() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let body = format!(r#"{{"items": [{{"id": "a"}}, {deep}]}}"#);
        let err = raw_page(op("ListSystems"), RawResponse::new(200, body)).err();
        assert!(
            matches!(&err, Some(versori::Error::Decode { message, .. }) if message.contains("recursion limit")),
            "{err:?}"
        );
        let shallow = format!(r#"{{"items": [{}1{}]}}"#, "[".repeat(100), "]".repeat(100));
        let page = raw_page(op("ListSystems"), RawResponse::new(200, shallow));
        assert_eq!(page.map(|p| p.items.len()).ok(), Some(1));
    }
}
