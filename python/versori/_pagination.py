"""Iterators over every item of a paginated operation, across pages."""

from __future__ import annotations

from typing import (
    Any,
    AsyncIterator,
    Callable,
    Generic,
    Iterator,
    List,
    Optional,
    Tuple,
    TypeVar,
)

from . import _native

T = TypeVar("T")

_RawPage = Optional[Tuple[List[Any], Optional[int], Optional[str]]]


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


def _decode_page(raw: Any, decode: Callable[[Any], T]) -> Page[T]:
    items, total, cursor = raw
    return Page([decode(i) for i in items], total, cursor)


class Paginator(Generic[T]):
    """Every item of a list operation: iterate it (``for s in client.list_systems()``) and
    pages are fetched as needed, one at a time, so memory stays bounded by one page.
    ``pages()`` gives whole pages; ``total_count`` is known once the first page arrived.
    """

    __slots__ = ("_native", "_decode", "_total", "_buffer", "_done")

    def __init__(self, native: _native.NativePages, decode: Callable[[Any], T]) -> None:
        self._native = native
        self._decode = decode
        self._total: Optional[int] = None
        self._buffer: List[T] = []
        self._done = False

    @property
    def total_count(self) -> Optional[int]:
        """How many items the listing holds (None before the first page, or when the
        platform does not say)."""
        return self._total

    def _fetch(self) -> Optional[Page[T]]:
        if self._done:
            return None
        raw = self._native.next_page()
        if raw is None:
            self._done = True
            return None
        page = _decode_page(raw, self._decode)
        if page.total_count is not None:
            self._total = page.total_count
        return page

    def pages(self) -> Iterator[Page[T]]:
        """The remaining pages, one at a time."""
        if self._buffer:
            items, self._buffer = self._buffer, []
            yield Page(items, self._total, None)
        while True:
            page = self._fetch()
            if page is None:
                return
            yield page

    def __iter__(self) -> Iterator[T]:
        while True:
            if self._buffer:
                items, self._buffer = self._buffer, []
                yield from items
                continue
            page = self._fetch()
            if page is None:
                return
            self._buffer = page.items

    def to_list(self) -> List[T]:
        """Every remaining item in a list (memory grows with the listing)."""
        return list(self)

    def __repr__(self) -> str:
        return f"<Paginator total_count={self._total!r} done={self._done}>"


class AsyncPaginator(Generic[T]):
    """Every item of a list operation for ``async for``; as :class:`Paginator`, with
    ``pages()`` as an async iterator and ``await to_list()``."""

    __slots__ = ("_native", "_decode", "_total", "_buffer", "_done")

    def __init__(self, native: _native.NativePages, decode: Callable[[Any], T]) -> None:
        self._native = native
        self._decode = decode
        self._total: Optional[int] = None
        self._buffer: List[T] = []
        self._done = False

    @property
    def total_count(self) -> Optional[int]:
        """How many items the listing holds, once the first page arrived."""
        return self._total

    async def _fetch(self) -> Optional[Page[T]]:
        if self._done:
            return None
        raw = await self._native.next_page_async()
        if raw is None:
            self._done = True
            return None
        page = _decode_page(raw, self._decode)
        if page.total_count is not None:
            self._total = page.total_count
        return page

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The remaining pages, one at a time."""
        if self._buffer:
            items, self._buffer = self._buffer, []
            yield Page(items, self._total, None)
        while True:
            page = await self._fetch()
            if page is None:
                return
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        while True:
            if self._buffer:
                items, self._buffer = self._buffer, []
                for item in items:
                    yield item
                continue
            page = await self._fetch()
            if page is None:
                return
            self._buffer = page.items

    async def to_list(self) -> List[T]:
        """Every remaining item in a list."""
        return [item async for item in self]

    def __repr__(self) -> str:
        return f"<AsyncPaginator total_count={self._total!r} done={self._done}>"
