"""The slow-query digest: slow-log entries grouped by fingerprint, ranked by total time.

Memory is bounded per fingerprint whatever the size of the log: counters, sums, the worst
sample and a histogram of at most 1,000 buckets, each 5 % wider than the one before, which is
how pt-query-digest computes its 95th percentile (`EventAggregator`); ours is computed the same
way, so the two agree. Samples are kept as logged and scrubbed (redacted and masked) when the
report is built: no statement text leaves this module unmasked or with a password.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice

from console.analysis.fingerprint import class_key, fingerprint
from console.analysis.slowlog import NotASlowLogError, SlowEvent, is_preamble, parse
from console.safety.scrub import scrub

SAMPLE_KEEP = 8192
"""Characters of the worst statement kept per fingerprint (masked, then cut for display)."""
SAMPLE_SHOW = 2000
_BUCKET_SIZE = 1.05
_BUCKETS = 1000
_MIN_BUCKET = 0.000001
_BASE_LOG = math.log(_BUCKET_SIZE)
_BASE_OFFSET = abs(1 - math.log(_MIN_BUCKET) / _BASE_LOG)
_FINGERPRINT_CACHE = 20_000
_SNIFF_LINES = 5000
_MARKERS = ("# Time:", "# User@Host:", "# Query_time:")


def bucket_index(value: float) -> int:
    """pt-query-digest's histogram bucket of a value (0 below 1 µs)."""
    if value < _MIN_BUCKET:
        return 0
    return min(_BUCKETS - 1, int(_BASE_OFFSET + math.log(value) / _BASE_LOG))


def bucket_value(bucket: int) -> float:
    return 0.0 if bucket == 0 else (_BUCKET_SIZE ** (bucket - 1)) * _MIN_BUCKET


def percentile_95(histogram: dict[int, int], count: int, low: float, high: float) -> float:
    """The 95th percentile as pt-query-digest reports it: the lower edge of the bucket holding
    it; with one or two values, or all equal, the maximum."""
    if count <= 2 or low == high:
        return high
    top = count - (int(count * 0.95) if count >= 10 else count)
    seen = 0
    for bucket in sorted(histogram, reverse=True):
        seen += histogram[bucket]
        if seen > top:
            return bucket_value(bucket)
    return 0.0


@dataclass(frozen=True, slots=True)
class DigestRow:
    """One fingerprint's totals; `sample` is the slowest statement of the class, masked."""

    fingerprint: str
    query_id: str  # pt-query-digest's checksum (MD5 of the fingerprint, upper-case hex)
    count: int
    total_time_s: float
    avg_time_s: float
    p95_time_s: float
    max_time_s: float
    lock_time_s: float
    rows_sent: int
    rows_examined: int
    first_seen: datetime | None
    last_seen: datetime | None
    share: float  # of the total query time of the log, 0..1
    db: str | None
    sample: str
    instances: tuple[tuple[str, int], ...] = ()
    """In a fleet digest: the instances that ran the class, most events first."""


@dataclass(frozen=True, slots=True)
class DigestReport:
    """A whole digest: every class, ranked by total time (then count, then fingerprint).

    As in pt-query-digest, `events` counts the entries with a Query_time, and a class none of
    whose entries had one is left out; a row's `count` is every entry of its class.
    """

    rows: tuple[DigestRow, ...]
    events: int
    total_time_s: float
    first_seen: datetime | None
    last_seen: datetime | None

    def top(self, limit: int | None) -> tuple[DigestRow, ...]:
        return self.rows if limit is None else self.rows[:limit]


class _Class:
    """The running totals of one fingerprint (bounded: the histogram has at most 1,000 keys)."""

    __slots__ = (
        "count",
        "db",
        "examined",
        "first",
        "high",
        "histogram",
        "last",
        "lock",
        "low",
        "sample",
        "sent",
        "sources",
        "timed",
        "total",
    )  # fmt: skip

    def __init__(self) -> None:
        self.count = 0
        self.timed = 0  # the events with a Query_time (pt's figures are over these)
        self.total = self.high = self.lock = 0.0
        self.low = math.inf
        self.sent = self.examined = 0
        self.first = self.last = math.nan
        self.histogram: dict[int, int] = {}
        self.sample = ""
        self.db: str | None = None
        self.sources: dict[str, int] = {}


class Digester:
    """Feed events (`add`), then `report()`; state stays bounded per fingerprint."""

    def __init__(self) -> None:
        self.classes: dict[str, _Class] = {}
        self._fingerprints: dict[str, str] = {}
        self.events = 0

    def _fingerprint(self, query: str) -> str:
        key = class_key(query)
        if key is None:
            return fingerprint(query)
        found = self._fingerprints.get(key)
        if found is None:
            if len(self._fingerprints) >= _FINGERPRINT_CACHE:
                self._fingerprints.clear()
            found = self._fingerprints[key] = fingerprint(query)
        return found

    def add(self, event: SlowEvent, source: str | None = None) -> None:
        """Count one event (`source`: the instance it came from, in a fleet digest)."""
        key = self._fingerprint(event.query)
        group = self.classes.get(key)
        if group is None:
            group = self.classes[key] = _Class()
        group.count += 1
        group.lock += event.lock_time_s
        group.sent += event.rows_sent
        group.examined += event.rows_examined
        stamp = event.timestamp_s
        if stamp is not None:
            if not stamp >= group.first:  # NaN until the first timestamp
                group.first = stamp
            if not stamp <= group.last:
                group.last = stamp
        if source is not None:
            group.sources[source] = group.sources.get(source, 0) + 1
        seconds = event.query_time_s
        if seconds is None:
            return  # counted in its class, as pt counts it, but in no time figure
        group.timed += 1
        group.total += seconds
        if seconds > group.high or group.timed == 1:
            group.high = seconds
            group.sample = event.query[:SAMPLE_KEEP]
            group.db = event.db
        if seconds < group.low:
            group.low = seconds
        bucket = bucket_index(seconds)
        group.histogram[bucket] = group.histogram.get(bucket, 0) + 1
        self.events += 1

    def report(self) -> DigestReport:
        overall = sum(group.total for group in self.classes.values())
        rows = sorted(
            (_row(key, group, overall) for key, group in self.classes.items() if group.timed),
            key=lambda row: (-row.total_time_s, -row.count, row.fingerprint),
        )
        firsts = [row.first_seen for row in rows if row.first_seen is not None]
        lasts = [row.last_seen for row in rows if row.last_seen is not None]
        return DigestReport(
            rows=tuple(rows),
            events=self.events,
            total_time_s=overall,
            first_seen=min(firsts, default=None),
            last_seen=max(lasts, default=None),
        )


def _moment(stamp: float) -> datetime | None:
    return None if math.isnan(stamp) else datetime.fromtimestamp(stamp, UTC)


def _sample(text: str) -> str:
    masked = scrub(text.strip())
    return masked if len(masked) <= SAMPLE_SHOW else masked[: SAMPLE_SHOW - 1] + "…"


def _row(key: str, group: _Class, overall: float) -> DigestRow:
    return DigestRow(
        fingerprint=scrub(key),
        query_id=hashlib.md5(key.encode(), usedforsecurity=False).hexdigest().upper(),
        count=group.count,
        total_time_s=group.total,
        avg_time_s=group.total / group.timed,
        p95_time_s=percentile_95(group.histogram, group.timed, group.low, group.high),
        max_time_s=group.high,
        lock_time_s=group.lock,
        rows_sent=group.sent,
        rows_examined=group.examined,
        first_seen=_moment(group.first),
        last_seen=_moment(group.last),
        share=group.total / overall if overall > 0 else 0.0,
        db=group.db,
        sample=_sample(group.sample),
        instances=tuple(sorted(group.sources.items(), key=lambda item: (-item[1], item[0]))),
    )


def _looks_like_slow_log(head: list[str]) -> bool:
    return any(line.startswith(_MARKERS) or is_preamble(line) for line in head)


def sniffed(lines: Iterable[str]) -> Iterator[str]:
    """`lines`, after checking that the first few thousand look like a slow log.

    Raises NotASlowLogError when they have text but no entry header and no server preamble.
    """
    source = iter(lines)
    head = [line if line.endswith("\n") else line + "\n" for line in islice(source, _SNIFF_LINES)]
    if any(line.strip() for line in head) and not _looks_like_slow_log(head):
        raise NotASlowLogError("no slow-log entry (`# Query_time:`) in the first lines")
    return chain(head, source)


def digest_lines(lines: Iterable[str], *, terminated: bool | None = None) -> DigestReport:
    """Parse and digest a slow log given as lines (a file object, CloudWatch events...).

    `terminated`: the lines keep their newlines (default: when `lines` is a text file).
    """
    if terminated is None:
        terminated = isinstance(lines, io.TextIOBase)
    digester = Digester()
    add = digester.add
    for event in parse(sniffed(lines), terminated=terminated):
        add(event)
    return digester.report()


def digest_fleet(logs: Iterable[tuple[str, Iterable[str]]]) -> tuple[DigestReport, list[str]]:
    """One digest of many instances' slow logs: classes merged across the fleet, each row
    naming the instances that ran it. The second value: the instances whose text was not a
    slow log (left out, with why)."""
    digester = Digester()
    add = digester.add
    problems: list[str] = []
    for instance, lines in logs:
        try:
            for event in parse(sniffed(lines), terminated=False):
                add(event, instance)
        except NotASlowLogError as exc:
            problems.append(f"{instance}: {exc}")
    return digester.report(), problems


def where(row: DigestRow) -> str:
    """`salesorder +3`: the instance that ran a class most, and how many others did."""
    if not row.instances:
        return row.db or ""
    first = row.instances[0][0].removeprefix("aws-luckyus-").removesuffix("-rw")
    return first + (f" +{len(row.instances) - 1}" if len(row.instances) > 1 else "")
