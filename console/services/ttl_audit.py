"""The Redis TTL and big-key audit, one capability: a throttled scan of a Redis instance (on a
replica when there is one), its prefixes and biggest keys, and the EXPIRE-with-jitter plan for
the keys without TTL. `opsconsole redis-audit` and the instance view's Keys tab both call it.

Why here: the scan is the data layer's (`DataLayer.redis_audit`), the aggregation and the plan
are pure (`console.analysis.ttl_audit`); composing them (the tables the console shows, the plan
with the house's TTL, the state file a headless scan resumes from, the dry run in the audit log)
was done twice, once by the verb and once by the pane. Nothing here writes to Redis: the plan is
applied only through the confirmed action the Keys tab asks for.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from console.analysis.ttl_audit import remediation_plan
from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import (
    AuditOptions,
    BigKey,
    PrefixUsage,
    Reading,
    RedisAuditRun,
    RemediationPlan,
)
from console.inventory import Instance
from console.safety.audit import AuditEntry, AuditLog
from console.safety.confirm import Action
from console.services import Progress

T = TypeVar("T")
TTL_S = 7 * 86400
"""The plan's EXPIRE: a week..."""
JITTER_S = 3600
"""...plus 0..an hour per key, so the keys do not all expire in the same second."""


@dataclass(frozen=True, slots=True)
class KeyAudit:
    """One run of the audit and the two tables the console shows of it."""

    run: RedisAuditRun
    prefixes: Reading[tuple[PrefixUsage, ...]]
    """Per prefix: keys, keys without TTL, memory (most keys without TTL first)."""
    biggest: Reading[tuple[BigKey, ...]]
    """The biggest keys by memory, or by length when nothing was measured."""


@dataclass(frozen=True, slots=True)
class PlannedAudit:
    """A headless run: the audit, its plan (recorded in the audit log as a dry run) and where
    the partial scan is kept (None once the scan is complete)."""

    run: RedisAuditRun
    plan: RemediationPlan
    state: Path | None


async def scan(
    data: DataLayer, instance: Instance, options: AuditOptions, checkpoint: str | None = None
) -> Reading[KeyAudit]:
    """Scan `instance` within the options' budgets (resuming `checkpoint`, the last run's)."""
    reading = await data.redis_audit(instance, options, checkpoint)
    run = reading.value
    if run is None:
        return _failed(reading)
    audit, name, at = run.audit, instance.name, reading.fetched_at
    biggest = audit.biggest_by_memory or audit.biggest_by_size
    value = KeyAudit(
        run,
        prefixes=Reading(name, "redis", at, audit.elapsed_s, value=audit.prefixes),
        biggest=Reading(name, "redis", at, audit.elapsed_s, value=biggest),
    )
    return Reading(reading.instance, reading.source, at, reading.elapsed_s, value=value)


def plan(
    instance: Instance, run: RedisAuditRun, *, ttl_s: int = TTL_S, jitter_s: int = JITTER_S
) -> RemediationPlan:
    """EXPIRE `ttl_s` plus 0..`jitter_s` seconds for the keys without TTL the run found."""
    return remediation_plan(
        instance.name,
        run.no_ttl_keys,
        keys_without_ttl=run.audit.keys_without_ttl,
        ttl_s=ttl_s,
        jitter_s=jitter_s,
        production=instance.is_production,
        complete=run.audit.complete,
    )


async def remediation(
    data: DataLayer, instance: Instance, run: RedisAuditRun
) -> tuple[RemediationPlan, Reading[Action] | None]:
    """The plan with the house's TTL and the confirmable action that applies it (None when a
    command of the plan is one the Redis guard does not allow; refused in read-only mode)."""
    proposed = plan(instance, run)
    return proposed, await data.queries.remediation(instance, proposed)


def state_path(settings: Settings, instance: str) -> Path:
    """Where a partial scan of `instance` is kept: `<state>/redis-audit/<instance>.state.json`
    (the user's own state folder: one member's resume point is not another's)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", instance)
    return settings.state_dir / "redis-audit" / f"{safe}.state.json"


def saved_scan(settings: Settings, instance: str) -> tuple[str | None, str | None]:
    """The partial scan kept for `instance`, to resume; else None and why (one line)."""
    path = state_path(settings, instance)
    try:
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, f"no saved scan in {path}: starting from the beginning"
    except OSError as exc:
        return None, f"cannot read {path} ({exc.strerror}): starting from the beginning"


async def dry_run(
    data: DataLayer,
    instance: Instance,
    options: AuditOptions,
    checkpoint: str | None,
    *,
    ttl_s: int = TTL_S,
    jitter_s: int = JITTER_S,
    progress: Progress | None = None,
) -> Reading[PlannedAudit]:
    """A headless run: scan (resuming `checkpoint`), keep or forget the partial scan's state,
    and plan the remediation, recorded in the audit log as a dry run (nothing is sent).
    `progress` hears the seconds of the time budget spent, every PROGRESS_TICK_S."""
    scanning = data.redis_audit(instance, options, checkpoint)
    reading = await _timed(scanning, options.time_budget_s, progress)
    run = reading.value
    if run is None:
        return _failed(reading)
    path = state_path(data.settings, instance.name)
    await asyncio.to_thread(_keep_state, path, run)
    proposed = plan(instance, run, ttl_s=ttl_s, jitter_s=jitter_s)
    await _record_dry_run(data.settings, instance, proposed)
    value = PlannedAudit(run, proposed, path if run.checkpoint is not None else None)
    return Reading(reading.instance, reading.source, reading.fetched_at, reading.elapsed_s,
                   value=value)  # fmt: skip


PROGRESS_TICK_S = 0.5
"""How often a running scan tells its progress (the seconds of its time budget spent)."""
SCAN_PROGRESS = "scanning (seconds of the time budget)"


async def _timed(work: Awaitable[T], budget_s: float, progress: Progress | None) -> T:
    """`work`, telling `progress` the seconds of the time budget spent while it runs.

    Why the clock and not the keys: a SCAN cannot say how many keys are left, but the budget
    bounds the scan, so the seconds spent against it are the honest measure of how far it is.
    """
    if progress is None:
        return await work
    task = asyncio.ensure_future(work)
    started, total = time.monotonic(), max(1, round(budget_s))
    try:
        progress(SCAN_PROGRESS, 0, total)
        while not (await asyncio.wait({task}, timeout=PROGRESS_TICK_S))[0]:
            progress(SCAN_PROGRESS, min(total, round(time.monotonic() - started)), total)
    finally:
        task.cancel()  # a no-op once it is done; the scan stops if the caller is cancelled
    progress(SCAN_PROGRESS, total, total)
    return task.result()


def _failed(reading: Reading[RedisAuditRun]) -> Reading[T]:
    return Reading(reading.instance, reading.source, reading.fetched_at, reading.elapsed_s,
                   error=reading.error)  # fmt: skip


def _keep_state(path: Path, run: RedisAuditRun) -> None:
    """Save a partial scan (0600 in a 0700 folder: it holds real key names, for the plan);
    forget the state once the scan is complete."""
    if run.checkpoint is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(run.checkpoint)


async def _record_dry_run(
    settings: Settings, instance: Instance, proposed: RemediationPlan
) -> None:
    """One audit line for the whole plan: what it would run, judged, and that nothing ran."""
    if not proposed.commands:
        return
    first, count = proposed.commands[0], len(proposed.commands)
    text = (
        f"redis-audit plan: EXPIRE x{count} keys without TTL "
        f"(ttl {proposed.ttl_s}s + 0..{proposed.jitter_s}s), e.g. {first.shown}"
    )
    entry = AuditEntry(instance.name, instance.env, text, first.classification,
                       first.confirmations, "dry-run", count)  # fmt: skip
    await AuditLog.for_console(settings.audit_path, settings.console).arecord(entry)
