"""Hour files of a recording: how they are written, pruned and read back.

Format (chosen by measured figures, bench/RESULTS.md): one file per UTC hour, `YYYY-MM-DDTHH.rec`
(`YYYY-MM-DDTHH-PID.rec` for a second recorder writing the same folder at once),
a magic line then frames. A frame is one interval: a header (payload length, CRC-32, flags) and
the interval's samples as JSON, compressed by one zlib stream per file and flushed (Z_SYNC_FLUSH)
at the end of each frame.

Why a stream and not a compressed batch per interval: a processlist repeats most of the last
one, and the stream's window still holds it, so an interval costs what changed (about a fifth
of an independently compressed batch). Why frames with a CRC rather than SQLite: a frame is
written by one `write`, so a recorder killed with SIGKILL leaves whole frames and at most a torn
last one, which the reader skips; a full disk cuts the file back to its last whole frame. Both
keep every earlier interval readable without a journal to replay.
"""

from __future__ import annotations

import bisect
import fcntl
import json
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.inventory import Instance
from console.services.recording.codec import Json, decode, encode, items_of

MAGIC = b"OPSREC1\n"
SUFFIX = ".rec"
HOUR = len("YYYY-MM-DDTHH")
"""A file's hour is the first characters of its name (`HOUR-PID.rec`: a second writer's)."""
_HEADER = struct.Struct(">IIB")  # payload length, CRC-32 (of length, flags, payload), flags
_RESET = 1
"""Flag: the frame starts a new zlib stream (first frame of a file, or after a restart)."""
MAX_FRAME = 64 * 1024 * 1024


@dataclass(frozen=True)
class Sample:
    """One recorded reading: when, of which instance (None: fleet-wide), what, value or error."""

    at: datetime
    instance: str | None
    what: str
    value: object | None
    error: str | None


class RecordingError(Exception):
    """A folder holds no readable recording."""


class RecordingStoppedError(OSError):
    """Writing failed (disk full, file size limit): the file was cut back to its last whole
    interval and recording stopped. The message says where and up to when it is intact."""


def hour_name(at: datetime) -> str:
    """The file name of the hour `at` falls in (UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H") + SUFFIX


def hour_files(folder: Path) -> list[Path]:
    """Every hour file of `folder`, oldest first."""
    return sorted(p for p in folder.glob(f"*{SUFFIX}") if p.is_file())


# --- writing -----------------------------------------------------------------------------


class RecordingWriter:
    """Appends one frame per interval to the hour file; rotates, prunes and stops when full.

    Why it re-writes the fleet at the start of each hour file: retention deletes whole files,
    and every file left must still say which instances it is about.
    """

    def __init__(self, folder: Path, keep_hours: float, max_bytes: int, level: int = 9) -> None:
        self.folder = folder
        self.keep_hours = keep_hours
        self.max_bytes = max_bytes
        self.level = level
        self._fd: int | None = None
        self._path: Path | None = None
        self._size = 0
        self._compressor: zlib._Compress | None = None
        self._fleet: Sample | None = None
        self._last_at: datetime | None = None
        self.stopped: str | None = None
        self.written_bytes = 0

    @property
    def path(self) -> Path | None:
        return self._path

    def write(self, at: datetime, samples: Sequence[Sample]) -> int:
        """Write one interval's samples as one frame; the bytes it took on disk.

        Raises RecordingStoppedError (and stops) when the disk or a file size limit refuses it.
        """
        if self.stopped is not None:
            raise RecordingStoppedError(self.stopped)
        fleet = next((s for s in samples if s.what == "fleet"), None)
        if fleet is not None:
            self._fleet = fleet
        name = hour_name(at)
        if self._path is None or self._path.name[:HOUR] != name[:HOUR]:
            self._open(self.folder / name)
            if fleet is None and self._fleet is not None:
                samples = (_moved(self._fleet, at), *samples)
        frame = self._frame(at, samples)
        self._append(frame, at)
        return len(frame)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd = None
        self._path = None

    def _open(self, path: Path) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _locked(fd):  # another recorder writes this hour here: a file of our own
            os.close(fd)
            path = path.with_name(f"{path.name[:HOUR]}-{os.getpid()}{SUFFIX}")
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            good = _whole_length(fd)
            if good < 0:
                raise OSError(0, "it is not an opsconsole recording; not overwritten")
            if good == 0:
                os.ftruncate(fd, 0)
                os.write(fd, MAGIC)
                good = len(MAGIC)
            else:
                os.ftruncate(fd, good)  # a torn last frame of a killed run
        except OSError as error:
            os.close(fd)
            self._stop(path, error)
        os.lseek(fd, good, os.SEEK_SET)
        self._fd, self._path, self._size = fd, path, good
        self._compressor = None
        self.prune()

    def _frame(self, at: datetime, samples: Sequence[Sample]) -> bytes:
        body = {
            "at": at.astimezone(UTC).isoformat(),
            "samples": [[s.instance, s.what, encode(s.value), s.error] for s in samples],
        }
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        flags = 0
        if self._compressor is None:
            self._compressor = zlib.compressobj(self.level)
            flags = _RESET
        payload = self._compressor.compress(raw) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        head = struct.pack(">IB", len(payload), flags)
        crc = zlib.crc32(payload, zlib.crc32(head))
        return _HEADER.pack(len(payload), crc, flags) + payload

    def _append(self, frame: bytes, at: datetime) -> None:
        assert self._fd is not None
        assert self._path is not None
        try:
            done = 0
            while done < len(frame):
                done += os.write(self._fd, frame[done:])
        except OSError as error:
            try:
                os.ftruncate(self._fd, self._size)
            finally:
                self._stop(self._path, error)
        self._size += len(frame)
        self.written_bytes += len(frame)
        self._last_at = at

    def _stop(self, path: Path, error: OSError) -> None:
        kept = f"up to {self._last_at:%H:%M:%S} UTC " if self._last_at else ""
        self.stopped = (
            f"recording stopped: cannot write {path} ({error.strerror or error}); "
            f"the recording {kept}is intact"
        )
        self.close()
        raise RecordingStoppedError(error.errno or 0, self.stopped) from error

    def prune(self, now: datetime | None = None) -> list[Path]:
        """Delete hour files older than `keep_hours`, then the oldest while the folder holds
        more than `max_bytes`; never the file being written. The files deleted."""
        now = now or datetime.now(UTC)
        oldest = hour_name(now - timedelta(hours=self.keep_hours))[:HOUR]
        files = [p for p in hour_files(self.folder) if p != self._path]
        gone = [p for p in files if p.name[:HOUR] < oldest]
        kept = [p for p in files if p.name[:HOUR] >= oldest]
        total = sum(_size(p) for p in kept) + self._size
        while kept and total > self.max_bytes:
            victim = kept.pop(0)
            total -= _size(victim)
            gone.append(victim)
        deleted = []
        for path in gone:
            try:
                path.unlink(missing_ok=True)
            except OSError:  # not ours to delete (another user's file): retention skips it
                continue
            deleted.append(path)
        return deleted


def _locked(fd: int) -> bool:
    """Take the hour file for this writer alone (released when it is closed, or dies).

    Why: two recorders on one folder (the console's on_view and `opsconsole record` of one
    user) appending to one file would interleave their zlib streams; the second writes
    `HOUR-PID.rec` beside it instead, and the reader merges both."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _moved(sample: Sample, at: datetime) -> Sample:
    return Sample(at, sample.instance, sample.what, sample.value, sample.error)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _whole_length(fd: int) -> int:
    """The length of the file's magic and whole frames (0: empty or only a torn magic line;
    -1: not a recording)."""
    size = os.fstat(fd).st_size
    data = os.pread(fd, size, 0)
    if len(data) < len(MAGIC):
        return 0 if MAGIC.startswith(data) else -1
    if not data.startswith(MAGIC):
        return -1
    end = len(MAGIC)
    for _flags, _payload, after in _frames(data):
        end = after
    return end


# --- reading -----------------------------------------------------------------------------


def _frames(data: bytes) -> Iterator[tuple[int, bytes, int]]:
    """(flags, payload, offset after it) of every whole frame; stops at a torn or bad one."""
    offset = len(MAGIC)
    while offset + _HEADER.size <= len(data):
        length, crc, flags = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        if length > MAX_FRAME or start + length > len(data):
            return
        payload = data[start : start + length]
        if zlib.crc32(payload, zlib.crc32(struct.pack(">IB", length, flags))) != crc:
            return
        offset = start + length
        yield flags, payload, offset


def read_file(path: Path) -> Iterator[tuple[datetime, list[list[Json]]]]:
    """Every whole interval of one hour file: its time and raw samples. A torn or damaged tail
    ends the file (what came before is kept)."""
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        return
    stream: zlib._Decompress | None = None
    for flags, payload, _after in _frames(data):
        if flags & _RESET or stream is None:
            stream = zlib.decompressobj()
        try:
            body = json.loads(stream.decompress(payload))
        except (zlib.error, ValueError):
            return
        yield datetime.fromisoformat(body["at"]), body["samples"]


@dataclass
class _Series:
    """The samples of one (instance, what), in time order, decoded on first use."""

    times: list[datetime] = field(default_factory=list)
    raw: list[tuple[Json, str | None]] = field(default_factory=list)
    decoded: dict[int, Sample] = field(default_factory=dict)


class Recording:
    """A recording read back: every sample of every hour file of a folder.

    Opening reads the files whole (a plain blocking read: on the event loop, call it through
    `asyncio.to_thread`); values are decoded on first use.
    """

    def __init__(self, folder: Path, series: dict[tuple[str | None, str], _Series]) -> None:
        self.folder = folder
        self._series = series
        every = sorted({t for s in series.values() for t in s.times})
        self._times = tuple(every)
        self.start: datetime = every[0]
        self.end: datetime = every[-1]

    @classmethod
    def open(cls, folder: Path) -> Recording:
        """Read every hour file of `folder`; a torn tail (a killed recorder) is skipped."""
        series: dict[tuple[str | None, str], _Series] = {}
        files = hour_files(folder) if folder.is_dir() else []
        for path in files:
            for at, samples in read_file(path):
                for instance, what, value, error in samples:
                    key = (None if instance is None else str(instance), str(what))
                    one = series.setdefault(key, _Series())
                    one.times.append(at)
                    one.raw.append((value, None if error is None else str(error)))
        if not series:
            raise RecordingError(f"no recording in {folder} (no readable {SUFFIX} hour file)")
        for one in series.values():
            order = sorted(range(len(one.times)), key=one.times.__getitem__)
            one.times = [one.times[i] for i in order]
            one.raw = [one.raw[i] for i in order]
        return cls(folder, series)

    def times(self) -> tuple[datetime, ...]:
        """Every distinct sample time, sorted."""
        return self._times

    def whats(self, instance: str | None) -> tuple[str, ...]:
        """What was recorded of `instance` (None: fleet-wide), sorted."""
        return tuple(sorted(what for name, what in self._series if name == instance))

    def samples(self, instance: str | None, what: str) -> tuple[Sample, ...]:
        """Every sample of (instance, what), oldest first."""
        one = self._series.get((instance, what))
        if one is None:
            return ()
        return tuple(self._sample(instance, what, one, i) for i in range(len(one.times)))

    def at(self, instance: str | None, what: str, when: datetime) -> Sample | None:
        """The latest sample of (instance, what) at or before `when`; None if there is none."""
        one = self._series.get((instance, what))
        if one is None:
            return None
        index = bisect.bisect_right(one.times, when) - 1
        if index < 0:
            return None
        return self._sample(instance, what, one, index)

    def instances(self) -> tuple[Instance, ...]:
        """The instances as recorded (latest entry of each name; no user, secret "")."""
        by_name: dict[str, Instance] = {}
        for sample in self.samples(None, "fleet"):
            if isinstance(sample.value, tuple):
                for instance in sample.value:
                    if isinstance(instance, Instance):
                        by_name.pop(instance.name, None)
                        by_name[instance.name] = instance
        return tuple(by_name.values())

    def changes(self) -> tuple[datetime, ...]:
        """Times where any instance's health state or the set of firing alerts changed."""
        marks: dict[datetime, list[tuple[str | None, str, object]]] = {}
        for (instance, what), one in self._series.items():
            if what not in ("health", "alerts"):
                continue
            for at, (raw, _error) in zip(one.times, one.raw, strict=True):
                state: object = _health_state(raw) if what == "health" else _alert_set(raw)
                if state is not None:
                    marks.setdefault(at, []).append((instance, what, state))
        current: dict[tuple[str | None, str], object] = {}
        found: list[datetime] = []
        for at in sorted(marks):
            changed = False
            for instance, what, state in marks[at]:
                key = (instance, what)
                if key in current and current[key] != state:
                    changed = True
                current[key] = state
            if changed:
                found.append(at)
        return tuple(found)

    def _sample(self, instance: str | None, what: str, one: _Series, index: int) -> Sample:
        cached = one.decoded.get(index)
        if cached is None:
            raw, error = one.raw[index]
            value = None if raw is None and error is not None else decode(what, raw)
            cached = Sample(one.times[index], instance, what, value, error)
            one.decoded[index] = cached
        return cached


def _health_state(raw: Json) -> str | None:
    if not isinstance(raw, dict):
        return None
    reading = raw.get("reading")
    value = reading.get("value") if isinstance(reading, dict) else None
    if isinstance(value, dict):
        return str(value.get("state"))
    return "down"


def _alert_set(raw: Json) -> frozenset[tuple[str, str]] | None:
    if not isinstance(raw, (list, dict)):
        return None
    return frozenset(
        (str(a.get("fingerprint")), str(a.get("state")))
        for a in items_of(raw)
        if isinstance(a, dict)
    )
