"""The base of the generated models and the helpers their properties use.

A model returned by a call reads its object from the response body, which was checked
and indexed natively when it arrived: ``_raw`` is the :class:`versori._native.RawItems`
holding the object (a listing's items, or the response's one top-level object) and
``_index`` its place there. Each field read decodes just that value; a list-of-models
field (``_lazy``) gives models over its items the same way; whole-object operations
such as ``to_dict()`` decode the object once into ``_data``. A model built from a dict
wraps the dict at once.

The fields are :class:`versori._native.Field` descriptors: reading one runs no Python
code, except a timestamp's conversion to :class:`datetime.datetime`.
"""

from __future__ import annotations

import sys
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, ClassVar, Dict, FrozenSet, List, Mapping, Optional, Type, TypeVar

from ._errors import APIResponseError, ValidationError, VersoriWarning
from . import _native
from ._native import RawItems, RawJson

__all__ = ["Field", "Model"]

M = TypeVar("M", bound="Model")
T = TypeVar("T")


class Field(_native.Field[T]):
    """A field of a model, read as an attribute (``user.external_id``).

    Reading one runs no Python code: the native descriptor reads the model's wire dict,
    or the one value it needs from the response body. This subclass only carries the
    field's own docstring, which ``help()`` shows.
    """

    def __init__(
        self,
        wire: str,
        attr: str,
        doc: Optional[str] = None,
        *,
        required: bool = True,
        convert: Optional[Callable[[Any], Any]] = None,
        timestamp: bool = False,
    ) -> None:
        # as written in the class body: continuation lines are indented
        self.__doc__ = "\n".join(line.strip() for line in doc.strip().splitlines()) if doc else None


def _not_an_object(cls: type, data: Any) -> APIResponseError:
    status = None
    if type(data) is RawJson:
        status = data.status
        data = data.value()
    excerpt = repr(data)[:200]
    return APIResponseError(
        f"could not decode the response: expected a {cls.__name__} object, got {type(data).__name__}",
        status=status,
        excerpt=excerpt,
    )


class Model(_native.ModelBase):
    """A typed view of a JSON object of the API.

    Fields are snake_case properties (``user.external_id``); the object itself keeps the
    wire form (camelCase names), including fields this version of the SDK does not know,
    which ``to_dict()`` and ``to_json()`` return unchanged.

    Its state (``_data``, the wire dict once decoded; ``_raw`` and ``_index``, what it
    reads from until then) lives in the native base class.
    """

    __slots__ = ()
    _schema: ClassVar[str] = "Model"
    _fields: ClassVar[Dict[str, str]] = {}
    _lazy: ClassVar[FrozenSet[str]] = frozenset()
    """Wire names of the fields that are lists of models (decoded item by item)."""

    @classmethod
    def _from_wire(cls: Type[M], data: Any) -> M:
        obj = cls.__new__(cls)
        if type(data) is RawJson and data.kind == "object":
            obj._raw = data.record()
        elif isinstance(data, dict):
            obj._data = data
        else:
            raise _not_an_object(cls, data)
        return obj

    def _wire(self) -> Dict[str, Any]:
        """The wire object, decoded now if it was not yet."""
        data = self._data
        return data if data is not None else _decode(self)

    @classmethod
    def from_dict(cls: Type[M], data: Mapping[str, Any]) -> M:
        """A model from a dict with wire (camelCase) names, such as ``to_dict()`` gives."""
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}.from_dict needs a mapping, got {type(data).__name__}")
        return cls._from_wire(_plain(dict(data)))

    @classmethod
    def from_json(cls: Type[M], text: str | bytes) -> M:
        """A model from a JSON object text."""
        import json  # on first use: importing the package does not load it

        return cls.from_dict(json.loads(text))

    def to_dict(self) -> Dict[str, Any]:
        """The object with its wire (camelCase) names, unknown fields included (a copy)."""
        return _copy(self._wire())  # type: ignore[no-any-return]

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """The object as JSON text with its wire names."""
        import json

        return json.dumps(self._wire(), indent=indent, ensure_ascii=False, default=_json_default)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Model)
        return bool(_copy(self._wire()) == _copy(other._wire()))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        data = self._wire()
        for attr, wire in self._fields.items():
            if wire in data:
                parts.append(f"{attr}={_short(data[wire])}")
        extra = len([k for k in data if k not in self._fields.values()])
        if extra:
            parts.append(f"+{extra} unknown field{'s' if extra > 1 else ''}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __getstate__(self) -> Dict[str, Any]:
        return self.to_dict()

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._data = state


def _short(value: Any, limit: int = 60) -> str:
    text = repr(_copy(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _copy(value: Any) -> Any:
    """A deep copy of wire data, with what was kept undecoded (``RawJson``, ``RawItems``)
    decoded."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if type(value) is RawJson or type(value) is RawItems:
        return value.value()
    return value


def _json_default(value: Any) -> Any:
    if type(value) is RawJson or type(value) is RawItems:
        return value.value()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _plain(value: Any) -> Any:
    """A request value as plain JSON data: models become their wire dicts, timestamps
    their RFC 3339 text."""
    if isinstance(value, Model):
        return _copy(value._wire())
    if type(value) is RawJson or type(value) is RawItems:
        return value.value()
    if isinstance(value, datetime):
        return _wire_timestamp(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _pack(fields: Dict[str, Any]) -> Dict[str, Any]:
    """A model's wire dict from constructor arguments (None means unset)."""
    return {k: _plain(v) for k, v in fields.items() if v is not None}


def _decode(model: Model) -> Dict[str, Any]:
    """Decodes a model's object from the response it reads (on its first whole-object
    use)."""
    raw = model._raw
    if type(raw) is not RawItems:
        raise AttributeError(f"{type(model).__name__} has no data")
    data = raw.object_at(model._index, model._lazy)
    model._data = data
    model._raw = None
    return data


def _optional(model: Model, wire: str) -> Any:
    """The wire value of a field, or None (for code that does not go through the
    field's descriptor)."""
    data = model._data
    if data is None:
        raw = model._raw
        if type(raw) is RawItems:
            try:
                return raw.field_at(model._index, wire)
            except KeyError:
                return None
        data = _decode(model)
    return data.get(wire)


def _model(cls: Type[M], value: Any) -> Any:
    if value is None:
        return None
    return cls._from_wire(value)


def _models(cls: Type[M], value: Any) -> Any:
    if value is None:
        return None
    if type(value) is RawItems:
        # objects all, each field decoded when it is read
        return value.models(cls)
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
    """The decoder of a list of models: a bare-array response (``RawJson``) or a
    listing's page (``RawItems``)."""

    def decode(value: Any) -> List[M]:
        if type(value) is RawJson:
            value = value.items() if value.kind == "array" else value.value()
        if not isinstance(value, (list, RawItems)):
            value = []
        return _models(cls, value)  # type: ignore[no-any-return]

    return decode


def _raw(value: Any) -> Any:
    """Plain JSON data from a response (``RawJson``) or a page's items (``RawItems``)."""
    if type(value) is RawJson or type(value) is RawItems:
        return value.value()
    return value


# RFC 3339 (the spec's `format: date-time`): a date, a time with optional fractions of
# a second, and a UTC offset (read by `datetime.fromisoformat` from Python 3.11 on)
_TIMESTAMP = r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
_timestamp_match: Optional[Callable[[str], Any]] = None


def _parse_timestamp(text: str) -> datetime:
    """A timestamp as a timezone-aware datetime (fractions beyond microseconds are
    dropped): what ``datetime.fromisoformat`` reads with a UTC offset from Python 3.11 on
    (RFC 3339 and other ISO 8601 forms; the native field descriptors read it the same way),
    RFC 3339 before. Anything else is a ValueError."""
    if sys.version_info >= (3, 11):
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            raise ValueError(f"{text!r} has no UTC offset")
        return parsed
    global _timestamp_match
    if _timestamp_match is None:  # compiled on first use: `re` costs import time
        import re

        _timestamp_match = re.compile(_TIMESTAMP).fullmatch
    m = _timestamp_match(text)
    if m is None:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp")
    year, month, day, hour, minute, second, fraction, utc, sign, off_h, off_m = m.groups()
    if utc:
        tz = timezone.utc
    else:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-offset if sign == "-" else offset)
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tz)


def _timestamp(value: Any, field: str) -> Any:
    """A `format: date-time` field's wire value as a timezone-aware datetime (None stays
    None). A value that is not an RFC 3339 timestamp reads as it came, with a
    :class:`~versori.VersoriWarning`, rather than failing the whole model."""
    if type(value) is not str:
        if value is None:
            return None
    else:
        try:
            return _parse_timestamp(value)
        except ValueError:
            pass
    warnings.warn(
        f"{field}: the platform sent {value!r}, which is not an RFC 3339 timestamp; it reads as sent",
        VersoriWarning,
        stacklevel=3,
    )
    return value


def _wire_timestamp(value: datetime) -> str:
    """A timezone-aware datetime as RFC 3339 text (UTC as ``Z``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{value!r} has no timezone: the platform needs timezone-aware timestamps")
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _none(value: Any) -> None:
    return None
