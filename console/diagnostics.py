"""Opt-in diagnostics: with OPSCONSOLE_DIAG=PATH the console appends a JSON line every few seconds.

Why: a soak (bench/soak.py) watches the real console in a terminal for an hour; RSS and open
files it reads from /proc, but the asyncio tasks, the workers and the failures reported in place
live inside the process. Each line holds the time, `len(asyncio.all_tasks())`, the app's worker
count, the number of distinct errors reported in place (`OpsConsoleApp.worker_errors`) and the
latest of them (already redacted). Off unless the variable is set; the interval is
OPSCONSOLE_DIAG_S (default 10 s). The file is appended to off the event loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from textual.app import App

ENV_PATH = "OPSCONSOLE_DIAG"
ENV_INTERVAL = "OPSCONSOLE_DIAG_S"
DEFAULT_INTERVAL_S = 10.0


def interval_s(environ: Mapping[str, str] = os.environ) -> float:
    """The interval between lines: OPSCONSOLE_DIAG_S when it is a positive number, else 10 s."""
    try:
        value = float(environ.get(ENV_INTERVAL, ""))
    except ValueError:
        return DEFAULT_INTERVAL_S
    return value if value > 0 else DEFAULT_INTERVAL_S


def line(workers: int, errors: Sequence[str]) -> str:
    """One JSON line; called on the event loop (asyncio.all_tasks needs the running loop)."""
    sample = {
        "at": round(time.time(), 3),
        "pid": os.getpid(),
        "tasks": len(asyncio.all_tasks()),
        "workers": workers,
        "errors": len(errors),
        "last_error": errors[-1] if errors else None,
    }
    return json.dumps(sample) + "\n"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


async def write_every(
    path: Path, every_s: float, workers: Callable[[], int], errors: Callable[[], Sequence[str]]
) -> None:
    """Append a line now and then every `every_s` seconds, until cancelled."""
    while True:
        await asyncio.to_thread(_append, path, line(workers(), errors()))
        await asyncio.sleep(every_s)


def start(app: App[Any], errors: Callable[[], Sequence[str]]) -> None:
    """Run the writer as an app worker when OPSCONSOLE_DIAG names a file; else do nothing."""
    target = os.environ.get(ENV_PATH)
    if not target:
        return
    writer = write_every(Path(target), interval_s(), lambda: len(app.workers), errors)
    app.run_worker(writer, name="diagnostics", group="diagnostics", exit_on_error=False)
