"""The recorder on the lab's PostgreSQL and Redis: every detail reading of each kind recorded,
the top-query deltas from the second interval on, a failed reading kept with its error."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.config import RecordOptions
from console.data.layer import DataLayer
from console.data.models import Digest, RedisInfo
from console.services.recording.recorder import Recorder, sample_of
from console.services.recording.store import Recording, RecordingWriter

pytestmark = pytest.mark.lab
REDIS = "luckyus-isales-market"


async def _two_intervals(data: DataLayer, folder: Path, *names: str) -> Recording:
    writer = RecordingWriter(folder, keep_hours=1, max_bytes=2**30)
    recorder = Recorder(data, writer, RecordOptions(), names)
    first = await recorder.interval()
    await asyncio.sleep(3)  # the lab's workload runs statements in between
    second = await recorder.interval()
    writer.close()
    assert first.fleet and not second.fleet  # the fleet once a minute, not every interval
    assert set(first.detailed) == set(names)
    return Recording.open(folder)


async def test_postgres_and_redis_in_detail(data: DataLayer, tmp_path: Path) -> None:
    fleet = await data.fleet()
    postgres = next(i.name for i in fleet.instances if i.kind == "postgres")
    assert fleet.by_name(REDIS) is not None
    recording = await _two_intervals(data, tmp_path, postgres, REDIS)
    first, second = recording.times()
    assert recording.whats(postgres) == (
        "digests", "health", "lock_waits", "processlist", "status"
    )  # fmt: skip
    assert recording.whats(REDIS) == ("health", "redis_clients", "redis_info", "redis_slowlog")
    assert recording.at(postgres, "digests", first) is None  # the first is the baseline
    deltas = recording.at(postgres, "digests", second)
    assert deltas is not None and isinstance(deltas.value, tuple)
    assert deltas.value, "the workload's statements between the two samples"
    assert all(isinstance(d, Digest) and d.calls > 0 for d in deltas.value)
    info = recording.at(REDIS, "redis_info", second)
    assert info is not None and isinstance(info.value, RedisInfo) and info.value.sections


async def test_a_failed_reading_is_recorded_with_its_error(data: DataLayer, tmp_path: Path) -> None:
    redis = (await data.fleet()).by_name(REDIS)
    assert redis is not None
    dead = replace(redis, name="dead-redis", port=1)  # nothing listens on port 1
    reading = await data.redis.info(dead)
    at = datetime.now(UTC)
    writer = RecordingWriter(tmp_path, keep_hours=1, max_bytes=2**30)
    writer.write(at, [sample_of(at, dead.name, "redis_info", reading)])
    writer.close()
    sample = Recording.open(tmp_path).at("dead-redis", "redis_info", at)
    assert sample is not None and sample.value is None
    assert sample.error is not None and sample.error.startswith("dead-redis (redis): unreachable")
