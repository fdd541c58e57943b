//! `NativePages`: the pages of a paginated operation, fetched by the
//! facade's pager (which follows the cursors and stops on a repeated one)
//! and decoded by this crate's one decode path.
//!
//! Each page body is checked and indexed without the GIL (`json::check`);
//! Python gets its items as one `RawItems`, whose models read each field
//! straight from the body.

use std::sync::Arc;

use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tokio::sync::Mutex;
use versori::operations::Operation;
use versori::{Page, PageLayout, RawResponse};

use crate::errors::{from_facade, to_py_err};
use crate::item_fields::ItemIndex;
use crate::json::{self, Shape, Text};
use crate::raw::RawItems;
use crate::runtime::wait;

/// A checked page body and where its items' fields are.
pub(crate) struct PageBody {
    body: Text,
    items: Arc<ItemIndex>,
    status: u16,
}

/// One item of a page: its page, and its place there.
pub(crate) struct Item {
    page: Arc<PageBody>,
    at: usize,
}

/// The facade's page decoder for this crate: checks and indexes the body,
/// and reads its cursor and total count where the operation's layout says.
fn decode_page(op: &'static Operation, raw: RawResponse) -> versori::Result<Page<Item>> {
    let layout = PageLayout::of(op).ok_or_else(|| versori::Error::InvalidInput {
        message: format!("{} is not a paginated operation", op.id),
    })?;
    let body = if raw.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        raw.body().clone()
    };
    let body = Text::new(body).map_err(|e| raw.decode_error(e))?;
    let text = body.as_str();
    let Shape::Object { fields, arrays } =
        json::check_text(text, 0).map_err(|e| raw.decode_error(e))?
    else {
        return Err(raw.decode_error(format!("a page of {} is not a JSON object", op.id)));
    };
    let items = match fields.find(text, 0, layout.items) {
        Ok(Some((entry, text))) => match arrays.get(entry) {
            Some(index) => index.clone(),
            None if text == "null" => Arc::default(),
            None => {
                return Err(raw.decode_error(format!(
                    "`{}` of a {} page is not a list of objects",
                    layout.items, op.id
                )))
            }
        },
        _ => Arc::default(),
    };
    let total_count = fields
        .get(text, 0, layout.total_count)
        .ok()
        .flatten()
        .and_then(|text| json::count(text.as_bytes()));
    let next = follow(text, &fields, layout.next);
    let page = Arc::new(PageBody {
        items,
        body,
        status: raw.status(),
    });
    Ok(Page {
        items: (0..page.items.len())
            .map(|at| Item {
                page: page.clone(),
                at,
            })
            .collect(),
        total_count,
        next,
    })
}

/// The string at `path` (keys, from the top-level object `fields`), or None
/// when a member is missing or not of the expected type (as the facade's
/// own decoder reads it).
fn follow(body: &str, fields: &ItemIndex, path: &[&str]) -> Option<String> {
    let (first, rest) = path.split_first()?;
    let text = fields.get(body, 0, first).ok().flatten()?;
    if rest.is_empty() {
        return json::string(text.as_bytes());
    }
    let start = (text.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    match json::check_text(text, start).ok()? {
        Shape::Object { fields, .. } => follow(body, &fields, rest),
        _ => None,
    }
}

/// The pages of one listing, fetched on demand.
#[pyclass(frozen, module = "versori._native")]
pub(crate) struct NativePages {
    pages: Arc<Mutex<versori::Pages<Item>>>,
}

impl NativePages {
    /// The pages of `operation_id` with `args` (nothing is fetched yet).
    pub(crate) fn new(
        client: &versori::Client,
        operation_id: &str,
        args: serde_json::Map<String, serde_json::Value>,
        page_size: Option<u32>,
    ) -> Self {
        let mut pages = client.pages_with(operation_id, args, decode_page);
        if let Some(size) = page_size {
            pages = pages.page_size(size);
        }
        NativePages {
            pages: Arc::new(Mutex::new(pages)),
        }
    }
}

/// A page as `(RawItems, total_count, next_cursor)`, or None after the last.
fn page_to_py(py: Python<'_>, page: Option<Page<Item>>) -> PyResult<Py<PyAny>> {
    let Some(page) = page else {
        return Ok(py.None());
    };
    let items = match page.items.first() {
        None => RawItems::new(Text::default(), Arc::default(), None),
        Some(first) => {
            let whole = &first.page;
            let complete = page.items.len() == whole.items.len()
                && page
                    .items
                    .iter()
                    .enumerate()
                    .all(|(k, item)| item.at == k && Arc::ptr_eq(&item.page, whole));
            if !complete {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "a page's items came back split (the pager was read both as a stream and by pages)",
                ));
            }
            RawItems::new(whole.body.clone(), whole.items.clone(), Some(whole.status))
        }
    };
    let tuple = PyTuple::new(
        py,
        [
            Bound::new(py, items)?.into_any(),
            page.total_count.into_pyobject(py)?.into_any(),
            page.next.into_pyobject(py)?.into_any(),
        ],
    )?;
    Ok(tuple.into_any().unbind())
}

#[pymethods]
impl NativePages {
    /// The next page as `(RawItems, total_count, next_cursor)`, or None
    /// after the last one; blocks with the GIL released.
    fn next_page(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let pages = self.pages.clone();
        let page = wait(py, async move { pages.lock().await.next_page().await })?
            .map_err(|e| to_py_err(py, e))?;
        page_to_py(py, page)
    }

    /// The next page (as for `next_page`) as an awaitable.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pages = self.pages.clone();
        crate::runtime::future_into_py(py, async move {
            let page = pages.lock().await.next_page().await.map_err(from_facade)?;
            Python::attach(|py| page_to_py(py, page))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str) -> &'static Operation {
        versori::operations::OPERATIONS
            .iter()
            .find(|o| o.id == id)
            .expect("in the table")
    }

    #[test]
    fn reads_a_cursor_page() {
        let body =
            r#"{"totalCount": 3, "items": [{"id": "a"}, {"id": "b"}], "next": "c2", "prev": ""}"#;
        let page = decode_page(op("ListSystems"), RawResponse::new(200, body)).expect("a page");
        assert_eq!((page.items.len(), page.total_count), (2, Some(3)));
        assert_eq!(page.next.as_deref(), Some("c2"));
        let item = &page.items[1];
        assert_eq!(
            item.page.items.get(item.page.body.as_str(), item.at, "id"),
            Ok(Some("\"b\""))
        );
    }

    #[test]
    fn reads_a_kv_page() {
        let body =
            r#"{"data": [{"key": ["a"], "value": 1}], "pagination": {"nextCursor": "k\"1"}}"#;
        let page = decode_page(op("ListKV"), RawResponse::new(200, body)).expect("a page");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.next.as_deref(), Some("k\"1"));
        let last = r#"{"data": [], "pagination": {"nextCursor": null}}"#;
        let page = decode_page(op("ListKV"), RawResponse::new(200, last)).expect("a page");
        assert!(page.items.is_empty() && page.next.is_none());
    }

    #[test]
    fn a_malformed_page_is_a_decode_error() {
        for body in [
            r#"{"items": [{"id": 1}"#,
            r#"[{"id": 1}]"#,
            r#"{"items": [1, 2]}"#,
            r#"{"items": "x"}"#,
        ] {
            let err = decode_page(op("ListSystems"), RawResponse::new(200, body)).err();
            assert!(
                matches!(
                    err,
                    Some(versori::Error::Decode {
                        status: Some(200),
                        ..
                    })
                ),
                "{body}: {err:?}"
            );
        }
        // missing or null members are an empty last page, as the facade reads them
        let page = decode_page(op("ListSystems"), RawResponse::new(200, "{}")).expect("a page");
        assert!(page.items.is_empty() && page.next.is_none() && page.total_count.is_none());
    }
}
