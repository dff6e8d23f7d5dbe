"""The flight recorder's size and CPU, and the storage it uses against the alternatives.

Size: ~50 sessions opened here on the lab's MariaDB (40 idle, 10 in `SELECT SLEEP`), with the
lab's workload running; one MySQL instance recorded in detail at the default 5 s interval for
a few minutes (`Recorder`, the verb's own code), every interval also kept in memory and written
again in the alternative formats: SQLite in WAL mode (a zlib-compressed JSON batch per
interval, or a plain JSON row per sample), independent zlib frames, JSON lines, and the chosen
format (frames on one zlib stream per hour file). Target: at most 20 kB per instance-minute.

CPU: `opsconsole record` on the lab's whole fleet (its three CloudWatch alarms in ALARM make
three instances record in detail), its process CPU time from /proc/PID/stat over a few minutes
after a warm-up. Target: at most 2 % of one core.

Run with the lab up: `.venv/bin/python bench/record_size.py [--minutes M] [--cpu-minutes M]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncmy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from results_section import context, write_section

from console.config import Settings, load_settings
from console.data.layer import DataLayer
from console.lab import topology
from console.services.recording.codec import encode
from console.services.recording.recorder import Recorder
from console.services.recording.store import Recording, RecordingWriter, Sample, hour_files

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / ".lab"
INSTANCE = "aws-luckyus-salesorder-rw"
IDLE, SLEEPING = 40, 10
TARGET_KB = 20.0
TARGET_CPU = 2.0
Captured = list[tuple[datetime, list[Sample]]]


class CapturingWriter(RecordingWriter):
    """The real writer, keeping each interval's samples for the alternative formats."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, keep_hours=24, max_bytes=2**40)
        self.captured: Captured = []
        self.cpu_s = 0.0

    def write(self, at: datetime, samples: Sequence[Sample]) -> int:
        self.captured.append((at, list(samples)))
        started = time.thread_time()
        written = super().write(at, samples)
        self.cpu_s += time.thread_time() - started
        return written


@asynccontextmanager
async def sessions() -> AsyncIterator[int]:
    """~50 sessions on the lab's MariaDB: idle ones and some running `SELECT SLEEP(..)`."""
    password = (LAB / "secrets" / "mysql-admin.pass").read_text().strip()
    opened: list[Any] = []
    sleepers: list[asyncio.Task[Any]] = []
    for n in range(IDLE + SLEEPING):
        conn = await asyncmy.connect(
            host=topology.HOST,
            port=topology.MARIADB_PORT,
            user=topology.MYSQL_ADMIN_USER,
            password=password,
            db="salesorder" if n % 2 else None,
        )
        opened.append(conn)
        if n >= IDLE:
            sleepers.append(asyncio.create_task(_sleep(conn)))
    try:
        yield len(opened)
    finally:
        for task in sleepers:
            task.cancel()
        for conn in opened:
            conn.close()


async def _sleep(conn: Any) -> None:
    async with conn.cursor() as cursor:
        while True:
            await cursor.execute("SELECT SLEEP(20) /* bench record_size */")


async def record(settings: Settings, folder: Path, minutes: float) -> CapturingWriter:
    writer = CapturingWriter(folder)
    async with DataLayer(settings) as data, sessions():
        recorder = Recorder(data, writer, settings.record, (INSTANCE,))
        await recorder.run(minutes * 60)
    writer.close()
    return writer


def _raw(at: datetime, samples: Sequence[Sample]) -> bytes:
    body = {
        "at": at.isoformat(),
        "samples": [[s.instance, s.what, encode(s.value), s.error] for s in samples],
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def alternatives(captured: Captured, tmp: Path) -> dict[str, tuple[int, float]]:
    """Bytes on disk and CPU seconds of each alternative format (JSON encoding included, as
    in the chosen format's figure)."""
    started = time.process_time()
    raws = [_raw(at, samples) for at, samples in captured]
    encoding = time.process_time() - started
    found: dict[str, tuple[int, float]] = {}
    started = time.process_time()
    with (tmp / "lines.jsonl").open("wb") as lines:
        for raw in raws:
            lines.write(raw + b"\n")
            lines.flush()
    size = (tmp / "lines.jsonl").stat().st_size
    found["JSON lines, uncompressed"] = (size, encoding + time.process_time() - started)
    started = time.process_time()
    with (tmp / "alone.bin").open("wb") as alone:
        for raw in raws:
            alone.write(len(raw).to_bytes(9, "big") + zlib.compress(raw, 9))
            alone.flush()
    size = (tmp / "alone.bin").stat().st_size
    cpu = encoding + time.process_time() - started
    found["frames, each interval zlib-compressed alone"] = (size, cpu)
    size, cpu = _sqlite_batches(raws, tmp / "batch.db")
    found["SQLite WAL, a zlib batch per interval"] = (size, encoding + cpu)
    found["SQLite WAL, a JSON row per sample"] = _sqlite_rows(captured, tmp / "rows.db")
    return found


def _db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _sqlite_batches(raws: Sequence[bytes], path: Path) -> tuple[int, float]:
    started = time.process_time()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE batch (n INTEGER PRIMARY KEY, data BLOB)")
    for raw in raws:
        with db:
            db.execute("INSERT INTO batch (data) VALUES (?)", (zlib.compress(raw, 9),))
    cpu = time.process_time() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return _db_size(path), cpu


def _sqlite_rows(captured: Captured, path: Path) -> tuple[int, float]:
    started = time.process_time()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE sample (at TEXT, instance TEXT, what TEXT, value TEXT, error TEXT)")
    for at, samples in captured:
        rows = [
            (at.isoformat(), s.instance, s.what, json.dumps(encode(s.value)), s.error)
            for s in samples
        ]
        with db:
            db.executemany("INSERT INTO sample VALUES (?, ?, ?, ?, ?)", rows)
    cpu = time.process_time() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return _db_size(path), cpu


def composition(captured: Captured) -> list[tuple[str, int, int]]:
    """(what, samples, raw JSON bytes per sample) of the recorded instance."""
    raw: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for _at, samples in captured:
        for s in samples:
            raw[s.what] += len(json.dumps(encode(s.value), separators=(",", ":")))
            count[s.what] += 1
    return [(what, count[what], raw[what] // count[what]) for what, _n in raw.most_common()]


def sessions_seen(captured: Captured) -> int:
    lists = [s.value for _at, ss in captured for s in ss if s.what == "processlist"]
    return max((len(v) for v in lists if isinstance(v, tuple)), default=0)


async def cpu_run(minutes: float, tmp: Path) -> tuple[float, float, Counter[str], int]:
    """`opsconsole record` on the whole lab fleet: CPU %, seconds measured, instances recorded
    in detail (intervals each), intervals."""
    argv = [sys.executable, "-m", "console", "record", "--config", str(ROOT / "config.toml")]
    argv += ["--profile", "lab", "--output", str(tmp / "fleet"), "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with (tmp / "fleet.jsonl").open("w") as out:
        child = await asyncio.create_subprocess_exec(
            *argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL
        )
        try:
            await asyncio.sleep(30)  # imports, pools, the first sweep: not the steady state
            before, started = _cpu_s(child.pid), time.monotonic()
            await asyncio.sleep(minutes * 60)
            after, elapsed = _cpu_s(child.pid), time.monotonic() - started
        finally:
            child.send_signal(signal.SIGTERM)
            await child.wait()
    lines = [json.loads(line) for line in (tmp / "fleet.jsonl").read_text().splitlines()[1:]]
    detailed: Counter[str] = Counter(name for line in lines for name in line["detailed"])
    return 100 * (after - before) / elapsed, elapsed, detailed, len(lines)


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Size:
    minutes: float
    intervals: int
    sessions: int
    chosen_bytes: int
    read_s: float


@dataclass(frozen=True)
class Cpu:
    percent: float
    elapsed_s: float
    detailed: Counter[str]
    intervals: int


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def size_text(
    settings: Settings,
    size: Size,
    found: dict[str, tuple[int, float]],
    parts: list[tuple[str, int, int]],
) -> str:
    step = settings.record.detail_interval_s
    per_minute = size.chosen_bytes / 1024 / size.minutes
    rows = [
        f"| {label} | {nbytes / 1024 / size.minutes:.1f} kB "
        f"| {1000 * cpu_s / size.intervals:.2f} ms |"
        for label, (nbytes, cpu_s) in sorted(found.items(), key=lambda item: item[1][0])
    ]
    shares = [f"| {what} | {n} | {each} B |" for what, n, each in parts]
    return "\n".join(
        [
            f"Load: the lab's background workload, plus {IDLE + SLEEPING} sessions this script "
            f"opens on the lab's MariaDB ({IDLE} idle, {SLEEPING} in `SELECT SLEEP(20)` in a "
            f"loop). Size: `{INSTANCE}` recorded in detail (`Recorder`, `--instance` mode) "
            f"every {step:.0f} s for {size.minutes:.1f} min ({size.intervals} intervals, up to "
            f"{size.sessions} sessions in a processlist sample), each interval also written "
            "in the other formats.",
            "",
            "| format | per instance-minute | CPU per interval (JSON, compress, write) |",
            "|---|---|---|",
            *rows,
            "",
            f"Chosen format: **{per_minute:.1f} kB per instance-minute** (target <= "
            f"{TARGET_KB:.0f} kB: {_verdict(per_minute <= TARGET_KB)}); "
            f"`Recording.open` reads it back in {1000 * size.read_s:.0f} ms. Raw JSON per "
            "sample (values as recorded: free texts scrubbed, durations to 3 digits, a tuple "
            "of one model as columns and rows):",
            "",
            "| reading | samples | raw JSON per sample |",
            "|---|---|---|",
            *shares,
        ]
    )


def cpu_text(settings: Settings, cpu: Cpu) -> str:
    detailed = ", ".join(f"{k} ({v})" for k, v in sorted(cpu.detailed.items()))
    return "\n".join(
        [
            "CPU: `opsconsole record` on the lab's whole fleet (142 instances; fleet sweep every "
            f"{settings.record.fleet_interval_s:.0f} s), its process CPU time from "
            f"/proc/PID/stat over {cpu.elapsed_s:.0f} s after a 30 s warm-up, {cpu.intervals} "
            f"intervals; recorded in detail (intervals): {detailed}.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| recorder CPU | **{cpu.percent:.2f} % of one core** (target <= "
            f"{TARGET_CPU:.0f} %: {_verdict(cpu.percent <= TARGET_CPU)}) |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--cpu-minutes", type=float, default=3.0)
    args = parser.parse_args()
    settings = load_settings(ROOT / "config.toml", "lab")
    load = context()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        writer = asyncio.run(record(settings, tmp / "one", args.minutes))
        minutes = len(writer.captured) * settings.record.detail_interval_s / 60
        chosen = sum(p.stat().st_size for p in hour_files(tmp / "one"))
        found = alternatives(writer.captured, tmp)
        found["**frames on one zlib stream per hour file (chosen)**"] = (chosen, writer.cpu_s)
        started = time.perf_counter()
        Recording.open(tmp / "one")
        read_s = time.perf_counter() - started
        cpu, elapsed, detailed, intervals = asyncio.run(cpu_run(args.cpu_minutes, tmp))
    size = Size(minutes, len(writer.captured), sessions_seen(writer.captured), chosen, read_s)
    cpu_figures = Cpu(cpu, elapsed, detailed, intervals)
    body = "\n\n".join(
        (
            load,
            size_text(settings, size, found, composition(writer.captured)),
            cpu_text(settings, cpu_figures),
        )
    )
    print(body)
    title = "Flight recorder: size, format and CPU (`bench/record_size.py`)"
    write_section(title, body)


if __name__ == "__main__":
    main()
