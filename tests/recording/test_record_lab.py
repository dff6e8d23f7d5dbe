"""`opsconsole record` on the lab, as a user runs it: the lock-wait incident recorded and read
back, a recorder killed mid-run, nothing unmasked or secret in a recording."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from console.data.layer import DataLayer
from console.data.models import LockWait, Process
from console.lab import clients
from console.lab.layout import Layout
from console.services.recording.store import Recording, hour_files, read_file
from tests.conftest import ROOT
from tests.investigate.conftest import RunVerb, scenario

pytestmark = pytest.mark.lab
SALESORDER = "aws-luckyus-salesorder-rw"
MARKET = "luckyus-isales-market"
TARGET_BYTES_PER_INSTANCE_MINUTE = 20 * 1024


def _record_argv(*args: str) -> list[str]:
    argv = [sys.executable, "-m", "console", "record", *args]
    return [*argv, "--config", str(ROOT / "config.toml"), "--profile", "lab"]


@pytest.mark.timeout(150)
async def test_the_lock_wait_incident_is_on_record_near_30_s(
    lab_dir: Path, opsconsole: RunVerb, tmp_path: Path
) -> None:
    folder = tmp_path / "rec"
    with scenario(lab_dir, "lock-wait") as lines:
        run = await opsconsole(
            "record", "--for", "40", "--instance", SALESORDER, "--output", str(folder)
        )
    assert run.status == 0, (run.stderr, lines)
    assert run.stdout.splitlines()[0] == str(folder)
    recording = await asyncio.to_thread(Recording.open, folder)
    when = recording.start + timedelta(seconds=30)
    processes = recording.at(SALESORDER, "processlist", when)
    waits = recording.at(SALESORDER, "lock_waits", when)
    assert processes is not None and waits is not None
    assert when - processes.at < timedelta(seconds=6), "a sample every 5 s"
    assert isinstance(processes.value, tuple) and isinstance(waits.value, tuple)
    sessions = [p for p in processes.value if isinstance(p, Process)]
    mine = [p for p in sessions if p.user == "salesorder_app"]
    holder = next(p for p in mine if p.query and "SLEEP" in p.query)
    blocked = [p for p in mine if holder.id in p.blocked_by]
    assert blocked, f"no session shown blocked by {holder.id}: {mine}"
    assert all("orders" in (p.query or "") for p in blocked)
    edges = [w for w in waits.value if isinstance(w, LockWait)]
    assert {w.waiting for w in edges if w.blocking == holder.id} == {p.id for p in blocked}
    size = sum(p.stat().st_size for p in hour_files(folder))
    minutes = (recording.end - recording.start).total_seconds() / 60 + 5 / 60
    assert size / minutes <= TARGET_BYTES_PER_INSTANCE_MINUTE, f"{size} B in {minutes:.2f} min"


@pytest.fixture
async def recorder(tmp_path: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`opsconsole record --json` running on one instance, until the test ends it."""
    argv = _record_argv("--output", str(tmp_path / "rec"), "--instance", SALESORDER, "--json")
    child = await asyncio.create_subprocess_exec(
        *argv, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        yield child
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


async def _intervals(child: asyncio.subprocess.Process, count: int) -> list[dict[str, object]]:
    """The first `count` intervals the recorder reports (each once it is written)."""
    assert child.stdout is not None
    await child.stdout.readline()  # the folder
    reported: list[dict[str, object]] = []
    async with asyncio.timeout(60):
        while len(reported) < count:
            reported.append(json.loads(await child.stdout.readline()))
    return reported


@pytest.mark.timeout(120)
async def test_a_recorder_killed_mid_run_leaves_a_readable_recording(
    recorder: asyncio.subprocess.Process, tmp_path: Path
) -> None:
    reported = await _intervals(recorder, 3)
    await asyncio.sleep(random.uniform(0.0, 5.0))  # anywhere in the next interval, even a write
    recorder.send_signal(signal.SIGKILL)
    await recorder.wait()
    recording = await asyncio.to_thread(Recording.open, tmp_path / "rec")
    times = [t.isoformat() for t in recording.times()]
    assert [line["at"] for line in reported] == times[:3]  # everything it said it wrote
    assert len(times) <= 4  # and at most the interval it was killed in, if that one finished
    last = recording.at(SALESORDER, "processlist", recording.end)
    assert last is not None and isinstance(last.value, tuple)


@pytest.mark.timeout(120)
async def test_sigterm_ends_a_recording_cleanly(
    recorder: asyncio.subprocess.Process, tmp_path: Path
) -> None:
    await _intervals(recorder, 1)
    recorder.send_signal(signal.SIGTERM)
    assert recorder.stderr is not None
    err = (await recorder.stderr.read()).decode()
    assert await recorder.wait() == 0, err
    assert "kB written to" in err
    assert Recording.open(tmp_path / "rec").whats(SALESORDER)


async def test_an_unknown_instance_is_refused(opsconsole: RunVerb, tmp_path: Path) -> None:
    run = await opsconsole(
        "record", "--for", "5", "--instance", "no-such-db", "--output", str(tmp_path)
    )
    assert run.status == 2
    assert "no instance named 'no-such-db'" in run.stderr
    assert not hour_files(tmp_path)


@pytest.mark.timeout(150)
async def test_nothing_unmasked_nor_secret_is_recorded(
    lab_dir: Path,
    data: DataLayer,
    opsconsole: RunVerb,
    tmp_path: Path,
    seeded_pii: tuple[str, ...],
    lab_passwords: tuple[str, ...],
) -> None:
    email = next(v for v in seeded_pii if "@" in v)
    card = next(v for v in seeded_pii if v.isdigit() and len(v) >= 13)
    leaky = f"SELECT SLEEP(25), '{email}' AS contact, '{card}' AS card"
    argv = clients.mysql_argv(Layout(lab_dir), "report", "-e", leaky)
    child = await asyncio.create_subprocess_exec(*argv)
    try:
        await asyncio.sleep(2)  # running before the first sample
        folder = tmp_path / "rec"
        run = await opsconsole(
            "record", "--for", "12", "--instance", SALESORDER, "--instance", MARKET,
            "--output", str(folder),
        )  # fmt: skip
    finally:
        child.kill()
        await child.wait()
    assert run.status == 0, run.stderr
    text = "\n".join(
        json.dumps(samples) for path in hour_files(folder) for _at, samples in read_file(path)
    )
    assert "contact" in text, "the leaky statement was not recorded: nothing was tested"
    assert "SLEEP" in text and "client" in text.lower()
    leaked = [value for value in seeded_pii if value in text]
    assert not leaked, f"PII in the recording: {leaked[:3]}"
    assert not [p for p in lab_passwords if p in text], "a lab password is in the recording"
    raw = b"".join(p.read_bytes() for p in hour_files(folder))
    assert not [p for p in lab_passwords if p.encode() in raw]


@pytest.fixture
def nearly_full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 kB tmpfs with all but ~8 kB taken: a real full disk a few intervals in."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], check=True)
    try:
        free = shutil.disk_usage(folder).free
        (folder / "filler").write_bytes(b"\0" * (free - 8 * 1024))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.mark.timeout(150)
async def test_a_full_disk_stops_recording_with_a_clear_message(
    opsconsole: RunVerb, nearly_full_disk: Path
) -> None:
    folder = nearly_full_disk / "rec"
    run = await opsconsole(
        "record", "--for", "90", "--instance", SALESORDER, "--output", str(folder)
    )
    assert run.status == 1, run.stderr
    assert "recording stopped: cannot write" in run.stderr
    assert "No space left on device" in run.stderr and "is intact" in run.stderr
    recording = Recording.open(folder)  # the intervals before the disk filled, all readable
    assert f"up to {recording.end:%H:%M:%S} UTC is intact" in run.stderr
