"""Fleet health read from Prometheus for the instances it scrapes (the Redis exporter targets).

The fleet view watches ~140 instances: where Prometheus already has an instance's figures, four
queries for the whole fleet replace ~80 direct probes, so watching costs those servers nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence

from console.data.calls import utcnow
from console.data.models import FleetHealth, Health, Reading, Sample, SourceError
from console.data.probing import Probe, ProbeFigures, Timing, WarnLimits, health_from
from console.data.sources.prometheus import PrometheusSource
from console.inventory import Instance

REDIS_QUERIES = {
    "up": "redis_up",
    "used": "redis_memory_used_bytes",
    "max": "redis_memory_max_bytes",
    "clients": "redis_connected_clients",
}


def _by_instance(samples: Sequence[Sample], label: str) -> dict[str, float]:
    return {name: s.value for s in samples if (name := s.label(label)) is not None}


async def redis_health(
    prometheus: PrometheusSource,
    instances: Sequence[Instance],
    label: str,
    probe: Probe,
) -> dict[str, FleetHealth]:
    """Health of the Redis instances Prometheus reports on, by name; {} when it cannot answer.

    The answer time is Prometheus's (the servers are not asked), net of the console's loop lag.
    """
    if not instances:
        return {}
    probe.lag.start()
    with probe.lag.timing():
        started = time.monotonic()
        readings = await asyncio.gather(*(prometheus.query(q) for q in REDIS_QUERIES.values()))
        ended = time.monotonic()
    if any(r.value is None for r in readings):
        return {}
    elapsed_s = ended - started
    timing = Timing(elapsed_s * 1000, probe.lag.overlap_s(started, ended) * 1000)
    figures = {
        key: _by_instance(r.value or (), label)
        for key, r in zip(REDIS_QUERIES, readings, strict=True)
    }
    return {
        i.name: _health(i, figures, timing, probe.warn)
        for i in instances
        if i.name in figures["up"]
    }


def _health(
    instance: Instance,
    figures: Mapping[str, Mapping[str, float]],
    timing: Timing,
    warn: WarnLimits,
) -> FleetHealth:
    name = instance.name
    elapsed_s = timing.latency_ms / 1000
    if figures["up"][name] < 1:
        error = SourceError(name, "prometheus", "unreachable", "redis_exporter reports redis_up 0")
        reading: Reading[Health] = Reading(name, "prometheus", utcnow(), elapsed_s, error=error)
        return FleetHealth(name, instance.kind, instance.group, reading)
    used, limit = figures["used"].get(name), figures["max"].get(name)
    clients = figures["clients"].get(name)
    found = ProbeFigures(
        None if clients is None else int(clients),
        None,
        None if used is None else int(used),
        int(limit) if limit else None,
    )
    health = health_from(found, timing, warn)
    reading = Reading(name, "prometheus", utcnow(), elapsed_s, value=health)
    return FleetHealth(name, instance.kind, instance.group, reading)
