"""Benchmark: a cold `opsconsole check --json` on a busy host, before and after truthful probes.

Both cores are kept busy by CPU burners (`timeout N python -c 'while True: pass'`, one per
core, as in tests/test_busy_host.py); each round runs the code before the change (a `git
archive` of the commit before console/data/probing.py was added, with its own config.toml) and
the current tree, interleaved, each a fresh process (cold: every connection set up anew). It
counts the healthy lab instances reported `warn`/`down`, with the reasons, and prints a Markdown
section for bench/RESULTS.md. Run: `.venv/bin/python bench/busy_check.py [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.busy import busy_cores  # noqa: E402


def before_commit() -> str:
    """The commit before truthful probes landed (the parent of the one adding probing.py)."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "console/data/probing.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return f"{added[-1]}~1"


def export_tree(commit: str, into: Path) -> Path:
    """The commit's files in `into`, with the shared lab (`.lab`) linked beside its config."""
    archive = into / "tree.tar"
    subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), commit], cwd=ROOT, check=True
    )
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    (into / "tree" / ".lab").symlink_to((ROOT / ".lab").resolve())
    return into / "tree"


def cold_check(tree: Path) -> tuple[list[dict[str, Any]], float, str]:
    """One `check --json` of the lab profile in a fresh process: records, seconds, stderr."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OPSCONSOLE_PROFILE": "lab"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "console", "--config", str(tree / "config.toml"), "check", "--json"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.monotonic() - started
    if not result.stdout.strip():
        raise SystemExit(f"check printed nothing (exit {result.returncode}): {result.stderr}")
    return json.loads(result.stdout), elapsed, result.stderr


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    states = Counter(r["state"] for r in records)
    slow = [r for r in records if any(x.startswith("slow probe") for x in r["reasons"])]
    return {
        "total": len(records),
        "ok": states["ok"],
        "warn": states["warn"],
        "down": states["down"],
        "slow": len(slow),
        "latency_max": max(r["latency_ms"] for r in records),
        "latency_median": statistics.median(r["latency_ms"] for r in records),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default=None, help="git commit of the old code")
    args = parser.parse_args()
    commit = args.before or before_commit()
    rows: list[tuple[int, str, dict[str, Any], float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        before = export_tree(commit, Path(scratch))
        trees = (("before", before), ("after", ROOT))
        with busy_cores(at_most_s=120 * args.rounds * 2) as burners:
            load = os.getloadavg()[0]
            for round_no in range(1, args.rounds + 1):
                for label, tree in trees:
                    records, elapsed, stderr = cold_check(tree)
                    busy = next((x for x in stderr.splitlines() if "console busy" in x), "")
                    rows.append((round_no, label, summary(records), elapsed, busy))
                    print(round_no, label, rows[-1][2], f"{elapsed:.1f}s", busy, file=sys.stderr)
    print_section(commit, burners, load, rows)


def print_section(
    commit: str, burners: int, load: float, rows: list[tuple[int, str, dict[str, Any], float, str]]
) -> None:
    today = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"## Cold `check --json` on a busy host (`bench/busy_check.py`), {today}\n")
    print(
        f"{os.cpu_count()} cores, {burners} CPU burners (`python -c 'while True: pass'`) running "
        f"throughout, 1-min load average {load:.1f} at the start (other work on the machine "
        f"included). Before: `{commit}` (its own config.toml); after: this tree. Each run a "
        "fresh process (every connection set up anew), rounds interleaved.\n"
    )
    print("| round | code | ok | warn | of which slow probe | down | latency max / median | run |")
    print("|---|---|---|---|---|---|---|---|")
    for round_no, label, s, elapsed, busy in rows:
        note = f" ({busy.removeprefix('opsconsole: ')})" if busy else ""
        print(
            f"| {round_no} | {label} | {s['ok']}/{s['total']} | {s['warn']} | {s['slow']} | "
            f"{s['down']} | {s['latency_max']:.0f} / {s['latency_median']:.0f} ms | "
            f"{elapsed:.1f} s{note} |"
        )


if __name__ == "__main__":
    main()
