"""`opsconsole plan --instance NAME SQL [--json]`: the SQL guard's verdict; nothing runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings

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
    import asyncio

    from console.cli.common import checked_settings

    return asyncio.run(_plan(checked_settings(load_settings), args))


async def _plan(settings: Settings, args: argparse.Namespace) -> int:
    from console.cli.common import instance_of_kind
    from console.cli.query_output import render_plan
    from console.data.layer import DataLayer
    from console.services.query import statement_plan

    async with DataLayer(settings) as data:
        instance = await instance_of_kind(data, "plan", args.instance, redis=False)
        if instance is None:
            return 2
        print(render_plan(statement_plan(data, instance, args.sql), args.json))
        return 0
