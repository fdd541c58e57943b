"""Type stubs of the compiled core (crates/versori-python); checked against the built
module by ``stubtest`` in ``cargo xtask test``."""

from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    Generic,
    Iterable,
    List,
    Mapping,
    NoReturn,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    final,
    overload,
)

from typing_extensions import Self, disjoint_base

_T = TypeVar("_T")
_M = TypeVar("_M", bound="ModelBase")

__all__ = [
    "AsyncBridge",
    "Field",
    "ModelBase",
    "NativeClient",
    "NativeEmulator",
    "NativePages",
    "NativeWork",
    "RawItems",
    "RawJson",
    "__version__",
    "_untrack_listing_models",
    "loads",
    "operation_ids",
    "set_log_level",
]
__version__: str

def operation_ids() -> List[Tuple[str, str]]: ...
def loads(text: str | bytes) -> Any: ...
def _untrack_listing_models(on: bool) -> bool: ...
def set_log_level(logger: Any, level: int) -> None: ...

@final
class RawJson:
    def __new__(cls, text: str | bytes) -> RawJson: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> Optional[int]: ...
    def value(self) -> Any: ...
    def record(self) -> RawItems: ...
    def items(self) -> RawItems | List[Any]: ...
    def __bytes__(self) -> bytes: ...

@final
class RawItems:
    def __len__(self) -> int: ...
    def value_at(self, index: int) -> Any: ...
    def field_at(self, index: int, key: str) -> Any: ...
    def models(self, cls: type[_M]) -> List[_M]: ...
    def object_at(self, index: int, lazy: Iterable[str]) -> Dict[str, Any]: ...
    def value(self) -> List[Any]: ...

@disjoint_base
class ModelBase:
    _data: Optional[Dict[str, Any]]
    _raw: Optional[RawItems]
    _index: int
    def __new__(cls, *args: Any, **kwargs: Any) -> Self: ...

@disjoint_base
class Field(Generic[_T]):
    def __new__(
        cls,
        wire: str,
        attr: str,
        *args: Any,
        required: bool = True,
        convert: Optional[Callable[[Any], Any]] = None,
        timestamp: bool = False,
        **kwargs: Any,
    ) -> Field[_T]: ...
    @overload
    def __get__(self, obj: None, owner: Optional[Any] = None, /) -> Field[_T]: ...
    @overload
    def __get__(self, obj: object, owner: Optional[Any] = None, /) -> _T: ...
    def __set__(self, obj: object, value: NoReturn, /) -> None: ...
    def __delete__(self, obj: object, /) -> None: ...
    @property
    def wire(self) -> str: ...
    @property
    def attr(self) -> str: ...
    @property
    def required(self) -> bool: ...
    def __class_getitem__(cls, item: Any) -> type[Field[Any]]: ...

@final
class NativeClient:
    def __new__(
        cls,
        *,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        jwt: Optional[str] = None,
        organisation: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        signing_key: Optional[str] = None,
        signing_key_id: Optional[str] = None,
        acting_as: Optional[str] = None,
        user_agent: Optional[str] = None,
        allow_insecure_http: bool = False,
        from_env: bool = True,
        max_response_bytes: Optional[int] = None,
    ) -> NativeClient: ...
    @property
    def base_url(self) -> str: ...
    @property
    def organisation(self) -> Optional[str]: ...
    def acting_as(self, external_id: str) -> NativeClient: ...
    def with_organisation(self, organisation: str) -> NativeClient: ...
    def call(self, operation_id: str, args: Optional[Dict[str, Any]] = None) -> Any: ...
    def call_raw(self, operation_id: str, args: Optional[Dict[str, Any]] = None) -> RawJson: ...
    def call_raw_async(self, operation_id: str, args: Optional[Dict[str, Any]] = None) -> Awaitable[RawJson]: ...
    def pages(
        self,
        operation_id: str,
        args: Optional[Dict[str, Any]] = None,
        page_size: Optional[int] = None,
    ) -> NativePages: ...
    def setup_integration(
        self,
        name: str,
        environment: str,
        *,
        variables_schema: Optional[Mapping[str, Any]] = None,
        files: Optional[Sequence[Tuple[str, str]]] = None,
        version_name: Optional[str] = None,
    ) -> NativeWork[Tuple[RawJson, RawJson]]: ...
    def activate_user(
        self,
        environment_id: str,
        external_id: str,
        *,
        connections: Sequence[Mapping[str, Any]],
        dynamic_variables: Optional[Mapping[str, Any]] = None,
        display_name: Optional[str] = None,
    ) -> NativeWork[RawJson]: ...
    def find_user_activation(self, environment_id: str, external_id: str) -> NativeWork[Optional[RawJson]]: ...
    def update_activation_variables(
        self, environment_id: str, activation_id: str, changes: Mapping[str, Any]
    ) -> NativeWork[Any]: ...

@final
class NativeWork(Generic[_T]):
    def wait(self) -> _T: ...
    def awaitable(self) -> Awaitable[_T]: ...
    def __class_getitem__(cls, item: Any) -> type[NativeWork[Any]]: ...

@final
class NativePages:
    def next_page(self) -> Optional[Tuple[RawItems, Optional[int], Optional[str]]]: ...
    def next_page_async(self) -> Awaitable[Optional[Tuple[RawItems, Optional[int], Optional[str]]]]: ...

@final
class NativeEmulator:
    def __new__(cls, *, host: Optional[str] = None, port: int = 0, api_key: Optional[str] = None) -> NativeEmulator: ...
    @property
    def base_url(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def shutdown(self) -> None: ...

@final
class AsyncBridge:
    def __new__(cls) -> AsyncBridge: ...
    def fileno(self) -> int: ...
    def submit(self, client: NativeClient, operation_id: str, args: Optional[Dict[str, Any]] = None) -> int: ...
    def drain(self) -> List[Tuple[int, bool, Any]]: ...
    def cancel(self, id: int) -> None: ...
