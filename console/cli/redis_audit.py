"""`opsconsole redis-audit`: keys without TTL and big keys of a Redis instance, per prefix.

The team's `isales-market` runbook, headless: a throttled SCAN (on a replica when there is one)
within a time budget, resumable, then the remediation plan for the keys without TTL printed and
audited as a dry run. Nothing is written to Redis here: the plan is applied from the console.
The scan, the state file and the dry run are the ttl_audit service's (console/services/), which
the console's Keys tab calls too; this module parses arguments and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe
from console.safety.redisbounds import READ_CAP

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.inventory import Instance

HELP = "keys without TTL and big keys of a Redis instance, by prefix (plan as a dry run)"
DESCRIPTION = (
    "Keys without TTL and big keys of a Redis instance, by prefix: a throttled SCAN (on a "
    "replica when there is one) within a time budget, resumable, then the remediation "
    "plan for the keys without TTL, recorded as a dry run. Nothing is written to Redis: "
    "the plan is applied from the console. On a terminal the scan's progress shows on "
    "stderr."
)
EXIT_CODES: dict[int, str] = {
    0: "the scan is complete and every key has a TTL",
    1: "keys without TTL found, the scan is incomplete, or the instance failed",
    2: USAGE_ERROR + "; or no such Redis instance",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--instance", metavar="NAME", required=True, help="a Redis instance")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--match", metavar="PATTERN", default="*", help="SCAN MATCH (default *)")
    parser.add_argument(
        "--time-budget",
        metavar="S",
        type=float,
        default=60.0,
        help="stop after about S seconds; --resume continues (default 60)",
    )
    parser.add_argument("--ops-budget", metavar="N", type=float, default=5000.0,
                        help="at most N commands/s to the server, pipelined ones counted "
                        "(default 5000)")  # fmt: skip
    parser.add_argument("--resume", action="store_true", help="continue the saved partial scan")
    parser.add_argument("--count", metavar="N", type=int, default=100,
                        help=f"SCAN COUNT (at most {READ_CAP}, the Redis guard's cap)")  # fmt: skip
    parser.add_argument("--sample-every", metavar="N", type=int, default=10,
                        help="MEMORY USAGE on 1 key in N (default 10)")  # fmt: skip
    parser.add_argument("--top", metavar="N", type=int, default=5, help="biggest keys per type")
    parser.add_argument("--ttl", metavar="S", type=int, default=7 * 86400,
                        help="plan: EXPIRE after S seconds (default 604800)")  # fmt: skip
    parser.add_argument("--jitter", metavar="S", type=int, default=3600,
                        help="plan: plus 0..S seconds per key (default 3600)")  # fmt: skip
    parser.add_argument("--limit", metavar="N", type=int, default=30, help="prefix rows shown")


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.time_budget <= 0 or args.ops_budget <= 0:
        return "--time-budget and --ops-budget must be positive"
    if min(args.count, args.sample_every, args.top, args.limit) < 1:
        return "--count, --sample-every, --top and --limit must be at least 1"
    if args.count > READ_CAP:
        return f"--count must be at most {READ_CAP} (the Redis guard's cap on a read)"
    if args.ttl < 1 or args.jitter < 0:
        return "--ttl must be at least 1 and --jitter not negative"
    return None


def _err(message: str) -> None:
    print(f"opsconsole: redis-audit: {message}", file=sys.stderr)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    problem = _usage_problem(args)
    if problem is not None:
        _err(problem)
        return 2
    return asyncio.run(_run(args, load_settings()))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from console.data.layer import DataLayer
    from console.inventory import not_a_server
    from console.services.instances import find_instance

    async with DataLayer(settings) as data:
        instance = await find_instance(data, args.instance)
        if instance is None:
            _err(f"no instance named {args.instance!r} (see `opsconsole inventory`)")
            return 2
        if instance.is_aws:
            _err(f"refused: {not_a_server(instance)}")
            return 2
        if instance.kind != "redis":
            _err(f"{instance.name} is a {instance.kind} instance: the audit needs a Redis one")
            return 2
        return await _audit(data, instance, args)


async def _audit(data: DataLayer, instance: Instance, args: argparse.Namespace) -> int:
    from console.cli import redis_audit_output as output
    from console.data.models import AuditOptions
    from console.services import ttl_audit

    options = AuditOptions(args.match, args.count, args.time_budget, args.ops_budget,
                           args.sample_every, args.top)  # fmt: skip
    checkpoint = None
    if args.resume:
        checkpoint, why_not = ttl_audit.saved_scan(data.settings, instance.name)
        if why_not is not None:
            _err(why_not)
    from console.cli.progress import terminal_progress

    with terminal_progress() as progress:
        reading = await ttl_audit.dry_run(data, instance, options, checkpoint, ttl_s=args.ttl,
                                          jitter_s=args.jitter, progress=progress)  # fmt: skip
    if reading.value is None:
        error = reading.error
        _err(f"{instance.name}: {error.kind}: {error.message}" if error else "no answer")
        return 1
    audit, plan, state = reading.value.run.audit, reading.value.plan, reading.value.state
    if args.json:
        print(output.render_json(audit, plan, state))
    else:
        print(output.render_text(audit, plan, state, args.limit))
    return 0 if audit.complete and not audit.keys_without_ttl else 1
