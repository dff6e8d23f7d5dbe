"""Spawning and stopping the lab's plain processes, tracked by pid files.

A pid file holds the pid, the process start time (from /proc) and a token expected in its command
line, so the lab only ever signals a process it started itself, never a reused pid.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from console.lab.layout import Layout

# Popen objects of the processes this interpreter started, kept so that none is garbage-collected
# while its process runs (that would warn "subprocess is still running") and so `stop` can reap.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True, slots=True)
class Tracked:
    """A process the lab started: what its pid file says."""

    pid: int
    start_ticks: int
    token: str


def pause(seconds: float) -> None:
    """Block for `seconds`: the lab is synchronous CLI code, it never runs in an event loop."""
    time.sleep(seconds)  # noqa: TID251


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    """The process start time in clock ticks since boot, or None if there is no such process."""
    fields = _stat_fields(pid)
    return int(fields[19]) if fields and len(fields) > 19 else None


def cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", errors="replace").strip()


def is_running(tracked: Tracked) -> bool:
    """True while the very process we started lives (not a zombie, not a reused pid)."""
    fields = _stat_fields(tracked.pid)
    if not fields or fields[0] in ("Z", "X") or int(fields[19]) != tracked.start_ticks:
        return False
    return tracked.token in cmdline(tracked.pid)


def read_pidfile(path: Path) -> Tracked | None:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
        return Tracked(int(lines[0]), int(lines[1]), lines[2])
    except (OSError, ValueError, IndexError):
        return None


def write_pidfile(path: Path, pid: int, token: str) -> None:
    ticks = start_ticks(pid) or 0
    path.write_text(f"{pid}\n{ticks}\n{token}\n", encoding="utf-8")


def running(path: Path) -> Tracked | None:
    """The live process a pid file names, or None (a stale pid file is removed)."""
    tracked = read_pidfile(path)
    if tracked is not None and is_running(tracked):
        return tracked
    path.unlink(missing_ok=True)
    return None


def spawn(
    argv: Sequence[str],
    *,
    log: Path,
    pidfile: Path,
    token: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start a detached process (own session, stdin closed, output appended to `log`)."""
    full_env = {**os.environ, **(env or {})}
    trim_log(log)
    with log.open("ab") as out:
        child = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
        )
    _CHILDREN[child.pid] = child
    _until_exec(child, token)
    write_pidfile(pidfile, child.pid, token)
    return child.pid


EXEC_WAIT_S = 5.0


def _until_exec(child: subprocess.Popen[bytes], token: str) -> None:
    """Wait (at most EXEC_WAIT_S) until the child's command line is its own program's.

    Why: for a moment after the spawn /proc shows the parent's command line; a probe then
    (`running`) took the fresh pid file for stale, removed it and reported the part exited,
    while the part went on to run as an orphan holding its port (seen once in CI: an
    Alertmanager that blocked every later `lab up`).
    """
    deadline = time.monotonic() + EXEC_WAIT_S
    while token not in cmdline(child.pid) and child.poll() is None:
        if time.monotonic() > deadline:
            return
        pause(0.01)


def _reap(pid: int) -> None:
    """Collect an exited child of ours so it does not linger as a zombie."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is not None:
            del _CHILDREN[pid]
        return
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop(pidfiles: Iterable[tuple[Path, int]], *, timeout_s: float = 15.0) -> tuple[str, ...]:
    """Signal every live process named by (pid file, signal), wait, then SIGKILL stragglers.

    Returns the tokens of the processes that had to be killed.
    """
    live: list[tuple[Path, Tracked]] = []
    signalled: list[Path] = []
    for path, sig in pidfiles:
        tracked = running(path)
        if tracked is None:
            continue
        try:
            os.kill(tracked.pid, sig)
        except ProcessLookupError:
            continue
        live.append((path, tracked))
        signalled.append(path)
    deadline = time.monotonic() + timeout_s
    while live and time.monotonic() < deadline:
        for _, tracked in live:
            _reap(tracked.pid)
        live = [(p, t) for p, t in live if is_running(t)]
        if live:
            pause(0.05)
    for _, tracked in live:
        os.kill(tracked.pid, signal.SIGKILL)
        pause(0.05)
        _reap(tracked.pid)
    for path in signalled:
        path.unlink(missing_ok=True)
    return tuple(t.token for _, t in live)


def port_in_use(port: int) -> bool:
    """True when something on this machine already listens on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def port_holder(port: int) -> str:
    """`pid N: command line` of the process listening on `port`, as far as /proc tells."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text(encoding="utf-8").splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return f"pid {entry.name}: {cmdline(int(entry.name))[:120]}"
    return "a process this user cannot see"


LOG_LIMIT_BYTES = 32 * 2**20
LOG_KEPT_BYTES = 4 * 2**20


def trim_log(path: Path, limit: int = LOG_LIMIT_BYTES, kept: int = LOG_KEPT_BYTES) -> None:
    """Cut a log grown past `limit` to its last `kept` bytes, from a line's start, before its
    part starts again. The logs outlive `lab down` and grow with the workload (the slow log
    alone by 7.5 MB in a day's use): without this a lab kept for long only ever grows."""
    try:
        if path.stat().st_size <= limit:
            return
        tail = _last_bytes(path, kept)
    except OSError:
        return
    path.write_bytes(tail[tail.find(b"\n") + 1 :])


def log_tail(path: Path, lines: int = 8) -> str:
    """The last lines of a log file, for error reports."""
    try:
        text = _last_bytes(path, 8192).decode("utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.strip().splitlines()[-lines:]) or "(empty log)"


def _last_bytes(path: Path, count: int) -> bytes:
    """The last `count` bytes of a file (all of it when shorter)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - count))
        return handle.read()


def lab_pidfiles(layout: Layout, prefix: str) -> list[Path]:
    """The pid files in run/ whose names start with `prefix`."""
    return sorted(layout.run.glob(f"{prefix}*.pid"))
