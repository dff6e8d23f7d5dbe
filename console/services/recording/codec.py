"""Typed readings to JSON-ready values and back, by what was recorded.

Why one type-driven codec rather than a writer per model: the recorder and the replay must agree
on every field of every reading, and a field added to a model (with a default, at the end) must
not break older recordings. Encoding follows the dataclass fields; decoding follows the type that
`what` names (`KINDS`), filling fields missing from an older recording with their defaults.
Datetimes are ISO 8601 strings; tuples are lists.
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
        return [encode(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CodecError(f"cannot record a {type(value).__name__}")


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
    if not isinstance(obj, list):
        raise CodecError(f"expected a list, got {obj!r}")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(args[0], item, bound) for item in obj)
    if len(args) != len(obj):
        raise CodecError(f"expected {len(args)} items, got {obj!r}")
    return tuple(_decode(a, item, bound) for a, item in zip(args, obj, strict=True))


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
