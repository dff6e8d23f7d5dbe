"""Benchmark: an instance view's launch to first live data, this code beside another revision.

`opsconsole --instance NAME --pane processes` on the lab's PostgreSQL or MariaDB, under
bench/vs_anchors.py's base load (20 sessions per engine, 5 running), in a real pseudo-terminal
(200x50): the wall time from launch to the first frame that shows a load session's row (as
vs_anchors measures it), and the CPU the console had used by then (utime+stime). The CPU is the
steadier figure on a shared machine: another process on the cores stretches the wall time, not
the work the console did.

With `--vs REV` the same runs for a git revision of this repository (checked out into a
temporary worktree and run with this venv, so a revision needing a package this venv lacks
cannot run), rounds interleaved, and the ratios are printed: RESULTS.md's "what moved each
figure" for first live data quotes this script.

Needs the lab up (`opsconsole lab up`). Run:
`.venv/bin/python bench/first_data.py [--rounds N] [--vs REV] [--at REV] [--engine ...]`
(`--at REV` runs that revision in place of the working tree: one change measured alone).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vs_anchors as va  # the load, the terminal and the tools are vs_anchors'

from console.lab.layout import Layout

SIZE = (200, 50)


@dataclass(frozen=True)
class First:
    """One launch: wall seconds to the first live data, and the console's CPU seconds by then."""

    wall_s: float
    cpu_s: float


def first_data(tool: va.Tool) -> First:
    """Launch `tool` in a pty of SIZE; stop it once its first live data is on screen."""
    with va.launched(tool, SIZE) as run:
        wall = va.first_live_data(run, tool, SIZE)
        cpu = va._cpu_s(run.pid) if wall == wall else float("nan")
    return First(wall, cpu)


@contextlib.contextmanager
def revision(rev: str) -> Iterator[Path]:
    """A temporary worktree of `rev`, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="first-data-"))
    subprocess.run(
        ["git", "-C", str(va.ROOT), "worktree", "add", "--detach", str(folder), rev],
        check=True,
        capture_output=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(
            ["git", "-C", str(va.ROOT), "worktree", "remove", "--force", str(folder)],
            check=False,
            capture_output=True,
        )


def pause(seconds: float) -> None:
    threading.Event().wait(seconds)  # no event loop here: a plain wait


def median(values: list[float]) -> float:
    kept = [v for v in values if v == v]  # NaN: no live data within the timeout
    return statistics.median(kept) if kept else float("nan")


def run(args: argparse.Namespace) -> int:
    lab = Layout(va.ROOT / ".lab")
    tmp = Path(tempfile.mkdtemp(prefix="first-data-"))
    home = tmp / "home"
    home.mkdir()
    tool = va.tools(lab, va.bench_config(tmp), home)[f"opsconsole ({args.engine})"]
    runs: dict[str, va.Tool] = {"this code": tool}
    with contextlib.ExitStack() as stack:
        if args.at:  # "this code" is that revision, not the working tree
            checkout = stack.enter_context(revision(args.at))
            runs = {args.at: replace(tool, env={**tool.env, "PYTHONPATH": str(checkout)})}
        if args.vs:
            checkout = stack.enter_context(revision(args.vs))
            runs[args.vs] = replace(tool, env={**tool.env, "PYTHONPATH": str(checkout)})
        load = va.Load(lab, va.BASE_SESSIONS - va.BASE_RUNNING, va.BASE_RUNNING, 900)
        load.start()
        stack.callback(load.stop)
        pause(2.0)  # the load's sessions connected and running
        figures: dict[str, list[First]] = {name: [] for name in runs}
        for round_ in range(args.rounds):
            order = list(runs) if round_ % 2 == 0 else list(reversed(runs))
            for name in order:
                figures[name].append(first_data(runs[name]))
                pause(0.5)
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{platform.python_version()}, {args.engine} at {SIZE[0]}x{SIZE[1]}, base load, "
        f"{args.rounds} rounds; load average {os.getloadavg()[0]:.2f}"
    )
    print("| code | first live data (median) | CPU by then (median) | every round (wall / CPU s) |")
    print("|---|---|---|---|")
    for name, got in figures.items():
        rounds = ", ".join(f"{f.wall_s:.2f}/{f.cpu_s:.2f}" for f in got)
        wall, cpu = median([f.wall_s for f in got]), median([f.cpu_s for f in got])
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {rounds} |")
    if args.vs:
        this = args.at or "this code"
        new, old = figures[this], figures[args.vs]
        wall = median([f.wall_s for f in new]) / median([f.wall_s for f in old])
        cpu = median([f.cpu_s for f in new]) / median([f.cpu_s for f in old])
        print(f"{this} / {args.vs}: first live data {wall:.2f}x, CPU by then {cpu:.2f}x")
    return 0 if all(f.wall_s == f.wall_s for got in figures.values() for f in got) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--vs", metavar="REV", help="a git revision to run beside this code")
    parser.add_argument("--at", metavar="REV", help="run this revision as 'this code'")
    parser.add_argument("--engine", choices=("PostgreSQL", "MariaDB"), default="PostgreSQL")
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
