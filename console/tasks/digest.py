"""Placeholder while the task is built (issue 6)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

HELP = "(being built)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace, load_settings: Callable[[], Any]) -> int:
    print("opsconsole: not built yet")
    return 2
