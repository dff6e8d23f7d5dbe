"""Health probes that tell the truth: set-up and answer timed apart, the console's lag set aside.

Why: a probe used to time connection set-up and the query together, on a loop that was also
setting up 140 other connections, and called the sum the server's latency ("slow probe",
550-920 ms on a busy host, servers fine). Here every probe has two phases:

- set-up (pool, TCP, TLS, auth, session settings), a few at a time through bounded slots, within
  the connect timeout, reported as its own figure (`Health.connect_ms`; ~0 once the connection
  is live and reused);
- the answer: the health query alone on the established connection, within the probe timeout.

Only the answer can make a server `warn`, and only for the part of it that the console's own loop
lag (`LoopLag`) does not explain: that part is the console's, and is said to be so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from console.config import Timeouts
from console.data.calls import fetch
from console.data.looplag import LoopLag
from console.data.models import Health, HealthState, Reading, Source

C = TypeVar("C")


class WarnLimits(Protocol):
    """The thresholds that turn an answering instance into a warning (config [fleet])."""

    @property
    def warn_latency_ms(self) -> float: ...

    @property
    def warn_connections_ratio(self) -> float: ...

    @property
    def warn_memory_ratio(self) -> float: ...


@dataclass(frozen=True, slots=True)
class ProbeFigures:
    """What a health query read from the server; None: not reported by this server."""

    connections: int | None = None
    max_connections: int | None = None
    used_memory_bytes: int | None = None
    max_memory_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """One answer's window: its latency and how much of it the console's loop lag covers."""

    latency_ms: float
    loop_lag_ms: float = 0.0
    connect_ms: float | None = None


def health_from(figures: ProbeFigures, timing: Timing, warn: WarnLimits) -> Health:
    """Warn on a slow answer (beyond what loop lag explains), connections or memory near limits."""
    reasons: list[str] = []
    server_ms = max(0.0, timing.latency_ms - timing.loop_lag_ms)
    if server_ms > warn.warn_latency_ms:
        lag = f", console lag {timing.loop_lag_ms:.0f} ms" if timing.loop_lag_ms >= 1 else ""
        reasons.append(f"slow probe: {timing.latency_ms:.0f} ms{lag}")
    connections, limit = figures.connections, figures.max_connections
    if connections is not None and limit:
        ratio = connections / limit
        if ratio >= warn.warn_connections_ratio:
            reasons.append(f"connections {connections}/{limit} ({ratio:.0%})")
    used, maxmemory = figures.used_memory_bytes, figures.max_memory_bytes
    if used is not None and maxmemory:
        ratio = used / maxmemory
        if ratio >= warn.warn_memory_ratio:
            reasons.append(f"memory {ratio:.0%} of maxmemory")
    state: HealthState = "warn" if reasons else "ok"
    return Health(
        state=state,
        latency_ms=timing.latency_ms,
        connections=connections,
        max_connections=limit,
        used_memory_bytes=used,
        max_memory_bytes=maxmemory,
        reasons=tuple(reasons),
        connect_ms=timing.connect_ms,
        loop_lag_ms=timing.loop_lag_ms,
    )


class Probe:
    """What every health probe shares: warn limits, timeouts, set-up slots and the loop clock."""

    def __init__(
        self, warn: WarnLimits, timeouts: Timeouts, lag: LoopLag, setup_slots: int
    ) -> None:
        self.warn = warn
        self.lag = lag
        self._timeouts = timeouts
        self._setup_slots = max(1, setup_slots)
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        """The set-up slots of the running loop (a semaphore belongs to one loop)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self._setup_slots))
        return self._slots[1]

    async def connect(
        self, instance: str, source: Source, call: Callable[[], Awaitable[C]]
    ) -> Reading[C]:
        """Run a set-up `call` in a set-up slot, within the connect timeout; the wait for a
        slot is not counted against the server (nor in the reading's elapsed_s)."""
        self.lag.start()
        async with self._semaphore():
            return await fetch(instance, source, self._timeouts.connect_s, call)

    async def answer(
        self,
        instance: str,
        source: Source,
        call: Callable[[], Awaitable[ProbeFigures]],
        connect_ms: float | None,
    ) -> Reading[Health]:
        """Time `call` (the health query on the established connection) within the probe
        timeout, and judge it net of the loop lag that overlapped it."""

        async def run() -> Health:
            with self.lag.timing():
                started = time.monotonic()
                figures = await call()
                ended = time.monotonic()
            timing = Timing(
                latency_ms=(ended - started) * 1000,
                loop_lag_ms=self.lag.overlap_s(started, ended) * 1000,
                connect_ms=connect_ms,
            )
            return health_from(figures, timing, self.warn)

        self.lag.start()
        return await fetch(instance, source, self._timeouts.probe_s, run)

    async def probe(
        self,
        instance: str,
        source: Source,
        setup: Callable[[], Awaitable[object]],
        query: Callable[[], Awaitable[ProbeFigures]],
    ) -> Reading[Health]:
        """Set-up, then the timed answer; a failed set-up is the probe's error. The reading's
        elapsed_s is the whole call (set-up and answer, not the wait for a set-up slot)."""
        ready = await self.connect(instance, source, setup)
        if ready.error is not None:
            return Reading(instance, source, ready.fetched_at, ready.elapsed_s, error=ready.error)
        answered = await self.answer(instance, source, query, ready.elapsed_s * 1000)
        return replace(answered, elapsed_s=ready.elapsed_s + answered.elapsed_s)
