"""The daily health report of the fleet: pure roll-ups of one sweep and the firing alerts.

Counts by kind and by group, the worst instances with their reasons (down first, then warn,
then those with alerts), and the firing alerts placed on the instance they name. An alert on
an endpoint that hosts several instances (the lab's one MariaDB) is reported once with that
endpoint rather than charged to every instance behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from console.data.models import Alert, FleetHealth, HealthState
from console.inventory import Fleet

STATES: tuple[HealthState, ...] = ("down", "warn", "ok")
WORST = 15


@dataclass(frozen=True, slots=True)
class Rollup:
    """Health counts of one kind, or one group of a kind."""

    kind: str
    group: str
    total: int
    ok: int
    warn: int
    down: int
    alerts: int


@dataclass(frozen=True, slots=True)
class InstanceIssue:
    """One instance that is not healthy or has alerts firing, and why."""

    name: str
    kind: str
    group: str
    state: HealthState
    reasons: tuple[str, ...]
    alerts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FiringAlert:
    """A firing alert and where it points: one instance, or an endpoint shared by several."""

    alert: Alert
    where: str
    instances: int


@dataclass(frozen=True, slots=True)
class HealthReport:
    generated_at: datetime
    profile: str
    total: int
    ok: int
    warn: int
    down: int
    kinds: tuple[Rollup, ...]
    groups: tuple[Rollup, ...]
    worst: tuple[InstanceIssue, ...]
    alerts: tuple[FiringAlert, ...]
    silenced: int
    notes: tuple[str, ...] = ()

    @property
    def needs_attention(self) -> bool:
        return bool(self.warn or self.down or self.alerts)


def reasons_of(result: FleetHealth) -> tuple[str, ...]:
    error = result.reading.error
    if error is not None:
        return (f"{error.kind}: {error.message}",)
    return result.reading.value.reasons if result.reading.value is not None else ()


def _firing(alerts: Sequence[Alert], fleet: Fleet) -> tuple[tuple[FiringAlert, ...], int]:
    active = [a for a in alerts if not a.silenced_by and a.state != "suppressed"]
    placed = []
    for alert in active:
        targets = fleet.for_labels(alert.labels)
        where = targets[0].name if len(targets) == 1 else alert.label("instance") or "-"
        placed.append(FiringAlert(alert, where, len(targets)))
    return tuple(placed), len(alerts) - len(active)


def _rollup(kind: str, group: str, members: Sequence[FleetHealth], alerting: set[str]) -> Rollup:
    states = [m.state for m in members]
    return Rollup(
        kind,
        group,
        len(members),
        states.count("ok"),
        states.count("warn"),
        states.count("down"),
        sum(m.name in alerting for m in members),
    )


def _issues(
    results: Sequence[FleetHealth], by_instance: dict[str, list[str]], limit: int
) -> tuple[InstanceIssue, ...]:
    issues = [
        InstanceIssue(
            r.name, r.kind, r.group, r.state, reasons_of(r), tuple(by_instance.get(r.name, ()))
        )
        for r in results
        if r.state != "ok" or r.name in by_instance
    ]
    issues.sort(key=lambda i: (STATES.index(i.state), -len(i.alerts), i.kind, i.name))
    return tuple(issues[:limit])


def build_health_report(
    results: Sequence[FleetHealth],
    fleet: Fleet,
    alerts: Sequence[Alert],
    *,
    generated_at: datetime,
    profile: str,
    notes: Sequence[str] = (),
    worst: int = WORST,
) -> HealthReport:
    """The report of one sweep (`results`) and the alerts Alertmanager returned."""
    firing, silenced = _firing(alerts, fleet)
    by_instance: dict[str, list[str]] = {}
    for placed in firing:
        if placed.instances == 1:
            by_instance.setdefault(placed.where, []).append(placed.alert.name)
    alerting = set(by_instance)
    kinds: dict[str, list[FleetHealth]] = {}
    groups: dict[tuple[str, str], list[FleetHealth]] = {}
    for result in results:
        kinds.setdefault(result.kind, []).append(result)
        groups.setdefault((result.kind, result.group), []).append(result)
    states = [r.state for r in results]
    return HealthReport(
        generated_at=generated_at,
        profile=profile,
        total=len(results),
        ok=states.count("ok"),
        warn=states.count("warn"),
        down=states.count("down"),
        kinds=tuple(_rollup(k, "", m, alerting) for k, m in kinds.items()),
        groups=tuple(_rollup(k, g, m, alerting) for (k, g), m in groups.items()),
        worst=_issues(results, by_instance, worst),
        alerts=firing,
        silenced=silenced,
        notes=tuple(notes),
    )
