"""The Redis TTL and big-key audit, as pure aggregation: prefixes, biggest keys, the plan.

The data layer scans and feeds each key's facts here; this module decides which keys are worth a
MEMORY USAGE (a sample, plus any key big enough to rank), counts per prefix, keeps the biggest
keys by length and by memory per type (as `redis-cli --bigkeys` and `--memkeys` do), remembers
the keys without TTL for the remediation plan, and round-trips to JSON so a scan can resume.
Key names are masked whenever they are kept for display; prefixes collapse id segments to `*`.
"""

from __future__ import annotations

import heapq
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from functools import lru_cache
from typing import Any

from console.data.models import BigKey, PrefixUsage, RemediationCommand, RemediationPlan
from console.safety.masking import mask_text
from console.safety.redisguard import plan_redis

STATE_VERSION = 1
NO_PREFIX = "(no prefix)"
OTHER_PREFIXES = "(other prefixes)"
MAX_PREFIXES = 5000
"""Beyond this many distinct prefixes, keys are counted under OTHER_PREFIXES."""
MIN_SAMPLES = 3
"""The first keys of every prefix are always measured, so a small prefix has a memory figure."""

# The command that gives a key's length, by type (as redis-cli --bigkeys), and its unit.
SIZE_COMMANDS = {
    "string": ("STRLEN", "bytes"),
    "list": ("LLEN", "items"),
    "set": ("SCARD", "members"),
    "hash": ("HLEN", "fields"),
    "zset": ("ZCARD", "members"),
    "stream": ("XLEN", "entries"),
}
_ID = re.compile(r"[0-9a-fA-F-]{8,}|[0-9]+")
Entry = tuple[int, str, int, int, int]
"""A ranked key: (size or memory, masked name, size, memory or -1, PTTL)."""


@dataclass(frozen=True, slots=True)
class KeyFact:
    """What the scan learnt about one key (the name raw: utf-8 with surrogateescape)."""

    key: str
    type: str
    ttl_ms: int
    """PTTL: -1 for a key without TTL."""
    size: int | None
    memory: int | None
    sampled: bool
    """Measured as part of the random sample (not only because it is big)."""


@dataclass(slots=True)
class _Prefix:
    keys: int = 0
    no_ttl: int = 0
    measured_keys: int = 0
    measured_bytes: int = 0
    sampled_keys: int = 0
    sampled_bytes: int = 0
    biggest_memory: int = 0
    biggest_key: str = ""


def _is_id(segment: str) -> bool:
    return segment.isdigit() or (
        _ID.fullmatch(segment) is not None and any(c.isdigit() for c in segment)
    )


@lru_cache(maxsize=65536)
def _prefix_of_head(head: str) -> str:
    return mask_text(":".join("*" if _is_id(part) else part for part in head.split(":")))


def prefix_of(key: str) -> str:
    """`isales:market:member:17:coupons` -> `isales:market:member:*`: up to the last `:`, ids as
    `*` (digits, hex, uuids), then masked, so prefixes group like keys and never show PII.
    Cached by the part before the last `:` (most keys share it with many others)."""
    head, colon, _ = key.rpartition(":")
    return _prefix_of_head(head) if colon else NO_PREFIX


def shape_of(key: str) -> str:
    """The key's prefix and its last segment, ids as `*` (`isales:market:member:*:coupons`): keys
    of one shape nearly always have one type, so the scan guesses a key's type from its shape."""
    tail = key.rpartition(":")[2]
    return f"{prefix_of(key)}:{'*' if _is_id(tail) else tail}"


def shown_key(key: str) -> str:
    """A key name for display: non-UTF-8 bytes escaped, PII masked."""
    return mask_text(key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


class TtlAudit:
    """The running aggregate of one audit; `add` each key, `to_json`/`from_json` to resume."""

    def __init__(self, *, top: int = 5, sample_every: int = 10, plan_limit: int = 10_000) -> None:
        self.top = max(1, top)
        self.sample_every = max(1, sample_every)
        self.plan_limit = max(0, plan_limit)
        self.prefixes: dict[str, _Prefix] = {}
        # min-heaps of Entry per type
        self.by_size: dict[str, list[Entry]] = {}
        self.by_memory: dict[str, list[Entry]] = {}
        self.no_ttl_keys: list[str] = []
        self.no_ttl_total = 0
        self.scanned = 0
        self.commands = 0
        self.elapsed_s = 0.0
        self.runs = 0

    # --- what to measure ---------------------------------------------------------------------

    def wants_sample(self, key: str) -> bool:
        """True for the random sample: 1 key in `sample_every` (stable across runs by a hash of
        the name), plus the first keys of each prefix."""
        state = self.prefixes.get(prefix_of(key))
        if state is None or state.sampled_keys < MIN_SAMPLES:
            return True
        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % self.sample_every == 0

    def wants_memory(self, kind: str, size: int | None) -> bool:
        """True for a key long enough to rank among its type's biggest: its memory may too."""
        if size is None:
            return False
        heap = self.by_size.get(kind, [])
        return len(heap) < self.top or size > heap[0][0]

    # --- aggregation -------------------------------------------------------------------------

    def add(self, fact: KeyFact) -> None:
        """Count one key under its prefix and rank it."""
        self.add_key(fact.key, fact.type, fact.ttl_ms, fact.size, fact.memory, fact.sampled)

    def add_key(
        self, key: str, kind: str, ttl_ms: int, size: int | None, memory: int | None,
        sampled: bool,
    ) -> None:  # fmt: skip
        """`add` without a KeyFact: the scan calls this once per key (a million times)."""
        self.scanned += 1
        name = prefix_of(key)
        state = self.prefixes.get(name)
        if state is None:
            name = name if len(self.prefixes) < MAX_PREFIXES else OTHER_PREFIXES
            state = self.prefixes.setdefault(name, _Prefix())
        state.keys += 1
        if ttl_ms < 0:
            state.no_ttl += 1
            self.no_ttl_total += 1
            if len(self.no_ttl_keys) < self.plan_limit:
                self.no_ttl_keys.append(key)
        if size is not None:
            self._rank(self.by_size, size, (kind, key, size, memory, ttl_ms))
        if memory is not None:
            state.measured_keys += 1
            state.measured_bytes += memory
            if sampled:
                state.sampled_keys += 1
                state.sampled_bytes += memory
            if memory > state.biggest_memory:
                state.biggest_memory, state.biggest_key = memory, shown_key(key)
            self._rank(self.by_memory, memory, (kind, key, size, memory, ttl_ms))

    def _rank(
        self, table: dict[str, list[Entry]], value: int,
        fact: tuple[str, str, int | None, int | None, int],
    ) -> None:  # fmt: skip
        kind, key, size, memory, ttl_ms = fact
        heap = table.get(kind)
        if heap is None:
            heap = table[kind] = []
        if len(heap) >= self.top and value <= heap[0][0]:
            return
        entry = (value, shown_key(key), size or 0, -1 if memory is None else memory, ttl_ms)
        if len(heap) < self.top:
            heapq.heappush(heap, entry)
        else:
            heapq.heapreplace(heap, entry)

    # --- results -----------------------------------------------------------------------------

    def prefix_usage(self) -> tuple[PrefixUsage, ...]:
        """Every prefix, most keys without TTL first, then most memory."""
        found = [_usage(name, state) for name, state in self.prefixes.items()]
        found.sort(key=lambda p: (-p.no_ttl, -p.memory_bytes, p.prefix))
        return tuple(found)

    def biggest(self, by_memory: bool) -> tuple[BigKey, ...]:
        """The top keys of each type (by length, or by memory), biggest first within a type."""
        table = self.by_memory if by_memory else self.by_size
        return tuple(
            _big_key(kind, entry)
            for kind in sorted(table)
            for entry in sorted(table[kind], reverse=True)
        )

    # --- resume ------------------------------------------------------------------------------

    def to_json(self, extra: dict[str, Any]) -> str:
        """The whole aggregate (and the scan's own fields in `extra`) as JSON text."""
        state = {
            "version": STATE_VERSION,
            "options": [self.top, self.sample_every, self.plan_limit],
            "counters": [self.scanned, self.commands, self.elapsed_s, self.runs, self.no_ttl_total],
            "prefixes": {name: astuple(p) for name, p in self.prefixes.items()},
            "by_size": self.by_size,
            "by_memory": self.by_memory,
            "no_ttl_keys": self.no_ttl_keys,
            "scan": extra,
        }
        return json.dumps(state, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> tuple[TtlAudit, dict[str, Any]]:
        """(aggregate, the scan's own fields) from `to_json`'s text; ValueError if it is not."""
        try:
            state = json.loads(text)
            if state.get("version") != STATE_VERSION:
                raise ValueError(f"state version {state.get('version')!r}")
            top, every, limit = state["options"]
            audit = cls(top=top, sample_every=every, plan_limit=limit)
            (audit.scanned, audit.commands, audit.elapsed_s, audit.runs,
             audit.no_ttl_total) = state["counters"]  # fmt: skip
            audit.prefixes = {n: _Prefix(*fields) for n, fields in state["prefixes"].items()}
            audit.by_size = _heaps(state["by_size"])
            audit.by_memory = _heaps(state["by_memory"])
            audit.no_ttl_keys = [str(key) for key in state["no_ttl_keys"]]
            return audit, dict(state["scan"])
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not an audit state ({exc})") from exc


def _heaps(table: dict[str, Iterable[Sequence[Any]]]) -> dict[str, list[Entry]]:
    heaps: dict[str, list[Entry]] = {}
    for kind, entries in table.items():
        heap = [(int(a), str(b), int(c), int(d), int(e)) for a, b, c, d, e in entries]
        heapq.heapify(heap)
        heaps[str(kind)] = heap
    return heaps


def _usage(name: str, state: _Prefix) -> PrefixUsage:
    """Measured bytes, plus the sample's mean for every key not measured (extrapolated)."""
    unmeasured = state.keys - state.measured_keys
    mean = state.sampled_bytes / state.sampled_keys if state.sampled_keys else 0.0
    return PrefixUsage(
        prefix=name,
        keys=state.keys,
        no_ttl=state.no_ttl,
        memory_bytes=round(state.measured_bytes + mean * unmeasured),
        measured_keys=state.measured_keys,
        biggest_key=state.biggest_key or None,
        biggest_memory_bytes=state.biggest_memory or None,
    )


def _big_key(kind: str, entry: Entry) -> BigKey:
    _, key, size, memory, ttl_ms = entry
    unit = SIZE_COMMANDS.get(kind, ("", "elements"))[1]
    ttl_s = None if ttl_ms < 0 else ttl_ms / 1000
    return BigKey(key, kind, size, unit, None if memory < 0 else memory, ttl_s)


def expire_seconds(key: str, ttl_s: int, jitter_s: int) -> int:
    """`ttl_s` plus a jitter in [0, jitter_s] that depends only on the key (a stable plan), so
    the keys do not all expire in the same second."""
    if jitter_s <= 0:
        return ttl_s
    return ttl_s + zlib.crc32(key.encode("utf-8", "surrogateescape")) % (jitter_s + 1)


def remediation_plan(
    instance: str,
    keys: Sequence[str],
    *,
    keys_without_ttl: int,
    ttl_s: int,
    jitter_s: int,
    production: bool,
    complete: bool,
) -> RemediationPlan:
    """`EXPIRE key <ttl + jitter>` for each key, each judged by the Redis guard (a dry run)."""
    commands = []
    for key in keys:
        seconds = str(expire_seconds(key, ttl_s, jitter_s))
        verdict = plan_redis(["EXPIRE", key, seconds], production=production)
        commands.append(
            RemediationCommand(
                command=verdict.command,
                shown=f"EXPIRE {shown_key(key)} {seconds}",
                classification=verdict.classification,
                confirmations=verdict.confirmations,
                reasons=verdict.reasons,
            )
        )
    return RemediationPlan(
        instance, ttl_s, jitter_s, tuple(commands), keys_without_ttl, complete, dry_run=True
    )
