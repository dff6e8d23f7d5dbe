"""The fleet sweep: probe every instance concurrently, bounded, streaming results as they land.

A semaphore bounds the probes in flight and each probe carries its own timeout, so the sweep
costs about the slowest probe, and a dead host costs no more than its timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from console.data.models import FleetHealth, Health, Reading
from console.inventory import Instance

Probe = Callable[[Instance], Awaitable[Reading[Health]]]
OnResult = Callable[[FleetHealth], None]


async def sweep(
    instances: Sequence[Instance],
    probe: Probe,
    concurrency: int,
    on_result: OnResult | None = None,
) -> tuple[FleetHealth, ...]:
    """Probe every instance, at most `concurrency` at once; results in inventory order."""
    limit = asyncio.Semaphore(max(1, concurrency))
    results: dict[str, FleetHealth] = {}

    async def one(instance: Instance) -> None:
        async with limit:
            reading = await probe(instance)
        result = FleetHealth(instance.name, instance.kind, instance.group, reading)
        results[instance.name] = result
        if on_result is not None:
            on_result(result)

    async with asyncio.TaskGroup() as group:
        for instance in instances:
            group.create_task(one(instance))
    return tuple(results[instance.name] for instance in instances)


async def sequential(instances: Sequence[Instance], probe: Probe) -> tuple[FleetHealth, ...]:
    """The same probes one after another: the baseline the benchmark compares against."""
    results = []
    for instance in instances:
        reading = await probe(instance)
        results.append(FleetHealth(instance.name, instance.kind, instance.group, reading))
    return tuple(results)


class ProbeWindow:
    """Whether probes are in flight: AWS work waits for none (`idle()`) before it starts.

    Why: listing the AWS kinds costs the console's own loop CPU (botocore builds clients and
    parses answers on it; a cold EC2 client alone ~0.25 s). On a busy host, done during a sweep
    it made healthy servers' probes time out; done between sweeps it costs them nothing."""

    def __init__(self) -> None:
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def probing(self) -> AsyncIterator[None]:
        self._running += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()

    async def idle(self) -> None:
        await self._idle.wait()
