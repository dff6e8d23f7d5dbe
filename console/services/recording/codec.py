"""Typed readings to JSON-ready values and back, by what was recorded.

Why one type-driven codec rather than a writer per model: the recorder and the replay must agree
on every field of every reading, and a field added to a model (with a default, at the end) must
not break older recordings. Encoding follows the dataclass fields; decoding follows the type that
`what` names (`KINDS`), filling fields missing from an older recording with their defaults.
Datetimes are ISO 8601 strings; tuples are lists, and a tuple of one model is columns and rows.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from console.data.aws_models import CloudWatchAlarm
from console.data.models import (
    Alert,
    Digest,
    FleetHealth,
    LockWait,
    Process,
    RedisClient,
    RedisInfo,
    ServerStatus,
    SlowlogEntry,
)
from console.inventory import Instance

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]

KINDS: Mapping[str, Any] = {
    "fleet": tuple[Instance, ...],
    "health": FleetHealth,
    "alerts": tuple[Alert, ...],
    "alarms": tuple[CloudWatchAlarm, ...],
    "status": ServerStatus,
    "processlist": tuple[Process, ...],
    "lock_waits": tuple[LockWait, ...],
    "digests": tuple[Digest, ...],
    "redis_info": RedisInfo,
    "redis_clients": tuple[RedisClient, ...],
    "redis_slowlog": tuple[SlowlogEntry, ...],
}
"""Every `what` a recording holds, and the type of its value."""

FLEET_FIELDS = ("kind", "name", "group", "env", "host", "port", "database", "origin")
"""What a recording keeps of an instance: where it is, never who logs in nor with what."""

COLUMNS, ROWS = "columns", "rows"
_NONE_TYPE = type(None)


class CodecError(ValueError):
    """A recorded value that does not fit the type its `what` names."""


def encode(value: object) -> Json:
    """`value` (a reading's value: a model, a tuple of models, a FleetHealth) as plain JSON."""
    if isinstance(value, Instance):
        return {name: getattr(value, name) for name in FLEET_FIELDS}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in _fields(type(value))}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        if value and _same_model(value):
            return _columns(value)
        return [encode(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CodecError(f"cannot record a {type(value).__name__}")


def _same_model(items: tuple[object, ...] | list[object]) -> bool:
    kind: type = type(items[0])
    return (
        dataclasses.is_dataclass(kind)
        and kind is not Instance
        and all(type(item) is kind for item in items)
    )


def _columns(items: tuple[object, ...] | list[object]) -> Json:
    """A tuple of one model as `{"columns": [names], "rows": [[values], ...]}`.

    Why: a processlist is dozens of sessions with the same ten fields; naming each field once
    per sample instead of once per session makes the JSON a third smaller before compression
    and the stream's matches longer (bench/RESULTS.md)."""
    model: type = type(items[0])
    names = [f.name for f in _fields(model)]
    rows: list[Json] = [[encode(getattr(item, name)) for name in names] for item in items]
    return {COLUMNS: list[Json](names), ROWS: rows}


def decode(what: str, obj: Json) -> object:
    """The typed value recorded under `what` (see `KINDS`)."""
    kind = KINDS.get(what)
    if kind is None:
        raise CodecError(f"unknown recorded reading {what!r}")
    return _decode(kind, obj, {})


def _decode(kind: Any, obj: Json, bound: Mapping[Any, Any]) -> Any:
    if isinstance(kind, TypeVar):
        return _decode(bound.get(kind, object), obj, bound)
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return _union(get_args(kind), obj, bound)
    if origin is Literal or kind is object:
        return obj
    if origin is tuple:
        return _tuple(get_args(kind), obj, bound)
    if kind is Instance:
        return _instance(obj)
    if kind is datetime:
        if not isinstance(obj, str):
            raise CodecError(f"expected a time, got {obj!r}")
        return datetime.fromisoformat(obj)
    target = origin if origin is not None else kind
    if isinstance(target, type) and dataclasses.is_dataclass(target):
        params = getattr(target, "__parameters__", ())
        own = dict(zip(params, get_args(kind), strict=False)) if origin is not None else {}
        return _dataclass(target, obj, {**bound, **own})
    if kind is float and isinstance(obj, int) and not isinstance(obj, bool):
        return float(obj)
    if kind in (int, float, str, bool) and isinstance(obj, kind):
        return obj
    raise CodecError(f"expected {getattr(kind, '__name__', kind)}, got {obj!r}")


def _union(options: tuple[Any, ...], obj: Json, bound: Mapping[Any, Any]) -> Any:
    if obj is None and _NONE_TYPE in options:
        return None
    for option in options:
        if option is _NONE_TYPE:
            continue
        try:
            return _decode(option, obj, bound)
        except CodecError:
            continue
    raise CodecError(f"{obj!r} fits none of {options}")


def _tuple(args: tuple[Any, ...], obj: Json, bound: Mapping[Any, Any]) -> tuple[Any, ...]:
    if isinstance(obj, dict) and COLUMNS in obj:
        obj = _rows(obj)
    if not isinstance(obj, list):
        raise CodecError(f"expected a list, got {obj!r}")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(args[0], item, bound) for item in obj)
    if len(args) != len(obj):
        raise CodecError(f"expected {len(args)} items, got {obj!r}")
    return tuple(_decode(a, item, bound) for a, item in zip(args, obj, strict=True))


def items_of(obj: Json) -> list[Json]:
    """The encoded items of a recorded tuple, columns and rows or a plain list, as a list
    (one dict per model): for a reader that looks into raw values without decoding them."""
    if isinstance(obj, dict) and COLUMNS in obj:
        return _rows(obj)
    return obj if isinstance(obj, list) else []


def _rows(obj: dict[str, Json]) -> list[Json]:
    names, rows = obj.get(COLUMNS), obj.get(ROWS)
    if not isinstance(names, list) or not isinstance(rows, list):
        raise CodecError(f"misshapen columns: {obj!r}")
    keys = [str(name) for name in names]
    shaped: list[Json] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(keys):
            raise CodecError(f"a row that does not fit its columns: {row!r}")
        shaped.append(dict(zip(keys, row, strict=True)))
    return shaped


def _dataclass(target: type, obj: Json, bound: Mapping[Any, Any]) -> Any:
    if not isinstance(obj, dict):
        raise CodecError(f"expected a {target.__name__}, got {obj!r}")
    hints = _hints(target)
    values = {
        f.name: _decode(hints[f.name], obj[f.name], bound) for f in _fields(target) if f.name in obj
    }
    try:
        return target(**values)
    except TypeError as error:
        raise CodecError(f"a recorded {target.__name__} lacks a field: {error}") from None


def _instance(obj: Json) -> Instance:
    """An instance as recorded: no user, no secret (`secret` is "")."""
    if not isinstance(obj, dict):
        raise CodecError(f"expected an instance, got {obj!r}")
    database = obj.get("database")
    return Instance(
        kind=typing.cast(Any, str(obj["kind"])),
        name=str(obj["name"]),
        group=str(obj["group"]),
        env=str(obj["env"]),
        host=str(obj["host"]),
        port=int(typing.cast(int, obj["port"])),
        user=None,
        secret="",
        database=None if database is None else str(database),
        origin=str(obj.get("origin") or "config"),
    )


@cache
def _fields(target: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(target)


@cache
def _hints(target: type) -> dict[str, Any]:
    return typing.get_type_hints(target)
