"""Soak: the real console open for an hour on a living lab that cycles its six incidents.

Two `opsconsole` processes run as users run them, each in its own tmux window at 200x50 (on a
private tmux server that this script starts and ends): one on the fleet screen, one on an
instance's processes pane (`--instance aws-luckyus-salesorder-rw --pane processes`). The lab's
workload is on (`opsconsole lab workload on`; left as it was found at the end), and the lab
cycles its six scenarios (lock-wait, runaway-query, connection-storm, redis-no-ttl,
redis-memory, instance-down): each gets a sixth of the run, on for 60 % of its slot, then
`clear`. The script always clears at the end, also on SIGINT/SIGTERM.

Every 10 s it reads each console's RSS (/proc/PID/status VmRSS), open files (/proc/PID/fd) and
the console's own diagnostics line (OPSCONSOLE_DIAG, console/diagnostics.py: asyncio tasks,
workers, errors reported in place); every minute it prints a row: RSS at the minute, the fewest
open files and tasks seen in that minute (a sweep in flight briefly holds more; what stays is
what leaks), workers, errors reported in place, and whether the console is still running with
no "Traceback" in its pane. At the end it quits each console with `q` and checks it exits 0.

Verdict: each figure grows at most 10 % from the warm-up mark (minute 5, or half of a shorter
run) to the last minute, and no unhandled error (no console exited early or uncleanly, no
traceback in a pane). Exit status 1 when the verdict fails.
Run (lab up): `.venv/bin/python bench/soak.py [--minutes 60] [--no-scenarios] [--write]`;
`--write` replaces this script's section of bench/RESULTS.md. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results_section import context, write_section  # noqa: E402
from soak_report import Row, report, verdict  # noqa: E402

from console.lab import manager  # noqa: E402
from console.lab.procs import pause  # noqa: E402

TITLE = "Soak: the console left open on a living lab (`bench/soak.py`)"
COLS, ROWS = 200, 50
SAMPLE_S = 10.0
INSTANCE = "aws-luckyus-salesorder-rw"
CONSOLES = {"fleet": [], "instance": ["--instance", INSTANCE, "--pane", "processes"]}
SCENARIOS = tuple(name for name in manager.SCENARIOS if name != "clear")
FIRST_DATA = "updated"
"""The status bar's mark of live data on screen: minute 0 is taken once both show it."""
ON_SHARE = 0.6
"""Share of each scenario's slot it is left on before `clear`."""


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the soak the way Ctrl-C does: through the clean-up (clear, quit, close)."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def opsconsole(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI of this tree, in its own session (Ctrl-C on the soak does not cut a command)."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        start_new_session=True,
        check=False,
    )


class Tmux:
    """A private tmux server (its own socket): started here, and only it is ended here."""

    def __init__(self, scratch: Path) -> None:
        self.socket = f"opsconsole-soak-{os.getpid()}"
        self.conf = scratch / "tmux.conf"
        self.conf.write_text("set -g remain-on-exit on\nset -g history-limit 5000\n")
        # remain-on-exit keeps a pane's last screen (a traceback) for capture-pane

    def run(self, *args: str) -> str:
        argv = ["tmux", "-L", self.socket, "-f", str(self.conf), *args]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        return done.stdout

    def start(self, name: str, command: str) -> int:
        """A window at COLS x ROWS running the shell `command`; returns the shell's pid."""
        size = ("-x", str(COLS), "-y", str(ROWS))
        self.run("new-session", "-d", "-s", name, *size, "-c", str(ROOT), command)
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-J", "-S", "-", "-t", name)

    def close(self) -> None:
        """End the server and remove its socket file (tmux leaves it behind)."""
        socket = self.run("display-message", "-p", "#{socket_path}").strip()
        self.run("kill-server")
        if socket:
            Path(socket).unlink(missing_ok=True)


@dataclass
class Console:
    """One console under watch: its window, pid, diagnostics file and the minute's figures."""

    name: str
    pid: int
    diag: Path
    status: Path
    fds: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    unhandled: list[str] = field(default_factory=list)

    def exited(self) -> str | None:
        """The console's exit status once it has ended (its shell writes it), else None.

        Why: the shell that runs it records `$?`; tmux's own pane_dead_status was seen empty
        here, its server not reaping the process it started.
        """
        text = self.status.read_text().strip() if self.status.exists() else ""
        return text or None


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def last_diag(path: Path) -> dict[str, Any]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return json.loads(lines[-1]) if lines else {}


def glance(console: Console) -> None:
    """The 10-second look: open files, and the tasks of the console's latest diagnostics line."""
    try:
        console.fds.append(len(os.listdir(f"/proc/{console.pid}/fd")))
    except OSError:
        return
    if (tasks := last_diag(console.diag).get("tasks")) is not None:
        console.tasks.append(int(tasks))


def minute_row(tmux: Tmux, console: Console, minute: int, scenario: str) -> Row:
    """The minute's row; an exited console or a traceback on screen is an unhandled error."""
    status = console.exited()
    dead = status is not None
    traceback = "Traceback" in tmux.screen(console.name)
    problem = f"exited (status {status})" if dead else "a traceback on screen" if traceback else ""
    if problem and not console.unhandled:  # said once: an exited console stays so
        console.unhandled.append(f"minute {minute}: {problem}")
    diag = last_diag(console.diag)
    row = Row(
        minute=minute,
        console=console.name,
        rss_mib=float("nan") if dead else rss_mib(console.pid),
        fds=min(console.fds, default=-1),
        tasks=min(console.tasks, default=-1),
        workers=int(diag.get("workers", -1)),
        reported=int(diag.get("errors", 0)),
        last_error=diag.get("last_error"),
        scenario=scenario,
        alive=not dead,
    )
    console.fds.clear()
    console.tasks.clear()
    return row


class Cycle(threading.Thread):
    """The six scenarios in turn, each on for ON_SHARE of its slot and then cleared."""

    def __init__(self, total_s: float) -> None:
        super().__init__(name="scenarios", daemon=True)
        self.slot_s = total_s / len(SCENARIOS)
        self.halt = threading.Event()
        self.current = "-"
        self.log: list[str] = []

    def command(self, name: str) -> None:
        began = time.monotonic()
        done = opsconsole("lab", "scenario", name)
        took = time.monotonic() - began
        said = (done.stdout + done.stderr).strip().splitlines()
        why = f" ({said[-1][:200]})" if done.returncode and said else ""
        self.log.append(f"{name}: exit {done.returncode} in {took:.1f} s{why}")
        print(f"  lab scenario {self.log[-1]}", flush=True)

    def run(self) -> None:
        began = time.monotonic()
        for index, name in enumerate(SCENARIOS):
            start = began + index * self.slot_s
            if self.halt.wait(max(0.0, start - time.monotonic())):
                return
            self.current = name
            self.command(name)
            if self.halt.wait(max(0.0, start + ON_SHARE * self.slot_s - time.monotonic())):
                return
            self.current = f"(after {name})"
            self.command("clear")


@contextmanager
def workload_on() -> Iterator[bool]:
    """The lab's workload on for the soak; turned off again only if the soak turned it on."""
    was_on = manager.workload_status(ROOT / ".lab").healthy
    if not was_on:
        opsconsole("lab", "workload", "on")
    try:
        yield manager.workload_status(ROOT / ".lab").healthy
    finally:
        if not was_on:
            opsconsole("lab", "workload", "off")


def _child(shell: int) -> int:
    """The console's pid: the only child of the window's shell."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        if children:
            return int(children[0])
        pause(0.1)
    raise RuntimeError(f"the shell {shell} started no console")


def start_consoles(tmux: Tmux, scratch: Path) -> list[Console]:
    """Both consoles in their windows; returns once both show live data (or after 90 s)."""
    consoles = []
    for name, args in CONSOLES.items():
        diag, status = scratch / f"{name}.jsonl", scratch / f"{name}.status"
        env = {"OPSCONSOLE_DIAG": str(diag), "OPSCONSOLE_DIAG_S": str(SAMPLE_S / 2)}
        argv = ["env", *(f"{k}={v}" for k, v in env.items()), sys.executable, "-m", "console"]
        command = f"{shlex.join([*argv, *args])}; echo $? > {shlex.quote(str(status))}"
        consoles.append(Console(name, _child(tmux.start(name, command)), diag, status))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all(
        c.diag.exists() and FIRST_DATA in tmux.screen(c.name) for c in consoles
    ):
        pause(0.5)
    pause(SAMPLE_S)  # a diagnostics line written after the first screen is up
    return consoles


def watch(tmux: Tmux, consoles: list[Console], minutes: int, cycle: Cycle | None) -> None:
    """Glance every SAMPLE_S, a row per console at every minute (minute 0: at the start)."""
    began = time.monotonic()
    for minute in range(minutes + 1):
        while (left := began + 60 * minute - time.monotonic()) > 0:
            pause(min(SAMPLE_S, left))
            for console in consoles:
                glance(console)
        for console in consoles:
            if minute == 0:
                glance(console)
            row = minute_row(tmux, console, minute, cycle.current if cycle else "-")
            console.rows.append(row)
            print(row.line(), flush=True)


def quit_consoles(tmux: Tmux, consoles: list[Console]) -> None:
    """Press `q` in each console: it must exit 0 with no traceback."""
    for console in consoles:
        if console.exited() is None:
            tmux.run("send-keys", "-t", console.name, "q")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(c.exited() is None for c in consoles):
        pause(0.2)
    for console in consoles:
        status = console.exited()
        if status is None:
            console.unhandled.append("did not exit within 15 s of `q`")
        elif status != "0" and not console.unhandled:
            console.unhandled.append(f"`q` ended it with status {status}")
        if "Traceback" in tmux.screen(console.name) and not console.unhandled:
            console.unhandled.append("a traceback on screen at exit")


def soak(minutes: int, scenarios: bool) -> tuple[list[Console], Cycle | None, bool]:
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch, workload_on() as working:
        tmux = Tmux(Path(scratch))
        cycle = Cycle(60.0 * minutes) if scenarios else None
        consoles: list[Console] = []
        try:
            consoles = start_consoles(tmux, Path(scratch))
            if cycle is not None:
                cycle.start()
            watch(tmux, consoles, minutes, cycle)
            quit_consoles(tmux, consoles)
        except KeyboardInterrupt as why:
            print(f"soak: interrupted ({why or 'SIGINT'}); clearing", file=sys.stderr)
            for console in consoles:
                console.unhandled.append("soak interrupted before the end")
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            if cycle is not None:
                cycle.halt.set()
                cycle.join()
                cycle.command("clear")
            tmux.close()
        return consoles, cycle, working


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--no-scenarios", action="store_true", help="workload only: no incidents")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md's section")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    load_before = os.getloadavg()
    print(f"soak: {args.minutes} min, terminal {COLS}x{ROWS}; " + Row.HEADER, flush=True)
    consoles, cycle, working = soak(args.minutes, not args.no_scenarios)
    rows = [row for console in consoles for row in console.rows]
    unhandled = {c.name: c.unhandled for c in consoles}
    passed, lines = verdict(rows, unhandled, args.minutes)
    print("\n".join(lines))
    if args.write and rows:
        workload = "on" if working else "NOT running"
        load = [f"load average {load_before[0]:.1f} at the start; the lab's workload {workload}"]
        load += cycle.log if cycle else ["no scenarios (--no-scenarios)"]
        write_section(TITLE, report(rows, lines, args.minutes, context(), load))
    return 0 if passed and rows else 1


if __name__ == "__main__":
    sys.exit(main())
