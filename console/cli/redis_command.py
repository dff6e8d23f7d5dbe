"""`opsconsole redis --instance NAME CMD ...`: one read-only Redis command, guarded and masked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import Settings

HELP = "run a read-only Redis command"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instance", metavar="NAME", required=True)
    parser.add_argument("command", metavar="CMD", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio

    from console.cli.common import checked_settings

    return asyncio.run(_redis(checked_settings(load_settings), args))


async def _redis(settings: Settings, args: argparse.Namespace) -> int:
    from console.cli.common import instance_of_kind, refused
    from console.cli.query_output import render_reply
    from console.data.layer import DataLayer
    from console.services.query import redis_command

    async with DataLayer(settings) as data:
        instance = await instance_of_kind(data, "redis", args.instance, redis=True)
        if instance is None or not args.command:
            if instance is not None:
                print("opsconsole: redis: needs a Redis instance and a command", file=sys.stderr)
            return 2
        reply = await redis_command(data, instance, args.command)
        if reply.value is None:
            return refused(reply.error)
        print(render_reply(reply.value))
        return 0
