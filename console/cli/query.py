"""`opsconsole query --instance NAME SQL`: run one read-only statement, as the console would.

Through the query service (console/services/query.py), as the console's query pane: the same
guard, LIMIT, timeouts, masking and audit. A write is refused (exit 3: writes run only from the
console, after confirmation); a statement that looks heavy on a busy production server is not
run without --heavy-ok (exit 3).
"""

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

HELP = "run a read-only statement"
DESCRIPTION = (
    "Run one read-only statement on a MySQL/MariaDB or PostgreSQL instance, guarded (row "
    "limit, size cap, timeout) and masked; print it as a table, CSV or JSON (--format "
    "json: one JSON array)."
)
EXIT_CODES: dict[int, str] = {
    0: "the result was printed",
    1: "the server failed or could not be reached",
    2: USAGE_ERROR + "; or no such SQL instance",
    3: "refused: a write, or a heavy statement without --heavy-ok",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--instance", metavar="NAME", required=True)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--heavy-ok",
        action="store_true",
        help="run even when production looks busy or EXPLAIN estimates a big scan",
    )
    parser.add_argument("sql", metavar="SQL")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    return run_on_instance(args, load_settings, "query", partial(_query, args), redis=False)


async def _query(args: argparse.Namespace, data: DataLayer, instance: Instance) -> int:
    from console.cli.query_output import render_result
    from console.services.query import heavy, run_query

    if not args.heavy_ok:
        warnings = await heavy(data, instance, args.sql)
        for warning in warnings:
            print(f"opsconsole: heavy: {warning}", file=sys.stderr)
        if warnings:
            print("opsconsole: not run; add --heavy-ok to run it anyway", file=sys.stderr)
            return 3
    result = await run_query(data, instance, args.sql)
    if result.value is None:
        return refused(result.error)
    print(render_result(result.value, args.format))
    if result.value.truncated:
        print("opsconsole: result cut at the row limit or the size cap", file=sys.stderr)
    return 0
