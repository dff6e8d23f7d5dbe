"""`opsconsole [tui] [--instance NAME] [--pane PANE] [--replay DIR [--at TIME]]`: open the
console (the default verb), on the live servers or on a recording."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe
from console.cli.replaying import replay_options

if TYPE_CHECKING:
    from console.config import Settings

HELP = "open the console (the default)"
DESCRIPTION = (
    "Open the console full-screen on the fleet, or straight on one instance's pane "
    "(--instance, --pane). `opsconsole` alone does the same.\n\n"
    "With --replay DIR it opens the same screens on a recording instead (read-only: no Query "
    "tab, no kill, no TTL fix): [ and ] step one sample, { and } jump to the previous or next "
    "change of health or alerts, g goes to a time."
)
EXIT_CODES: dict[int, str] = {
    0: "the console was quit",
    1: "the console could not start",
    2: USAGE_ERROR + "; a recording that cannot be replayed (no such folder, no recording in "
    "it, a TIME outside it)",
    130: "interrupted (Ctrl-C)",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    # Given to the top-level parser too, so `opsconsole --instance NAME` opens straight on it.
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument(
        "--instance", metavar="NAME", default=None, help="open straight on this instance"
    )
    parser.add_argument(
        "--pane", metavar="PANE", help="overview, processes, queries, metrics, query, keys (Redis)"
    )
    replay_options(parser)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    from console.cli.replaying import open_replay

    replay = open_replay(args, load_settings, "replay")
    from console.app import run_app  # deferred: the headless verbs never load Textual

    if replay is not None:  # no server is asked: no secret needs to resolve
        return run_app(replay.settings, args.instance, args.pane, replay=replay)
    from console.cli.common import checked_settings

    return run_app(checked_settings(load_settings), instance=args.instance, pane=args.pane)
