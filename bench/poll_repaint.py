"""Benchmark: what one poll of a living processes pane costs to paint, in lines and CPU.

The processes pane as the lab's workload shapes it, replayed the same way on any commit so the
figure of a change can be taken before and after it: a `ProcessTable` (bordered, as on the
instance screen) at 200x50 inside `App.run_test()`, fed POLLS readings of 20 idle pool
sessions and 5 long statements whose `time` ticks each poll, while a short statement comes or
goes on every poll and an idle session starts a statement every third poll (so rows move and
the title's idle count changes, as on the lab's MariaDB). Per poll: the lines the table rendered
(`render_line` calls) and the process CPU time from the assignment until the app is idle again.
Headless, so no terminal write is counted (bench/vs_anchors.py measures that). Medians of RUNS.

Run: `.venv/bin/python bench/poll_repaint.py` from the checkout to measure (it names the
checkout's commit); RESULTS.md's section holds its lines for the commits compared.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from dataclasses import replace

from results_section import context
from textual.strip import Strip

from console.data.models import Process, Reading
from tests import factories
from tests.instance_harness import WidgetHarness, fixed_clock
from widgets.process_table import ProcessTable

POLLS = 60
RUNS = 5
SIZE = (200, 50)
IDLE = 20
LONG = 5


class CountingTable(ProcessTable):
    """The pane's table, counting the lines it renders."""

    lines = 0

    def render_line(self, y: int) -> Strip:
        CountingTable.lines += 1
        return super().render_line(y)


def poll(n: int) -> tuple[Process, ...]:
    """The n-th poll's sessions (see the module docstring)."""
    idle = [factories.idle_process(i, tick_s=float(n)) for i in range(IDLE)]
    starting = (n // 3) % IDLE  # every third poll another pool session runs a statement
    idle[starting] = replace(idle[starting], command="Query", time_s=float(n % 3), trx_age_s=1.0)
    long = [replace(factories.process(i, tick_s=float(n)), blocked_by=()) for i in range(LONG)]
    short = [replace(factories.process(LONG + n % 10), time_s=0.5, blocked_by=())] if n % 2 else []
    return (*idle, *long, *short)


def reading(n: int) -> Reading[tuple[Process, ...]]:
    return factories.reading(poll(n))


async def one_run() -> list[tuple[int, float]]:
    table = CountingTable(clock=fixed_clock)
    app = WidgetHarness(table, reading(0))
    figures: list[tuple[int, float]] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(1, POLLS + 1):
            CountingTable.lines = 0
            cpu = time.process_time()
            table.reading = reading(n)
            await pilot.pause()
            figures.append((CountingTable.lines, (time.process_time() - cpu) * 1000))
    return figures


def main() -> None:
    runs = [asyncio.run(one_run()) for _ in range(RUNS)]
    lines = statistics.median(n for run in runs for n, _ in run)
    cpu = statistics.median(ms for run in runs for _, ms in run)
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()
    print(context())
    print(
        f"commit {commit}: {lines:.0f} lines rendered a poll, {cpu:.1f} ms CPU a poll "
        f"(median of {RUNS} runs x {POLLS} polls, {SIZE[0]}x{SIZE[1]})"
    )


if __name__ == "__main__":
    main()
