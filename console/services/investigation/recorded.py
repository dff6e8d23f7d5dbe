"""Gather an investigation's evidence from a recording, at the replay's cursor.

`opsconsole investigate --replay DIR --at TIME` (and `i` in a replayed console) build the usual
bundle from what the recorder kept: the instance's health and its recorded detail (status,
sessions, lock waits, top-query deltas; Redis INFO, clients, SLOWLOG), read through the same
Gatherer as a live investigation (its calls answered by the replay's data layer). What a
recording does not hold is left out and named in the bundle's notes: metrics (Prometheus keeps
them), the slow-query log and the key scans.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from console.analysis.evidence import Evidence, RedisEvidence, SqlEvidence
from console.data.models import Alert
from console.formatting.moments import iso
from console.inventory import Instance, source_of
from console.services.investigation.gather import Gatherer, ref
from console.services.recording.replay import ReplayLayer

NOT_RECORDED = "metrics (ask Prometheus for the window), the slow-query log and key scans"


async def gather_recorded(
    replay: ReplayLayer,
    instance: Instance,
    window: timedelta,
    *,
    alert: Alert | None = None,
    related: tuple[Alert, ...] = (),
    notes: tuple[str, ...] = (),
) -> Evidence:
    """The evidence about `instance` the recording holds at the replay's cursor."""
    gatherer = Gatherer(replay, instance, window, replay.cursor)
    health = await gatherer.call(source_of(instance), lambda: replay.health(instance))
    sql: SqlEvidence | None = None
    redis: RedisEvidence | None = None
    if instance.kind == "redis":
        redis = replace(await gatherer.redis(), audit=None)
    elif not instance.is_aws:  # an AWS kind is recorded by its health only
        sql = replace(await gatherer.sql(), slow_log=None)
    said = (
        f"replayed from the recording in {replay.folder} at {iso(replay.cursor)} "
        f"(it holds {iso(replay.recording.start)} to {iso(replay.recording.end)}); "
        f"not in a recording: {NOT_RECORDED}"
    )
    return Evidence(
        instance=ref(instance),
        started_at=replay.cursor,
        window=window,
        alert=alert,
        related_alerts=related,
        health=health,
        sql=sql,
        redis=redis,
        notes=(*notes, said),
    )
