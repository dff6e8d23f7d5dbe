"""The hour files: written per interval, read back whole, torn tails skipped, pruned, full disk."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.data.models import Alert, FleetHealth, Health, Process, Reading
from console.inventory import Instance
from console.services.recording.store import (
    MAGIC,
    Recording,
    RecordingError,
    RecordingStoppedError,
    RecordingWriter,
    Sample,
    hour_files,
)

T0 = datetime(2026, 12, 5, 3, 10, 0, tzinfo=UTC)
DB = Instance("mysql", "db-1", "Auth", "production", "10.0.0.1", 3306, "ro", "file:/x")


def _health(state: str, at: datetime) -> FleetHealth:
    reading = Reading("db-1", "mysql", at, 0.01, value=Health(state, 1.5))  # type: ignore[arg-type]
    return FleetHealth("db-1", "mysql", "Auth", reading)


def _process(seconds: float, query: str = "SELECT ?") -> Process:
    return Process(7, "app", "10.0.0.9:5000", "auth", "Query", "Sending data", seconds, None, query)


def _alert(fingerprint: str) -> Alert:
    return Alert(fingerprint, "MySQLDown", "critical", "active", None, "db-1 down", ())


def _interval(at: datetime, state: str = "ok", alerts: tuple[Alert, ...] = ()) -> list[Sample]:
    return [
        Sample(at, "db-1", "health", _health(state, at), None),
        Sample(at, None, "alerts", alerts, None),
        Sample(at, "db-1", "processlist", (_process((at - T0).total_seconds()),), None),
    ]


def _writer(folder: Path, **kwargs: float) -> RecordingWriter:
    return RecordingWriter(folder, kwargs.get("keep_hours", 24), int(kwargs.get("max_bytes", 1e9)))


def test_what_is_written_reads_back_by_time(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.write(T0, [Sample(T0, None, "fleet", (DB,), None), *_interval(T0)])
    later = T0 + timedelta(seconds=5)
    writer.write(later, _interval(later))
    writer.close()

    recording = Recording.open(tmp_path)
    assert (recording.start, recording.end) == (T0, later)
    assert recording.times() == (T0, later)
    sample = recording.at("db-1", "processlist", T0 + timedelta(seconds=4))
    assert sample is not None and sample.at == T0 and sample.value == (_process(0.0),)
    assert recording.at("db-1", "processlist", T0 - timedelta(seconds=1)) is None
    assert recording.at("db-2", "processlist", later) is None
    (instance,) = recording.instances()
    assert (instance.name, instance.endpoint, instance.secret, instance.user) == (
        "db-1",
        "10.0.0.1:3306",
        "",
        None,
    )


def test_a_failed_reading_is_kept_with_its_error(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.write(T0, [Sample(T0, "db-1", "lock_waits", None, "db-1 (mysql): timeout: 5 s")])
    writer.close()
    sample = Recording.open(tmp_path).at("db-1", "lock_waits", T0)
    assert (
        sample is not None and sample.value is None and sample.error == "db-1 (mysql): timeout: 5 s"
    )


def test_changes_are_health_states_and_firing_alerts(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    steps = [
        ("ok", ()),
        ("ok", ()),
        ("warn", ()),
        ("warn", (_alert("a1"),)),
        ("warn", (_alert("a1"),)),
    ]
    times = [T0 + timedelta(seconds=5 * n) for n in range(len(steps))]
    for at, (state, alerts) in zip(times, steps, strict=True):
        writer.write(at, _interval(at, state, alerts))
    writer.close()
    assert Recording.open(tmp_path).changes() == (times[2], times[3])


def test_a_torn_last_interval_is_skipped_and_the_next_run_appends(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    for n in range(3):
        at = T0 + timedelta(seconds=5 * n)
        writer.write(at, _interval(at))
    writer.close()
    (path,) = hour_files(tmp_path)
    whole = path.stat().st_size
    with path.open("r+b") as file:  # what a kill in the middle of a write could leave
        file.truncate(whole - 7)
    assert Recording.open(tmp_path).end == T0 + timedelta(seconds=5)

    again = _writer(tmp_path)
    resumed = T0 + timedelta(seconds=30)
    again.write(resumed, _interval(resumed))
    again.close()
    recording = Recording.open(tmp_path)
    assert recording.times() == (T0, T0 + timedelta(seconds=5), resumed)
    sample = recording.at("db-1", "processlist", resumed)
    assert sample is not None and sample.value == (_process(30.0),)


def test_one_file_per_hour_each_naming_the_fleet(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.write(T0, [Sample(T0, None, "fleet", (DB,), None), *_interval(T0)])
    next_hour = T0 + timedelta(hours=1)
    writer.write(next_hour, _interval(next_hour))
    writer.close()
    first, second = hour_files(tmp_path)
    assert (first.name, second.name) == ("2026-12-05T03.rec", "2026-12-05T04.rec")
    first.unlink()  # retention took the first hour: the second still names its instances
    assert [i.name for i in Recording.open(tmp_path).instances()] == ["db-1"]


def test_retention_by_hours_and_by_bytes(tmp_path: Path) -> None:
    writer = _writer(tmp_path, keep_hours=48)
    for hour in range(4):
        at = T0 + timedelta(hours=hour)
        writer.write(at, _interval(at))
    writer.close()
    assert len(hour_files(tmp_path)) == 4
    by_age = _writer(tmp_path, keep_hours=2)
    gone = by_age.prune(now=T0 + timedelta(hours=3, minutes=30))
    assert sorted(p.name for p in gone) == ["2026-12-05T03.rec"]
    size = max(p.stat().st_size for p in hour_files(tmp_path))
    by_bytes = _writer(tmp_path, keep_hours=48, max_bytes=size)
    by_bytes.prune(now=T0 + timedelta(hours=3, minutes=30))
    assert [p.name for p in hour_files(tmp_path)] == ["2026-12-05T06.rec"]


def test_an_empty_folder_or_a_foreign_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="no recording"):
        Recording.open(tmp_path)
    foreign = tmp_path / "2026-12-05T03.rec"
    foreign.write_bytes(b"not mine")
    with pytest.raises(RecordingStoppedError, match="not an opsconsole recording"):
        _writer(tmp_path).write(T0, _interval(T0))
    assert foreign.read_bytes() == b"not mine"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs: a real full disk (ENOSPC), not a simulated one. Needs root to mount."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_stops_recording_and_corrupts_nothing(small_disk: Path) -> None:
    writer = _writer(small_disk / "rec")
    written: list[datetime] = []
    stopped = None
    for n in range(100):
        at = T0 + timedelta(seconds=5 * n)
        noise = os.urandom(6000).hex()  # incompressible: fills the disk in a few intervals
        try:
            writer.write(at, [Sample(at, "db-1", "processlist", (_process(n, noise),), None)])
        except RecordingStoppedError as error:
            stopped = error
            break
        written.append(at)
    writer.close()
    assert stopped is not None, "64 kB of disk took 100 incompressible intervals"
    assert "No space left on device" in str(stopped)
    assert "is intact" in str(stopped)
    recording = Recording.open(small_disk / "rec")
    assert recording.times() == tuple(written)
    (path,) = hour_files(small_disk / "rec")
    assert path.read_bytes().startswith(MAGIC)
    with pytest.raises(RecordingStoppedError):  # it stays stopped
        writer.write(T0 + timedelta(hours=1), _interval(T0))


def test_two_recorders_on_one_folder_write_files_of_their_own(tmp_path: Path) -> None:
    first, second = _writer(tmp_path), _writer(tmp_path)
    for n in range(3):
        at = T0 + timedelta(seconds=5 * n)
        first.write(at, _interval(at))
        second.write(at + timedelta(seconds=1), _interval(at + timedelta(seconds=1), "warn"))
    first.close()
    second.close()
    names = {p.name for p in hour_files(tmp_path)}
    assert names == {"2026-12-05T03.rec", f"2026-12-05T03-{os.getpid()}.rec"}
    recording = Recording.open(tmp_path)
    assert len(recording.times()) == 6  # both, merged in time order
    sample = recording.at("db-1", "health", T0 + timedelta(seconds=11))
    assert sample is not None and isinstance(sample.value, FleetHealth)
    assert sample.value.state == "warn"
