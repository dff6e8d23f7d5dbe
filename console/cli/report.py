"""`opsconsole report health`: the daily health report of the whole fleet, as files.

One sweep of every instance (Prometheus where it scrapes, a probe elsewhere) and the firing
alerts, rolled up by kind and group with the worst instances and their reasons, written as
Markdown and JSON under the output directory. Prints the paths (or, with --json, the JSON);
exit 1 when an instance is down or warn or an alert fires, 0 when the fleet is clean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.analysis.health_report import HealthReport
    from console.config import Settings

HELP = "the daily health report of the fleet (Markdown and JSON files)"
REPORTS = ("health",)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=REPORTS, help="which report (health)")
    parser.add_argument("--json", action="store_true", help="print the JSON report on stdout")
    parser.add_argument(
        "--output", metavar="DIR", help="where the files go (default [console] output_dir/reports)"
    )


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.verbs import report as report_verb

    settings = load_settings()
    report = asyncio.run(_health(settings))
    base = Path(args.output) if args.output else settings.output_dir / "reports"
    stem = base.resolve() / f"health-{report.generated_at:%Y%m%d-%H%M%S}"
    markdown, document = stem.with_suffix(".md"), stem.with_suffix(".json")
    try:
        base.mkdir(parents=True, exist_ok=True)
        markdown.write_text(report_verb.render_markdown(report), encoding="utf-8")
        document.write_text(report_verb.render_json(report), encoding="utf-8")
    except OSError as exc:
        print(f"opsconsole: report: cannot write to {base}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.json:
        print(report_verb.render_json(report))
        print(f"{markdown}\n{document}", file=sys.stderr)
    else:
        print(f"{markdown}\n{document}\n{report_verb.summary_line(report)}")
    return 1 if report.needs_attention else 0


async def _health(settings: Settings) -> HealthReport:
    """One sweep and the alerts, concurrently, rolled up."""
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.analysis.health_report import build_health_report
    from console.data.layer import DataLayer

    data = DataLayer(settings)
    try:
        fleet = await data.fleet()
        results, alerts = await asyncio.gather(
            data.fleet_health(fleet.instances), data.alertmanager.alerts(include_silenced=True)
        )
    finally:
        await data.close()
    notes = [fleet.discovery_error] if fleet.discovery_error else []
    if alerts.error is not None:
        notes.append(f"alerts unknown: Alertmanager {alerts.error.kind}: {alerts.error.message}")
    return build_health_report(
        results,
        fleet,
        alerts.value or (),
        generated_at=datetime.now(UTC),
        profile=settings.profile,
        notes=notes,
    )
