"""The base of the generated models and the helpers their properties use."""

from __future__ import annotations

import json
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Type, TypeVar

from ._errors import APIResponseError

M = TypeVar("M", bound="Model")


def _not_an_object(cls: type, data: Any) -> APIResponseError:
    excerpt = repr(data)[:200]
    return APIResponseError(
        f"could not decode the response: expected a {cls.__name__} object, got {type(data).__name__}",
        status=None,
        excerpt=excerpt,
    )


class Model:
    """A typed view of a JSON object of the API.

    Fields are snake_case properties (``user.external_id``); the object itself keeps the
    wire form (camelCase names), including fields this version of the SDK does not know,
    which ``to_dict()`` and ``to_json()`` return unchanged.
    """

    __slots__ = ("_data",)
    _schema: ClassVar[str] = "Model"
    _fields: ClassVar[Dict[str, str]] = {}
    _data: Dict[str, Any]

    @classmethod
    def _from_wire(cls: Type[M], data: Any) -> M:
        if not isinstance(data, dict):
            raise _not_an_object(cls, data)
        obj = cls.__new__(cls)
        obj._data = data
        return obj

    @classmethod
    def from_dict(cls: Type[M], data: Mapping[str, Any]) -> M:
        """A model from a dict with wire (camelCase) names, such as ``to_dict()`` gives."""
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}.from_dict needs a mapping, got {type(data).__name__}")
        return cls._from_wire(_plain(dict(data)))

    @classmethod
    def from_json(cls: Type[M], text: str | bytes) -> M:
        """A model from a JSON object text."""
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> Dict[str, Any]:
        """The object with its wire (camelCase) names, unknown fields included (a copy)."""
        return _copy(self._data)  # type: ignore[no-any-return]

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """The object as JSON text with its wire names."""
        return json.dumps(self._data, indent=indent, ensure_ascii=False)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Model)
        return self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for attr, wire in self._fields.items():
            if wire in self._data:
                parts.append(f"{attr}={_short(self._data[wire])}")
        extra = len([k for k in self._data if k not in self._fields.values()])
        if extra:
            parts.append(f"+{extra} unknown field{'s' if extra > 1 else ''}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __getstate__(self) -> Dict[str, Any]:
        return self._data

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._data = state


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """A request value as plain JSON data: models become their wire dicts."""
    if isinstance(value, Model):
        return value._data
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _pack(fields: Dict[str, Any]) -> Dict[str, Any]:
    """A model's wire dict from constructor arguments (None means unset)."""
    return {k: _plain(v) for k, v in fields.items() if v is not None}


def _required(model: Model, wire: str, attr: str) -> Any:
    try:
        return model._data[wire]
    except KeyError:
        raise AttributeError(
            f"{type(model).__name__}.{attr}: the platform sent no `{wire}` "
            f"(fields present: {', '.join(model._data) or 'none'})"
        ) from None


def _model(cls: Type[M], value: Any) -> Any:
    if value is None:
        return None
    return cls._from_wire(value)


def _models(cls: Type[M], value: Any) -> Any:
    if value is None:
        return None
    new = cls.__new__
    out: List[M] = []
    append = out.append
    for item in value:
        if not isinstance(item, dict):
            raise _not_an_object(cls, item)
        obj = new(cls)
        obj._data = item
        append(obj)
    return out


def _model_map(cls: Type[M], value: Any) -> Any:
    if value is None:
        return None
    return {k: cls._from_wire(v) for k, v in value.items()}


def _list_decoder(cls: Type[M]) -> Callable[[Any], List[M]]:
    def decode(value: Any) -> List[M]:
        return _models(cls, value if isinstance(value, list) else [])  # type: ignore[no-any-return]

    return decode


def _raw(value: Any) -> Any:
    return value


def _none(value: Any) -> None:
    return None
