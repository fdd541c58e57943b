//! Pagination: every item of a list operation as a stream, fetched one page
//! at a time, or the pages themselves with their `totalCount`.

use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::Stream;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use versori_core::operations::{Operation, Pagination};

use crate::call::{operation, prepare, RawResponse};
use crate::error::{Error, Result};
use crate::Client;

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole listing holds, when the platform says.
    pub total_count: Option<u64>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

/// Turns the body of one page of an operation into a [`Page`]: the facade's
/// own decoder (items deserialized as `T`, see [`Client::pages`]) or another
/// layer's ([`Client::pages_with`]; the Python package and the C ABI keep
/// each page's body undecoded). Whichever decodes, the pager follows the
/// cursors: an empty `next` ends the listing as a missing one does.
pub type PageDecoder<T> = fn(&'static Operation, RawResponse) -> Result<Page<T>>;

/// Where the members of an operation's pages are: the one statement of it
/// that every page decoder reads.
///
/// ```
/// let op = versori::operations::find("ListKV").expect("in the table");
/// let layout = versori::PageLayout::of(op).expect("paginated");
/// assert_eq!((layout.items, layout.next), ("data", &["pagination", "nextCursor"][..]));
/// let systems = versori::operations::find("ListSystems").expect("in the table");
/// assert_eq!(versori::PageLayout::of(systems).map(|l| l.next), Some(&["next"][..]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLayout {
    /// The member holding the page's items (a list).
    pub items: &'static str,
    /// The members leading to the next page's cursor (a string; missing,
    /// null or empty on the last page).
    pub next: &'static [&'static str],
    /// The member holding the listing's total size, when the platform
    /// gives it.
    pub total_count: &'static str,
}

impl PageLayout {
    /// The layout of `op`'s pages; None when `op` is not paginated.
    pub fn of(op: &Operation) -> Option<PageLayout> {
        let (items, next): (_, &'static [&'static str]) = match op.pagination {
            Pagination::Cursor { items, .. } => (items, &["next"]),
            Pagination::Kv { items, .. } => (items, &["pagination", "nextCursor"]),
            Pagination::None => return None,
        };
        Some(PageLayout {
            items,
            next,
            total_count: "totalCount",
        })
    }
}

/// Every item of a paginated operation: a [`Stream`] that fetches the next
/// page only once the items of the current one are consumed, so memory stays
/// bounded by one page however long the listing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = versori_emulator::Emulator::start().await?;
/// # let client = versori::Client::builder()
/// #     .base_url(emulator.base_url())
/// #     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
/// #     .api_key("doc")
/// #     .build()?;
/// use futures::TryStreamExt;
///
/// let mut connections = client.connections().list_stream().param("system_id", "01J8ZQ4N7G3Y5B2K9T6W1XSYS1");
/// while let Some(connection) = connections.try_next().await? {
///     println!("{}", connection.name);
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a stream does nothing until polled"]
pub struct Pages<T> {
    client: Client,
    op: Result<&'static Operation>,
    args: Map<String, Value>,
    cursor: Option<String>,
    done: bool,
    buffer: VecDeque<T>,
    total_count: Option<u64>,
    inflight: Option<BoxFuture<'static, Result<Page<T>>>>,
    decode: PageDecoder<T>,
    trail: CursorTrail,
    _item: PhantomData<fn() -> T>,
}

/// The cursors one listing has followed, so that it stops, with an error,
/// on a page that hands back one of them. A server that ignores the cursor
/// it is given, or cycles through a few, would otherwise be asked for the
/// same pages forever. Every pager of the SDK uses one ([`Pages`], and
/// through it the Python listings and the C pager); it is public for code
/// that follows cursors itself.
///
/// A cursor is remembered as a 64-bit hash, so a listing of any length
/// costs 8 bytes per page.
///
/// ```
/// use versori::CursorTrail;
///
/// let mut trail = CursorTrail::new();
/// trail.follow("ListSystems", None, Some("c1"))?;       // the first page points to c1
/// trail.follow("ListSystems", Some("c1"), Some("c2"))?; // page c1 points to c2
/// let err = trail.follow("ListSystems", Some("c2"), Some("c2")).unwrap_err();
/// assert!(err.to_string().contains("\"c2\""));
/// # Ok::<(), versori::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CursorTrail {
    seen: std::collections::HashSet<u64>,
    hasher: std::hash::RandomState,
}

/// At most this many characters of a cursor go into an error message.
const CURSOR_SHOWN: usize = 80;

impl CursorTrail {
    /// An empty trail, for a listing that has not fetched a page yet.
    pub fn new() -> Self {
        CursorTrail::default()
    }

    /// Records that the page asked for with cursor `asked` (`None` for the
    /// first page) of `operation_id` arrived pointing to `next` (`None` on
    /// the last page). An error ([`Error::Decode`]) when `next` is `asked`
    /// or a cursor followed earlier: the listing must stop there.
    ///
    /// The cursor is quoted in the error with anything shaped like a token
    /// redacted.
    pub fn follow(
        &mut self,
        operation_id: &str,
        asked: Option<&str>,
        next: Option<&str>,
    ) -> Result<()> {
        self.follow_sent(operation_id, asked, next, || None)
    }

    /// [`CursorTrail::follow`], redacting `sent()` (the credential the
    /// request carried, asked for only when there is an error) from the
    /// cursor quoted.
    pub(crate) fn follow_sent(
        &mut self,
        operation_id: &str,
        asked: Option<&str>,
        next: Option<&str>,
        sent: impl FnOnce() -> Option<String>,
    ) -> Result<()> {
        if let Some(asked) = asked {
            self.seen.insert(self.hasher.hash_one(asked));
        }
        let Some(next) = next else {
            return Ok(());
        };
        if !self.seen.contains(&self.hasher.hash_one(next)) {
            return Ok(());
        }
        // redacted whole, before it is cut, so that no part of a credential
        // is left at the cut
        let sent = sent();
        let quoted = crate::secret::redact(next, sent.as_deref());
        let mut shown: String = quoted.chars().take(CURSOR_SHOWN).collect();
        if quoted.chars().nth(CURSOR_SHOWN).is_some() {
            shown.push('…');
        }
        let which = if asked == Some(next) {
            "the cursor it was asked with"
        } else {
            "a cursor this listing already followed"
        };
        Err(Error::Decode {
            status: None,
            message: format!(
                "a page of {operation_id} handed back {which} ({shown:?}) as its next cursor; \
                 following it would fetch the same pages forever, so the listing stops here"
            ),
            excerpt: String::new(),
        })
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.op.as_ref().map(|o| o.id).ok())
            .field("cursor", &self.cursor)
            .field("buffered", &self.buffer.len())
            .field("done", &self.done)
            .finish()
    }
}

impl Client {
    /// Every item of the paginated operation `operation_id` with JSON
    /// arguments (as for [`Client::call`]), decoded as `T`. Use
    /// `serde_json::Value` for untyped items.
    pub fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        operation_id: &str,
        args: Map<String, Value>,
    ) -> Pages<T> {
        self.pages_with(operation_id, args, decode_items::<T>)
    }

    /// Every page of the paginated operation `operation_id`, each page's
    /// body turned into a [`Page`] by `decode` (for layers that decode
    /// bodies their own way); the cursors are followed as for
    /// [`Client::pages`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = versori_emulator::Emulator::start().await?;
    /// # let client = versori::Client::builder()
    /// #     .base_url(emulator.base_url())
    /// #     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    /// #     .api_key("doc")
    /// #     .build()?;
    /// use versori::{operations::Operation, Page, PageLayout, RawResponse};
    ///
    /// // each page's body size, and its cursor as the facade reads it
    /// fn sizes(op: &'static Operation, raw: RawResponse) -> versori::Result<Page<usize>> {
    ///     let mut page: Page<serde_json::Value> = versori::decode_page(op, raw.clone())?;
    ///     let items = vec![raw.body().len(); page.items.len()];
    ///     Ok(Page { items, total_count: page.total_count, next: page.next.take() })
    /// }
    /// let mut pages = client.pages_with("ListSystems", Default::default(), sizes);
    /// while let Some(page) = pages.next_page().await? {
    ///     println!("{} items from a body of {:?} bytes", page.items.len(), page.items.first());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pages_with<T: Send + 'static>(
        &self,
        operation_id: &str,
        args: Map<String, Value>,
        decode: PageDecoder<T>,
    ) -> Pages<T> {
        let op = operation(operation_id).and_then(|op| match op.pagination {
            Pagination::None => Err(Error::invalid(format!(
                "{} is not a paginated operation",
                op.id
            ))),
            _ => Ok(op),
        });
        Pages {
            client: self.clone(),
            op,
            args,
            cursor: None,
            done: false,
            buffer: VecDeque::new(),
            total_count: None,
            inflight: None,
            decode,
            trail: CursorTrail::new(),
            _item: PhantomData,
        }
    }
}

/// Sets `body.<member>.<key>` of a KV listing's arguments to `value`, making
/// `body` and its `member` objects where they are missing (one that is there
/// but not an object is left as it is, for the request's checks to refuse).
fn set_in_body(args: &mut Map<String, Value>, member: &str, key: &str, value: Value) {
    let body = args
        .entry("body")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(body) = body.as_object_mut() {
        let member = body
            .entry(member)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(member) = member.as_object_mut() {
            member.insert(key.into(), value);
        }
    }
}

impl<T: Send + 'static> Pages<T> {
    /// Sets a parameter (a query filter such as `system_id`, or `body` for
    /// the KV list) before the first page is fetched.
    pub fn param(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.args.insert(name.to_string(), value.into());
        self
    }

    /// How many items to ask for per page.
    pub fn page_size(mut self, size: u32) -> Self {
        if let Ok(op) = &self.op {
            match op.pagination {
                Pagination::Kv { .. } => {
                    set_in_body(&mut self.args, "options", "limit", size.into());
                }
                _ => {
                    self.args.insert("first".into(), size.into());
                }
            }
        }
        self
    }

    /// The listing's total size, once the first page has arrived.
    pub fn total_count(&self) -> Option<u64> {
        self.total_count
    }

    /// How many fetched items wait to be taken (never more than one page).
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// The next page, or `None` after the last one. Mixing this with the
    /// stream is allowed: items already buffered are returned first as a page.
    pub async fn next_page(&mut self) -> Result<Option<Page<T>>> {
        if !self.buffer.is_empty() {
            let items: Vec<T> = self.buffer.drain(..).collect();
            return Ok(Some(Page {
                items,
                total_count: self.total_count,
                next: self.cursor.clone(),
            }));
        }
        if self.done {
            return Ok(None);
        }
        let fut = self.fetch()?;
        let page = fut.await;
        self.absorb(page).map(Some)
    }

    /// Collects every item (memory grows with the listing: prefer the stream
    /// for large ones).
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page.items);
        }
        Ok(all)
    }

    /// Takes in a fetched page: its total count and cursor, or the end of
    /// the listing (after the last page, an error, or a page that hands
    /// back a cursor already followed).
    fn absorb(&mut self, page: Result<Page<T>>) -> Result<Page<T>> {
        let checked = page.and_then(|p| {
            let id = self.op.as_ref().map_or("", |op| op.id);
            let client = &self.client;
            self.trail
                .follow_sent(id, self.cursor.as_deref(), p.next.as_deref(), || {
                    client.sent_credential()
                })
                .map(|()| p)
        });
        match &checked {
            Ok(p) => {
                self.total_count = p.total_count.or(self.total_count);
                self.cursor = p.next.clone();
                self.done = p.next.is_none() || p.items.is_empty();
            }
            Err(_) => self.done = true,
        }
        checked
    }

    fn fetch(&mut self) -> Result<BoxFuture<'static, Result<Page<T>>>> {
        let op = match &self.op {
            Ok(op) => *op,
            Err(e) => {
                self.done = true;
                return Err(Error::invalid(e.to_string()));
            }
        };
        let mut args = self.args.clone();
        if let Some(cursor) = &self.cursor {
            match op.pagination {
                Pagination::Kv { .. } => {
                    set_in_body(&mut args, "selector", "after", cursor.clone().into());
                }
                _ => {
                    args.insert("after".into(), cursor.clone().into());
                }
            }
        }
        let prepared = prepare(&self.client, op, &Value::Object(args));
        let client = self.client.clone();
        let decode = self.decode;
        Ok(Box::pin(async move {
            let raw = client.execute_raw(prepared?).await?;
            let mut page = decode(op, raw)?;
            page.next = page.next.filter(|n| !n.is_empty());
            Ok(page)
        }))
    }
}

/// The facade's page decoder: the items deserialized as `T`.
fn decode_items<T: DeserializeOwned>(op: &'static Operation, raw: RawResponse) -> Result<Page<T>> {
    decode_page(op, raw)
}

/// A page of `op` from its body, each item deserialized as `T` (the
/// decoder of [`Client::pages`]); a page that is not of the operation's
/// [`PageLayout`] is an [`Error::Decode`].
///
/// ```
/// let op = versori::operations::find("ListSystems").expect("in the table");
/// let raw = versori::RawResponse::new(200, r#"{"items": [{"id": "s1"}], "totalCount": 1, "next": "c1"}"#);
/// let page: versori::Page<serde_json::Value> = versori::decode_page(op, raw)?;
/// assert_eq!((page.items.len(), page.total_count, page.next.as_deref()), (1, Some(1), Some("c1")));
/// # Ok::<(), versori::Error>(())
/// ```
pub fn decode_page<T: DeserializeOwned>(op: &Operation, raw: RawResponse) -> Result<Page<T>> {
    let Some(layout) = PageLayout::of(op) else {
        return Err(Error::invalid(format!("{} is not paginated", op.id)));
    };
    let mut value = raw.json()?;
    // the credential of the request, redacted from an item quoted in an error
    let sent = || raw.sent_credential();
    let items_field = layout.items;
    let next = layout
        .next
        .iter()
        .try_fold(&value, |v, key| v.get(key))
        .and_then(Value::as_str)
        .map(String::from);
    let total_count = value.get(layout.total_count).and_then(Value::as_u64);
    let listed = match value.get_mut(items_field).map(Value::take) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => {
            return Err(Error::decode_json(
                format!("`{items_field}` of a {} page is not a list", op.id),
                &other,
                sent().as_deref(),
            ))
        }
    };
    let items = listed
        .into_iter()
        .map(|item| {
            serde_json::from_value(item.clone()).map_err(|e| {
                Error::decode_json(
                    format!("an item of {}: {e}", op.id),
                    &item,
                    sent().as_deref(),
                )
            })
        })
        .collect::<Result<Vec<T>>>()?;
    Ok(Page {
        items,
        total_count,
        next,
    })
}

impl<T: Send + Unpin + 'static> Stream for Pages<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done && this.inflight.is_none() {
                return Poll::Ready(None);
            }
            if this.inflight.is_none() {
                match this.fetch() {
                    Ok(fut) => this.inflight = Some(fut),
                    Err(e) => return Poll::Ready(Some(Err(e))),
                }
            }
            let Some(fut) = this.inflight.as_mut() else {
                return Poll::Ready(None);
            };
            let page = match fut.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.inflight = None;
            match this.absorb(page) {
                Ok(p) => this.buffer.extend(p.items),
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}
