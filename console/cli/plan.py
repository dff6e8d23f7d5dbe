"""`opsconsole plan --instance NAME SQL [--json]`: the SQL guard's verdict; nothing runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe, run_on_instance

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.inventory import Instance

HELP = "the SQL guard's verdict, nothing run"
DESCRIPTION = (
    "Show the SQL guard's verdict on a statement for one instance: whether it is "
    "read-only, what it would change, and what confirmation it would need. Nothing runs."
)
EXIT_CODES: dict[int, str] = {
    0: "the verdict was printed",
    2: USAGE_ERROR + "; or no such SQL instance",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--instance", metavar="NAME", required=True)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("sql", metavar="SQL")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    return run_on_instance(args, load_settings, "plan", partial(_plan, args), redis=False)


async def _plan(args: argparse.Namespace, data: DataLayer, instance: Instance) -> int:
    from console.cli.query_output import render_plan
    from console.services.query import statement_plan

    print(render_plan(statement_plan(data, instance, args.sql), args.json))
    return 0
