"""Benchmark: refreshing a 2,000-row ProcessTable in place against clearing and re-adding it.

All cases run in the same process inside `App.run_test()` (160x50), on the same rows:
- keyed: a new Reading assigned to `table.reading` where ~10% of the cells change (every
  session's `time` ticks: one column of ten);
- keyed + churn: the same, plus 1% of the sessions gone and 1% new;
- filter: `set_filter` narrowing 2,000 rows to 50 and clearing it again (bulk remove, re-add);
- baseline: `clear()` + `add_row` of every row, what a table without keys does on each poll;
- remove_row x200: DataTable's own one-by-one removal of 10% of the rows, for reference (it is
  why KeyedTable removes rows in one pass).
Each figure is the median of RUNS: the wall time of the call, and the process CPU time until
the app is idle again, which adds the repaint and DataTable's on-idle measuring of new rows.
Target: keyed refresh of 2,000 rows < 100 ms. Run: `.venv/bin/python bench/process_table.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from textual.pilot import Pilot

from console.data.models import Process, Reading
from tests import factories
from tests.instance_harness import WidgetHarness, fixed_clock
from widgets.process_table import ProcessTable, process_cells

ROWS = 2000
RUNS = 7
CASES = {
    "keyed": "keyed refresh, 10% of cells changed",
    "churn": "keyed refresh, + 1% gone and 1% new",
    "filter": "set_filter to 50 rows, then cleared",
    "baseline": "baseline: clear() + add_row",
    "remove_row": "reference: remove_row x200 (10%)",
}


def sessions(count: int, tick_s: float, first_id: int = 100_000) -> tuple[Process, ...]:
    """`count` sessions of the factory's shapes with distinct times; ids from `first_id`."""
    shapes = [factories.process(i % 40) for i in range(count)]
    return tuple(
        replace(shape, id=first_id + i, time_s=shape.time_s + i + tick_s, blocked_by=())
        for i, shape in enumerate(shapes)
    )


def as_reading(processes: tuple[Process, ...]) -> Reading[tuple[Process, ...]]:
    return factories.reading(processes)


async def timed(pilot: Pilot[None], action: Callable[[], object]) -> tuple[float, float]:
    """(wall ms of the call itself, process CPU ms until the app is idle again)."""
    cpu, started = time.process_time(), time.perf_counter()
    action()
    synchronous = time.perf_counter() - started
    await pilot.pause()
    return synchronous * 1000, (time.process_time() - cpu) * 1000


def clear_and_add(table: ProcessTable, processes: tuple[Process, ...]) -> None:
    table.clear()
    for process in processes:
        table.add_row(*process_cells(process, False), key=str(process.id))


def narrow_and_clear(table: ProcessTable, text: str) -> None:
    table.set_filter(text)
    assert table.row_count == ROWS // 40
    table.set_filter("")


def remove_one_by_one(table: ProcessTable, count: int) -> None:
    for row_key in list(table.rows)[:count]:
        table.remove_row(row_key)


async def one_run(
    pilot: Pilot[None], table: ProcessTable, run: int
) -> dict[str, tuple[float, float]]:
    tick = sessions(ROWS, 2.0 * run)
    newcomers = sessions(ROWS // 100, 0.0, first_id=1_000_000 + run * ROWS)
    churned = (*sessions(ROWS, 2.0 * run + 1)[ROWS // 100 :], *newcomers)
    figures = {"keyed": await timed(pilot, lambda: setattr(table, "reading", as_reading(tick)))}
    assert table.last_sync.updated_cells == ROWS, table.last_sync  # one cell in every row
    figures["churn"] = await timed(pilot, lambda: setattr(table, "reading", as_reading(churned)))
    assert (table.last_sync.added, table.last_sync.removed) == (ROWS // 100, ROWS // 100)
    assert table.last_sync.updated_cells == ROWS - ROWS // 100, table.last_sync
    narrow = f"10.0.1.{20 + run}:"  # the host of one factory shape in 40: 50 of 2,000 rows
    figures["filter"] = await timed(pilot, lambda: narrow_and_clear(table, narrow))
    figures["baseline"] = await timed(pilot, lambda: clear_and_add(table, tick))
    figures["remove_row"] = await timed(pilot, lambda: remove_one_by_one(table, ROWS // 10))
    table.reading = as_reading(sessions(ROWS, 0.0))  # back to the starting rows
    await pilot.pause()
    return figures


async def run() -> dict[str, list[tuple[float, float]]]:
    table = ProcessTable(clock=fixed_clock)
    app = WidgetHarness(table, as_reading(sessions(ROWS, 0.0)))
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in CASES}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert table.row_count == ROWS
        idle = [await timed(pilot, lambda: None) for _ in range(3)]
        print(
            f"(a pause with nothing to do costs {statistics.median(c for _, c in idle):.1f} ms CPU)"
        )
        for run_index in range(1, RUNS + 1):
            for name, figure in (await one_run(pilot, table, run_index)).items():
                figures[name].append(figure)
    return figures


def main() -> None:
    figures = asyncio.run(run())
    print(f"ProcessTable, {ROWS} rows at 160x50, median of {RUNS} runs:")
    print(f"  {'case':<40} {'call (wall)':>12} {'+ repaint (CPU)':>16}")
    for name, label in CASES.items():
        call = statistics.median(s for s, _ in figures[name])
        total = statistics.median(t for _, t in figures[name])
        print(f"  {label:<40} {call:9.1f} ms {total:13.1f} ms")


if __name__ == "__main__":
    main()
