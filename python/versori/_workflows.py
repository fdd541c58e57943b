"""The platform's common workflows, with its rules checked before anything is sent
(the Rust facade's ``setup_integration``, ``activate_user``, ``find_user_activation``
and ``update_activation_variables``)."""

from __future__ import annotations

import functools
import types
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Coroutine,
    Dict,
    Generic,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)

from . import _native
from ._log import sync as _sync_log
from ._generated_models import Activation, Project, ProjectEnvironment
from ._model import Model, _plain

if TYPE_CHECKING:
    from typing_extensions import ParamSpec

    _P = ParamSpec("_P")

_T = TypeVar("_T")


class Integration(NamedTuple):
    """A deployed integration: the project and the environment it runs in."""

    project: Project
    environment: ProjectEnvironment


def connection(
    connection_template_id: str,
    *,
    existing_connection_id: Optional[str] = None,
    new_connection: Union[Model, Mapping[str, Any], None] = None,
) -> Dict[str, Any]:
    """One connection of an activation: for the system behind ``connection_template_id``,
    an existing connection or a new one (a ``ConnectionCreate`` body).

    ``connection_template_id`` is the template's own id, which a ``ConnectionTemplate``
    carries as ``connection_template_id`` (its ``id`` is the system's)."""
    c: Dict[str, Any] = {"connectionTemplateId": connection_template_id}
    if existing_connection_id is not None:
        c["existingConnectionId"] = existing_connection_id
    if new_connection is not None:
        c["connection"] = _plain(new_connection)
    return c


Files = Union[Mapping[str, str], Sequence[Tuple[str, str]]]


def _files(files: Optional[Files]) -> Optional[list[tuple[str, str]]]:
    if files is None:
        return None
    pairs = files.items() if isinstance(files, Mapping) else files
    return [(str(name), str(content)) for name, content in pairs]


def _connections(connections: Sequence[Union[Model, Mapping[str, Any]]]) -> list[Any]:
    return [_plain(c) for c in connections]


def _integration(raw: Tuple[_native.RawJson, _native.RawJson]) -> Integration:
    project, environment = raw
    return Integration(Project._from_wire(project), ProjectEnvironment._from_wire(environment))


def _activation(raw: Optional[_native.RawJson]) -> Optional[Activation]:
    return None if raw is None else Activation._from_wire(raw)


def _variables(raw: Any) -> Dict[str, Any]:
    stored: Dict[str, Any] = raw
    return stored


# Each workflow is written once, in `_Workflows`: its arguments, its one native call
# (``NativeWork``) and how the result becomes the value returned. `Workflows` takes that
# value with ``wait()`` and `AsyncWorkflows` with ``await ... awaitable()``.


class _Started(Generic[_T]):
    """A workflow's native work and how its result becomes the value returned."""

    __slots__ = ("_work", "_convert")

    def __init__(self, work: _native.NativeWork[Any], convert: Callable[[Any], _T]) -> None:
        self._work = work
        self._convert = convert

    def wait(self) -> _T:
        return self._convert(self._work.wait())

    async def result(self) -> _T:
        return self._convert(await self._work.awaitable())


def _returning_value(run: Callable[..., Any], start: Callable[..., Any]) -> None:
    """Gives `run` the docs and signature of `start`, whose ``_Started[X]`` return
    annotation becomes ``X``: the value `run` returns (or, for a coroutine, resolves to).
    `_Workflows.__init_subclass__` gives it its name.

    ``inspect.signature(run)`` follows ``__wrapped__``: it points at a copy of `start`
    whose return annotation is ``X``, so nothing is computed (and ``inspect`` is not
    imported) until someone asks."""
    functools.update_wrapper(run, start)
    returned = start.__annotations__.get("return")
    if isinstance(returned, str) and returned.startswith("_Started[") and returned.endswith("]"):
        returned = returned[len("_Started[") : -1]
    annotations = {**start.__annotations__, "return": returned}
    shown = types.FunctionType(
        start.__code__, start.__globals__, start.__name__, start.__defaults__, start.__closure__
    )
    shown.__kwdefaults__ = start.__kwdefaults__
    shown.__annotations__ = annotations
    run.__wrapped__ = shown  # type: ignore[attr-defined]
    run.__annotations__ = annotations


def _blocking(start: Callable[_P, _Started[_T]]) -> Callable[_P, _T]:
    """The workflow `start` as a method that blocks for its value."""

    def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        return start(*args, **kwargs).wait()

    _returning_value(run, start)
    return run


def _awaitable(start: Callable[_P, _Started[_T]]) -> Callable[_P, Coroutine[Any, Any, _T]]:
    """The workflow `start` as a coroutine method that resolves to its value."""

    async def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        return await start(*args, **kwargs).result()

    _returning_value(run, start)
    return run


class _Workflows:
    """The workflows, each started once for both forms."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.NativeClient) -> None:
        self._native = native

    def __init_subclass__(cls) -> None:
        # each form's workflows carry its names (`Workflows.setup_integration`)
        for name, member in vars(cls).items():
            if callable(member) and not name.startswith("_"):
                member.__name__ = name
                member.__qualname__ = f"{cls.__qualname__}.{name}"

    def _setup_integration(
        self,
        name: str,
        environment: str,
        *,
        variables_schema: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        version_name: Optional[str] = None,
    ) -> _Started[Integration]:
        """Creates a project, sets its variable schema, uploads its files and deploys them
        to ``environment`` (which the deployment creates)."""
        _sync_log()
        work = self._native.setup_integration(
            name,
            environment,
            variables_schema=variables_schema,
            files=_files(files),
            version_name=version_name,
        )
        return _Started(work, _integration)

    def _activate_user(
        self,
        environment_id: str,
        external_id: str,
        *,
        connections: Sequence[Union[Model, Mapping[str, Any]]],
        dynamic_variables: Optional[Mapping[str, Any]] = None,
        display_name: Optional[str] = None,
    ) -> _Started[Activation]:
        """Activates an end user on an environment after checking the platform's rules:
        every system of the environment has a connection (see :func:`versori.connection`)
        and the variables satisfy the project's schema; any violation is a
        :class:`~versori.ValidationError` listing every problem, and nothing is changed.
        The end user is created (by externalId) when missing."""
        _sync_log()
        work = self._native.activate_user(
            environment_id,
            external_id,
            connections=_connections(connections),
            dynamic_variables=dynamic_variables,
            display_name=display_name,
        )
        return _Started(work, Activation._from_wire)

    def _find_user_activation(self, environment_id: str, external_id: str) -> _Started[Optional[Activation]]:
        """The activation of the end user ``external_id`` on an environment, or None."""
        _sync_log()
        return _Started(self._native.find_user_activation(environment_id, external_id), _activation)

    def _update_activation_variables(
        self, environment_id: str, activation_id: str, changes: Mapping[str, Any]
    ) -> _Started[Dict[str, Any]]:
        """Changes some of an activation's dynamic variables (None removes one); the final
        set must satisfy the project's schema. Returns the variables the platform stored."""
        _sync_log()
        work = self._native.update_activation_variables(environment_id, activation_id, dict(changes))
        return _Started(work, _variables)


class Workflows(_Workflows):
    """``client.workflows``: the platform's common workflows."""

    __slots__ = ()

    setup_integration = _blocking(_Workflows._setup_integration)
    activate_user = _blocking(_Workflows._activate_user)
    find_user_activation = _blocking(_Workflows._find_user_activation)
    update_activation_variables = _blocking(_Workflows._update_activation_variables)


class AsyncWorkflows(_Workflows):
    """``async_client.workflows``: the awaitable form of :class:`Workflows`."""

    __slots__ = ()

    setup_integration = _awaitable(_Workflows._setup_integration)
    activate_user = _awaitable(_Workflows._activate_user)
    find_user_activation = _awaitable(_Workflows._find_user_activation)
    update_activation_variables = _awaitable(_Workflows._update_activation_variables)
