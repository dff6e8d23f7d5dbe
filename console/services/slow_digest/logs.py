"""The digest of the instances' RDS slow-query logs (CloudWatch Logs, through the data layer):
one instance's over a window, or every MySQL instance's at once, merged.

Why here: the instance view's Slow log tab and `opsconsole digest --instance` read and digest
one log the same way, and the fleet screen and `digest --fleet` build the one fleet digest;
each result carries both what a verb prints (the report) and what the console's DigestTable
shows (a reading of `Digest`s), so no screen builds a reading or runs the analysis.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from console.analysis.digest import DigestReport, DigestRow, digest_fleet, digest_lines, where
from console.analysis.slowlog import NotASlowLogError
from console.data.aws_models import LogChunk
from console.data.calls import utcnow
from console.data.layer import DataLayer
from console.data.models import Digest, Reading, SourceError
from console.inventory import Fleet, Instance
from console.services import Progress


@dataclass(frozen=True, slots=True)
class InstanceDigest:
    """One instance's slow log over a window, digested, or why not."""

    log: Reading[LogChunk]
    """The read as the data layer answered it (its error when it failed)."""
    report: DigestReport | None
    """None when the read failed or its text is not a slow log."""
    not_a_slow_log: str | None
    """Why the text read is not a slow log, else None."""
    digests: Reading[tuple[Digest, ...]]
    """The top classes as the console shows them, or the error: the read's, or a `query` error
    naming the log group when its text is not a slow log."""

    @property
    def truncated(self) -> bool:
        """The configured bound stopped the read: the digest covers the start of the window."""
        return self.log.value is not None and self.log.value.truncated


@dataclass(frozen=True, slots=True)
class FleetDigest:
    """Every MySQL instance's slow log over a window, digested together."""

    report: DigestReport
    """Classes merged across the fleet, each row naming the instances that ran it."""
    digests: Reading[tuple[Digest, ...]]
    """The top classes as the console shows them (instance `fleet`)."""
    asked: int
    """MySQL instances whose slow log was asked for."""
    read: int
    """Slow logs read (the others failed: see `notes`)."""
    notes: tuple[str, ...]
    """What the digest left out or cut short, one line each."""


async def instance_digest(
    data: DataLayer, instance: Instance, since: datetime, until: datetime, limit: int
) -> InstanceDigest:
    """The slow log of `instance` between `since` and `until` (bounded by the configuration),
    digested off the event loop; `digests` holds the top `limit` classes."""
    log = await data.slow_log(instance, since, until)
    return await asyncio.to_thread(digest_log, log, limit)


def digest_log(log: Reading[LogChunk], limit: int) -> InstanceDigest:
    """A slow-log reading digested (CPU: run it off the event loop); a failed read stays that
    error, a text that is not a slow log becomes a `query` error naming the log group."""
    chunk, error = log.value, log.error
    report: DigestReport | None = None
    why: str | None = None
    if chunk is not None:
        try:
            report = digest_lines(chunk.lines)
        except NotASlowLogError as exc:
            why = str(exc)
            error = SourceError(log.instance, log.source, "query", f"{chunk.group}: {exc}")
    digests: Reading[tuple[Digest, ...]] = Reading(
        instance=log.instance,
        source=log.source,
        fetched_at=log.fetched_at,
        elapsed_s=log.elapsed_s,
        value=None if report is None else as_digests(report.top(limit)),
        error=error if report is None else None,
    )
    return InstanceDigest(log, report, why, digests)


async def fleet_digest(
    data: DataLayer,
    since: datetime,
    until: datetime,
    limit: int,
    fleet: Fleet | None = None,
    progress: Progress | None = None,
) -> FleetDigest:
    """Every MySQL instance of `fleet` (default: the configured and discovered fleet), their
    slow logs read a few at a time and digested together off the event loop. `progress` hears
    ("slow logs read", done, total) as each log comes in, then ("digested", total, total)."""
    started = time.monotonic()
    fleet = fleet if fleet is not None else await data.fleet()
    mysql = slow_log_instances(fleet)
    total, read = len(mysql), 0

    def one_more(_reading: Reading[LogChunk]) -> None:
        nonlocal read
        read += 1
        if progress is not None:
            progress("slow logs read", read, total)

    if progress is not None:
        progress("slow logs read", 0, total)
    readings = await data.slow_logs(mysql, since, until, one_more)
    logs = [(r.instance, r.value.lines) for r in readings if r.value is not None]
    report, problems = await asyncio.to_thread(digest_fleet, logs)
    if progress is not None:
        progress("digested", total, total)
    digests = Reading(
        "fleet",
        "aws",
        utcnow(),
        time.monotonic() - started,
        value=as_digests(report.top(limit)),
    )
    notes = fleet_notes(readings, problems)
    return FleetDigest(report, digests, len(mysql), len(logs), tuple(notes))


def slow_log_instances(fleet: Fleet) -> list[Instance]:
    """The instances of `fleet` a fleet digest reads: the MySQL ones (RDS slow-query logs)."""
    return [instance for instance in fleet.instances if instance.kind == "mysql"]


def fleet_notes(readings: Sequence[Reading[LogChunk]], problems: Sequence[str]) -> list[str]:
    """What a fleet digest left out or cut short, one line each (failures grouped by kind)."""
    failed: dict[str, list[str]] = {}
    for reading in readings:
        if reading.error is not None:
            failed.setdefault(reading.error.kind, []).append(reading.instance)
    notes = [
        f"{len(names)} instances without a slow log ({kind}): {', '.join(names[:5])}"
        + (" ..." if len(names) > 5 else "")
        for kind, names in failed.items()
    ]
    cut = [r.instance for r in readings if r.value is not None and r.value.truncated]
    if cut:
        notes.append(f"read stopped at the configured bound for: {', '.join(cut)}")
    return notes + list(problems)


def as_digests(rows: Iterable[DigestRow]) -> tuple[Digest, ...]:
    """Digest rows as the console's `Digest` model (what DigestTable shows)."""
    return tuple(
        Digest(
            digest=row.query_id,
            text=row.fingerprint,
            schema=where(row) if row.instances else row.db,
            calls=row.count,
            total_time_s=row.total_time_s,
            avg_time_s=row.avg_time_s,
            max_time_s=row.max_time_s,
            rows_sent=row.rows_sent,
            rows_examined=row.rows_examined,
        )
        for row in rows
    )
