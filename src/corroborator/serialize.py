"""Model dataclasses to JSON-compatible data and back, driven by their type hints.

``to_dict`` needs no schema: it walks dataclasses, tuples, dicts and dates. ``from_dict`` reads the
target class's type hints (``typing.get_type_hints``) to rebuild each field, so adding a field to
``model.py`` needs no change here. The store's analysis cache and any JSON export use this pair.

JSON has no infinity: non-finite floats (``Quantity.bounds`` style values) are written as the
strings ``"Infinity"``, ``"-Infinity"`` and ``"NaN"`` and read back where a float is expected.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any, Literal, TypeVar, Union

from corroborator.model import Analysis

T = TypeVar("T")

_NON_FINITE = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def to_dict(obj: Any) -> Any:
    """``obj`` as JSON-compatible data: dicts, lists, str, int, float, bool and None."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): to_dict(value) for key, value in obj.items()}
    if isinstance(obj, (date, datetime)):  # datetime is a date: isoformat keeps time and zone
        return obj.isoformat()
    if isinstance(obj, float) and not math.isfinite(obj):
        return "NaN" if math.isnan(obj) else ("Infinity" if obj > 0 else "-Infinity")
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"cannot serialise {type(obj).__name__}: {obj!r}")


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a ``cls`` (a dataclass or any type ``to_dict`` handles) from ``to_dict`` output.

    Raises ``TypeError`` or ``ValueError`` when ``data`` does not fit the type hints.
    """
    return _decode(cls, data)


def analysis_to_json(analysis: Analysis) -> str:
    """Compact JSON of an ``Analysis`` (non-ASCII kept as is; the text is usually most of it)."""
    return json.dumps(to_dict(analysis), ensure_ascii=False, separators=(",", ":"))


def analysis_from_json(text: str) -> Analysis:
    return from_dict(Analysis, json.loads(text))


@cache
def _field_types(cls: type) -> dict[str, Any]:
    # model.py uses ``from __future__ import annotations``: hints are strings until resolved.
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


def _decode(tp: Any, value: Any) -> Any:
    if tp is Any:
        return value
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return _decode_union(tp, value)
    if origin is Literal:
        if value not in typing.get_args(tp):
            raise ValueError(f"{value!r} is not one of {typing.get_args(tp)}")
        return value
    if origin is not None:
        return _decode_generic(tp, origin, value)
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, value)
    return _decode_scalar(tp, value)


def _decode_union(tp: Any, value: Any) -> Any:
    options = typing.get_args(tp)
    if value is None:
        if type(None) in options:
            return None
        raise ValueError(f"None where {tp} is expected")
    errors = []
    for option in options:
        if option is type(None):
            continue
        try:
            return _decode(option, value)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise ValueError(f"{value!r} fits none of {tp}: {'; '.join(errors)}")


def _decode_generic(tp: Any, origin: Any, value: Any) -> Any:
    args = typing.get_args(tp)
    if origin is tuple:
        _expect(value, list, tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in value)
        if len(args) != len(value):
            raise ValueError(f"{tp} needs {len(args)} items, got {len(value)}")
        return tuple(_decode(arg, item) for arg, item in zip(args, value, strict=True))
    if origin is list:
        _expect(value, list, tp)
        return [_decode(args[0] if args else Any, item) for item in value]
    if origin is dict:
        _expect(value, dict, tp)
        key_type, value_type = args if args else (Any, Any)
        return {_decode(key_type, k): _decode(value_type, v) for k, v in value.items()}
    raise TypeError(f"unsupported type hint {tp}")


def _decode_dataclass(cls: type, value: Any) -> Any:
    _expect(value, dict, cls)
    kwargs = {}
    for name, hint in _field_types(cls).items():
        if name in value:  # missing fields fall back to the dataclass default (or fail there)
            kwargs[name] = _decode(hint, value[name])
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise TypeError(f"cannot build {cls.__name__}: {exc}") from exc


def _decode_scalar(tp: Any, value: Any) -> Any:
    # datetime before date: a datetime is a date, and date.fromisoformat would drop the time.
    if tp is datetime:
        _expect(value, str, tp)
        return datetime.fromisoformat(value)  # keeps the UTC offset when there is one
    if tp is date:
        _expect(value, str, tp)
        return date.fromisoformat(value)
    if tp is float:
        if isinstance(value, str) and value in _NON_FINITE:
            return _NON_FINITE[value]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected a number, got {value!r}")
        return float(value)
    if tp is int or tp is bool or tp is str:
        # bool is an int in Python; do not let True pass for a count or 1 for a flag.
        if type(value) is not tp:
            raise TypeError(f"expected {tp.__name__}, got {value!r}")
        return value
    if tp is dict or tp is list:
        _expect(value, tp, tp)
        return value
    raise TypeError(f"unsupported type hint {tp!r}")


def _expect(value: Any, kind: type, tp: Any) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__} for {tp}, got {type(value).__name__}")
