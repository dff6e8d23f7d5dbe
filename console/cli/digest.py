"""`opsconsole digest`: the slow-query digest of a MySQL/MariaDB slow log, pt-query-digest style.

From a file (`digest FILE`, `-` for stdin; read as a stream, any size), from an RDS
instance's slow-query log in CloudWatch Logs (`digest --instance NAME --since 1h`), or from
every MySQL instance's at once (`digest --fleet --since 1h`: classes merged, each naming the
instances that ran it). Statements
are grouped by fingerprint and ranked by total time; samples are masked. Exit 0 with a digest
(even an empty one), 1 when the input is not a slow log or the source failed, 2 on bad usage or
a file that cannot be read.

The digest itself is the slow_digest service's (console/services/slow_digest/), which the
console's Slow log tab and fleet screen call too; this module parses arguments and prints.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.analysis.digest import DigestReport
    from console.config import Settings

HELP = "slow-query digest of a slow log file or an RDS instance's slow log (pt-query-digest)"
DESCRIPTION = (
    "The slow-query digest of a MySQL/MariaDB slow log, pt-query-digest style: from a "
    "FILE (- for stdin), an RDS instance's slow log in CloudWatch Logs (--instance), or "
    "every MySQL instance's at once (--fleet). Statements are grouped by fingerprint and "
    "ranked by total time; samples are masked. --fleet shows its progress on a terminal."
)
EXIT_CODES: dict[int, str] = {
    0: "a digest was printed (even an empty one)",
    1: "the input is not a slow log, or the source failed",
    2: USAGE_ERROR + "; or a file that cannot be read",
}
"""Exit status -> what it means for this verb (the help page lists them)."""
_SINCE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class UsageError(Exception):
    """Bad arguments or an unreadable file: one line on stderr, exit 2."""


class InputError(Exception):
    """Not a slow log, or the source failed: one line on stderr, exit 1."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("file", metavar="FILE", nargs="?", help="a slow log file (- for stdin)")
    parser.add_argument("--instance", metavar="NAME", help="an RDS MySQL instance (CloudWatch)")
    parser.add_argument("--fleet", action="store_true", help="every MySQL instance (CloudWatch)")
    parser.add_argument("--since", default="1h", help="with --instance: 15m, 1h, 6h, 2d or ISO")
    parser.add_argument("--until", help="with --instance: ISO time (default now)")
    parser.add_argument("--format", choices=("text", "md", "json"), default="text")
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument("--top", type=int, default=20, metavar="N", help="fingerprints (20)")


def parse_moment(text: str, now: datetime) -> datetime:
    """'1h' (before `now`), '90m', '2d', or an ISO time (UTC unless it says otherwise)."""
    found = _SINCE.fullmatch(text.strip())
    if found:
        return now - timedelta(seconds=float(found[1]) * _UNIT_S[found[2].lower()])
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{text!r}: expected 15m, 1h, 6h, 2d or an ISO time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    from console.analysis.slowlog import NotASlowLogError

    try:
        if args.top < 1:
            raise UsageError("--top: expected 1 or more")
        sources = [args.file is not None, args.instance is not None, bool(args.fleet)]
        if sum(sources) != 1:
            raise UsageError("give a slow log FILE, --instance NAME or --fleet (one of them)")
        if args.file is not None:
            report = _from_file(args.file)  # no event loop: start-up is most of a small digest
        elif args.fleet:
            import asyncio

            report = asyncio.run(_from_fleet(load_settings(), args))
        else:
            import asyncio

            report = asyncio.run(_from_instance(load_settings(), args))
    except UsageError as exc:
        print(f"opsconsole: digest: {exc}", file=sys.stderr)
        return 2
    except (InputError, NotASlowLogError) as exc:
        print(f"opsconsole: digest: {exc}", file=sys.stderr)
        return 1
    print(_render(report, "json" if args.json else args.format, args.top))
    if not report.rows:
        print("opsconsole: digest: no slow-log entries", file=sys.stderr)
    return 0


def _render(report: DigestReport, fmt: str, top: int) -> str:
    from console.cli import digest_output

    rows = report.top(top)
    if fmt == "json":
        return digest_output.render_json(rows)
    if fmt == "md":
        return digest_output.render_markdown(report, rows)
    return digest_output.render_text(report, rows)


def _from_file(name: str) -> DigestReport:
    from console.services.slow_digest.file import UnreadableFileError, digest_file, digest_stream

    if name == "-":
        return digest_stream(sys.stdin)
    try:
        return digest_file(Path(name))
    except UnreadableFileError as exc:
        raise UsageError(str(exc)) from None


def _window(args: argparse.Namespace) -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    since = parse_moment(args.since, now)
    until = parse_moment(args.until, now) if args.until else now
    if since >= until:
        raise UsageError(f"--since {args.since} is not before --until")
    return since, until


async def _from_fleet(settings: Settings, args: argparse.Namespace) -> DigestReport:
    from console.cli.progress import terminal_progress
    from console.data.layer import DataLayer
    from console.services.slow_digest.logs import fleet_digest

    since, until = _window(args)
    async with DataLayer(settings) as data:
        with terminal_progress() as progress:
            digest = await fleet_digest(data, since, until, args.top, progress=progress)
    for note in digest.notes:
        print(f"opsconsole: digest: {note}", file=sys.stderr)
    if not digest.read:
        raise InputError("no instance's slow log could be read")
    return digest.report


async def _from_instance(settings: Settings, args: argparse.Namespace) -> DigestReport:
    from console.data.layer import DataLayer
    from console.inventory import not_a_server
    from console.services.instances import find_instance
    from console.services.slow_digest.logs import instance_digest

    since, until = _window(args)
    async with DataLayer(settings) as data:
        instance = await find_instance(data, args.instance)
        if instance is not None and instance.is_aws:
            raise UsageError(f"refused: {not_a_server(instance)}")
        if instance is None or instance.kind != "mysql":
            raise UsageError(f"no MySQL instance named {args.instance!r}")
        digest = await instance_digest(data, instance, since, until, args.top)
    chunk = digest.log.value
    if chunk is None:
        error = digest.log.error
        detail = f"{error.kind}: {error.message}" if error else "no answer"
        raise InputError(f"{args.instance}: slow log unavailable ({detail})")
    if chunk.truncated:
        print(
            f"opsconsole: digest: {chunk.group}: read stopped at {chunk.events} events "
            "(the configured bound); the digest covers the start of the window",
            file=sys.stderr,
        )
    if digest.report is None:
        raise InputError(f"{chunk.group}: not a slow log ({digest.not_a_slow_log})")
    return digest.report
