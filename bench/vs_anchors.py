"""Benchmark: opsconsole's processes view beside pg_activity and dolphie, in one run, under load.

What a user would pick instead, measured the same way in the same run: `opsconsole --instance
NAME --pane processes` (refresh 1 s) on the lab's PostgreSQL beside `pg_activity --refresh 1`,
and on its MariaDB beside `dolphie -r 1`. Each runs in a real pseudo-terminal (200x50 and 80x24)
while this script holds a load on both servers through the lab's application accounts: base is
20 sessions per engine, 5 of them running a long statement; heavy adds 200 running sessions (fewer
where the server's max_connections has no room: the count used is printed). Rounds interleave
the tools (anchor, opsconsole, then opsconsole, anchor...).

Per run: launch to the first frame that shows a row of live data (a load session's user name in
the terminal output), CPU of one core (utime+stime over the window / wall), peak RSS (VmHWM), and
bytes/s written to the terminal over the window. pg_activity's figures are the yardstick for both
engines (the issue's targets); the ratios are printed and written to bench/RESULTS.md.
Exit status 1 when a target is missed.

The anchors are installed from the package index into their own venv ($VS_ANCHORS_VENV, default
/tmp/opsconsole-anchors), created when missing. Needs the lab up (`opsconsole lab up`).
Run: `.venv/bin/python bench/vs_anchors.py [--rounds N] [--quick] [--window S] [--no-write]`.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import contextlib
import os
import platform
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fcntl import ioctl
from pathlib import Path
from typing import Any

import asyncmy
import asyncpg

from console.lab import clients, topology
from console.lab.layout import Layout

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent
ANCHORS = Path(os.environ.get("VS_ANCHORS_VENV", "/tmp/opsconsole-anchors"))
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Processes view against pg_activity and dolphie (`bench/vs_anchors.py`)"

PG_INSTANCE = "aws-luckyus-dify-rw"  # config.toml: the lab's PostgreSQL, database dify
MYSQL_INSTANCE = "aws-luckyus-salesorder-rw"  # the lab's MariaDB, database salesorder
PG_DB, MYSQL_DB = "dify", "salesorder"
# The load's sessions log in as these application accounts; their names are the live-data marker
# (no tool shows them until it has read the server's session list).
PG_LOAD_ROLE, MYSQL_LOAD_ROLE = "app", "report"
LOAD_TAG = "/* vs_anchors load */"
BASE_SESSIONS, BASE_RUNNING, HEAVY_RUNNING = 20, 5, 200
STATEMENT_S = 600.0  # one load statement at most (a killed -9 bench leaves them this long)
HEADROOM = 15  # connections left free for the tools, the lab's exporters and other helpers
SIZES = ((200, 50), (80, 24))
COLOURS_256 = "opsconsole (PostgreSQL), 256 colours"  # for reference, base load only
FIRST_DATA_TIMEOUT_S = 20.0

# Targets at 1 s refresh, against pg_activity's figures (issue 10).
MAX_CPU_RATIO, MAX_BYTES_RATIO, MAX_FIRST_RATIO, MAX_RSS_MIB = 1.5, 1.5, 2.0, 90.0


# --- the anchors' venv ---------------------------------------------------------------------------


def ensure_anchors() -> None:
    """Create the bench-only venv with pg_activity and dolphie from the package index if missing."""
    if (ANCHORS / "bin" / "pg_activity").exists() and (ANCHORS / "bin" / "dolphie").exists():
        return
    print(f"installing pg_activity and dolphie into {ANCHORS} ...", flush=True)
    subprocess.run(["python3", "-m", "venv", str(ANCHORS)], check=True)  # not the project's venv
    pip = [str(ANCHORS / "bin" / "pip"), "install", "-q", "pg_activity[psycopg]", "dolphie"]
    subprocess.run(pip, check=True)


def anchor_version(name: str) -> str:
    out = subprocess.run(
        [str(ANCHORS / "bin" / "pip"), "show", name], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"^Version: (\S+)", out, re.M)
    return found.group(1) if found else "?"


# --- the load ------------------------------------------------------------------------------------


@dataclass
class LoadState:
    """What the load holds on one engine, and the sessions already there when it started."""

    sessions: int = 0
    running: int = 0
    others_before: int = 0
    capped: str = ""


@dataclass
class Load:
    """Client sessions on both servers, held by a thread with its own event loop, bounded in time.

    Why a thread: the measuring loop blocks on the pseudo-terminals; the sessions must stay
    connected (and their statements running) meanwhile, and stop for sure at the end.
    """

    lab: Layout
    idle: int
    running: int
    limit_s: float
    pg: LoadState = field(default_factory=LoadState)
    mysql: LoadState = field(default_factory=LoadState)
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _error: BaseException | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._thread.start()
        self._ready.wait(120)
        if self._error is not None:
            raise RuntimeError(f"load did not start: {self._error!r}") from self._error

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(60)

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        deadline = time.monotonic() + self.limit_s
        try:
            async with contextlib.AsyncExitStack() as stack:
                pg_stop = await stack.enter_async_context(_PgLoad(self, deadline))
                my_stop = await stack.enter_async_context(_MySQLLoad(self, deadline))
                self._ready.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), max(0.0, deadline - time.monotonic()))
                await pg_stop()
                await my_stop()
        except BaseException as exc:  # reported to the main thread by start()
            self._error = exc
            self._ready.set()


def _split(state: LoadState, free: int, load: Load) -> tuple[int, int]:
    """(idle, running) sessions to open, capped by the room the server has left."""
    wanted_running = load.running
    room = max(0, free - HEADROOM)
    idle = min(load.idle, room)
    running = min(wanted_running, room - idle)
    if running < wanted_running:
        state.capped = f"{running} of {wanted_running} running (max_connections)"
    state.sessions, state.running = idle + running, running
    return idle, running


class _Sessions:
    """The sessions on one engine: each a task that reconnects when its session is killed.

    Why: the lab's scenarios end the application accounts' sessions when they reset (another
    helper may cycle them during the bench); a load that stayed dead would measure an idle
    server. Idle sessions ping every few seconds (as a pool's keepalive would) to notice.
    """

    state: LoadState

    def __init__(self, load: Load, deadline: float) -> None:
        self.load, self.deadline = load, deadline
        self.ids: dict[int, int] = {}  # task index -> server session id, while connected
        self.tasks: list[asyncio.Task[None]] = []
        self.stopping = False

    async def connect(self) -> Any:
        raise NotImplementedError

    async def server_id(self, conn: Any) -> int:
        raise NotImplementedError

    async def statement(self, conn: Any, seconds: float) -> None:
        raise NotImplementedError

    async def ping(self, conn: Any) -> None:
        raise NotImplementedError

    async def room(self, conn: Any) -> tuple[int, int]:
        """(connections free, client sessions there now)."""
        raise NotImplementedError

    async def cancel(self, conn: Any, ids: list[int]) -> None:
        raise NotImplementedError

    async def close(self, conn: Any) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Callable[[], Any]:
        control = await self.connect()
        try:
            free, there = await self.room(control)
        finally:
            await self.close(control)
        self.state.others_before = there - 1
        idle, running = _split(self.state, free, self.load)
        self.tasks = [
            asyncio.create_task(self._session(index, index >= idle))
            for index in range(idle + running)
        ]
        await asyncio.sleep(3.0)  # connected, the statements on the server
        return self.stop

    async def _session(self, index: int, running: bool) -> None:
        while not self.stopping and (left := self.deadline - time.monotonic()) > 1:
            conn = None
            try:
                conn = await self.connect()
                self.ids[index] = await self.server_id(conn)
                while not self.stopping and (left := self.deadline - time.monotonic()) > 1:
                    if running:
                        await self.statement(conn, min(left, STATEMENT_S))
                    else:
                        await asyncio.sleep(5.0)
                        await self.ping(conn)
            except asyncio.CancelledError:
                raise
            except Exception:  # killed, cancelled by stop(), or refused: come back after a pause
                await asyncio.sleep(1.0)
            finally:
                self.ids.pop(index, None)
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self.close(conn), 5)

    async def stop(self) -> None:
        self.stopping = True
        with contextlib.suppress(Exception):
            control = await self.connect()
            try:
                await self.cancel(control, list(self.ids.values()))
            finally:
                await self.close(control)
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=10)

    async def __aexit__(self, *exc: object) -> None:
        self.stopping = True
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=10)


class _PgLoad(_Sessions):
    def __init__(self, load: Load, deadline: float) -> None:
        super().__init__(load, deadline)
        self.state = load.pg

    async def connect(self) -> Any:
        user, secret = clients.PG_ROLES[PG_LOAD_ROLE]
        return await asyncpg.connect(
            host=topology.HOST, port=topology.POSTGRES_PORT, user=user,
            password=self.load.lab.password(secret), database=PG_DB, timeout=10,
        )  # fmt: skip

    async def server_id(self, conn: Any) -> int:
        return int(conn.get_server_pid())

    async def statement(self, conn: Any, seconds: float) -> None:
        await conn.execute(f"SELECT {LOAD_TAG} pg_sleep($1)", seconds)

    async def ping(self, conn: Any) -> None:
        await conn.execute("SELECT 1")

    async def room(self, conn: Any) -> tuple[int, int]:
        row = await conn.fetchrow(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int - count(*),"
            " count(*) FILTER (WHERE backend_type = 'client backend') FROM pg_stat_activity"
        )
        return int(row[0]), int(row[1])

    async def cancel(self, conn: Any, ids: list[int]) -> None:
        await conn.execute("SELECT pg_cancel_backend(p) FROM unnest($1::int[]) p", ids)

    async def close(self, conn: Any) -> None:
        await conn.close()


class _MySQLLoad(_Sessions):
    def __init__(self, load: Load, deadline: float) -> None:
        super().__init__(load, deadline)
        self.state = load.mysql

    async def connect(self) -> Any:
        user, secret = clients.MYSQL_ROLES[MYSQL_LOAD_ROLE]
        return await asyncmy.connect(
            host=topology.HOST, port=topology.MARIADB_PORT, user=user,
            password=self.load.lab.password(secret), database=MYSQL_DB, connect_timeout=10,
            autocommit=True,
        )  # fmt: skip

    async def _one_row(self, conn: Any, sql: str, args: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        async with conn.cursor() as cur:
            await cur.execute(sql, args or None)
            return tuple(await cur.fetchone())

    async def server_id(self, conn: Any) -> int:
        return int((await self._one_row(conn, "SELECT CONNECTION_ID()"))[0])

    async def statement(self, conn: Any, seconds: float) -> None:
        await self._one_row(conn, f"SELECT {LOAD_TAG} SLEEP(%s)", (int(seconds),))

    async def ping(self, conn: Any) -> None:
        await self._one_row(conn, "SELECT 1")

    async def room(self, conn: Any) -> tuple[int, int]:
        (max_conn,) = await self._one_row(conn, "SELECT @@max_connections")
        # the PROCESSLIST an account without PROCESS sees is its own; the counter is global
        row = await self._one_row(conn, "SHOW GLOBAL STATUS LIKE 'Threads_connected'")
        threads = int(row[1])
        return int(max_conn) - threads, threads

    async def cancel(self, conn: Any, ids: list[int]) -> None:
        async with conn.cursor() as cur:
            for ident in ids:
                with contextlib.suppress(Exception):
                    await cur.execute(f"KILL QUERY {int(ident)}")

    async def close(self, conn: Any) -> None:
        conn.close()


# --- one tool in a pseudo-terminal ---------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    name: str
    argv: list[str]
    env: dict[str, str]
    marker: bytes


@dataclass(frozen=True)
class Figures:
    first_s: float
    cpu_pct: float
    bytes_s: float
    rss_mib: float


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# What a real terminal (xterm) answers to the queries TUIs send at start: without answers,
# pg_activity's terminal library waits seconds for each (cursor position, device attributes).
QUERIES: tuple[tuple[re.Pattern[bytes], Callable[[re.Match[bytes]], bytes]], ...] = (
    (re.compile(rb"\x1b\[6n"), lambda m: b"\x1b[1;1R"),
    (re.compile(rb"\x1b\[0?c"), lambda m: b"\x1b[?1;2c"),
    (re.compile(rb"\x1b\[>0?c"), lambda m: b"\x1b[>41;380;0c"),
    (re.compile(rb"\x1b\[>0?q"), lambda m: b"\x1bP>|XTerm(380)\x1b\\"),
    (re.compile(rb"\x1bP\+q[0-9a-fA-F;]*\x1b\\"), lambda m: b"\x1bP0+r\x1b\\"),
    (re.compile(rb"\x1b\[\?(\d+)\$p"), lambda m: b"\x1b[?" + m.group(1) + b";0$y"),
)


def _answer(fd: int, chunk: bytes) -> None:
    if b"\x1b" not in chunk:
        return
    for pattern, reply in QUERIES:
        for found in pattern.finditer(chunk):
            with contextlib.suppress(OSError):
                os.write(fd, reply(found))


def _drain(fd: int, until: float, sink: Callable[[bytes], bool] | None = None) -> int:
    """Read the terminal until `until` (or until `sink` returns True), answering its queries
    as xterm would; the bytes read."""
    total = 0
    while (left := until - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], min(left, 0.05))
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        total += len(chunk)
        _answer(fd, chunk)
        if sink is not None and sink(chunk):
            break
    return total


ESCAPE = re.compile(
    rb"\x1b\[([0-9;?>=]*)([ -/]*[@-~])"  # CSI: parameters, final byte
    rb"|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, DCS, APC, PM: skipped whole
    rb"|\x1b[^\[\]P_^]"  # any other two-byte escape
    rb"|[\r\n]"
)


class Screen:
    """The text a terminal shows, enough to find the live-data marker on it.

    Why: a tool that writes only the cells that changed (opsconsole does) may never write the
    marker contiguously (`dify_app` replacing `dify_worker` writes `app`), so the raw output
    is not enough; cursor moves (CUP, CR, LF) and printable text are all it needs to follow.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self._pending = b""  # an escape sequence cut by the end of a read
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode

    def feed(self, chunk: bytes) -> None:
        data, self._pending = self._pending + chunk, b""
        at = 0
        for found in ESCAPE.finditer(data):
            self._text(data[at : found.start()])
            at = found.end()
            token = found.group(0)
            if token == b"\r":
                self.x = 0
            elif token == b"\n":
                self.y = min(self.y + 1, self.rows - 1)
            else:
                self._csi(found.group(2), found.group(1) or b"")
        rest = data[at:]
        cut = rest.find(b"\x1b")
        if cut >= 0:
            rest, self._pending = rest[:cut], rest[cut:]
        self._text(rest)

    def _csi(self, final: bytes, params: bytes) -> None:
        """Cursor moves and erases (CUP, CUU/CUD/CUF/CUB, CHA, VPA, EL, ECH, ED); others skip."""
        if params[:1] in (b"?", b">", b"="):
            return
        parts = [int(p) if p.isdigit() else 0 for p in params.split(b";")]
        first = parts[0] or 1
        if final in (b"H", b"f"):
            row, col = [*(p or 1 for p in parts), 1, 1][:2]
            self.y, self.x = min(row, self.rows) - 1, min(col, self.cols) - 1
        elif final in (b"A", b"B"):
            self.y = max(0, min(self.rows - 1, self.y + (first if final == b"B" else -first)))
        elif final in (b"C", b"D"):
            self.x = max(0, min(self.cols - 1, self.x + (first if final == b"C" else -first)))
        elif final == b"G":
            self.x = min(first, self.cols) - 1
        elif final == b"d":
            self.y = min(first, self.rows) - 1
        elif final == b"K":
            line, mode = self.grid[self.y], parts[0]
            span = range(self.x, self.cols) if mode == 0 else range(self.cols)
            if mode == 1:
                span = range(self.x + 1)
            for x in span:
                line[x] = " "
        elif final == b"X":
            for x in range(self.x, min(self.cols, self.x + first)):
                self.grid[self.y][x] = " "
        elif final == b"J" and parts[0] in (2, 3):
            self.grid = [[" "] * self.cols for _ in range(self.rows)]
        elif final == b"J" and parts[0] == 0:
            self.grid[self.y][self.x :] = [" "] * (self.cols - self.x)
            for y in range(self.y + 1, self.rows):
                self.grid[y] = [" "] * self.cols

    def _text(self, raw: bytes) -> None:
        line = self.grid[self.y]
        for char in self._decode(raw):
            if char >= " " and self.x < self.cols:
                line[self.x] = char
                self.x += 1

    def shows(self, marker: str) -> bool:
        return any(marker in "".join(line) for line in self.grid)


@dataclass(frozen=True)
class Launched:
    """A tool running in a pseudo-terminal: its pid, the terminal's fd, when it was launched."""

    pid: int
    fd: int
    started: float


@contextlib.contextmanager
def launched(tool: Tool, size: tuple[int, int]) -> Iterator[Launched]:
    """`tool` running in a pty of `size` (cols, rows); stopped on leaving (SIGTERM, then SIGKILL
    after 5 s), the terminal read meanwhile so a TUI restoring the screen never blocks."""
    cols, rows = size
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of the right size before exec
        ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execve(tool.argv[0], tool.argv, tool.env)
    ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    try:
        yield Launched(pid, fd, started)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            _drain(fd, time.monotonic() + 0.1)
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                break
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def first_live_data(run: Launched, tool: Tool, size: tuple[int, int]) -> float:
    """Seconds from launch to the first frame that shows the tool's marker (NaN: none within
    FIRST_DATA_TIMEOUT_S)."""
    seen, screen, marker = bytearray(), Screen(*size), tool.marker.decode()

    def look(chunk: bytes) -> bool:
        seen.extend(chunk)
        screen.feed(chunk)
        return tool.marker in seen or screen.shows(marker)

    _drain(run.fd, run.started + FIRST_DATA_TIMEOUT_S, look)
    if tool.marker in seen or screen.shows(marker):
        return time.monotonic() - run.started
    return float("nan")


def measure(tool: Tool, size: tuple[int, int], window_s: float, settle_s: float) -> Figures:
    """Launch `tool` in a pty of `size`; first live data, then CPU, bytes/s over `window_s`."""
    with launched(tool, size) as run:
        first = first_live_data(run, tool, size)
        _drain(run.fd, time.monotonic() + settle_s)
        cpu_before, t0 = _cpu_s(run.pid), time.monotonic()
        written = _drain(run.fd, t0 + window_s)
        wall = time.monotonic() - t0
        cpu = (_cpu_s(run.pid) - cpu_before) / wall
        rss = _peak_rss_mib(run.pid)
    return Figures(first, cpu * 100, written / wall, rss)


def tools(lab: Layout, config: Path, home: Path) -> dict[str, Tool]:
    """The four runs: each anchor and opsconsole on the same engine."""
    term = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",  # what a modern terminal says; every tool sees the same
    }
    for passthrough in ("TEXTUAL_COLOR_SYSTEM",):
        if passthrough in os.environ:
            term[passthrough] = os.environ[passthrough]
    pg_ro, pg_secret = clients.PG_ROLES["ro"]
    my_ro, my_secret = clients.MYSQL_ROLES["ro"]
    ops = [str(VENV / "opsconsole"), "--config", str(config), "--pane", "processes", "--instance"]
    ops_env = {**term, "PYTHONPATH": str(ROOT)}
    pg_marker = clients.PG_ROLES[PG_LOAD_ROLE][0].encode()
    my_marker = clients.MYSQL_ROLES[MYSQL_LOAD_ROLE][0].encode()
    return {
        "pg_activity": Tool(
            "pg_activity",
            [str(ANCHORS / "bin" / "pg_activity"), "--refresh", "1", "-h", topology.HOST,
             "-p", str(topology.POSTGRES_PORT), "-U", pg_ro, "-d", PG_DB],
            {**term, "PGPASSWORD": lab.password(pg_secret)},
            pg_marker,
        ),
        "opsconsole (PostgreSQL)": Tool(
            "opsconsole (PostgreSQL)", [*ops, PG_INSTANCE], ops_env, pg_marker
        ),
        # the same with Textual told to use 256 colours: what the colour escapes cost
        COLOURS_256: Tool(
            COLOURS_256, [*ops, PG_INSTANCE], {**ops_env, "TEXTUAL_COLOR_SYSTEM": "256"}, pg_marker
        ),
        "dolphie": Tool(
            "dolphie",
            [str(ANCHORS / "bin" / "dolphie"), "-r", "1"],
            {**term, "DOLPHIE_USER": my_ro, "DOLPHIE_PASSWORD": lab.password(my_secret),
             "DOLPHIE_HOST": topology.HOST, "DOLPHIE_PORT": str(topology.MARIADB_PORT)},
            my_marker,
        ),
        "opsconsole (MariaDB)": Tool(
            "opsconsole (MariaDB)", [*ops, MYSQL_INSTANCE], ops_env, my_marker
        ),
    }  # fmt: skip


def bench_config(tmp: Path) -> Path:
    """config.toml with the instance view's refresh at 1 s and its relative paths made absolute."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^refresh_s = [0-9.]+", "refresh_s = 1.0", text)
    if count != 1:
        raise SystemExit("config.toml: no `[console] refresh_s` line to set to 1 s")
    text = text.replace('"file:.lab/', f'"file:{ROOT}/.lab/')
    text = re.sub(r'(?m)^(output_dir|audit_log|cache_dir) = "(?!/|~)', rf'\1 = "{tmp}/', text)
    path = tmp / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the run -------------------------------------------------------------------------------------

Key = tuple[str, tuple[int, int], str]  # load, size, tool


def run(args: argparse.Namespace) -> tuple[dict[Key, list[Figures]], dict[str, Load]]:
    lab = Layout(ROOT / ".lab")
    sizes = SIZES[:1] if args.quick else SIZES
    results: dict[Key, list[Figures]] = {}
    loads: dict[str, Load] = {}
    # the load's time bound: every run of a level at its longest (no live data seen), and a margin
    per_run = FIRST_DATA_TIMEOUT_S + args.settle + args.window + 10
    per_load = len(sizes) * 5 * args.rounds * per_run + 60
    with tempfile.TemporaryDirectory(prefix="vs_anchors-") as tmp_name:
        tmp = Path(tmp_name)
        runs = tools(lab, bench_config(tmp), tmp)
        # heavy is the base load plus HEAVY_RUNNING sessions: the base load's long statements
        # keep running (so they stay the longest-running ones, in view at 80x24 too)
        base = Load(lab, BASE_SESSIONS - BASE_RUNNING, BASE_RUNNING, 2 * per_load)
        base.start()
        for level, more in (("base", None), ("heavy", HEAVY_RUNNING)):
            if level not in args.levels.split(","):
                continue
            load = base if more is None else Load(lab, 0, more, per_load)
            loads[level] = load
            if load is not base:
                load.start()
            print(
                f"\n{level} load{' (base plus)' if load is not base else ''}: "
                f"PostgreSQL {load.pg.sessions} sessions ({load.pg.running} "
                f"running) {load.pg.capped}; MariaDB {load.mysql.sessions} sessions "
                f"({load.mysql.running} running) {load.mysql.capped}; other sessions before: "
                f"PostgreSQL {load.pg.others_before}, MariaDB {load.mysql.others_before}",
                flush=True,
            )
            try:
                for index in range(args.rounds):
                    for size in sizes:
                        pg = ("pg_activity", "opsconsole (PostgreSQL)")
                        for pair in (
                            (*pg, COLOURS_256) if level == "base" else pg,
                            ("dolphie", "opsconsole (MariaDB)"),
                        ):
                            for name in pair if index % 2 == 0 else pair[::-1]:
                                if args.only and args.only not in name:
                                    continue
                                figures = measure(runs[name], size, args.window, args.settle)
                                results.setdefault((level, size, name), []).append(figures)
                                print(f"  r{index + 1} {size[0]}x{size[1]} {name:24} "
                                      f"{_row(figures)}", flush=True)  # fmt: skip
            finally:
                if load is not base:
                    load.stop()
        base.stop()
    return results, loads


def _row(f: Figures) -> str:
    return (
        f"first {f.first_s:5.2f} s  CPU {f.cpu_pct:5.2f} %  "
        f"{f.bytes_s / 1000:6.1f} kB/s  RSS {f.rss_mib:5.0f} MiB"
    )


def _median(values: Sequence[Figures]) -> Figures:
    def med(get: Callable[[Figures], float]) -> float:
        return statistics.median(get(v) for v in values)

    return Figures(
        med(lambda f: f.first_s), med(lambda f: f.cpu_pct), med(lambda f: f.bytes_s),
        med(lambda f: f.rss_mib),
    )  # fmt: skip


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def report(
    results: dict[Key, list[Figures]], loads: dict[str, Load], args: argparse.Namespace
) -> tuple[list[str], list[str]]:
    """Markdown lines of the figures and ratios, and the targets missed."""
    medians = {key: _median(values) for key, values in results.items()}
    lines = [
        "| load | terminal | tool | first live data | CPU (1 core) | bytes/s | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for (level, size, name), f in medians.items():
        lines.append(
            f"| {level} | {size[0]}x{size[1]} | {name} | {f.first_s:.2f} s | {f.cpu_pct:.2f} % "
            f"| {f.bytes_s / 1000:.1f} kB | {f.rss_mib:.0f} MiB |"
        )
    lines += [
        "",
        "Ratios against pg_activity (same load, same terminal size); targets: CPU and bytes/s "
        f"at most {MAX_CPU_RATIO}x, first live data at most {MAX_FIRST_RATIO}x, RSS at most "
        f"{MAX_RSS_MIB:.0f} MiB (base load); CPU at most {MAX_CPU_RATIO}x (heavy).",
        "",
        "| load | terminal | tool | first live data | CPU | bytes/s | RSS | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    missed: list[str] = []
    for (level, size, name), f in medians.items():
        if name == "pg_activity":
            continue
        yard = medians.get((level, size, "pg_activity"))
        if yard is None:  # --only left the yardstick out
            continue
        first, cpu = _ratio(f.first_s, yard.first_s), _ratio(f.cpu_pct, yard.cpu_pct)
        out = _ratio(f.bytes_s, yard.bytes_s)
        misses = []
        targeted = name.startswith("opsconsole") and name != COLOURS_256
        if targeted:
            checks = [("CPU", cpu, MAX_CPU_RATIO)]
            if level == "base":
                checks += [("bytes/s", out, MAX_BYTES_RATIO), ("first", first, MAX_FIRST_RATIO),
                           ("RSS MiB", f.rss_mib, MAX_RSS_MIB)]  # fmt: skip
            # `not got <= limit`: a nan (no live data seen) counts as a miss
            misses = [f"{what} {got:.2f} > {limit:g}" for what, got, limit in checks
                      if not got <= limit]  # fmt: skip
            missed += [f"{level} {size[0]}x{size[1]} {name}: {m}" for m in misses]
        verdict = "; ".join(misses) or "within" if targeted else "-"
        lines.append(
            f"| {level} | {size[0]}x{size[1]} | {name} | {first:.2f}x | {cpu:.2f}x | {out:.2f}x "
            f"| {f.rss_mib:.0f} MiB | {verdict} |"
        )
    return lines, missed


HEAVY_IMPORTS = ("textual.app", "msgspec", "asyncpg", "asyncmy", "redis.asyncio", "sqlglot",
                 "httpx", "aioboto3")  # fmt: skip
IMPORT_PROBE = """
import importlib, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
bare = rss()
started = time.perf_counter()
importlib.import_module(sys.argv[1])
loaded = [m for m in sys.argv[2:] if m in sys.modules]
print(time.perf_counter() - started, rss() - bare, " ".join(loaded))
"""


def import_costs() -> list[str]:
    """Markdown rows: what each heavy package costs to import (a fresh interpreter each, median
    of 3), and which of them `import console.app` (the TUI's start) loads."""
    rows = ["| import | time | RSS added | heavy packages it loads |", "|---|---|---|---|"]
    for module in (*HEAVY_IMPORTS, "console.app"):
        runs = []
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", IMPORT_PROBE, module, *HEAVY_IMPORTS],
                capture_output=True, text=True, check=True, env=env,
            ).stdout.split(maxsplit=2)  # fmt: skip
            runs.append((float(out[0]), float(out[1]), out[2].strip() if len(out) > 2 else ""))
        seconds = statistics.median(r[0] for r in runs)
        mib = statistics.median(r[1] for r in runs)
        loads = runs[0][2] if module == "console.app" else ""
        rows.append(f"| `{module}` | {seconds:.2f} s | {mib:.1f} MiB | {loads} |")
    return rows


def header(loads: dict[str, Load], args: argparse.Namespace) -> list[str]:
    cpu = "?"
    with contextlib.suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else "?"
    load_text = "; ".join(
        f"{level}: {'base plus ' if level == 'heavy' else ''}"
        f"PostgreSQL {load.pg.sessions} sessions/{load.pg.running} running"
        f"{' (' + load.pg.capped + ')' if load.pg.capped else ''}, MariaDB "
        f"{load.mysql.sessions}/{load.mysql.running}"
        f"{' (' + load.mysql.capped + ')' if load.mysql.capped else ''}"
        for level, load in loads.items()
    )
    others = "; ".join(
        f"{level}: PostgreSQL {load.pg.others_before}, MariaDB {load.mysql.others_before}"
        for level, load in loads.items()
    )
    command = " ".join(["bench/vs_anchors.py", *sys.argv[1:]])
    colours = os.environ.get("TEXTUAL_COLOR_SYSTEM")
    return [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: `{command}`, "
        f"{args.rounds} round(s) interleaved, medians; window {args.window:g} s after a "
        f"{args.settle:g} s settle; {os.cpu_count()} cores ({cpu}), {platform.platform()}; "
        f"pg_activity {anchor_version('pg_activity')}, dolphie {anchor_version('dolphie')}; "
        "TERM=xterm-256color COLORTERM=truecolor for every tool"
        f"{'; TEXTUAL_COLOR_SYSTEM=' + colours if colours else ''}.",
        "",
        f"Load (this script's own, app accounts, statements `SELECT {LOAD_TAG} pg_sleep/SLEEP`): "
        f"{load_text}. Client sessions already on the servers when each load started (lab "
        f"workload, other helpers): {others}. Machine load average at the end: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "",
    ]  # fmt: skip


def write_results(lines: list[str]) -> None:
    """Replace this benchmark's section of bench/RESULTS.md (or append it)."""
    text = RESULTS.read_text(encoding="utf-8")
    body = "\n".join([SECTION, "", *lines]) + "\n"
    start = text.find(SECTION)
    if start < 0:
        RESULTS.write_text(text.rstrip("\n") + "\n\n" + body, encoding="utf-8")
        return
    end = text.find("\n## ", start + len(SECTION))
    rest = text[end + 1 :] if end >= 0 else ""
    notes_at = text.find("\n### ", start)  # hand-written notes under the figures stay
    if 0 <= notes_at < (end if end >= 0 else len(text)):
        rest = text[notes_at + 1 : end + 1 if end >= 0 else len(text)] + rest
    RESULTS.write_text(text[:start] + body + ("\n" + rest if rest else ""), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="200x50 only, 10 s window, 1 round")
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured per run")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after first data")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--only", default="", help="only the tools whose name contains this")
    parser.add_argument("--levels", default="base,heavy", help="loads to run (comma-separated)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.window = 1, min(args.window, 10.0)
    # a TERM stops the load like Ctrl-C does (the finally blocks end its statements)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ensure_anchors()
    results, loads = run(args)
    table, missed = report(results, loads, args)
    lines = [*header(loads, args), *table]
    lines += ["", "Where start-up time and memory go (no load; each in a fresh interpreter):", ""]
    lines += import_costs()
    print("\n" + "\n".join(lines))
    if missed:
        print("\nmissed targets:\n  " + "\n  ".join(missed))
    if not args.no_write:
        write_results(lines)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
