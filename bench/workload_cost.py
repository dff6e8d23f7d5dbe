"""Benchmark: what the lab's background workload costs, and what load it makes.

Reads the workload process's utime + stime from /proc/PID/stat at the start and the end of a
window (default 60 s): CPU as a share of one core (target: at most 10 %). Over the same window
it samples what the workload makes: its MariaDB and PostgreSQL sessions (running and idle) and
the Redis ops/s of the servers it drives. Writes its section of bench/RESULTS.md (script, date,
load average) and prints it.
Run: `.venv/bin/python bench/workload_cost.py [WINDOW_S]` with the lab up and the workload on.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from console.lab import clients, procs, topology, workload
from console.lab.layout import Layout

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- workload_cost: begin -->", "<!-- workload_cost: end -->"
TARGET_PERCENT = 10.0


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sessions(lab: Layout) -> tuple[str, str]:
    """(running, idle) sessions of the workload on each engine, as `m/p`."""
    user = workload.MYSQL_ACCOUNT[0]
    mysql = clients.text(
        clients.mysql(
            lab,
            "SELECT SUM(command <> 'Sleep'), SUM(command = 'Sleep') FROM "  # noqa: S608
            f"information_schema.processlist WHERE user = '{user}'",
            role="ro",
        )
    ).split()
    role = workload.PG_ACCOUNT[0]
    pg = clients.text(
        clients.psql(
            lab,
            "SELECT count(*) FILTER (WHERE state <> 'idle'), "  # noqa: S608
            "count(*) FILTER (WHERE state = 'idle') "
            f"FROM pg_stat_activity WHERE usename = '{role}'",
            role="ro",
        )
    ).split("|")
    return f"{mysql[0]}/{pg[0]}", f"{mysql[1]}/{pg[1]}"


def _redis_ops(lab: Layout) -> float:
    total = 0.0
    for server in topology.redis_servers():
        if server.group in workload.REDIS_GROUPS:
            info = clients.text(clients.redis(lab, server.port, "INFO", "stats", role="ro"))
            for line in info.splitlines():
                if line.startswith("instantaneous_ops_per_sec:"):
                    total += float(line.split(":", 1)[1])
    return total


def measure(lab: Layout, window_s: float) -> dict[str, str]:
    tracked = procs.running(lab.pid("workload"))
    if tracked is None:
        sys.exit("the workload is not running: `opsconsole lab workload on`")
    began, cpu_before = time.monotonic(), _cpu_s(tracked.pid)
    samples: list[tuple[str, str, float]] = []
    while time.monotonic() - began < window_s:
        samples.append((*_sessions(lab), _redis_ops(lab)))
        procs.pause(min(10.0, max(0.0, window_s - (time.monotonic() - began))))
    elapsed, cpu = time.monotonic() - began, _cpu_s(tracked.pid) - cpu_before
    percent = 100 * cpu / elapsed
    ops = sorted(s[2] for s in samples)
    return {
        "cpu": f"{percent:.2f} % of one core ({cpu:.2f} s CPU in {elapsed:.0f} s)",
        "verdict": "met" if percent <= TARGET_PERCENT else "NOT met",
        "running": " ".join(s[0] for s in samples),
        "idle": " ".join(s[1] for s in samples),
        "ops": f"{ops[len(ops) // 2]:.0f} (min {ops[0]:.0f}, max {ops[-1]:.0f})",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def section(figures: dict[str, str], window_s: float) -> str:
    day = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""{BEGIN}
## The lab's workload (`bench/workload_cost.py`), {day}

The background workload of `lab up` (`console/lab/workload.py`, one process), measured over
{window_s:.0f} s from `/proc/PID/stat` (utime + stime), load average at the end {figures["load"]}
(1/5/15 min, 2 cores shared with other work). Sessions sampled every 10 s, as MariaDB/PostgreSQL.

| figure | value |
|---|---|
| workload CPU | **{figures["cpu"]}** (target ≤ {TARGET_PERCENT:g} %: {figures["verdict"]}) |
| its running sessions (MariaDB/PostgreSQL), per sample | {figures["running"]} |
| its idle sessions (MariaDB/PostgreSQL), per sample | {figures["idle"]} |
| Redis ops/s on its {len(workload.REDIS_GROUPS)} servers (median of samples) | {figures["ops"]} |
{END}
"""


def write(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8")
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + text.rstrip("\n") + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(current, encoding="utf-8")


def main() -> None:
    window_s = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    lab_dir = Path(os.environ.get("OPSCONSOLE_LAB_DIR", ROOT / ".lab")).resolve()
    text = section(measure(Layout(lab_dir), window_s), window_s)
    write(text)
    print(text)


if __name__ == "__main__":
    main()
