"""The investigation bundle: a Markdown report (alert, findings first, figures, tables), one CSV
per table, findings.json, and the screenshots the service took, in one folder per investigation.

Tables arrive masked (`tables`); free text (alert summary, labels, findings) is masked here,
and every file is passed through credential redaction before it is written. Why here: the
findings the service hands to the verb and the screen (`shown`) are masked by the same rules
as the bundle's, so no caller masks anything itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from console.analysis.evidence import Evidence
from console.analysis.findings import Finding
from console.data.models import Alert
from console.formatting import first_line, human_duration, table_csv, table_markdown
from console.safety.masking import mask_text
from console.safety.redact import redact
from console.services.investigation.screenshots import Screenshot
from console.services.investigation.tables import Table, evidence_tables

CELL_WIDTH = 200
"""Characters of a cell shown in the report (a statement in full is in the CSV)."""
MD_ROWS = 20
"""Rows of each table shown in the report; the CSV beside it has them all."""
REPORT = "report.md"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def bundle_name(instance: str, at: datetime) -> str:
    """'aws-luckyus-salesorder-rw-20261125-143000' (UTC, sortable, safe as a folder name)."""
    return f"{_UNSAFE.sub('_', instance)}-{at:%Y%m%d-%H%M%S}"


def _alert_lines(alert: Alert) -> list[str]:
    since = alert.starts_at.isoformat(timespec="seconds") if alert.starts_at else "-"
    labels = ", ".join(f"{k}={v}" for k, v in alert.labels)
    return [
        f"- **{alert.name}** ({alert.severity}, {alert.state}) since {since}: {alert.summary}",
        f"  - fingerprint `{alert.fingerprint}`; labels: {labels}",
    ]


def _alert_section(evidence: Evidence) -> list[str]:
    lines = ["## Alert", ""]
    if evidence.alert is not None:
        lines += _alert_lines(evidence.alert)
    else:
        lines.append("No alert given: investigated on request (`--instance`).")
    others = [a for a in evidence.related_alerts if a != evidence.alert]
    if others:
        lines += ["", f"Other alerts firing on this instance ({len(others)}):", ""]
        for alert in others:
            lines += _alert_lines(alert)
    return [mask_text(line) for line in lines]


def _findings_section(findings: Sequence[Finding], findings_table: Table) -> list[str]:
    lines = ["## Findings", ""]
    if not findings:
        return [*lines, "No findings: nothing above the thresholds.", ""]
    lines += [
        f"{i}. **{f.severity.upper()}: {mask_text(f.title)}**" for i, f in enumerate(findings, 1)
    ]
    return [*lines, "", _markdown(findings_table)]


def _markdown(table: Table, limit: int | None = None) -> str:
    rows = [[first_line(cell, CELL_WIDTH) for cell in row] for row in table.rows[:limit]]
    text = table_markdown(list(table.headers), rows) if rows else "_(no rows)_\n"
    if table.error:
        text = f"_source failed: {mask_text(table.error)}_\n\n" + text
    if limit is not None and len(table.rows) > limit:
        text += f"\n_first {limit} of {len(table.rows)} rows; all in `{table.name}.csv`_\n"
    return text


def _table_sections(tables: Sequence[Table]) -> list[str]:
    lines: list[str] = ["## Tables", ""]
    for table in tables:
        if table.name in ("findings", "metrics", "sources", "series"):
            continue
        lines += [f"### {table.title} (`{table.name}.csv`)", "", _markdown(table, MD_ROWS)]
    return lines


def _screens_section(screens: Sequence[Screenshot]) -> list[str]:
    if not screens:
        return []
    lines = ["## Screenshots", ""]
    for shot in screens:
        if shot.path is not None:
            lines.append(f"- {shot.pane}: [{shot.path}]({shot.path})")
        else:
            lines.append(f"- {shot.pane}: not taken ({mask_text(shot.error or 'unknown')})")
    return [*lines, ""]


def render_report(
    evidence: Evidence,
    findings: Sequence[Finding],
    tables: Sequence[Table],
    screens: Sequence[Screenshot] = (),
) -> str:
    """The report: header, alert, findings, figures, tables, screenshots, sources, notes."""
    by_name = {t.name: t for t in tables}
    ref = evidence.instance
    at = evidence.started_at.isoformat(timespec="seconds")
    lines = [
        f"# Investigation: {ref.name}",
        "",
        f"{ref.kind} · {ref.group} · {ref.env} · {ref.endpoint} — gathered {at} "
        f"over the last {human_duration(evidence.window.total_seconds())}",
        "",
        *_alert_section(evidence),
        "",
        *_findings_section(findings, by_name["findings"]),
        "## Figures",
        "",
        _markdown(by_name["metrics"]),
        *_table_sections(tables),
        *_screens_section(screens),
        "## Sources",
        "",
        _markdown(by_name["sources"]),
    ]
    if evidence.notes:
        lines += ["## Notes", "", *(f"- {mask_text(note)}" for note in evidence.notes), ""]
    return "\n".join(lines)


def findings_record(evidence: Evidence, findings: Sequence[Finding]) -> dict[str, object]:
    alert = evidence.alert
    return {
        "instance": evidence.instance.name,
        "kind": evidence.instance.kind,
        "gathered_at": evidence.started_at.isoformat(),
        "window_s": evidence.window.total_seconds(),
        "alert": None if alert is None else {"name": alert.name, "fingerprint": alert.fingerprint},
        "findings": [
            {
                "severity": f.severity,
                "title": mask_text(f.title),
                "detail": mask_text(f.detail),
                "evidence": f.evidence,
            }
            for f in findings
        ],
    }


def _write(path: Path, text: str) -> None:
    path.write_text(redact(text), encoding="utf-8")


def write_bundle(
    folder: Path,
    evidence: Evidence,
    findings: Sequence[Finding],
    screens: Sequence[Screenshot] = (),
) -> Path:
    """Write the report, the CSVs and findings.json into `folder`; the report's path.

    Disk I/O: call it through asyncio.to_thread from a running loop.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables = evidence_tables(evidence, findings)
    for table in tables:
        rows = [list(row) for row in table.rows]
        _write(folder / f"{table.name}.csv", table_csv(list(table.headers), rows))
    record = findings_record(evidence, findings)
    _write(folder / "findings.json", json.dumps(record, indent=2))
    report = folder / REPORT
    _write(report, render_report(evidence, findings, tables, screens))
    return report


def shown(finding: Finding) -> Finding:
    """The finding with its text masked and redacted, as the verb prints it and the console
    notifies it (the bundle masks the findings it writes by the same rules)."""
    return Finding(
        finding.severity,
        redact(mask_text(finding.title)),
        redact(mask_text(finding.detail)),
        redact(finding.evidence),
    )
