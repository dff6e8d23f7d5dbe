"""The investigation: from an alert or an instance, the evidence gathered at once into a bundle.

Every source in parallel (the instance's metrics over the window, sessions, lock chains, top
statements, slow log, or Redis INFO, SLOWLOG, clients, memory and a key sample), the findings
that name the cause, and screenshots of the instance's panes (`screenshots`), written as one
masked folder under the output directory (`bundle`, from the masked tables of `tables`). The
`investigate` verb (console/cli/investigate.py) and the console's `i` key
(console/screens/investigate.py) both call `investigate` here. On a replay's data layer
(`investigate --replay DIR --at TIME`) the evidence is the recording's at its cursor
(recorded.py) and the screenshots are the replayed panes.

Why one room: the investigation used to be spread over six folders; everything it does that is
not printing or a notification is here, over the data layer (gather.py gathers)
and the pure rules (console/analysis/evidence.py, findings.py). Imports below are deferred so
that the screens that offer `i` load none of it until it runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from console.analysis.findings import Finding
    from console.data.layer import DataLayer
    from console.data.models import Alert
    from console.inventory import Instance
    from console.services import Progress
    from console.services.recording.replay import ReplayLayer


T = TypeVar("T")


class UsageError(Exception):
    """Bad input (unknown instance or alert): one line on stderr, exit 2."""


class SourceFailedError(Exception):
    """A source the investigation cannot do without (Alertmanager for an alert): exit 1."""


@dataclass(frozen=True, slots=True)
class Target:
    instance: Instance
    alert: Alert | None
    related: tuple[Alert, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Investigation:
    """Where the bundle went and what it found."""

    folder: Path
    findings: tuple[Finding, ...]
    """Most severe first, their text masked and redacted: safe to print or show as it is."""
    attention: bool
    """A finding is a warning or critical."""


async def investigate(
    data: DataLayer,
    window: timedelta,
    *,
    alert_key: str | None = None,
    instance_name: str | None = None,
    output: Path | None = None,
    screens: bool = True,
    progress: Progress | None = None,
) -> Investigation:
    """Investigate an alert (fingerprint, prefix or CloudWatch alarm name) or an instance.

    Raises UsageError for an unknown alert or instance, SourceFailedError when the alerts
    cannot be read at all for an alert; any other source failing is recorded in the bundle.
    `progress` hears ("gathered", done, total) as the evidence, each pane's screenshot and
    the bundle are done.
    """
    from console.analysis.findings import analyse, needs_attention
    from console.services.investigation.bundle import bundle_name, shown, write_bundle
    from console.services.investigation.gather import gather_evidence
    from console.services.investigation.screenshots import (
        SCREEN_CONCURRENCY,
        panes_for,
        take_screenshot,
    )

    settings = data.settings
    target = await _target(data, alert_key, instance_name)
    replay = _replay(data)  # a recording, at its cursor (None: the live servers)
    end = datetime.now(UTC) if replay is None else replay.cursor
    base = output if output is not None else settings.output_dir / "investigations"
    folder = _free(base.resolve() / bundle_name(target.instance.name, end))
    slots = asyncio.Semaphore(SCREEN_CONCURRENCY)
    name = target.instance.name
    recorded = None if replay is None else (replay.folder, replay.cursor)
    if not screens:
        panes: tuple[str, ...] = ()
    elif replay is None:
        panes = panes_for(target.instance.kind)
    else:  # an AWS kind's view asks AWS live: a replay of one has its health, no screen
        panes = () if target.instance.is_aws else replay.PANES
    shots = [take_screenshot(settings, name, p, folder, slots, recorded) for p in panes]
    alert, related, notes = target.alert, target.related, target.notes
    if replay is None:
        gathering = gather_evidence(
            data, target.instance, window, end, alert=alert, related=related, notes=notes
        )
    else:
        from console.services.investigation.recorded import gather_recorded

        gathering = gather_recorded(
            replay, target.instance, window, alert=alert, related=related, notes=notes
        )
    steps = _Steps(progress, total=len(shots) + 2)  # the evidence, each pane, the bundle
    evidence, taken = await asyncio.gather(
        steps.counted(gathering), asyncio.gather(*map(steps.counted, shots))
    )
    findings = analyse(evidence)
    await asyncio.to_thread(write_bundle, folder, evidence, findings, taken)
    steps.one_more()
    return Investigation(folder, tuple(map(shown, findings)), needs_attention(findings))


def _replay(data: DataLayer) -> ReplayLayer | None:
    """The replay `data` is, if it is one (its modules are loaded only then)."""
    if data.recorded_at() is None:
        return None
    from console.services.recording.replay import ReplayLayer

    return data if isinstance(data, ReplayLayer) else None


class _Steps:
    """The investigation's steps done so far, told to `progress` as each one ends."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        self.tell()

    def tell(self) -> None:
        if self.progress is not None:
            self.progress("gathered", self.done, self.total)

    def one_more(self) -> None:
        self.done += 1
        self.tell()

    async def counted(self, step: Awaitable[T]) -> T:
        result = await step
        self.one_more()
        return result


async def _target(data: DataLayer, alert_key: str | None, instance_name: str | None) -> Target:
    """The instance to investigate, its alert and the other alerts that name it.

    Alerts are Alertmanager's and the firing CloudWatch alarms (`--alert` takes either's
    fingerprint, or an alarm's name).
    """
    from console.analysis.evidence import alert_target, alerts_matching, related_alerts

    fleet, (alerts, notes) = await asyncio.gather(data.fleet(), _alerts(data, alert_key))
    notes = [fleet.discovery_error, *notes] if fleet.discovery_error else notes
    alert: Alert | None = None
    if alert_key is not None:
        matches = alerts_matching(alerts, alert_key) or tuple(
            a for a in alerts if a.name == alert_key and a.label("source") == "cloudwatch"
        )
        if len(matches) != 1:
            found = "no alert" if not matches else f"{len(matches)} alerts"
            raise UsageError(
                f"{found} with fingerprint {alert_key!r} in Alertmanager or CloudWatch "
                f"({len(alerts)} alerts)"
            )
        alert = matches[0]
        instance, note = alert_target(alert, fleet)
        if instance is None:
            labels = ", ".join(f"{k}={v}" for k, v in alert.labels)
            raise UsageError(f"alert {alert.name} names no instance of the inventory ({labels})")
        notes += [note] if note else []
    else:
        found_instance = fleet.by_name(instance_name or "")
        if found_instance is None:
            raise UsageError(f"no instance named {instance_name!r} (see `opsconsole inventory`)")
        instance = found_instance
    related = tuple(a for a in related_alerts(alerts, fleet, instance) if a != alert)
    return Target(instance, alert, related, tuple(notes))


async def _alerts(data: DataLayer, alert_key: str | None) -> tuple[tuple[Alert, ...], list[str]]:
    """Alertmanager's alerts and the firing CloudWatch alarms (as alerts), with what failed."""
    from console.analysis.evidence import alarm_as_alert
    from console.services.investigation.gather import bounded

    limit_s = data.settings.timeouts.http_s + data.settings.timeouts.connect_s
    manager, cloudwatch = await asyncio.gather(
        bounded("alertmanager", "alertmanager", limit_s, lambda: data.alertmanager.alerts()),
        bounded("cloudwatch", "aws", limit_s, lambda: data.cloudwatch_alarms("ALARM")),
    )
    if manager.error is not None and alert_key is not None and cloudwatch.error is not None:
        raise SourceFailedError(f"Alertmanager: {manager.error.kind}: {manager.error.message}")
    notes = [
        f"alerts unknown: {name} {r.error.kind}: {r.error.message}"
        for name, r in (("Alertmanager", manager), ("CloudWatch", cloudwatch))
        if r.error is not None
    ]
    alarms = tuple(alarm_as_alert(a) for a in cloudwatch.value or () if a.firing)
    return (*(manager.value or ()), *alarms), notes


def _free(folder: Path) -> Path:
    """`folder`, or folder-2, -3... when an investigation of the same second exists."""
    candidate, index = folder, 1
    while candidate.exists():
        index += 1
        candidate = folder.with_name(f"{folder.name}-{index}")
    return candidate
