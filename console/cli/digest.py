"""`opsconsole digest`: the slow-query digest of a MySQL/MariaDB slow log, pt-query-digest style.

From a file (`digest FILE`, `-` for stdin; read as a stream, any size), from an RDS
instance's slow-query log in CloudWatch Logs (`digest --instance NAME --since 1h`), or from
every MySQL instance's at once (`digest --fleet --since 1h`: classes merged, each naming the
instances that ran it). Statements
are grouped by fingerprint and ranked by total time; samples are masked. Exit 0 with a digest
(even an empty one), 1 when the input is not a slow log or the source failed, 2 on bad usage or
a file that cannot be read.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.analysis.digest import DigestReport
    from console.config import Settings

HELP = "slow-query digest of a slow log file or an RDS instance's slow log (pt-query-digest)"
_SINCE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class UsageError(Exception):
    """Bad arguments or an unreadable file: one line on stderr, exit 2."""


class InputError(Exception):
    """Not a slow log, or the source failed: one line on stderr, exit 1."""


def configure(parser: argparse.ArgumentParser) -> None:
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
    from console.verbs import digest as digest_verb

    rows = report.top(top)
    if fmt == "json":
        return digest_verb.render_json(rows)
    if fmt == "md":
        return digest_verb.render_markdown(report, rows)
    return digest_verb.render_text(report, rows)


def _from_file(name: str) -> DigestReport:
    from console.analysis.digest import digest_lines
    from console.analysis.slowlog import NotASlowLogError

    if name == "-":
        return digest_lines(sys.stdin)
    path = Path(name)
    try:
        with path.open(encoding="utf-8", errors="replace") as log:
            return digest_lines(log)
    except NotASlowLogError as exc:
        raise InputError(f"{path}: not a MySQL/MariaDB slow log ({exc})") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected a slow log file") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _window(args: argparse.Namespace) -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    since = parse_moment(args.since, now)
    until = parse_moment(args.until, now) if args.until else now
    if since >= until:
        raise UsageError(f"--since {args.since} is not before --until")
    return since, until


async def _from_fleet(settings: Settings, args: argparse.Namespace) -> DigestReport:
    from console.analysis.digest import digest_fleet, fleet_notes
    from console.data.layer import DataLayer

    since, until = _window(args)
    data = DataLayer(settings)
    try:
        fleet = await data.fleet()
        mysql = [i for i in fleet.instances if i.kind == "mysql"]
        readings = await data.slow_logs(mysql, since, until)
    finally:
        await data.close()
    logs = [(r.instance, r.value.lines) for r in readings if r.value is not None]
    report, problems = digest_fleet(logs)
    for note in fleet_notes(readings, problems):
        print(f"opsconsole: digest: {note}", file=sys.stderr)
    if not logs:
        raise InputError("no instance's slow log could be read")
    return report


async def _from_instance(settings: Settings, args: argparse.Namespace) -> DigestReport:
    from console.analysis.digest import digest_lines
    from console.analysis.slowlog import NotASlowLogError
    from console.data.layer import DataLayer

    since, until = _window(args)
    data = DataLayer(settings)
    try:
        fleet = await data.fleet() if args.instance not in settings.fleet else settings.fleet
        instance = fleet.by_name(args.instance)
        if instance is None or instance.kind != "mysql":
            raise UsageError(f"no MySQL instance named {args.instance!r}")
        reading = await data.slow_log(instance, since, until)
    finally:
        await data.close()
    if reading.value is None:
        error = reading.error
        detail = f"{error.kind}: {error.message}" if error else "no answer"
        raise InputError(f"{args.instance}: slow log unavailable ({detail})")
    chunk = reading.value
    if chunk.truncated:
        print(
            f"opsconsole: digest: {chunk.group}: read stopped at {chunk.events} events "
            "(the configured bound); the digest covers the start of the window",
            file=sys.stderr,
        )
    try:
        return digest_lines(chunk.lines)
    except NotASlowLogError as exc:
        raise InputError(f"{chunk.group}: not a slow log ({exc})") from None
