"""The flight recorder: the fleet once a minute, the instances in trouble every few seconds.

Why the two paces: "what did the fleet look like at 03:12" needs every instance's health and
the firing alerts, which are cheap; "who blocked whom" needs processlists, lock waits and
top-query deltas, which are not, and matter only for the instances alerting, `warn` or `down`
(or named in `[record] instances`). Each interval becomes one frame of the hour file
(`store.RecordingWriter`); readings come from the data layer already masked, and every free
text is scrubbed once more here (statements, client names, errors), so that a recording is
safe to hand around like an investigation bundle.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from console.config import RecordOptions
from console.data.aws_models import CloudWatchAlarm
from console.data.layer import DataLayer
from console.data.models import (
    Alert,
    Digest,
    FleetHealth,
    LockWait,
    Process,
    Reading,
    RedisClient,
    SlowlogEntry,
    SourceError,
)
from console.inventory import Fleet, Instance
from console.safety.scrub import scrub
from console.services.recording.deltas import digest_deltas
from console.services.recording.store import RecordingWriter, Sample

DIGEST_READ = 200
"""Digests read per sample (the cumulative top): the deltas are taken among these."""
SLOWLOG_READ = 64
LOCK_WAIT_READ = 200
TEXT_FIELDS: dict[type, tuple[str, ...]] = {
    Process: ("query",),
    Digest: ("text",),
    SlowlogEntry: ("command",),
    RedisClient: ("name", "command"),
    Alert: ("summary",),
    CloudWatchAlarm: ("reason",),
    SourceError: ("message",),
}
"""The free texts of each recorded model, scrubbed again before they are written."""
ROUNDED: dict[type, tuple[str, ...]] = {
    Process: ("time_s", "trx_age_s"),
    Digest: ("total_time_s", "avg_time_s", "max_time_s"),
    LockWait: ("wait_s",),
    RedisClient: ("age_s", "idle_s"),
    SlowlogEntry: ("duration_s",),
}
"""Durations recorded to 3 significant digits."""
T = TypeVar("T")


@dataclass(frozen=True)
class Interval:
    """What one interval recorded: its time, how many samples, the bytes written, and the
    instances recorded in detail."""

    at: datetime
    samples: int
    bytes: int
    fleet: bool
    detailed: tuple[str, ...]
    elapsed_s: float


@dataclass
class _State:
    """What the recorder carries from one interval to the next."""

    fleet: tuple[Instance, ...] = ()
    troubled: tuple[str, ...] = ()
    last_fleet: float | None = None
    digests: dict[str, tuple[Digest, ...]] = dataclasses.field(default_factory=dict)


class Recorder:
    """Samples the fleet and the troubled instances on `[record]`'s intervals into a writer.

    `only`: record only these instances (their health and, throughout, their detail), as
    `opsconsole record --instance` does; else the whole fleet and its troubled instances.
    """

    def __init__(
        self,
        data: DataLayer,
        writer: RecordingWriter,
        options: RecordOptions,
        only: Sequence[str] = (),
        shown: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.data = data
        self.writer = writer
        self.options = options
        self.only = tuple(only)
        self.shown = shown
        """The console's own view (`[record] on_view`): the instances it shows are recorded in
        detail, and only those (what it shows is what it records)."""
        self._state = _State()
        self._row_limit = data.settings.console.row_limit

    async def run(
        self,
        duration_s: float | None = None,
        on_interval: Callable[[Interval], None] | None = None,
    ) -> None:
        """Record until `duration_s` has passed (None: until cancelled), one interval every
        `detail_interval_s`; an interval that overruns makes the next one start late, never
        two at once. Raises `RecordingStoppedError` when the disk refuses a write."""
        step = self.options.detail_interval_s
        started = time.monotonic()
        due = started
        while duration_s is None or due - started <= duration_s:
            interval = await self.interval()
            if on_interval is not None:
                on_interval(interval)
            now = time.monotonic()
            due += step
            while due < now:  # overran: skip the missed ticks
                due += step
            if duration_s is not None and due - started > duration_s:
                return
            await asyncio.sleep(due - now)

    async def interval(self) -> Interval:
        """One interval: the fleet sweep when it is due, the detail of the troubled instances;
        written as one frame."""
        clock = time.monotonic()
        at = datetime.now(UTC)
        samples: list[Sample] = []
        state = self._state
        swept = state.last_fleet is None or clock - state.last_fleet >= self._fleet_step()
        if swept:
            state.last_fleet = clock
            _scrub_cached.cache_clear()
            samples += await self._fleet_samples(at)
        detailed = self._detailed()
        results = await asyncio.gather(*(self._detail(at, i) for i in detailed))
        for found in results:
            samples += found
        written = await _finished(asyncio.to_thread(self.writer.write, at, samples))
        elapsed = time.monotonic() - clock
        names = tuple(i.name for i in detailed)
        return Interval(at, len(samples), written, swept, names, elapsed)

    def _fleet_step(self) -> float:
        return max(self.options.fleet_interval_s, self.options.detail_interval_s)

    # --- the fleet, once a minute ---------------------------------------------------------

    async def _fleet_samples(self, at: datetime) -> list[Sample]:
        fleet = await self.data.fleet()
        instances = self._chosen(fleet)
        samples: list[Sample] = []
        if instances != self._state.fleet:
            samples.append(Sample(at, None, "fleet", instances, None))
        health, alerts, alarms = await asyncio.gather(
            self.data.fleet_health(instances),
            self.data.alertmanager.alerts(),
            self.data.cloudwatch_alarms(),
        )
        self._state.fleet = instances
        chosen = Fleet(instances)
        if self.only:  # narrowed: the alerts and alarms of the chosen instances only
            alerts = _narrowed(alerts, lambda a: bool(chosen.for_labels(a.labels)))
            alarms = _narrowed(alarms, lambda a: a.instance in chosen)
        samples += [Sample(at, h.name, "health", prepared(h), None) for h in health]
        samples.append(sample_of(at, None, "alerts", alerts))
        samples.append(sample_of(at, None, "alarms", alarms))
        self._state.troubled = troubled(chosen, health, alerts.value or (), alarms.value or ())
        return samples

    def _chosen(self, fleet: Fleet) -> tuple[Instance, ...]:
        if not self.only:
            return fleet.instances
        return tuple(i for i in fleet.instances if i.name in self.only)

    def _detailed(self) -> tuple[Instance, ...]:
        """Named instances first (`--instance`, `[record] instances`), then the troubled ones,
        at most `[record] max_detailed`; never an AWS kind (MSK, EC2...: no server to read, its
        health is in every fleet sample)."""
        by_name = {i.name: i for i in self._state.fleet}
        if self.shown is not None:
            named: tuple[str, ...] = tuple(self.shown())
        else:
            named = (*self.only, *self.options.instances, *self._state.troubled)
        chosen: dict[str, Instance] = {}
        for name in named:
            if name in by_name and name not in chosen and not by_name[name].is_aws:
                chosen[name] = by_name[name]
        return tuple(chosen.values())[: self.options.max_detailed]

    # --- one instance in detail, every few seconds ------------------------------------------

    async def _detail(self, at: datetime, instance: Instance) -> list[Sample]:
        if instance.kind == "redis":
            return await self._redis(at, instance)
        return await self._sql(at, instance)

    async def _sql(self, at: datetime, instance: Instance) -> list[Sample]:
        sql = self.data.sql(instance)
        name = instance.name
        status, processes, waits, digests = await asyncio.gather(
            sql.status(instance),
            sql.processlist(instance, self._row_limit),
            sql.lock_waits(instance, LOCK_WAIT_READ),
            sql.digests(instance, DIGEST_READ),
        )
        samples = [
            sample_of(at, name, "status", status),
            sample_of(at, name, "processlist", processes),
            sample_of(at, name, "lock_waits", waits),
        ]
        if digests.value is None:
            samples.append(sample_of(at, name, "digests", digests))
            return samples
        previous = self._state.digests.get(name)
        self._state.digests[name] = digests.value
        if previous is not None:  # the first sample is the baseline of the next delta
            deltas = digest_deltas(previous, digests.value)
            samples.append(Sample(at, name, "digests", prepared(deltas), None))
        return samples

    async def _redis(self, at: datetime, instance: Instance) -> list[Sample]:
        redis = self.data.redis
        info, clients, slowlog = await asyncio.gather(
            redis.info(instance),
            redis.clients(instance, self._row_limit),
            redis.slowlog(instance, SLOWLOG_READ),
        )
        name = instance.name
        return [
            sample_of(at, name, "redis_info", info),
            sample_of(at, name, "redis_clients", clients),
            sample_of(at, name, "redis_slowlog", slowlog),
        ]


def _narrowed(reading: Reading[tuple[T, ...]], keep: Callable[[T], bool]) -> Reading[tuple[T, ...]]:
    if reading.value is None:
        return reading
    return dataclasses.replace(reading, value=tuple(v for v in reading.value if keep(v)))


async def _finished(write: Awaitable[int]) -> int:
    """Await a frame's write; cancelled meanwhile, let the write finish first, then go.

    Why: the write runs in a thread that cancellation cannot stop, and the caller closes the
    file when cancelled; a close under a running write would cut the frame."""
    running = asyncio.ensure_future(write)
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        await asyncio.wait([running])
        raise


def troubled(
    fleet: Fleet,
    health: Sequence[FleetHealth],
    alerts: Sequence[Alert],
    alarms: Sequence[CloudWatchAlarm],
) -> tuple[str, ...]:
    """Instances to record in detail: `down`, then `warn`, then those a firing alert (not
    silenced) or a CloudWatch alarm in ALARM names. An alert that names a shared endpoint
    rather than an instance (several names on one server) adds the first name only: the
    server's processlist is the same under every name."""
    names: list[str | None] = [h.name for h in health if h.state == "down"]
    names += [h.name for h in health if h.state == "warn"]
    for alert in alerts:
        named = fleet.for_labels(alert.labels) if alert.state != "suppressed" else ()
        names += [i.name for i in named[:1]]  # one server's endpoint names several in a lab
    names += [a.instance for a in alarms if a.firing and a.instance in fleet]
    return tuple(dict.fromkeys(n for n in names if n is not None))


def sample_of(at: datetime, instance: str | None, what: str, reading: Reading[Any]) -> Sample:
    """A reading as recorded: its value prepared (`prepared`), or, failed, its error text
    scrubbed and no value."""
    if reading.error is not None:
        return Sample(at, instance, what, None, _scrub_cached(str(reading.error)))
    return Sample(at, instance, what, prepared(reading.value), None)


def prepared(value: Any) -> Any:
    """`value` as it is recorded: every free text of its models scrubbed again (redaction and
    masking), and durations kept to 3 significant digits (`ROUNDED`).

    Why scrub again: the sources mask what they read, and a recording outlives the session
    that made it; one more pass at the door costs little and catches what a source missed.
    Why round: a session's 12.3456789 s changes every digit every interval and does not
    compress; 12.3 s is what anyone reads (bench/RESULTS.md)."""
    if isinstance(value, tuple):
        return tuple(prepared(item) for item in value)
    if isinstance(value, FleetHealth):
        return dataclasses.replace(value, reading=prepared(value.reading))
    if isinstance(value, Reading):
        error = value.error
        return dataclasses.replace(value, error=None if error is None else prepared(error))
    texts = TEXT_FIELDS.get(type(value), ())
    rounded = ROUNDED.get(type(value), ())
    if not texts and not rounded:
        return value
    changes: dict[str, object] = {n: _scrub_text(getattr(value, n)) for n in texts}
    changes |= {n: _significant(getattr(value, n)) for n in rounded}
    if isinstance(value, Alert):
        changes["labels"] = tuple((k, _scrub_cached(v)) for k, v in value.labels)
    return dataclasses.replace(value, **changes)


def _significant(figure: float | None) -> float | None:
    return None if figure is None else float(f"{figure:.3g}")


def _scrub_text(text: str | None) -> str | None:
    return None if text is None else _scrub_cached(text)


@functools.lru_cache(maxsize=8192)
def _scrub_cached(text: str) -> str:
    """`scrub`, remembered: the same statements come back interval after interval (the
    recorder's CPU budget is 2 % of a core). Cleared at each fleet sweep, in case a secret was
    registered since."""
    return scrub(text)
