"""`opsconsole [tui] [--instance NAME] [--pane PANE]`: open the console (the default verb)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings

HELP = "open the console (the default)"
DESCRIPTION = (
    "Open the console full-screen on the fleet, or straight on one instance's pane "
    "(--instance, --pane). `opsconsole` alone does the same."
)
EXIT_CODES: dict[int, str] = {
    0: "the console was quit",
    1: "the console could not start",
    2: USAGE_ERROR,
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


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    from console.app import run_app  # deferred: the headless verbs never load Textual
    from console.cli.common import checked_settings

    return run_app(checked_settings(load_settings), instance=args.instance, pane=args.pane)
