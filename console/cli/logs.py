"""`opsconsole logs --group NAME [--group ...] --query Q --since 1h [--json]`: Logs Insights.

The query runs through console/services/logs.py (as the Logs screen's does): `| limit N` added
when it has none (--limit, else [console] row_limit), results masked, polled until done or
[logs] max_wait_s (then stopped), and its bytes scanned counted against the team's daily budget
([aws] logs_daily_budget_gb, shared through [aws] cache_dir). Past the budget a query is refused
(exit 3) unless --over-budget says to go on. --saved NAME runs a query of [logs] queries.
logs_output.py beside this module prints the answer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings
    from console.services.logs import LogsRequest

HELP = "CloudWatch Logs Insights: a query over log groups, masked, its bytes scanned budgeted"
DESCRIPTION = (
    "Run a CloudWatch Logs Insights query over one or more log groups and print its rows, "
    "masked like every reading. A query without a limit gets `| limit N` (--limit, default "
    "[console] row_limit). The bytes it scanned are shown and counted against the team's "
    "daily budget ([aws] logs_daily_budget_gb, per UTC day, shared by every console using the "
    "same [aws] cache_dir); once today's count reached it a query is refused unless "
    "--over-budget is given.\n\n"
    "Saved queries: [logs] queries in the config (name = query text); run one with --saved."
)
EXIT_CODES: dict[int, str] = {
    0: "the query completed and its rows were printed (even none)",
    1: "the query failed, was cancelled or stopped (partial rows printed), or AWS failed",
    2: USAGE_ERROR,
    3: "refused: today's Logs Insights bytes scanned reached the daily budget",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument(
        "--group", action="append", default=[], metavar="NAME", help="a log group (repeatable)"
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--query", metavar="Q", help="Logs Insights query text")
    what.add_argument("--saved", metavar="NAME", help="a saved query of [logs] queries")
    parser.add_argument("--since", default="1h", help="15m, 1h, 6h, 2d or ISO (default 1h)")
    parser.add_argument("--until", help="ISO time or 15m, 1h... ago (default now)")
    parser.add_argument(
        "--limit", type=int, metavar="N", help="rows, when the query has no limit ([console] "
        "row_limit)"
    )  # fmt: skip
    parser.add_argument(
        "--over-budget", action="store_true",
        help="run even when today's bytes scanned reached [aws] logs_daily_budget_gb",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.cli.digest import UsageError

    settings = load_settings()
    try:
        request = _request(args, settings)
    except UsageError as exc:
        print(f"opsconsole: logs: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_run(settings, request, args.json))


def _request(args: argparse.Namespace, settings: Settings) -> LogsRequest:
    from console.cli.digest import UsageError, parse_moment
    from console.services.logs import LogsRequest, check_groups

    problem = check_groups(args.group)
    if problem:
        raise UsageError(problem)
    if args.saved is not None:
        saved = settings.logs.queries
        if args.saved not in saved:
            names = ", ".join(saved) or "none configured"
            raise UsageError(f"no saved query {args.saved!r} in [logs] queries ({names})")
        query = saved[args.saved]
    elif args.query:
        query = args.query
    else:
        raise UsageError("give --query Q or --saved NAME")
    limit = settings.console.row_limit if args.limit is None else args.limit
    if not 1 <= limit <= 10_000:
        raise UsageError("--limit must be 1 to 10000 (Logs Insights' most)")
    now = datetime.now(UTC)
    since = parse_moment(args.since, now)
    until = parse_moment(args.until, now) if args.until else now
    if since >= until:
        raise UsageError(f"--since {args.since} is not before --until")
    groups = tuple(dict.fromkeys(args.group))
    return LogsRequest(groups, query, since, until, limit, args.over_budget)


async def _run(settings: Settings, request: LogsRequest, as_json: bool) -> int:
    from console.cli import logs_output
    from console.data.layer import DataLayer
    from console.services.logs import run_query

    options = settings.logs
    async with DataLayer(settings) as data:
        answer = await run_query(
            data, request, max_wait_s=options.max_wait_s, poll_s=options.poll_s
        )
    reading = answer.reading
    if reading.value is None:
        error = reading.error
        what = f"{error.kind}: {error.message}" if error else "no answer"
        print(f"opsconsole: logs: {what}", file=sys.stderr)
        if answer.refused:
            print(f"opsconsole: logs: {logs_output.budget_words(answer.budget)}", file=sys.stderr)
            return 3
        return 1
    if as_json:
        print(logs_output.render_json(request, answer))
    else:
        print("\n".join(logs_output.render_text(request, answer)))
    if answer.note:
        print(f"opsconsole: logs: {answer.note}", file=sys.stderr)
    return 0 if reading.value.status == "Complete" and answer.note is None else 1
