"""``versori.Client`` and ``versori.AsyncClient``."""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar

from . import _log, _native
from ._native import NativeClient as _NativeClient
from ._generated_client import AsyncOperations, SyncOperations
from ._kv import AsyncKvStore, KvStore
from ._pagination import AsyncPaginator, Paginator
from ._workflows import AsyncWorkflows, Workflows

if TYPE_CHECKING:  # asyncio is imported on the first async call, not with the package
    import asyncio

T = TypeVar("T")

_sync_log = _log.sync

# the future class of bridged calls (made with asyncio, on the first async call)
_CallFuture: Any = None
# asyncio.get_running_loop, looked up on the first async call (an `import` statement in
# every call costs a module look-up and a check that asyncio is not half-imported)
_running_loop: Optional[Callable[[], asyncio.AbstractEventLoop]] = None


def _call_future_class() -> Any:
    """An ``asyncio.Future`` whose cancellation (``task.cancel()``, a timing-out
    ``asyncio.wait_for``) aborts its native call at once: the request's connection is
    dropped and no retry follows. Only ``cancel`` is overridden, so completing and
    awaiting one costs what a plain future does."""
    global _CallFuture
    if _CallFuture is None:
        import asyncio

        class CallFuture(asyncio.Future):  # type: ignore[type-arg]
            __slots__ = ("_bridge", "_call_id")

            _bridge: "_Bridge"
            _call_id: int

            def cancel(self, msg: Any = None) -> bool:
                if not self.done():
                    self._bridge.cancel(self._call_id)
                return super().cancel(msg)

        _CallFuture = CallFuture
    return _CallFuture


class _Bridge:
    """Completes the asyncio futures of one event loop's calls in batches: the native
    side queues results and wakes the loop through a socket it watches, and each result
    is decoded (``decode``, such as a model's constructor) as its future is completed."""

    __slots__ = ("native", "futures", "__weakref__")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.native = _native.AsyncBridge()
        self.futures: Dict[int, Tuple[asyncio.Future[Any], Callable[[Any], Any]]] = {}
        loop.add_reader(self.native.fileno(), self._drain)

    def _drain(self) -> None:
        futures = self.futures
        for call_id, ok, value in self.native.drain():
            entry = futures.pop(call_id, None)
            if entry is None:
                continue
            fut, decode = entry
            if fut.done():
                continue
            if ok:
                try:
                    value = decode(value)
                except Exception as e:  # a response of the wrong shape: the caller's error
                    fut.set_exception(e)
                    continue
                fut.set_result(value)
            else:
                fut.set_exception(value)

    def call(
        self,
        loop: asyncio.AbstractEventLoop,
        client: _native.NativeClient,
        operation_id: str,
        args: Dict[str, Any],
        decode: Callable[[Any], T],
    ) -> asyncio.Future[T]:
        fut = (_CallFuture or _call_future_class())(loop=loop)
        call_id = self.native.submit(client, operation_id, args)
        fut._bridge = self
        fut._call_id = call_id
        self.futures[call_id] = (fut, decode)
        return fut  # type: ignore[no-any-return]

    def cancel(self, call_id: int) -> None:
        """Aborts a call whose future is being cancelled."""
        self.futures.pop(call_id, None)
        self.native.cancel(call_id)


_BRIDGES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Optional[_Bridge]] = weakref.WeakKeyDictionary()
# the last loop asked for and its bridge: most programs run one loop, and this spares
# the weak dictionary's look-up on every call
_LAST: Tuple[Callable[[], Any], Optional[_Bridge]] = (lambda: None, None)


def _acall_native(
    client: _native.NativeClient, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], T]
) -> Awaitable[T]:
    """Starts a call on the running loop's bridge (or, on loops without ``add_reader``,
    as a plain awaitable of the native client); its body (a ``RawJson``) is decoded by
    ``decode``."""
    global _LAST, _running_loop
    running_loop = _running_loop
    if running_loop is None:
        import asyncio

        running_loop = _running_loop = asyncio.get_running_loop
    loop = running_loop()
    last_loop, bridge = _LAST
    if last_loop() is not loop:
        try:
            bridge = _BRIDGES[loop]
        except KeyError:
            try:
                bridge = _Bridge(loop)
            except NotImplementedError:
                bridge = None
            _BRIDGES[loop] = bridge
        _LAST = (weakref.ref(loop), bridge)
    if bridge is None:
        return _decoded(client.call_raw_async(operation_id, args), decode)
    return bridge.call(loop, client, operation_id, args, decode)


def _forget_bridges() -> None:
    """In a child made by ``fork``: the parent's bridges (and the sockets they watch)
    are the parent's; the child's event loops get their own."""
    global _LAST
    _BRIDGES.clear()
    _LAST = (lambda: None, None)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_bridges)


async def _decoded(raw: Awaitable[_native.RawJson], decode: Callable[[Any], T]) -> T:
    return decode(await raw)


def _plain(raw: _native.RawJson) -> Any:
    return raw.value()


C = TypeVar("C", bound="_Base")


class _Base:
    """What both clients share: construction (the arguments documented on
    :class:`Client`), the native client, and its settings."""

    __slots__ = ("_native",)
    _native: _NativeClient

    def __init__(
        self,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        jwt: Optional[str] = None,
        organisation: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        *,
        connect_timeout: Optional[float] = None,
        signing_key: Optional[str] = None,
        signing_key_id: Optional[str] = None,
        acting_as: Optional[str] = None,
        user_agent: Optional[str] = None,
        allow_insecure_http: bool = False,
        from_env: bool = True,
        max_response_bytes: Optional[int] = None,
    ) -> None:
        _sync_log()
        self._attach(
            _NativeClient(
                base_url=base_url,
                api_key=api_key,
                jwt=jwt,
                organisation=organisation,
                timeout=timeout,
                connect_timeout=connect_timeout,
                max_retries=max_retries,
                signing_key=signing_key,
                signing_key_id=signing_key_id,
                acting_as=acting_as,
                user_agent=user_agent,
                allow_insecure_http=allow_insecure_http,
                from_env=from_env,
                max_response_bytes=max_response_bytes,
            )
        )

    def _attach(self, native: _NativeClient) -> None:
        raise NotImplementedError

    @classmethod
    def _wrap(cls: type[C], native: _NativeClient) -> C:
        obj = cls.__new__(cls)
        obj._attach(native)
        return obj

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._native.base_url

    @property
    def organisation(self) -> Optional[str]:
        """The organisation operations default to, if one is configured."""
        return self._native.organisation

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, organisation={self.organisation!r})"


class Client(_Base, SyncOperations):
    """A client of the Versori Platform API; every call blocks (with the GIL released).

    With no arguments it reads the ``VERSORI_*`` environment variables, as the Rust
    facade does: ``VERSORI_BASE_URL``, ``VERSORI_ORG``, one of ``VERSORI_API_KEY``,
    ``VERSORI_JWT`` or ``VERSORI_SIGNING_KEY`` (a PEM file, with
    ``VERSORI_SIGNING_KEY_ID``), and ``VERSORI_SUBJECT``. Arguments override them.

    Args:
        base_url: The API's base URL (default: production).
        api_key: An API key (``Authorization: Bearer``).
        jwt: A JWT (``Authorization: JWT``).
        organisation: The organisation operations default to.
        timeout: Seconds one attempt may take (default 60).
        max_retries: Retries after a failed attempt (default 2: three attempts).
        connect_timeout: Seconds to wait for a connection (default 10).
        signing_key: A signing key (PKCS #8 PEM text or a file path) to mint a JWT per
            end user; pick the user with ``acting_as``.
        signing_key_id: The signing key's id on the platform.
        acting_as: The end user (externalId) a signing-key client acts as.
        user_agent: A product name prepended to the SDK's user agent.
        allow_insecure_http: Send credentials over plain ``http://`` to hosts other than
            loopback (trusted networks only).
        from_env: Read the ``VERSORI_*`` variables first (default True).
        max_response_bytes: The longest response body read (default 64 MiB); a longer one
            raises :class:`ResponseTooLargeError` naming the limit, and reading stops there.

    A client is safe to share across threads; clones made by :meth:`acting_as` share its
    connection pool. It survives ``os.fork()`` (gunicorn ``--preload``, celery's prefork
    pool, multiprocessing's ``fork`` start method): used in a child, it gets a runtime
    and connection pool of the child's own, and the parent's are left alone. No redirect
    is ever followed (:class:`RedirectError`). Requests and retries are logged to the
    ``versori`` logger (``VERSORI_LOG=debug`` adds a stderr handler).
    """

    __slots__ = ("workflows",)

    def _attach(self, native: _native.NativeClient) -> None:
        self._native = native
        self.workflows = Workflows(native)
        """The platform's common workflows (``client.workflows.activate_user(...)``)."""

    def acting_as(self, external_id: str) -> Client:
        """The same client authenticating as the end user ``external_id`` (with a signing
        key, each request carries a JWT minted for that user)."""
        return Client._wrap(self._native.acting_as(external_id))

    def with_organisation(self, organisation: str) -> Client:
        """The same client with another default organisation."""
        return Client._wrap(self._native.with_organisation(organisation))

    def kv(self, store: str) -> KvStore:
        """One KV store: its operations and helpers taking keys as lists of segments."""
        return KvStore(self, store)

    def call(self, operation_id: str, **args: Any) -> Any:
        """Calls any operation by its operationId with parameters by their spec names and
        ``body=``; returns the plain JSON result (dicts and lists)."""
        _sync_log()
        return self._native.call(operation_id, args)

    def _call(self, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], T]) -> T:
        _sync_log()
        return decode(self._native.call_raw(operation_id, args))

    def _paginate(self, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], List[T]]) -> Paginator[T]:
        _sync_log()
        return Paginator(self._native.pages(operation_id, args), decode)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class AsyncClient(_Base, AsyncOperations):
    """The asyncio form of :class:`Client`: the same arguments and methods, every call
    awaitable, list methods for ``async for``. All clients share one Tokio runtime.
    Cancelling a call (``task.cancel()``, ``asyncio.wait_for`` timing out) aborts its
    request at once: the connection is dropped and no retry follows."""

    __slots__ = ("workflows",)

    def _attach(self, native: _native.NativeClient) -> None:
        self._native = native
        self.workflows = AsyncWorkflows(native)
        """The platform's common workflows, awaitable."""

    def acting_as(self, external_id: str) -> AsyncClient:
        """As :meth:`Client.acting_as`."""
        return AsyncClient._wrap(self._native.acting_as(external_id))

    def with_organisation(self, organisation: str) -> AsyncClient:
        """As :meth:`Client.with_organisation`."""
        return AsyncClient._wrap(self._native.with_organisation(organisation))

    def kv(self, store: str) -> AsyncKvStore:
        """One KV store, awaitable."""
        return AsyncKvStore(self, store)

    async def call(self, operation_id: str, **args: Any) -> Any:
        """As :meth:`Client.call`, awaitable."""
        _sync_log()
        return await _acall_native(self._native, operation_id, args, _plain)

    def _call(self, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], T]) -> Awaitable[T]:
        _sync_log()
        return _acall_native(self._native, operation_id, args, decode)

    def _paginate(
        self, operation_id: str, args: Dict[str, Any], decode: Callable[[Any], List[T]]
    ) -> AsyncPaginator[T]:
        _sync_log()
        return AsyncPaginator(self._native.pages(operation_id, args), decode)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None
