"""Every kind of recorded reading survives encode -> JSON -> decode, on values read from the lab."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from console.data.layer import DataLayer
from console.data.models import Reading
from console.inventory import Instance
from console.services.recording.codec import KINDS, CodecError, decode, encode

pytestmark = pytest.mark.lab


def _first(data: DataLayer, kind: str) -> Instance:
    return next(i for i in data.settings.fleet.instances if i.kind == kind)


def _round_trip(what: str, value: object) -> object:
    return decode(what, json.loads(json.dumps(encode(value))))


def _value(reading: Reading[Any]) -> object:
    assert reading.error is None, reading.error
    return reading.value


async def _readings(data: DataLayer) -> dict[str, object]:
    mysql, postgres = _first(data, "mysql"), _first(data, "postgres")
    fleet = await data.fleet()
    redis = next(i for i in fleet.instances if i.kind == "redis")
    alarms = await data.cloudwatch_alarms()
    return {
        "fleet": fleet.instances,
        "health": (await data.fleet_health([mysql, redis]))[0],
        "alerts": _value(await data.alertmanager.alerts()),
        "alarms": alarms.value if alarms.ok else (),
        "status": _value(await data.mysql.status(mysql)),
        "processlist": _value(await data.mysql.processlist(mysql, 100)),
        "lock_waits": _value(await data.mysql.lock_waits(mysql, 100)),
        "digests": _value(await data.mysql.digests(mysql, 50)),
        "pg_digests": _value(await data.postgres.digests(postgres, 50)),
        "redis_info": _value(await data.redis.info(redis)),
        "redis_clients": _value(await data.redis.clients(redis, 100)),
        "redis_slowlog": _value(await data.redis.slowlog(redis, 50)),
    }


async def test_every_recorded_reading_round_trips(data: DataLayer) -> None:
    readings = await _readings(data)
    assert set(KINDS) <= {name.removeprefix("pg_") for name in readings}
    for name, value in readings.items():
        what = name.removeprefix("pg_")
        if what == "fleet":
            continue
        assert _round_trip(what, value) == value, what
    assert readings["processlist"], "the lab's workload runs sessions"


async def test_a_recorded_fleet_keeps_where_not_who(data: DataLayer) -> None:
    fleet = (await data.fleet()).instances
    back = _round_trip("fleet", fleet)
    assert isinstance(back, tuple) and len(back) == len(fleet)
    for original, recorded in zip(fleet, back, strict=True):
        assert isinstance(recorded, Instance)
        assert (recorded.name, recorded.kind, recorded.endpoint, recorded.group) == (
            original.name,
            original.kind,
            original.endpoint,
            original.group,
        )
        assert recorded.secret == "" and recorded.user is None and recorded.write_secret is None
    encoded = encode(fleet[0])
    assert isinstance(encoded, dict)
    assert not any("secret" in key or "user" in key for key in encoded)


def test_a_failed_health_reading_round_trips() -> None:
    from console.data.models import FleetHealth, SourceError

    error = SourceError("db-1", "mysql", "timeout", "no answer within 3 s")
    reading: Reading[object] = Reading("db-1", "mysql", datetime.now(UTC), 3.0, error=error)
    health = FleetHealth("db-1", "mysql", "Auth", reading)  # type: ignore[arg-type]
    assert _round_trip("health", health) == health


def test_an_unknown_or_misshapen_value_is_refused() -> None:
    with pytest.raises(CodecError):
        decode("kettle", [])
    with pytest.raises(CodecError):
        decode("processlist", {"id": 1})
    with pytest.raises(CodecError):
        encode(object())
