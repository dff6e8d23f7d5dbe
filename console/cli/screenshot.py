"""`opsconsole screenshot --pane PANE [--instance NAME] [--replay DIR --at TIME] -o FILE`: a
pane's SVG, headless, of the live servers or of a recording."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe
from console.cli.replaying import replay_options

if TYPE_CHECKING:
    from console.config import Settings

HELP = "save a pane's screenshot headless"
DESCRIPTION = (
    "Open a pane headless and save its screenshot as SVG (and a .txt beside it), masked "
    "and redacted like the console's own screenshots. With --replay DIR --at TIME, the pane "
    "as a recording shows it at that time (overview, processes, queries, fleet, alerts)."
)
EXIT_CODES: dict[int, str] = {
    0: "saved",
    1: "saved, but the pane had no data yet",
    2: USAGE_ERROR + "; a recording that cannot be replayed (no such folder, no recording in "
    "it, a TIME outside it, an instance or pane it does not hold)",
}
"""Exit status -> what it means for this verb (the help page lists them)."""
PANES = ("fleet", "alerts", "overview", "processes", "queries", "metrics")
INSTANCE_PANES = PANES[2:]


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--instance", metavar="NAME", help="the instance (for its panes)")
    parser.add_argument("--pane", default="fleet", choices=PANES)
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="the .svg to write")
    parser.add_argument("--size", default="160x50", help="terminal size, COLSxROWS")
    replay_options(parser)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    if (args.pane in INSTANCE_PANES) != (args.instance is not None):
        print(
            "opsconsole: screenshot: --pane overview|processes|queries|metrics needs "
            "--instance NAME; fleet and alerts take none",
            file=sys.stderr,
        )
        return 2
    try:
        cols, rows = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        print(f"opsconsole: screenshot: --size {args.size!r}: expected COLSxROWS", file=sys.stderr)
        return 2
    from console.cli.replaying import open_replay

    replay = open_replay(args, load_settings, "screenshot")
    from console.cli.common import checked_settings
    from console.screens.capture import capture  # deferred: loads Textual

    settings = replay.settings if replay is not None else checked_settings(load_settings)
    output, size = Path(args.output), (cols, rows)
    path, ready = capture(settings, args.pane, output, args.instance, size, replay=replay)
    print(path)
    if not ready:
        print(
            "opsconsole: warning: the pane had no data yet when the screenshot was taken",
            file=sys.stderr,
        )
    return 0 if ready else 1
