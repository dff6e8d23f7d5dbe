"""`opsconsole redis-audit`: keys without TTL and big keys of a Redis instance, per prefix.

The team's `isales-market` runbook, headless: a throttled SCAN (on a replica when there is one)
within a time budget, resumable, then the remediation plan for the keys without TTL printed and
audited as a dry run. Nothing is written to Redis here: the plan is applied from the console.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.safety.redisbounds import READ_CAP

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.data.models import RedisAuditRun, RemediationPlan
    from console.inventory import Instance

HELP = "keys without TTL and big keys of a Redis instance, by prefix (plan as a dry run)"
EPILOG = (
    "exit status: 0 complete and every key has a TTL, 1 keys without TTL found, scan incomplete "
    "or the instance failed, 2 usage or config error"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = HELP
    parser.epilog = EPILOG
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


def state_path(settings: Settings, instance: str) -> Path:
    """Where a partial scan of `instance` is kept: `<state>/redis-audit/<instance>.state.json`
    (the user's own state folder: one member's resume point is not another's)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", instance)
    return settings.state_dir / "redis-audit" / f"{safe}.state.json"


def _save(path: Path, text: str) -> None:
    """0600 in a 0700 folder: the state holds real key names (for the plan)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _err(message: str) -> None:
    print(f"opsconsole: redis-audit: {message}", file=sys.stderr)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    problem = _usage_problem(args)
    if problem is not None:
        _err(problem)
        return 2
    return asyncio.run(_run(args, load_settings()))


async def _find(data: DataLayer, name: str) -> Instance | None:
    settings = data.settings
    fleet = settings.fleet if name in settings.fleet else await data.fleet()
    return fleet.by_name(name)


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from console.data.layer import DataLayer

    data = DataLayer(settings)
    try:
        instance = await _find(data, args.instance)
        if instance is None:
            _err(f"no instance named {args.instance!r} (see `opsconsole inventory`)")
            return 2
        if instance.kind != "redis":
            _err(f"{instance.name} is a {instance.kind} instance: the audit needs a Redis one")
            return 2
        return await _audit(data, instance, args)
    finally:
        await data.close()


def _checkpoint(path: Path, resume: bool) -> str | None:
    if not resume:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _err(f"no saved scan in {path}: starting from the beginning")
    except OSError as exc:
        _err(f"cannot read {path} ({exc.strerror}): starting from the beginning")
    return None


async def _audit(data: DataLayer, instance: Instance, args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.data.models import AuditOptions
    from console.verbs import redis_audit as verb

    options = AuditOptions(args.match, args.count, args.time_budget, args.ops_budget,
                           args.sample_every, args.top)  # fmt: skip
    path = state_path(data.settings, instance.name)
    reading = await data.redis_audit(instance, options, _checkpoint(path, args.resume))
    if reading.value is None:
        error = reading.error
        _err(f"{instance.name}: {error.kind}: {error.message}" if error else "no answer")
        return 1
    run = reading.value
    await asyncio.to_thread(_keep_state, path, run)
    plan = _plan(instance, run, args)
    await _record_dry_run(data.settings, instance, plan)
    state = path if run.checkpoint is not None else None
    if args.json:
        print(verb.render_json(run.audit, plan, state))
    else:
        print(verb.render_text(run.audit, plan, state, args.limit))
    return 0 if run.audit.complete and not run.audit.keys_without_ttl else 1


def _keep_state(path: Path, run: RedisAuditRun) -> None:
    """Save a partial scan; forget the state once the scan is complete."""
    if run.checkpoint is not None:
        _save(path, run.checkpoint)
    else:
        path.unlink(missing_ok=True)


def _plan(instance: Instance, run: RedisAuditRun, args: argparse.Namespace) -> RemediationPlan:
    from console.analysis.ttl_audit import remediation_plan

    return remediation_plan(
        instance.name,
        run.no_ttl_keys,
        keys_without_ttl=run.audit.keys_without_ttl,
        ttl_s=args.ttl,
        jitter_s=args.jitter,
        production=instance.is_production,
        complete=run.audit.complete,
    )


async def _record_dry_run(settings: Settings, instance: Instance, plan: RemediationPlan) -> None:
    """One audit line for the whole plan: what it would run, judged, and that nothing ran."""
    if not plan.commands:
        return
    from console.safety.audit import AuditEntry, AuditLog

    first = plan.commands[0]
    text = (
        f"redis-audit plan: EXPIRE x{len(plan.commands)} keys without TTL "
        f"(ttl {plan.ttl_s}s + 0..{plan.jitter_s}s), e.g. {first.shown}"
    )
    entry = AuditEntry(instance.name, instance.env, text, first.classification,
                       first.confirmations, "dry-run", len(plan.commands))  # fmt: skip
    await AuditLog(settings.audit_path).arecord(entry)
