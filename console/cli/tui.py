"""`opsconsole [tui] [--instance NAME] [--pane PANE]`: open the console (the default verb)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import Settings

HELP = "open the console (the default)"


def configure(parser: argparse.ArgumentParser) -> None:
    # Given to the top-level parser too, so `opsconsole --instance NAME` opens straight on it.
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
