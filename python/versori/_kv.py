"""KV store helpers: keys as lists of segments, values as any JSON value.

A key travels in the path as the platform's official client sends it:
``["orders", "1042"]`` as ``/store/{store}/kv/orders/1042``, each segment
percent-escaped on its own (the SDK's one rule for slash-separated path
parameters, which also refuses ``.`` and ``..`` segments)."""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._errors import NotFoundError, ValidationError
from ._generated_client import AsyncKvStoreGroup, KvStoreGroup
from ._generated_models import BatchSetKVResponse, KVEntry
from ._pagination import AsyncPaginator, Paginator

Key = Union[str, Sequence[str]]
"""A KV key: a list of segments (``["orders", "123"]``) or one segment."""


def _segments(key: Key) -> List[str]:
    segments = [key] if isinstance(key, str) else list(key)
    if not segments:
        raise ValidationError("a KV key needs at least one segment")
    for s in segments:
        if not isinstance(s, str):
            raise ValidationError(f"KV key {segments!r}: segments must be strings, got {type(s).__name__}")
        if not s:
            raise ValidationError(f"KV key {segments!r} has an empty segment")
        if "/" in s:
            raise ValidationError(
                f"KV key segment {s!r} contains '/', which separates segments in the key's path form"
            )
    return segments


def _path(key: Key) -> List[str]:
    """The key's segments, for a path parameter (escaped segment by segment on the wire)."""
    return _segments(key)


def _entries(entries: Union[Mapping[str, Any], Iterable[Tuple[Key, Any]]]) -> List[dict[str, Any]]:
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    return [{"key": _segments(k), "value": v} for k, v in pairs]


def _selector(prefix: Key) -> dict[str, Any]:
    segments = [prefix] if isinstance(prefix, str) else list(prefix)
    return {"selector": {"prefix": segments}}


class KvStore(KvStoreGroup):
    """One KV store (``client.kv("store")``): the store's operations by their short names
    plus helpers taking keys as lists of segments."""

    __slots__ = ()

    def get(self, key: Key, default: Any = None) -> Any:
        """The value under ``key``, or ``default`` when the key is absent."""
        try:
            found = self._client.get_kv(self._store, _path(key))
        except NotFoundError:
            return default
        data = found.to_dict()
        return data["value"] if "value" in data else default

    def set(self, key: Key, value: Any) -> Optional[str]:
        """Stores ``value`` under ``key``; returns the new versionstamp, if the platform gives one."""
        answer = self._client.set_kv(self._store, _path(key), {"value": value})
        return answer.to_dict().get("versionstamp")

    def delete(self, key: Key) -> None:
        """Removes ``key`` (no error when it is absent)."""
        try:
            self._client.delete_kv(self._store, _path(key), {})
        except NotFoundError:
            pass

    def get_many(self, keys: Sequence[Key]) -> List[KVEntry]:
        """The entries under several keys at once (absent keys are missing from the result)."""
        answer = self._client.batch_get_kv(self._store, {"keys": [_segments(k) for k in keys]})
        return [KVEntry._from_wire(e) for e in answer.to_dict().get("entries") or []]

    def set_many(self, entries: Union[Mapping[str, Any], Iterable[Tuple[Key, Any]]]) -> BatchSetKVResponse:
        """Stores several values at once: ``{"segment": value}`` or ``[(key, value), ...]``."""
        return self._client.batch_set_kv(self._store, {"entries": _entries(entries)})

    def delete_many(self, keys: Sequence[Key]) -> None:
        """Removes several keys at once."""
        self._client.batch_delete_kv(self._store, {"keys": [_segments(k) for k in keys]})

    def entries(self, prefix: Key = ()) -> Paginator[KVEntry]:
        """Every entry whose key starts with ``prefix``, fetched page by page."""
        return self._client.list_kv(self._store, _selector(prefix))

    def count(self, prefix: Key = ()) -> int:
        """How many entries have keys starting with ``prefix``."""
        answer = self._client.count_kv(self._store, _selector(prefix))
        return int(answer.to_dict().get("count") or 0)


class AsyncKvStore(AsyncKvStoreGroup):
    """The awaitable form of :class:`KvStore`."""

    __slots__ = ()

    async def get(self, key: Key, default: Any = None) -> Any:
        """The value under ``key``, or ``default`` when the key is absent."""
        try:
            found = await self._client.get_kv(self._store, _path(key))
        except NotFoundError:
            return default
        data = found.to_dict()
        return data["value"] if "value" in data else default

    async def set(self, key: Key, value: Any) -> Optional[str]:
        """Stores ``value`` under ``key``; returns the new versionstamp."""
        answer = await self._client.set_kv(self._store, _path(key), {"value": value})
        return answer.to_dict().get("versionstamp")

    async def delete(self, key: Key) -> None:
        """Removes ``key`` (no error when it is absent)."""
        try:
            await self._client.delete_kv(self._store, _path(key), {})
        except NotFoundError:
            pass

    async def get_many(self, keys: Sequence[Key]) -> List[KVEntry]:
        """The entries under several keys at once."""
        answer = await self._client.batch_get_kv(self._store, {"keys": [_segments(k) for k in keys]})
        return [KVEntry._from_wire(e) for e in answer.to_dict().get("entries") or []]

    async def set_many(
        self, entries: Union[Mapping[str, Any], Iterable[Tuple[Key, Any]]]
    ) -> BatchSetKVResponse:
        """Stores several values at once."""
        return await self._client.batch_set_kv(self._store, {"entries": _entries(entries)})

    async def delete_many(self, keys: Sequence[Key]) -> None:
        """Removes several keys at once."""
        await self._client.batch_delete_kv(self._store, {"keys": [_segments(k) for k in keys]})

    def entries(self, prefix: Key = ()) -> AsyncPaginator[KVEntry]:
        """Every entry whose key starts with ``prefix``, for ``async for``."""
        return self._client.list_kv(self._store, _selector(prefix))

    async def count(self, prefix: Key = ()) -> int:
        """How many entries have keys starting with ``prefix``."""
        answer = await self._client.count_kv(self._store, _selector(prefix))
        return int(answer.to_dict().get("count") or 0)
