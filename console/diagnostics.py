"""Opt-in diagnostics: with OPSCONSOLE_DIAG=PATH the console appends a JSON line every few seconds.

Why: a soak (bench/soak.py) watches the real console in a terminal for an hour; RSS and open
files it reads from /proc, but the asyncio tasks, the workers and the failures reported in place
live inside the process. Each line holds the time, `len(asyncio.all_tasks())`, the app's worker
count, the number of distinct errors reported in place (`OpsConsoleApp.worker_errors`) and the
latest of them (already redacted). Off unless the variable is set; the interval is
OPSCONSOLE_DIAG_S (default 10 s). The file is appended to off the event loop.

With OPSCONSOLE_DIAG_TOP=N as well, the console traces its allocations (tracemalloc, one frame)
and each line carries the N source lines whose memory grew most since the first line: where a
slow growth in a soak comes from. Tracing costs CPU and memory: for investigations only.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from textual.app import App

ENV_PATH = "OPSCONSOLE_DIAG"
ENV_INTERVAL = "OPSCONSOLE_DIAG_S"
ENV_TOP = "OPSCONSOLE_DIAG_TOP"
DEFAULT_INTERVAL_S = 10.0


def interval_s(environ: Mapping[str, str] = os.environ) -> float:
    """The interval between lines: OPSCONSOLE_DIAG_S when it is a positive number, else 10 s."""
    try:
        value = float(environ.get(ENV_INTERVAL, ""))
    except ValueError:
        return DEFAULT_INTERVAL_S
    return value if value > 0 else DEFAULT_INTERVAL_S


def top_count(environ: Mapping[str, str] = os.environ) -> int:
    """OPSCONSOLE_DIAG_TOP as a count of source lines to report (0: no tracing)."""
    value = environ.get(ENV_TOP, "")
    return int(value) if value.isdigit() else 0


class Growth:
    """The source lines whose allocations grew most since the first call (tracemalloc)."""

    def __init__(self, count: int) -> None:
        tracemalloc.start(1)
        self.count = count
        self.first: tracemalloc.Snapshot | None = None

    def top(self) -> list[str]:
        """Called off the event loop: a snapshot of a busy console takes a while."""
        snapshot = tracemalloc.take_snapshot()
        if self.first is None:
            self.first = snapshot
            return []
        stats = snapshot.compare_to(self.first, "lineno")[: self.count]
        return [f"{stat.size_diff / 1024:+.0f} KiB {stat.traceback[0]}" for stat in stats]


def line(workers: int, errors: Sequence[str], top: Sequence[str] = ()) -> str:
    """One JSON line; called on the event loop (asyncio.all_tasks needs the running loop)."""
    sample = {
        "at": round(time.time(), 3),
        "pid": os.getpid(),
        "tasks": len(asyncio.all_tasks()),
        "workers": workers,
        "errors": len(errors),
        "last_error": errors[-1] if errors else None,
        **({"grew": list(top)} if top else {}),
    }
    return json.dumps(sample) + "\n"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


async def write_every(
    path: Path, every_s: float, workers: Callable[[], int], errors: Callable[[], Sequence[str]]
) -> None:
    """Append a line now and then every `every_s` seconds, until cancelled."""
    growth = Growth(top_count()) if top_count() else None
    while True:
        top = await asyncio.to_thread(growth.top) if growth else []
        await asyncio.to_thread(_append, path, line(workers(), errors(), top))
        await asyncio.sleep(every_s)


def start(app: App[Any], errors: Callable[[], Sequence[str]]) -> None:
    """Run the writer as an app worker when OPSCONSOLE_DIAG names a file; else do nothing."""
    target = os.environ.get(ENV_PATH)
    if not target:
        return
    writer = write_every(Path(target), interval_s(), lambda: len(app.workers), errors)
    app.run_worker(writer, name="diagnostics", group="diagnostics", exit_on_error=False)
