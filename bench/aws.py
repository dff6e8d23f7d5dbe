"""AWS on the lab's moto: what the paid-call cache saves, and what paging a slow log costs.

Baselines measured in the same run: a Cost Explorer report made by a call (moto) against the
same report from the disk cache, and 8 concurrent identical requests; a slow-log read with
1000-event pages against 50-event pages. Run with the lab up: `.venv/bin/python bench/aws.py`.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

from console.config import Settings, load_settings
from console.data.layer import DataLayer

ROOT = Path(__file__).resolve().parents[1]


def _settings(cache: Path, **options: object) -> Settings:
    base = load_settings(ROOT / "config.toml", "lab")
    return replace(base, aws=msgspec.structs.replace(base.aws, cache_dir=str(cache), **options))


async def _timed(label: str, data: DataLayer, days: int, runs: int = 1) -> None:
    started = time.perf_counter()
    readings = await asyncio.gather(*(data.cost_report(days) for _ in range(runs)))
    elapsed = time.perf_counter() - started
    assert all(r.value is not None for r in readings), readings[0].error
    counter = await data.paid_calls()
    print(f"{label:<44} {elapsed * 1000:8.1f} ms  paid calls so far {counter.session_calls}")


async def _cost(cache: Path) -> None:
    async with DataLayer(_settings(cache)) as data:
        await _timed("cost report, first call (imports aioboto3)", data, 7)
        await _timed("cost report, from the disk cache", data, 7)
        await _timed("cost report, another window (a call)", data, 45)
        await _timed("8 concurrent identical requests (new window)", data, 50, runs=8)


async def _slow_log(cache: Path, page: int) -> None:
    async with DataLayer(_settings(cache, slow_log_page_events=page)) as data:
        instance = data.settings.fleet.by_name("aws-luckyus-salesorder-rw")
        assert instance is not None
        now = datetime.now(UTC)
        await data.aws_resources()  # warm the import and the session
        started = time.perf_counter()
        reading = await data.slow_log(instance, now - timedelta(days=1), now)
        elapsed = time.perf_counter() - started
    assert reading.value is not None, reading.error
    chunk = reading.value
    print(
        f"slow log, {page:>4}-event pages: {chunk.events} events, {len(chunk.lines)} lines "
        f"in {elapsed * 1000:.0f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(_cost(Path(directory)))
        asyncio.run(_slow_log(Path(directory), 1000))
        asyncio.run(_slow_log(Path(directory), 50))


if __name__ == "__main__":
    main()
