"""`opsconsole redis --instance NAME CMD ...`: one read-only Redis command, guarded and masked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe, refused, run_on_instance

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.inventory import Instance

HELP = "run a read-only Redis command"
DESCRIPTION = (
    "Run one read-only Redis command on an instance, guarded and masked (--json: the "
    "reply as one JSON document)."
)
EXIT_CODES: dict[int, str] = {
    0: "the reply was printed",
    1: "the server failed or could not be reached",
    2: USAGE_ERROR + "; or no such Redis instance, or no command",
    3: "refused: a write or an unbounded command",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--instance", metavar="NAME", required=True)
    parser.add_argument(
        "--json", action="store_true", help="one JSON object: instance, command, lines (before CMD)"
    )
    parser.add_argument("command", metavar="CMD", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    return run_on_instance(args, load_settings, "redis", partial(_redis, args), redis=True)


async def _redis(args: argparse.Namespace, data: DataLayer, instance: Instance) -> int:
    from console.cli.query_output import render_reply
    from console.services.query import redis_command

    if not args.command:
        print("opsconsole: redis: needs a Redis instance and a command", file=sys.stderr)
        return 2
    reply = await redis_command(data, instance, args.command)
    if reply.value is None:
        return refused(reply.error)
    print(render_reply(reply.value, instance.name, args.json))
    return 0
