"""Benchmark: gathering an investigation's evidence at once against the same calls in sequence.

On the running lab, for one MySQL and one Redis instance: `gather_evidence` (every source under
asyncio.gather) against a baseline measured in the same run, the same DataLayer calls awaited one
after another, which also gives each source's time alone (the slowest of them is what the
concurrent gathering is held to: measured inside the concurrent run, a source slowed by the others
would make "costs its slowest source" hold by construction). Target: the concurrent gathering
within 1.5x of its slowest source measured alone, not the sum. Also the whole verb
(`opsconsole investigate`, with and without screenshots) and `report health`.
Run: `.venv/bin/python bench/investigate.py` while the lab is up.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import delay_proxy

from console.config import Settings, load_settings
from console.data.layer import DataLayer
from console.inventory import Instance
from console.services.investigation.gather import Gatherer, gather_evidence

ROOT = Path(__file__).resolve().parents[1]
WINDOW = timedelta(hours=1)
ROUNDS = 5
DELAY_MS = 20


async def sequential(data: DataLayer, instance: Instance, end: datetime) -> tuple[float, float]:
    """The baseline: every source of gather_evidence awaited one after another. Returns the
    total, and the slowest source's time alone (each runs with nothing else in flight)."""
    gatherer = Gatherer(data, instance, WINDOW, end)
    calls: list[Callable[[], Awaitable[Any]]] = [lambda: data.health(instance)]
    queries = data.settings.metrics.get(instance.kind, ())
    step_s = max(WINDOW.total_seconds() / 120, 5.0)
    for query in queries:
        text = query.for_instance(instance.name, instance.endpoint)
        calls.append(lambda t=text: data.prometheus.query_range(t, end - WINDOW, end, step_s))  # type: ignore[misc]
    if instance.kind == "redis":
        redis = data.redis
        calls += [
            lambda: redis.info(instance),
            lambda: redis.memory(instance),
            lambda: redis.slowlog(instance, 50),
            lambda: redis.clients(instance, 500),
            lambda: redis.sample_keys(instance, limit=1000, memory=True),
            gatherer.ttl_audit,
        ]
    else:
        sql = data.sql(instance)
        calls += [
            lambda: sql.status(instance),
            lambda: sql.processlist(instance, 500),
            lambda: sql.lock_waits(instance, 500),
            lambda: sql.digests(instance, 20),
            gatherer.slow_log,
        ]
    alone: list[float] = []
    for call in calls:
        started = time.perf_counter()
        await call()
        alone.append(time.perf_counter() - started)
    return sum(alone), max(alone)


async def concurrent(data: DataLayer, instance: Instance, end: datetime) -> float:
    """gather_evidence's wall time; every source must have answered (a failed source is fast
    and would flatter the figure)."""
    started = time.perf_counter()
    evidence = await gather_evidence(data, instance, WINDOW, end)
    elapsed = time.perf_counter() - started
    failed = [f"{name}: {reading.error}" for name, reading in evidence.sources() if reading.error]
    if failed:
        raise SystemExit(f"{instance.name}: sources failed: {'; '.join(failed)}")
    return elapsed


def verb(*args: str) -> float:
    """The wall time of `opsconsole ARGS`; a run that fails, or prints no file it wrote as its
    first line (the bundle folder, the report), stops the benchmark."""
    started = time.perf_counter()
    argv = [sys.executable, "-m", "console", *args, "--config", str(ROOT / "config.toml")]
    done = subprocess.run([*argv, "--profile", "lab"], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    first = done.stdout.splitlines()[0] if done.stdout.strip() else ""
    # exit 1 is a verdict (a finding to look at, an instance not ok), not a failure
    if done.returncode not in (0, 1) or not first or not Path(first).exists():
        raise SystemExit(f"opsconsole {' '.join(args)}: exit {done.returncode}: {done.stderr}")
    return elapsed


def proxied(instances: list[Instance]) -> tuple[subprocess.Popen[str], list[Instance]]:
    """Each instance behind bench/delay_proxy.py, DELAY_MS added per chunk each way."""
    proxy, ports = delay_proxy.start([(i.host, i.port, DELAY_MS) for i in instances])
    return proxy, [
        replace(i, host="127.0.0.1", port=p) for i, p in zip(instances, ports, strict=True)
    ]


async def gathering() -> None:
    settings = load_settings(ROOT / "config.toml", "lab")
    async with DataLayer(settings) as data:
        fleet = await data.fleet()
    names = ("aws-luckyus-salesorder-rw", "luckyus-isales-market")
    direct = [i for n in names if (i := fleet.by_name(n)) is not None]
    proxy, slow = proxied(direct)
    try:
        for instance, delayed in zip(direct, slow, strict=True):
            await measure(settings, instance, instance.name)
            await measure(settings, delayed, f"{instance.name} +{DELAY_MS} ms/chunk")
    finally:
        proxy.terminate()
        proxy.wait()


async def measure(settings: Settings, instance: Instance, name: str) -> None:
    """Median of ROUNDS of each, on a fresh DataLayer (pools are per instance name)."""
    async with DataLayer(settings) as data:
        end = datetime.now(UTC)
        await concurrent(data, instance, end)  # warm the pools
        alone = [await sequential(data, instance, end) for _ in range(ROUNDS)]
        base = statistics.median(total for total, _ in alone)
        slowest = statistics.median(single for _, single in alone)
        wall = statistics.median([await concurrent(data, instance, end) for _ in range(ROUNDS)])
    print(
        f"{name}: sequential {base:.3f} s; gather_evidence {wall:.3f} s; slowest source alone "
        f"{slowest:.3f} s; concurrent / slowest alone {wall / slowest:.2f}x (target <= 1.5); "
        f"speed-up {base / wall:.1f}x"
    )


def main() -> None:
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load}, median of {ROUNDS}")
    asyncio.run(gathering())
    with tempfile.TemporaryDirectory() as out:
        for name in ("aws-luckyus-salesorder-rw", "luckyus-isales-market"):
            bare = verb("investigate", "--instance", name, "--no-screens", "--output", out)
            full = verb("investigate", "--instance", name, "--output", out)
            print(f"opsconsole investigate {name}: {bare:.1f} s without screens, {full:.1f} s with")
        print(f"opsconsole report health: {verb('report', 'health', '--output', out):.1f} s")


if __name__ == "__main__":
    main()
