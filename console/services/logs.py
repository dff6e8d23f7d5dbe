"""Logs Insights: run one query to the end, for `opsconsole logs` and the Logs screen.

Why a service: the verb and the screen run a query the same way: start it (the data layer adds
the limit and refuses past the daily budget of bytes scanned), ask for its results every
`[logs] poll_s` until Logs Insights says Complete, Failed, Cancelled or Timeout, stop it
(StopQuery) when it runs longer than `[logs] max_wait_s` or when the caller is cancelled (the
screen's Stop key, Escape, Ctrl-C), and say what it scanned against the day's budget. Rows come
back masked from the data layer; nothing here or in the fronts masks again or shows raw text.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from console.config import Settings
from console.data.aws_models import InsightsResult, ScanBudget
from console.data.layer import DataLayer
from console.data.models import Reading
from console.inventory import Instance

Progress = Callable[[InsightsResult], None]
"""Hears each reading of a running query (its status and rows so far)."""


@dataclass(frozen=True, slots=True)
class LogsRequest:
    """One Logs Insights query: the groups, the text, the window, the row limit."""

    groups: tuple[str, ...]
    query: str
    since: datetime
    until: datetime
    limit: int
    over_budget: bool = False
    """Run even when today's bytes scanned reached the daily budget (the person chose to)."""


@dataclass(frozen=True, slots=True)
class LogsAnswer:
    """The query's last reading, the day's scan figures after it, and what to tell the reader."""

    reading: Reading[InsightsResult]
    budget: ScanBudget
    note: str | None = None
    """Said beside the rows: the wait ran out and the query was stopped, or a stop failed."""

    @property
    def refused(self) -> bool:
        return self.reading.error is not None and self.reading.error.kind == "refused"


async def run_query(
    data: DataLayer,
    request: LogsRequest,
    *,
    max_wait_s: float,
    poll_s: float,
    progress: Progress | None = None,
) -> LogsAnswer:
    """Start the query and read its results until it is done or `max_wait_s` passed (then it
    is stopped and its rows so far come back with a note). Cancelled, it stops the query on the
    server before the cancellation goes on."""
    window = (request.since, request.until)
    started = await data.logs_start(
        request.groups, request.query, window, request.limit, over_budget=request.over_budget
    )
    if started.value is None:
        failed: Reading[InsightsResult] = Reading(
            started.instance, started.source, started.fetched_at, started.elapsed_s,
            error=started.error,
        )  # fmt: skip
        return LogsAnswer(failed, await data.logs_scanned())
    query_id = started.value.query_id
    begun = time.monotonic()
    try:
        while True:
            reading = await data.logs_results(query_id)
            result = reading.value
            if result is None:  # the read failed: do not leave the query scanning unwatched
                await data.logs_stop(query_id)
                return LogsAnswer(reading, await data.logs_scanned())
            if result.done:
                return LogsAnswer(reading, await data.logs_scanned())
            if progress is not None:
                progress(result)
            if time.monotonic() - begun >= max_wait_s:
                return await _stopped(data, query_id, max_wait_s)
            await asyncio.sleep(poll_s)
    except asyncio.CancelledError:
        await asyncio.shield(_stop_and_count(data, query_id))
        raise


async def _stop_and_count(data: DataLayer, query_id: str) -> None:
    """Stop the query (the server stops scanning and billing), then read it once more: its
    statistics then count the bytes it scanned up to the stop."""
    await data.logs_stop(query_id)
    await data.logs_results(query_id)


async def _stopped(data: DataLayer, query_id: str, max_wait_s: float) -> LogsAnswer:
    """The wait ran out: stop the query, read what it found, say so."""
    stop = await data.logs_stop(query_id)
    reading = await data.logs_results(query_id)
    note = (
        f"the query was still running after {max_wait_s:g} s ([logs] max_wait_s): stopped; "
        "the rows below are what it had found. Narrow the window or the groups, or add a filter"
    )
    if stop.error is not None:
        note += f" (StopQuery failed: {stop.error.message}; it may run on until AWS's own limit)"
    return LogsAnswer(reading, await data.logs_scanned(), note)


def instance_prefixes(settings: Settings, instance: Instance) -> tuple[str, ...]:
    """The log-group name prefixes of an instance (`[logs] instance_groups`)."""
    return tuple(p.replace("{server}", instance.name) for p in settings.logs.instance_groups)


async def instance_groups(
    data: DataLayer, settings: Settings, instance: Instance
) -> Reading[tuple[str, ...]]:
    """The log groups AWS has for an instance (its RDS slowquery, error, ... groups)."""
    prefixes = instance_prefixes(settings, instance) or (f"/aws/rds/instance/{instance.name}/",)
    readings = [await data.logs_groups(p) for p in prefixes]
    failed = next((r for r in readings if r.value is None), None)
    if failed is not None:
        return failed
    names = sorted({name for r in readings for name in r.value or ()})
    return replace(readings[0], value=tuple(names))


def check_groups(groups: Sequence[str]) -> str | None:
    """Why these groups cannot be queried together, or None (Logs Insights takes 1 to 50)."""
    if not groups:
        return "no log group: name one or more (--group NAME; in the Logs screen, tick them)"
    if len(groups) > 50:
        return f"{len(groups)} log groups: Logs Insights reads at most 50 in one query"
    return None
