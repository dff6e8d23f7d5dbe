"""Benchmark: the headless verbs' start-up, as a user runs them, against pt-query-digest.

`opsconsole --version` (target: at most 0.15 s) and `opsconsole digest FILE` of a small slow log
(target: faster than `pt-query-digest FILE` on the same file), each a whole child process, rounds
interleaved (version, digest, pt, version, ...) after a warm-up round, so a machine whose speed
drifts slows all three alike. Two logs: one entry (4 lines, the issue's case) and the 160-entry
MySQL 8.0 fixture. Prints wall and CPU (user + sys) medians, the ratios to pt, the date and the
load average, as a Markdown section for bench/RESULTS.md.
Run: `.venv/bin/python bench/startup.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "analysis" / "data" / "mysql80-rds.log"
ONE_ENTRY = (
    "# Time: 2026-12-05T03:12:00.123456Z\n"
    "# User@Host: app[app] @ host [10.0.0.1]  Id: 12\n"
    "# Query_time: 1.500000  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 2\n"
    "SELECT * FROM orders WHERE id = 5;\n"
)
VERSION_TARGET_S = 0.15


def opsconsole() -> list[str]:
    """The installed entry point beside this Python, else `python -m console`; this checkout's
    code either way (PYTHONPATH)."""
    script = Path(sys.executable).parent / "opsconsole"
    return [str(script)] if script.exists() else [sys.executable, "-m", "console"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command`; a failed run stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or not done.stdout:
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}, {done.stderr[-300:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(commands: dict[str, list[str]], rounds: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each command, rounds interleaved, one warm-up round."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(rounds + 1):
        for name, command in commands.items():
            wall, cpu = timed(command, env)
            if round_:
                walls[name].append(wall)
                cpus[name].append(cpu)
    return {
        name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands
    }


def imports(argv: list[str], env: dict[str, str]) -> tuple[float, list[str]]:
    """`python -X importtime` of `opsconsole ARGV`: the milliseconds spent importing, and the
    three top-level imports that cost most (name and ms)."""
    probe = "import sys; from console.cli import main; main(sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    rows = [line.split("|") for line in done.stderr.splitlines() if line.startswith("import time:")]
    timed_rows = [
        (int(r[0].split(":")[1]), int(r[1]), r[2]) for r in rows if r[0].strip()[-1].isdigit()
    ]
    total_us = sum(own for own, _, _ in timed_rows)
    top = sorted((row for row in timed_rows if not row[2].startswith("  ")), key=lambda r: -r[1])
    if not timed_rows:
        raise SystemExit(f"no import times from {argv}: {done.stderr[-300:]}")
    return total_us / 1000, [f"{name.strip()} {cum / 1000:.0f} ms" for _, cum, name in top[:3]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    pt = shutil.which("pt-query-digest")
    if pt is None:
        print("pt-query-digest is not installed (Debian percona-toolkit)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "one-entry.log"
        small.write_text(ONE_ENTRY, encoding="utf-8")
        commands = {"opsconsole --version": [*opsconsole(), "--version"]}
        for label, log in (("1 entry", small), ("160 entries", FIXTURE)):
            commands[f"opsconsole digest ({label})"] = [*opsconsole(), "digest", str(log)]
            commands[f"pt-query-digest ({label})"] = [pt, str(log)]
        load = os.getloadavg()
        figures = measure(commands, args.rounds)
    print(f"## Headless start-up (`bench/startup.py`), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n")
    print(
        f"{args.rounds} rounds interleaved after a warm-up, medians; each run a whole child "
        f"process; load average at the start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        f"({os.cpu_count()} CPUs).\n"
    )
    print("| command | wall | CPU | wall / pt's on the same log |\n|---|---|---|---|")
    verdicts = []
    for name, (wall, cpu) in figures.items():
        ratio = ""
        if name.startswith("opsconsole digest"):
            pt_wall = figures[name.replace("opsconsole digest", "pt-query-digest")][0]
            ratio = f"{wall / pt_wall:.2f}x"
            verdicts.append(
                f"digest {name[18:]} faster than pt: {'met' if wall < pt_wall else 'NOT met'}"
            )
        print(f"| `{name}` | {wall:.3f} s | {cpu:.3f} s | {ratio} |")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for label, argv in (("--version", ["--version"]), ("digest FILE", ["digest", str(FIXTURE)])):
        samples = sorted((imports(argv, env) for _ in range(5)), key=lambda sample: sample[0])
        total_ms, top = samples[2]  # the median of five: one sample swings with the load
        print(
            f"\nImports of `opsconsole {label}` (median of 5): {total_ms:.0f} ms "
            f"(largest: {', '.join(top)})"
        )
    version = figures["opsconsole --version"][0]
    verdicts.insert(
        0,
        f"--version <= {VERSION_TARGET_S} s: {'met' if version <= VERSION_TARGET_S else 'NOT met'}",
    )
    print("\nTargets: " + "; ".join(verdicts) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
