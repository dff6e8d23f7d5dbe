"""What a process table keeps in memory after many polls: KeyedTable's cache sizes vs Textual's.

A headless app shows one KeyedTable at 200x50 with 45 rows like a busy processes pane (5
running, 40 idle, a `time` column that ticks every poll, a few sessions replaced every 7 polls)
and syncs it `--polls` times, one frame each. Every 300 polls it prints the memory Python holds
(tracemalloc, after a collection). Two runs, each in a fresh interpreter: `keyed` (the sizes
widgets/keyed_table.py sets) and `textual` (DataTable's defaults: 1,000 rows, 10,000 cells, and
the 4,096-cell content cache KeyedTable had before). The CPU seconds include tracemalloc's own
cost, the same for both. No lab needed.
Run: `.venv/bin/python bench/table_cache.py [--polls 3000] [--write]`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results_section import context, write_section  # noqa: E402

TITLE = "Process table memory over many polls (`bench/table_cache.py`)"
ROWS, EVERY = 45, 300


def sizes_before() -> dict[str, int]:
    """Textual's DataTable defaults, and the content cache KeyedTable had before."""
    return {
        "_row_render_cache": 1000,
        "_row_renderable_cache": 1000,
        "_line_cache": 1000,
        "_cell_render_cache": 10000,
        "_by_content": 4096,
    }


def rows_at(poll: int, base: int) -> list[tuple[str, tuple[str, ...]]]:
    rows: list[tuple[str, tuple[str, ...]]] = []
    for i in range(ROWS):
        pid = base + i
        command = "Query" if i < 5 else "Sleep"
        cells = (str(pid), "app", command, f"{(poll + i) % 600}s", "", f"SELECT {i}", "",
                 f"10.0.0.{i}:{40000 + pid}", "salesorder")  # fmt: skip
        rows.append((str(pid), cells))
    return rows


async def one_run(config: str, polls: int) -> list[dict[str, float]]:
    from textual.app import App, ComposeResult
    from textual.cache import LRUCache

    from widgets.keyed_table import KeyedTable

    class Harness(App[None]):
        def compose(self) -> ComposeResult:
            table = KeyedTable(id="t")
            table.add_columns("id", "user", "command", "time", "state", "query", "trx", "host",
                              "db")  # fmt: skip
            yield table

    marks: list[dict[str, float]] = []
    tracemalloc.start(1)
    app = Harness()
    async with app.run_test(size=(200, 50)) as pilot:
        table = app.query_one(KeyedTable)
        if config == "textual":
            for name, size in sizes_before().items():
                setattr(table, name, LRUCache(size))
        start, base = time.process_time(), 1000
        for poll in range(polls + 1):
            base += 3 if poll % 7 == 0 else 0
            table.sync_rows(rows_at(poll, base))
            await pilot.pause()
            if poll % EVERY == 0:
                gc.collect()
                held, _ = tracemalloc.get_traced_memory()
                cpu = time.process_time() - start
                marks.append({"poll": poll, "mib": held / 2**20, "cpu_s": cpu})
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=3000)
    parser.add_argument("--write", action="store_true", help="replace this section of RESULTS.md")
    parser.add_argument("--one", choices=("keyed", "textual"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(one_run(args.one, args.polls))))
        return 0
    runs = {}
    for config in ("keyed", "textual"):
        argv = [sys.executable, __file__, "--one", config, "--polls", str(args.polls)]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
        runs[config] = json.loads(done.stdout.strip().splitlines()[-1])
    head = "| polls | held, KeyedTable's sizes | held, Textual's sizes | CPU s (keyed / textual) |"
    lines = [head, "|---|---|---|---|"]
    for keyed, textual in zip(runs["keyed"], runs["textual"], strict=True):
        lines.append(
            f"| {keyed['poll']:.0f} | {keyed['mib']:.1f} MiB | {textual['mib']:.1f} MiB | "
            f"{keyed['cpu_s']:.0f} / {textual['cpu_s']:.0f} |"
        )
    body = "\n".join([context() + f" No lab; {args.polls} polls of {ROWS} rows at 200x50.", "",
                      *lines])  # fmt: skip
    print(body)
    if args.write:
        write_section(TITLE, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
