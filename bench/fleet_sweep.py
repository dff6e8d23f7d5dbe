"""Benchmark: the concurrent fleet sweep against a sequential sweep of the same instances.

Every instance of the lab's full inventory (~140) is reached through a delaying TCP proxy
(a separate process) that adds 5-60 ms per chunk, plus one dead host that accepts and never
answers. Targets: the concurrent sweep within 1.5x of the slowest single instance; the dead
host costs no more than its probe timeout. Run: `.venv/bin/python bench/fleet_sweep.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import delay_proxy

from console.config import load_settings
from console.data.layer import DataLayer
from console.data.models import FleetHealth
from console.inventory import Instance

ROOT = Path(__file__).resolve().parents[1]


def start_proxy(instances: list[Instance]) -> tuple[subprocess.Popen[str], list[Instance]]:
    """Every instance behind its own delaying listener, plus one dead host at the end."""
    routes = [
        (instance.host, instance.port, 5 + (index * 37) % 56)
        for index, instance in enumerate(instances)
    ]
    routes.append(("127.0.0.1", 0, 0))
    proxy, ports = delay_proxy.start(routes)
    proxied = [replace(i, host="127.0.0.1", port=p) for i, p in zip(instances, ports, strict=False)]
    dead = replace(instances[0], name="aws-luckyus-deadhost-rw", host="127.0.0.1", port=ports[-1])
    return proxy, [*proxied, dead]


def elapsed_of(results: tuple[FleetHealth, ...], name: str) -> float:
    return next(r.reading.elapsed_s for r in results if r.name == name)


def answered(results: tuple[FleetHealth, ...]) -> None:
    """Every live instance answered: a probe that failed fast would flatter the ratios."""
    down = [f"{r.name}: {r.reading.error}" for r in results if r.state == "down"]
    if down:
        raise SystemExit(f"{len(down)} live instances down in a warm sweep: {down[:3]}")


async def run() -> None:
    settings = load_settings(ROOT / "config.toml", "lab")
    async with DataLayer(settings) as data:
        fleet = await data.fleet()
    proxy, instances = start_proxy(list(fleet.instances))
    live = instances[:-1]
    try:
        async with DataLayer(settings) as data:
            started = time.monotonic()
            cold = await data.sweep(instances)
            cold_s = time.monotonic() - started
            started = time.monotonic()
            sequential = await data.sequential(live)
            sequential_s = time.monotonic() - started
            answered(sequential)
            slowest = max(r.reading.elapsed_s for r in sequential)
            concurrent = []
            for _ in range(3):
                started = time.monotonic()
                answered(await data.sweep(live))
                concurrent.append(time.monotonic() - started)
            started = time.monotonic()
            with_dead = await data.sweep(instances)
            with_dead_s = time.monotonic() - started
    finally:
        proxy.terminate()
    concurrent_s = statistics.median(concurrent)
    down = sum(r.state == "down" for r in cold)
    probe_s = settings.timeouts.probe_s
    print(f"instances: {len(live)} live (+1 dead host), {down} down in the cold sweep")
    print(f"cold concurrent sweep (pools created):   {cold_s * 1000:8.0f} ms")
    print(f"sequential sweep (warm, baseline):       {sequential_s * 1000:8.0f} ms")
    print(f"slowest single instance (warm):          {slowest * 1000:8.0f} ms")
    print(f"concurrent sweep (warm, median of 3):    {concurrent_s * 1000:8.0f} ms")
    print(
        f"concurrent / slowest single:             {concurrent_s / slowest:8.2f} x  (target <= 1.5)"
    )
    print(f"speed-up over sequential:                {sequential_s / concurrent_s:8.1f} x")
    print(
        f"with a dead host: sweep {with_dead_s * 1000:.0f} ms, dead probe "
        f"{elapsed_of(with_dead, 'aws-luckyus-deadhost-rw') * 1000:.0f} ms "
        f"(probe timeout {probe_s * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    asyncio.run(run())
