"""RDS slow-query logs on the lab's moto: paged with nextToken, bounded, masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.config import Settings
from console.data.aws_models import LogChunk
from console.data.layer import DataLayer
from console.lab import seed_aws, topology
from console.safety.masking import mask_text
from tests.aws.conftest import with_aws

pytestmark = pytest.mark.lab


async def _read(settings: Settings, name: str, **bounds: int) -> LogChunk:
    data = DataLayer(with_aws(settings, Path("/nonexistent-cache"), **bounds))
    instance = settings.fleet.by_name(name)
    assert instance is not None
    now = datetime.now(UTC)
    try:
        reading = await data.slow_log(instance, now - timedelta(days=1), now)
    finally:
        await data.close()
    assert reading.error is None, reading.error
    assert reading.value is not None
    return reading.value


async def test_a_log_longer_than_a_page_is_read_whole(settings: Settings) -> None:
    chunk = await _read(settings, "aws-luckyus-salesorder-rw", slow_log_page_events=50)
    assert chunk.group == "/aws/rds/instance/aws-luckyus-salesorder-rw/slowquery"
    assert chunk.events >= seed_aws.SLOW_LOG_EVENTS["salesorder"] > 50
    assert not chunk.truncated
    assert sum(line.startswith("# Query_time:") for line in chunk.lines) == chunk.events
    whole = await _read(settings, "aws-luckyus-salesorder-rw")  # default page: 1000 events
    assert whole.lines == chunk.lines


async def test_the_event_bound_stops_the_read_and_says_truncated(settings: Settings) -> None:
    chunk = await _read(
        settings, "aws-luckyus-salesorder-rw", slow_log_page_events=40, slow_log_max_events=100
    )
    assert (chunk.events, chunk.truncated) == (100, True)
    assert sum(line.startswith("# Query_time:") for line in chunk.lines) == 100


async def test_the_byte_bound_stops_the_read_too(settings: Settings) -> None:
    chunk = await _read(settings, "aws-luckyus-salespayment-rw", slow_log_max_bytes=4000)
    assert chunk.truncated and 0 < chunk.events < seed_aws.SLOW_LOG_EVENTS["salespayment"]
    assert sum(len(line) + 1 for line in chunk.lines) <= 4000 + chunk.events


async def test_statements_are_masked_and_headers_stay_parseable(settings: Settings) -> None:
    chunk = await _read(settings, "aws-luckyus-salesorder-rw")
    lookups = [line for line in chunk.lines if line.startswith("SELECT * FROM members WHERE")]
    assert lookups and all("'***@" in line for line in lookups)
    statements = [line for line in chunk.lines if not line.startswith(("#", "SET ", "use "))]
    assert all(mask_text(line) == line for line in statements)  # nothing left to mask
    stamps = [line for line in chunk.lines if line.startswith("SET timestamp=")]
    assert stamps and all(line.removeprefix("SET timestamp=")[:-1].isdigit() for line in stamps)


async def test_an_instance_without_slow_log_events_gives_an_empty_chunk(
    settings: Settings,
) -> None:
    chunk = await _read(settings, "aws-luckyus-devops-rw")
    assert chunk == LogChunk("/aws/rds/instance/aws-luckyus-devops-rw/slowquery", (), 0, False)


async def test_an_instance_without_a_log_group_is_a_query_error(settings: Settings) -> None:
    names = [n for domain in topology.MYSQL_DOMAINS.values() for n in domain]
    assert len(names) == 61 and len(seed_aws.slow_log_names()) == 52
    missing = names[-1]  # RDS publishes 52 of the 61 slow logs
    assert missing not in seed_aws.slow_log_names()
    data = DataLayer(settings)
    instance = settings.fleet.by_name(f"aws-luckyus-{missing}-rw")
    assert instance is not None
    now = datetime.now(UTC)
    try:
        reading = await data.slow_log(instance, now - timedelta(hours=1), now)
    finally:
        await data.close()
    assert reading.error is not None and reading.error.kind == "query"
    assert "ResourceNotFoundException" in reading.error.message
