"""The platform's common workflows, with its rules checked before anything is sent
(the Rust facade's ``setup_integration``, ``activate_user``, ``find_user_activation``
and ``update_activation_variables``)."""

from __future__ import annotations

from typing import Any, Dict, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native
from ._log import sync as _sync_log
from ._generated_models import Activation, Project, ProjectEnvironment
from ._model import Model, _plain


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


# Each workflow is one native call (``NativeWork``); the two classes differ only in
# taking its result with ``wait()`` or ``await ... awaitable()``.


class Workflows:
    """``client.workflows``: the platform's common workflows."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.NativeClient) -> None:
        self._native = native

    def setup_integration(
        self,
        name: str,
        environment: str,
        *,
        variables_schema: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        version_name: Optional[str] = None,
    ) -> Integration:
        """Creates a project, sets its variable schema, uploads its files and deploys them
        to ``environment`` (which the deployment creates)."""
        _sync_log()
        raw = self._native.setup_integration(
            name,
            environment,
            variables_schema=variables_schema,
            files=_files(files),
            version_name=version_name,
        ).wait()
        return _integration(raw)

    def activate_user(
        self,
        environment_id: str,
        external_id: str,
        *,
        connections: Sequence[Union[Model, Mapping[str, Any]]],
        dynamic_variables: Optional[Mapping[str, Any]] = None,
        display_name: Optional[str] = None,
    ) -> Activation:
        """Activates an end user on an environment after checking the platform's rules:
        every system of the environment has a connection (see :func:`versori.connection`)
        and the variables satisfy the project's schema; any violation is a
        :class:`~versori.ValidationError` listing every problem, and nothing is changed.
        The end user is created (by externalId) when missing."""
        _sync_log()
        raw = self._native.activate_user(
            environment_id,
            external_id,
            connections=_connections(connections),
            dynamic_variables=dynamic_variables,
            display_name=display_name,
        ).wait()
        return Activation._from_wire(raw)

    def find_user_activation(self, environment_id: str, external_id: str) -> Optional[Activation]:
        """The activation of the end user ``external_id`` on an environment, or None."""
        _sync_log()
        return _activation(self._native.find_user_activation(environment_id, external_id).wait())

    def update_activation_variables(
        self, environment_id: str, activation_id: str, changes: Mapping[str, Any]
    ) -> Dict[str, Any]:
        """Changes some of an activation's dynamic variables (None removes one); the final
        set must satisfy the project's schema. Returns the variables the platform stored."""
        _sync_log()
        stored: Dict[str, Any] = self._native.update_activation_variables(
            environment_id, activation_id, dict(changes)
        ).wait()
        return stored


class AsyncWorkflows:
    """``async_client.workflows``: the awaitable form of :class:`Workflows`."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.NativeClient) -> None:
        self._native = native

    async def setup_integration(
        self,
        name: str,
        environment: str,
        *,
        variables_schema: Optional[Mapping[str, Any]] = None,
        files: Optional[Files] = None,
        version_name: Optional[str] = None,
    ) -> Integration:
        """As :meth:`Workflows.setup_integration`."""
        _sync_log()
        raw = await self._native.setup_integration(
            name,
            environment,
            variables_schema=variables_schema,
            files=_files(files),
            version_name=version_name,
        ).awaitable()
        return _integration(raw)

    async def activate_user(
        self,
        environment_id: str,
        external_id: str,
        *,
        connections: Sequence[Union[Model, Mapping[str, Any]]],
        dynamic_variables: Optional[Mapping[str, Any]] = None,
        display_name: Optional[str] = None,
    ) -> Activation:
        """As :meth:`Workflows.activate_user`."""
        _sync_log()
        raw = await self._native.activate_user(
            environment_id,
            external_id,
            connections=_connections(connections),
            dynamic_variables=dynamic_variables,
            display_name=display_name,
        ).awaitable()
        return Activation._from_wire(raw)

    async def find_user_activation(self, environment_id: str, external_id: str) -> Optional[Activation]:
        """As :meth:`Workflows.find_user_activation`."""
        _sync_log()
        return _activation(await self._native.find_user_activation(environment_id, external_id).awaitable())

    async def update_activation_variables(
        self, environment_id: str, activation_id: str, changes: Mapping[str, Any]
    ) -> Dict[str, Any]:
        """As :meth:`Workflows.update_activation_variables`."""
        _sync_log()
        stored: Dict[str, Any] = await self._native.update_activation_variables(
            environment_id, activation_id, dict(changes)
        ).awaitable()
        return stored
