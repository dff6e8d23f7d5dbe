"""`opsconsole cost [--days N] [--json]`: AWS spend, month to date and the last N days.

One Cost Explorer request per run at most ($0.01): answers are cached on disk ([aws]
cost_cache_ttl_s, 6 h) and a daily budget ([aws] cost_daily_budget_usd) refuses calls past it.
Exit 0 with the report, 1 when Cost Explorer failed or refused, 2 for a usage or config error.
The report comes from console/services/cost.py (as the cost screen's does); cost_output.py
beside this module prints it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings

HELP = "AWS cost: month to date, last N days by service and usage type, daily trend"
DESCRIPTION = (
    "AWS spend from Cost Explorer: month to date, the last N days by service and usage "
    "type, and the daily trend. Each request is paid: answers are cached and counted "
    "against the team's daily budget."
)
EXIT_CODES: dict[int, str] = {
    0: "the report was printed",
    1: "Cost Explorer failed",
    2: USAGE_ERROR,
    3: "refused: the daily budget of paid calls is spent",
}
"""Exit status -> what it means for this verb (the help page lists them)."""
MAX_DAYS = 365


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument(
        "--days", type=int, default=7, metavar="N", help="the last N complete days (default 7)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    if not 1 <= args.days <= MAX_DAYS:
        print(f"opsconsole: cost: --days must be 1 to {MAX_DAYS}", file=sys.stderr)
        return 2
    return asyncio.run(_report(load_settings(), args.days, args.json))


async def _report(settings: Settings, days: int, as_json: bool) -> int:
    from console.cli import cost_output
    from console.data.layer import DataLayer
    from console.services.cost import cost_report

    async with DataLayer(settings) as data:
        answer = await cost_report(data, days)
    reading = answer.reading
    if reading.value is None:
        error = reading.error
        what = f"{error.kind}: {error.message}" if error else "no answer"
        print(f"opsconsole: cost: Cost Explorer {what}", file=sys.stderr)
        return 1
    if as_json:
        print(cost_output.render_json(reading.value, answer.paid))
    else:
        print("\n".join(cost_output.render_text(reading.value, answer.paid)))
    return 0
