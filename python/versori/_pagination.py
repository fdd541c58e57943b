"""Iterators over every item of a paginated operation, across pages.

A list method sends its first request when it is called, so a bad argument, a 401 or a
404 raises right there; the following pages are fetched one at a time as iteration
reaches them, so memory stays bounded by about one page. The cursors are followed by the
Rust facade's pager (which also stops, with an error, on a page that hands back the
cursor it was asked with); each page's body is checked and indexed natively, and its
items are models that decode each field when it is read.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Generic,
    Iterator,
    List,
    Optional,
    TypeVar,
)

from . import _native

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

_RawPage = Optional[tuple[_native.RawItems, Optional[int], Optional[str]]]


class Page(Generic[T]):
    """One page of a listing."""

    __slots__ = ("items", "total_count", "next_cursor")

    def __init__(self, items: List[T], total_count: Optional[int], next_cursor: Optional[str]) -> None:
        self.items = items
        """The items of this page."""
        self.total_count = total_count
        """How many items the whole listing holds, when the platform says."""
        self.next_cursor = next_cursor
        """The cursor of the following page; None on the last one."""

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Page({len(self.items)} items, total_count={self.total_count!r}, next_cursor={self.next_cursor!r})"


class _State(Generic[T]):
    """What both paginators share: the native pages, the items' decoder (a page's
    ``RawItems`` to a list), the total count, and the page fetched but not yet handed
    out."""

    __slots__ = ("_native", "_decode", "_total", "_pending", "_done")

    def __init__(self, native: _native.NativePages, decode: Callable[[Any], List[T]]) -> None:
        self._native = native
        self._decode = decode
        self._total: Optional[int] = None
        self._pending: Optional[Page[T]] = None
        self._done = False

    @property
    def total_count(self) -> Optional[int]:
        """How many items the listing holds (known once the first page arrived; None
        when the platform does not say)."""
        return self._total

    def _page(self, raw: _RawPage) -> Optional[Page[T]]:
        if raw is None:
            self._done = True
            return None
        items, total, cursor = raw
        if total is not None:
            self._total = total
        if cursor is None:
            self._done = True
        return Page(self._decode(items), total, cursor)

    def _take(self) -> Optional[Page[T]]:
        page, self._pending = self._pending, None
        return page

    def __repr__(self) -> str:
        return f"<{type(self).__name__} total_count={self._total!r} done={self._done}>"


class Paginator(_State[T]):
    """Every item of a list operation: iterate it (``for s in client.list_systems()``)
    and pages are fetched as needed, one at a time. The first page is fetched when the
    list method is called, so its errors raise there. ``pages()`` gives whole pages;
    ``total_count`` is known from the first page on.
    """

    __slots__ = ()

    def __init__(self, native: _native.NativePages, decode: Callable[[Any], List[T]]) -> None:
        super().__init__(native, decode)
        self._pending = self._page(native.next_page())

    def _fetch(self) -> Optional[Page[T]]:
        pending = self._take()
        if pending is not None or self._done:
            return pending
        return self._page(self._native.next_page())

    def pages(self) -> Iterator[Page[T]]:
        """The remaining pages, one at a time."""
        while True:
            page = self._fetch()
            if page is None:
                return
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def to_list(self) -> List[T]:
        """Every remaining item in a list (memory grows with the listing)."""
        return list(self)


class AsyncPaginator(_State[T]):
    """Every item of a list operation for ``async for``; as :class:`Paginator`, with
    ``pages()`` as an async iterator and ``await to_list()``.

    The first request is sent when the list method is called (from a running event
    loop); ``await client.list_systems()`` waits for that first page, so its errors
    raise there, and gives the paginator back. Without ``await`` they raise at the first
    step of iteration.
    """

    __slots__ = ("_first",)

    def __init__(self, native: _native.NativePages, decode: Callable[[Any], List[T]]) -> None:
        super().__init__(native, decode)
        self._first: Optional[Awaitable[_RawPage]] = None
        try:
            self._first = native.next_page_async()
        except RuntimeError:  # no running event loop: the first page is fetched on first use
            pass

    async def _fetch(self) -> Optional[Page[T]]:
        pending = self._take()
        if pending is not None or self._done:
            return pending
        first, self._first = self._first, None
        raw = await (first if first is not None else self._native.next_page_async())
        return self._page(raw)

    async def _start(self) -> AsyncPaginator[T]:
        if self._pending is None and not self._done:
            self._pending = await self._fetch()
        return self

    def __await__(self) -> Generator[Any, None, AsyncPaginator[T]]:
        return self._start().__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The remaining pages, one at a time."""
        while True:
            page = await self._fetch()
            if page is None:
                return
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self) -> List[T]:
        """Every remaining item in a list."""
        return [item async for item in self]
