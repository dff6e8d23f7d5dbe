"""The daily health report of the fleet: one sweep and the alerts, rolled up, as files.

`health_report` sweeps every instance (Prometheus where it scrapes, a probe elsewhere) and reads
the alerts concurrently, and rolls them up (console/analysis/health_report.py, pure);
`write_health_report` writes it as Markdown and as JSON. Both files are built from one
HealthReport; free text (alert summaries, reasons) is masked and redacted here, so neither file
can carry PII or a credential a source let through.

Why a service: `opsconsole report health` (console/cli/report.py) only chooses where the files go
and prints their paths; the console has no health report screen, so the verb is its one caller.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.analysis.health_report import (
    FiringAlert,
    HealthReport,
    InstanceIssue,
    Rollup,
    build_health_report,
)
from console.formatting import human_percent, table_markdown
from console.safety.redact import redact
from console.safety.scrub import scrub as _clean

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.data.models import FleetHealth
    from console.services import Progress


async def health_report(data: DataLayer, progress: Progress | None = None) -> HealthReport:
    """One sweep of the whole fleet (discovered instances included) and the alerts (silenced
    ones counted), concurrently, rolled up; what could not be read is a note of the report.
    `progress` hears ("swept", done, total) as each instance's health comes in."""
    fleet = await data.fleet()
    total, swept = len(fleet.instances), 0

    def one_more(_result: FleetHealth) -> None:
        nonlocal swept
        swept += 1
        if progress is not None:
            progress("swept", swept, total)

    if progress is not None:
        progress("swept", 0, total)
    results, alerts = await asyncio.gather(
        data.fleet_health(fleet.instances, one_more),
        data.alertmanager.alerts(include_silenced=True),
    )
    notes = [fleet.discovery_error] if fleet.discovery_error else []
    if alerts.error is not None:
        notes.append(f"alerts unknown: Alertmanager {alerts.error.kind}: {alerts.error.message}")
    return build_health_report(
        results,
        fleet,
        alerts.value or (),
        generated_at=datetime.now(UTC),
        profile=data.settings.profile,
        notes=notes,
    )


def report_folder(settings: Settings, output: Path | None = None) -> Path:
    """Where the files go: `output`, else [console] output_dir/reports."""
    return output if output is not None else settings.output_dir / "reports"


def write_health_report(report: HealthReport, folder: Path) -> tuple[Path, Path]:
    """The report as health-<UTC time>.md and .json in `folder` (created); their paths.

    Raises OSError when the folder cannot be written. Disk I/O: from a running loop, call it
    through asyncio.to_thread.
    """
    stem = folder.resolve() / f"health-{report.generated_at:%Y%m%d-%H%M%S}"
    markdown, document = stem.with_suffix(".md"), stem.with_suffix(".json")
    folder.mkdir(parents=True, exist_ok=True)
    markdown.write_text(render_markdown(report), encoding="utf-8")
    document.write_text(render_json(report), encoding="utf-8")
    return markdown, document


def _rollup_record(rollup: Rollup) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": rollup.kind}
    if rollup.group:
        record["group"] = rollup.group
    record.update(
        total=rollup.total, ok=rollup.ok, warn=rollup.warn, down=rollup.down, alerts=rollup.alerts
    )
    return record


def _issue_record(issue: InstanceIssue) -> dict[str, Any]:
    return {
        "name": issue.name,
        "kind": issue.kind,
        "group": issue.group,
        "state": issue.state,
        "reasons": [_clean(r) for r in issue.reasons],
        "alerts": list(issue.alerts),
    }


def _alert_record(placed: FiringAlert) -> dict[str, Any]:
    alert = placed.alert
    return {
        "name": alert.name,
        "severity": alert.severity,
        "fingerprint": alert.fingerprint,
        "since": alert.starts_at.isoformat() if alert.starts_at else None,
        "where": placed.where,
        "instances": placed.instances,
        "summary": _clean(alert.summary),
    }


def report_record(report: HealthReport) -> dict[str, Any]:
    return {
        "generated_at": report.generated_at.isoformat(),
        "profile": report.profile,
        "summary": {
            "total": report.total,
            "ok": report.ok,
            "warn": report.warn,
            "down": report.down,
            "alerts_firing": len(report.alerts),
            "alerts_silenced": report.silenced,
        },
        "alerts": [_alert_record(a) for a in report.alerts],
        "worst": [_issue_record(i) for i in report.worst],
        "kinds": [_rollup_record(k) for k in report.kinds],
        "groups": [_rollup_record(g) for g in report.groups],
        "notes": [_clean(n) for n in report.notes],
    }


def render_json(report: HealthReport) -> str:
    return json.dumps(report_record(report), indent=2)


def summary_line(report: HealthReport) -> str:
    return (
        f"{report.total} instances: {report.ok} ok, {report.warn} warn, {report.down} down; "
        f"{len(report.alerts)} alerts firing ({report.silenced} silenced)"
    )


def _rollup_rows(rollups: tuple[Rollup, ...]) -> list[list[str]]:
    return [
        [r.kind, r.group or "(all)", str(r.total), str(r.ok), str(r.warn), str(r.down),
         str(r.alerts), human_percent(r.ok / r.total if r.total else None)]
        for r in rollups
    ]  # fmt: skip


def render_markdown(report: HealthReport) -> str:
    """Summary, firing alerts, the worst instances, then roll-ups by kind and by group."""
    at = report.generated_at.isoformat(timespec="seconds")
    lines = [f"# Fleet health report — {at}", "", f"Profile `{report.profile}`. "]
    lines[-1] += summary_line(report) + ".\n"
    lines += ["## Firing alerts", ""]
    alert_rows = [
        [a.alert.severity, a.alert.name,
         a.where + (f" ({a.instances} instances)" if a.instances > 1 else ""),
         a.alert.starts_at.isoformat(timespec="seconds") if a.alert.starts_at else "-",
         _clean(a.alert.summary)]
        for a in report.alerts
    ]  # fmt: skip
    headers = ["severity", "alert", "where", "since", "summary"]
    lines.append(table_markdown(headers, alert_rows) if alert_rows else "None firing.\n")
    lines += ["## Worst instances", ""]
    worst_rows = [
        [i.state.upper(), i.kind, i.group, i.name,
         "; ".join([*map(_clean, i.reasons), *(f"firing: {a}" for a in i.alerts)])]
        for i in report.worst
    ]  # fmt: skip
    headers = ["state", "kind", "group", "instance", "reasons"]
    lines.append(table_markdown(headers, worst_rows) if worst_rows else "Every instance is ok.\n")
    headers = ["kind", "group", "total", "ok", "warn", "down", "alerting", "healthy"]
    lines += ["## By kind", "", table_markdown(headers, _rollup_rows(report.kinds))]
    lines += ["## By group", "", table_markdown(headers, _rollup_rows(report.groups))]
    if report.notes:
        lines += ["## Notes", "", *(f"- {_clean(n)}" for n in report.notes), ""]
    return redact("\n".join(lines))
