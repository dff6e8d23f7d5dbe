"""`opsconsole report health`: the daily health report of the whole fleet, as files.

One sweep of every instance (Prometheus where it scrapes, a probe elsewhere) and the firing
alerts, rolled up by kind and group with the worst instances and their reasons, written as
Markdown and JSON under the output directory, all by the health report service
(`console.services.health_report`). Prints the paths (or, with --json, the JSON); exit 1 when
an instance is down or warn or an alert fires, 0 when the fleet is clean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.analysis.health_report import HealthReport
    from console.config import Settings

HELP = "the daily health report of the fleet (Markdown and JSON files)"
DESCRIPTION = (
    "The daily health report of the whole fleet: one sweep of every instance and the "
    "firing alerts, rolled up by kind and group with the worst instances, written as "
    "Markdown and JSON files (--json: the JSON on stdout, the paths on stderr). On a "
    "terminal the sweep's progress shows on stderr."
)
EXIT_CODES: dict[int, str] = {
    0: "the fleet is clean",
    1: "an instance is down or warn, or an alert fires",
    2: USAGE_ERROR + "; or the files cannot be written",
}
"""Exit status -> what it means for this verb (the help page lists them)."""
REPORTS = ("health",)


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("report", choices=REPORTS, help="which report (health)")
    parser.add_argument("--json", action="store_true", help="print the JSON report on stdout")
    parser.add_argument(
        "--output", metavar="DIR", help="where the files go (default [console] output_dir/reports)"
    )


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.services.health_report import (
        render_json,
        report_folder,
        summary_line,
        write_health_report,
    )

    settings = load_settings()
    report = asyncio.run(_health(settings))
    base = report_folder(settings, Path(args.output) if args.output else None)
    try:
        markdown, document = write_health_report(report, base)
    except OSError as exc:
        print(f"opsconsole: report: cannot write to {base}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.json:
        print(render_json(report))
        print(f"{markdown}\n{document}", file=sys.stderr)
    else:
        print(f"{markdown}\n{document}\n{summary_line(report)}")
    return 1 if report.needs_attention else 0


async def _health(settings: Settings) -> HealthReport:
    from console.cli.progress import terminal_progress
    from console.data.layer import DataLayer
    from console.services.health_report import health_report

    async with DataLayer(settings) as data:
        with terminal_progress() as progress:
            return await health_report(data, progress)
