"""`opsconsole investigate`: gather the evidence about an alerting instance into one bundle.

From an Alertmanager alert or CloudWatch alarm (`--alert FINGERPRINT`) or an instance
(`--instance NAME`), through the investigation service (`console.services.investigation`, which
the console's `i` key calls too). Prints the bundle folder and the findings (masked by the
service); exit 1 when a finding is a warning or critical, 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe
from console.cli.replaying import replay_options

if TYPE_CHECKING:
    from console.analysis.findings import Finding
    from console.config import Settings
    from console.services.investigation import Investigation
    from console.services.recording.replay import ReplayLayer

HELP = "gather an alert's or an instance's evidence into a bundle, with findings"
DESCRIPTION = (
    "Gather the evidence about an alert (Alertmanager or CloudWatch) or an instance into "
    "one bundle folder (metrics, processes, logs, pane screenshots) with findings; print "
    "the folder and the findings (--json: one JSON object). On a terminal the gathering's "
    "progress shows on stderr.\n\n"
    "With --replay DIR --at TIME the bundle is built from a recording instead: the health, "
    "sessions, lock waits and top-query deltas (Redis: INFO, clients, SLOWLOG) recorded at that "
    "time, and the replayed panes; nothing is asked of any server."
)
EXIT_CODES: dict[int, str] = {
    0: "no finding needs attention",
    1: "a finding is a warning or critical, or the alerts cannot be read",
    2: USAGE_ERROR + "; or an unknown alert or instance; or a recording that cannot be "
    "replayed (no such folder, no recording in it, a TIME outside it)",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--alert", metavar="FINGERPRINT", help="an Alertmanager alert (or a prefix)")
    what.add_argument("--instance", metavar="NAME", help="an instance of the inventory")
    parser.add_argument("--window", default="1h", help="metrics window: 15m, 1h, 6h, 2d (1h)")
    parser.add_argument(
        "--output",
        metavar="DIR",
        help="where the bundle folder goes (default [console] output_dir)",
    )
    parser.add_argument("--no-screens", action="store_true", help="skip the pane screenshots")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object: folder, attention, findings"
    )
    replay_options(parser)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.analysis.evidence import parse_window
    from console.services.investigation import SourceFailedError, UsageError

    try:
        window = parse_window(args.window)
    except ValueError as exc:
        print(f"opsconsole: investigate: {exc}", file=sys.stderr)
        return 2
    from console.cli.replaying import open_replay

    replay = open_replay(args, load_settings, "investigate")
    settings = load_settings() if replay is None else replay.settings
    try:
        return asyncio.run(_investigate(settings, args, window, replay))
    except UsageError as exc:
        print(f"opsconsole: investigate: {exc}", file=sys.stderr)
        return 2
    except SourceFailedError as exc:
        print(f"opsconsole: investigate: {exc}", file=sys.stderr)
        return 1


async def _investigate(
    settings: Settings,
    args: argparse.Namespace,
    window: timedelta,
    replay: ReplayLayer | None = None,
) -> int:
    from console.cli.progress import terminal_progress
    from console.data.layer import DataLayer
    from console.services.investigation import investigate

    async with replay if replay is not None else DataLayer(settings) as data:
        with terminal_progress() as progress:
            found = await investigate(
                data,
                window,
                alert_key=args.alert,
                instance_name=args.instance,
                output=Path(args.output) if args.output else None,
                screens=not args.no_screens,
                progress=progress,
            )
    if args.json:
        print(render_json(found))
    else:
        print(found.folder)
        print("\n".join(render_findings(found.findings)))
    return 1 if found.attention else 0


def render_json(found: Investigation) -> str:
    """The bundle's folder and the findings (masked and redacted by the service) as JSON."""
    import json
    from dataclasses import asdict

    record = {
        "folder": str(found.folder),
        "attention": found.attention,
        "findings": [asdict(finding) for finding in found.findings],
    }
    return json.dumps(record, indent=2, ensure_ascii=False)


def render_findings(findings: Sequence[Finding]) -> list[str]:
    """The findings for the terminal: severity and title, the detail indented below (their
    text arrives masked and redacted from the service)."""
    if not findings:
        return ["no findings: nothing above the thresholds"]
    lines: list[str] = []
    for finding in findings:
        lines.append(f"{finding.severity.upper():<9} {finding.title}")
        lines.append(f"{'':<9} {finding.detail}  [{finding.evidence}]")
    return lines
