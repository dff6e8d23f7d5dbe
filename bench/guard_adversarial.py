"""Benchmark: the SQL guard's time on adversarial statements from 1 KB to 1 MB.

Issue 11, class 9: `plan()` ran on the event loop at every keystroke, and some inputs took it
seconds (`[1]` x 1000 17 s, 50k OR terms 22 s...). The target is that no input up to 1 MB takes
it more than 1 s on this 2-core machine. For each shape of tests/safety/sql_adversarial.py and
each size, `plan()` runs REPEAT times in this process (sqlglot warmed up first); the worst time
is reported with the verdict. The figures, the date and the load average (the machine is shared)
are appended to bench/RESULTS.md.
Run: `.venv/bin/python bench/guard_adversarial.py [--repeat N] [--no-write]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.safety.sql_adversarial: the shapes the tests judge too

from console.safety.sqlbounds import MAX_BYTES, MAX_TOKENS  # noqa: E402
from console.safety.sqlguard import plan  # noqa: E402
from tests.safety.sql_adversarial import SHAPES  # noqa: E402

SIZES = (1_000, 4_000, 8_000, 16_000, 64_000, 256_000, 1_000_000)
TARGET_S = 1.0
MARKS = {"read_only": "ok", "write": "W", "destructive": "D", "refused": "x"}


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1_000} KB"


def measure(repeat: int) -> tuple[list[str], float]:
    """Markdown table rows (one per shape) and the worst time over all shapes and sizes."""
    plan("SELECT 1", "mysql")  # imports and sqlglot's tables, once
    plan("SELECT 1", "postgres")
    rows, worst = [], 0.0
    for shape in SHAPES:
        cells = []
        for size in SIZES:
            sql = shape.make(size)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                verdict = plan(sql, shape.dialect)
                times.append(time.perf_counter() - start)
            slowest = max(times)
            worst = max(worst, slowest)
            mark = MARKS[verdict.classification]
            cells.append(f"{slowest:.3f} {mark}")
        rows.append(f"| {shape.name} ({shape.dialect}) | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows, worst


def report(rows: list[str], worst: float, repeat: int, load: tuple[float, ...]) -> str:
    """The RESULTS.md section for one run."""
    today = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = "| shape | " + " | ".join(_size(s) for s in SIZES) + " |"
    rule = "|---|" + "---|" * len(SIZES)
    met = "met" if worst <= TARGET_S else "NOT met"
    return "\n".join(
        [
            "",
            f"## SQL guard on adversarial statements (`bench/guard_adversarial.py`), {today}",
            "",
            f"`plan()` per shape and size, worst of {repeat} runs in seconds, with the verdict "
            "(ok judged read-only, W write, D destructive, x refused with its reason).",
            f"Bounds: {MAX_BYTES:,} bytes, {MAX_TOKENS:,} tokens, nesting and bracket limits. "
            f"Machine: {os.cpu_count()} cores shared with other work, load average "
            f"{' / '.join(f'{x:.2f}' for x in load)} (1/5/15 min) at the start.",
            "",
            header,
            rule,
            *rows,
            "",
            f"Worst: {worst:.3f} s; target <= {TARGET_S:.0f} s for any input up to 1 MB: "
            f"**{met}**.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load = os.getloadavg()
    rows, worst = measure(args.repeat)
    section = report(rows, worst, args.repeat, load)
    print(section)
    if not args.no_write:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as results:
            results.write(section)


if __name__ == "__main__":
    main()
