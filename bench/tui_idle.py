"""Benchmark: the console as a user runs it, in a real pseudo-terminal at 200x50.

Measures, for the instance view (processes tab live) and the fleet view: time from launch to
the first screen with live data, CPU of the idle app over a window at the default refresh,
bytes written to the terminal per second, and RSS. The baseline, measured in the same run
the same way, is a bare Textual app with a header, a static text and a footer.
Run: `.venv/bin/python bench/tui_idle.py [WINDOW_S [NAME_FILTER]]` (default 60 s, all runs)
while the lab is up.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from fcntl import ioctl
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
COLS, ROWS = 200, 50
BASELINE = (
    "from textual.app import App\n"
    "from textual.widgets import Footer, Header, Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Header()\n        yield Static('updated')\n        yield Footer()\n"
    "Bare().run()\n"
)


def _ticks(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _read(fd: int, until: float) -> bytes:
    chunks = []
    while (left := until - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if ready:
            try:
                chunks.append(os.read(fd, 65536))
            except OSError:
                break
    return b"".join(chunks)


def measure(argv: list[str], marker: bytes, window_s: float) -> dict[str, float]:
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    seen, first_data = b"", float("nan")
    while time.monotonic() - started < 20:
        seen += _read(fd, time.monotonic() + 0.05)
        if marker in seen:
            first_data = time.monotonic() - started
            break
    _read(fd, time.monotonic() + 5)  # settle: first polls, layout
    cpu_before = _ticks(pid)
    written = len(_read(fd, time.monotonic() + window_s))
    cpu = (_ticks(pid) - cpu_before) / window_s
    rss = _rss_mib(pid)
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    return {
        "first_data_s": first_data,
        "cpu_pct": cpu * 100,
        "bytes_per_s": written / window_s,
        "rss_mib": rss,
    }


def main() -> None:
    window_s = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    runs = {
        "baseline: bare Textual app": ([str(VENV / "python"), "-c", BASELINE], b"updated"),
        # the fleet view shows "updated" once the whole first sweep (142 instances) has landed
        "fleet view (142 instances)": ([str(VENV / "opsconsole")], b"updated"),
        "instance view, processes": (
            [
                str(VENV / "opsconsole"),
                "--instance",
                "aws-luckyus-salesorder-rw",
                "--pane",
                "processes",
            ],
            b"updated",
        ),
        "instance view, metrics": (
            [str(VENV / "opsconsole"), "--instance", "luckyus-isales-market", "--pane", "metrics"],
            b"updated",
        ),
    }
    print(f"terminal {COLS}x{ROWS}, idle window {window_s:g} s, default refresh (config.toml)")
    print(f"{'run':32} {'first data':>11} {'idle CPU':>9} {'output':>11} {'RSS':>9}")
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    for name, (argv, marker) in runs.items():
        if only not in name:
            continue
        r = measure(argv, marker, window_s)
        print(
            f"{name:32} {r['first_data_s']:>9.2f} s {r['cpu_pct']:>7.2f} % "
            f"{r['bytes_per_s'] / 1024:>6.2f} KB/s {r['rss_mib']:>5.0f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main()
