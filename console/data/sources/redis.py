"""Redis through redis.asyncio: INFO, SLOWLOG, CLIENT LIST, memory and a bounded keyspace sample.

One client per instance, created lazily on the running loop and reused. Only cheap, read-only
commands are sent (SCAN with COUNT, never KEYS); every answer becomes a frozen model here, with
key names, client names and command arguments masked. redis-py drops a connection that is
interrupted mid-command (timeout or cancel), so it is never reused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.config import Timeouts
from console.data.calls import fetch
from console.data.models import (
    Health,
    InfoSection,
    KeySample,
    KeyspaceSample,
    Reading,
    RedisClient,
    RedisInfo,
    RedisMemory,
    RedisReply,
    SlowlogEntry,
)
from console.data.probing import Probe, ProbeFigures
from console.data.rowcap import cut_cell
from console.data.sources.redis_clients import RedisClients
from console.data.sqlrows import to_float, to_int
from console.inventory import Instance
from console.safety.masking import mask_text
from console.safety.redact import MASK
from console.safety.redisbounds import SECRET_PARAMETERS
from console.safety.scrub import scrub

if TYPE_CHECKING:
    # imported where used: redis-py costs ~20 MiB and ~0.15 s that a SQL view never needs
    from redis.asyncio import Redis

MAX_REPLY_LINES = 10_000
"""A command's reply is shown up to this many lines (each cut as a result cell is)."""
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class RedisSource:
    """redis.asyncio access to every Redis instance: one lazily created client each."""

    def __init__(self, timeouts: Timeouts, clients: RedisClients) -> None:
        self._timeouts = timeouts
        self._clients = clients

    async def close(self) -> None:
        """Close every client and its connections."""
        await self._clients.close()

    async def forget(self, instance: Instance) -> None:
        """Drop an instance's client (after a fault), so the next call reconnects."""
        await self._clients.forget(instance)

    # --- public calls: each returns a Reading, never raises for a source failure ----------

    async def health(self, instance: Instance, probe: Probe) -> Reading[Health]:
        """Cheap probe: PING, then clients and memory against their limits (fleet sweep); the
        client's connection is set up first (its own figure), then the commands alone timed."""

        async def answer() -> ProbeFigures:
            client = await self._client(instance)
            await client.ping()
            fields = _fields(await self._info(client, "clients", "memory"))
            return ProbeFigures(
                to_int(fields.get("connected_clients")),
                to_int(fields.get("maxclients")),
                to_int(fields.get("used_memory")),
                to_int(fields.get("maxmemory")) or None,
            )

        return await probe.probe(instance.name, "redis", lambda: self._ready(instance), answer)

    async def _ready(self, instance: Instance) -> None:
        """The client and one connected connection in its pool (connect, AUTH, CLIENT SETNAME)."""
        pool = (await self._client(instance)).connection_pool
        connection = await pool.get_connection()  # type: ignore[no-untyped-call]  # redis-py: untyped
        await pool.release(connection)

    async def info(self, instance: Instance) -> Reading[RedisInfo]:
        """INFO (default sections), parsed into sections plus the summary figures."""

        async def run() -> RedisInfo:
            client = await self._client(instance)
            [text] = await self._info(client)
            return info_from(text)

        return await fetch(instance.name, "redis", self._timeouts.query_s, run)

    async def slowlog(self, instance: Instance, limit: int) -> Reading[tuple[SlowlogEntry, ...]]:
        """The newest SLOWLOG entries, arguments masked."""

        async def run() -> tuple[SlowlogEntry, ...]:
            client = await self._client(instance)
            entries = await client.slowlog_get(limit)
            return tuple(_slowlog_entry(entry) for entry in entries[:limit])

        return await fetch(instance.name, "redis", self._timeouts.query_s, run)

    async def clients(self, instance: Instance, limit: int) -> Reading[tuple[RedisClient, ...]]:
        """CLIENT LIST without our own connection, most recently active first."""

        async def run() -> tuple[RedisClient, ...]:
            client = await self._client(instance)
            async with client.pipeline(transaction=False) as pipe:
                pipe.client_id()  # same connection as the list: our own id
                pipe.client_list()
                own_id, listed = await pipe.execute()
            found = [_client_entry(c) for c in listed if to_int(c.get("id")) != int(own_id)]
            found.sort(key=lambda c: (c.idle_s, c.id))
            return tuple(found[:limit])

        return await fetch(instance.name, "redis", self._timeouts.query_s, run)

    async def command(self, instance: Instance, args: list[str]) -> Reading[RedisReply]:
        """One command the Redis guard passed as read-only; the reply as masked text lines."""

        async def run() -> RedisReply:
            client = await self._client(instance)
            reply = await client.execute_command(*args)  # type: ignore[no-untyped-call]
            lines = reply_lines(without_secrets(args, reply))
            shown = [scrub(cut_cell(line) or "") for line in lines[:MAX_REPLY_LINES]]
            if len(lines) > MAX_REPLY_LINES:
                shown.append(f"(cut: {len(lines):,} lines, {MAX_REPLY_LINES:,} shown)")
            return RedisReply(tuple(args), tuple(shown))

        return await fetch(instance.name, "redis", self._timeouts.query_s, run)

    async def memory(self, instance: Instance) -> Reading[RedisMemory]:
        """Memory figures from INFO memory."""

        async def run() -> RedisMemory:
            client = await self._client(instance)
            return memory_from(_fields(await self._info(client, "memory")))

        return await fetch(instance.name, "redis", self._timeouts.query_s, run)

    async def sample_keys(
        self,
        instance: Instance,
        match: str = "*",
        count: int = 100,
        limit: int = 1000,
        cursor: int = 0,
        *,
        memory: bool = False,
    ) -> Reading[KeyspaceSample]:
        """SCAN from `cursor` until about `limit` keys or the end; resume from the returned cursor.

        Whole SCAN batches are kept (COUNT shrinks near `limit`), so no key is skipped on resume.
        """

        async def run() -> KeyspaceSample:
            client = await self._client(instance)
            keys: list[KeySample] = []
            scanned, position = 0, cursor
            while True:
                hint = count if match != "*" else max(1, min(count, limit - len(keys)))
                position, batch = await _scan(client, position, match, hint)
                scanned += len(batch)
                keys.extend(await _describe(client, batch, memory))
                if position == 0 or len(keys) >= limit:
                    break
            return KeyspaceSample(tuple(keys), scanned, position == 0, position)

        return await fetch(instance.name, "redis", self._timeouts.query_s, run)

    # --- internals ---------------------------------------------------------------------------

    async def _client(self, instance: Instance) -> Redis:
        """The instance's shared read-only client."""
        return await self._clients.shared(instance)

    async def _info(self, client: Redis, *sections: str) -> list[str]:
        """INFO text, one per section (one round trip; Redis 6 takes one section per INFO)."""
        async with client.pipeline(transaction=False) as pipe:
            for section in sections or ("default",):
                pipe.info(section)
            return [str(text) for text in await pipe.execute()]


async def _scan(client: Redis, cursor: int, match: str, count: int) -> tuple[int, list[bytes]]:
    """One SCAN step; key names stay bytes, so a binary key can still be asked TYPE and PTTL."""
    from redis.client import NEVER_DECODE

    raw: dict[str, Any] = {NEVER_DECODE: True}
    position, keys = await client.scan(cursor, match=match, count=count, **raw)
    return int(position), [key if isinstance(key, bytes) else key.encode() for key in keys]


async def type_and_ttl(
    client: Redis, batch: Sequence[bytes], memory: bool = False
) -> list[tuple[bytes, str, int, int | None]]:
    """(key, TYPE, PTTL, MEMORY USAGE or None) of a SCAN batch in one pipeline.

    Key names stay raw bytes; keys expired or deleted since the SCAN are dropped.
    """
    if not batch:
        return []
    async with client.pipeline(transaction=False) as pipe:
        for key in batch:
            pipe.type(key)
            pipe.pttl(key)
            if memory:
                pipe.memory_usage(key)
        replies = await pipe.execute(raise_on_error=False)
    width = 3 if memory else 2
    found: list[tuple[bytes, str, int, int | None]] = []
    for index, key in enumerate(batch):
        kind, pttl, *rest = replies[index * width : (index + 1) * width]
        for reply in (kind, pttl):
            if isinstance(reply, Exception):
                raise reply
        if kind == "none" or pttl == -2:
            continue  # expired or deleted between SCAN and TYPE
        size = rest[0] if rest and not isinstance(rest[0], Exception) else None
        found.append((key, str(kind), int(pttl), to_int(size)))
    return found


async def _describe(client: Redis, batch: Sequence[bytes], memory: bool) -> list[KeySample]:
    """TYPE, PTTL (and MEMORY USAGE) of a SCAN batch, key names masked."""
    return [
        KeySample(
            mask_text(key.decode("utf-8", "backslashreplace")),
            kind,
            None if pttl < 0 else pttl / 1000,
            size,
        )
        for key, kind, pttl, size in await type_and_ttl(client, batch, memory)
    ]


def parse_info(texts: Iterable[str]) -> tuple[InfoSection, ...]:
    """INFO text -> sections of (name, value); non-numeric values are masked."""
    sections: list[InfoSection] = []
    name: str | None = None
    fields: list[tuple[str, str]] = []
    for line in (line.strip() for text in texts for line in text.splitlines()):
        if line.startswith("#"):
            if name is not None:
                sections.append(InfoSection(name, tuple(fields)))
            name, fields = line.lstrip("#").strip(), []
        elif ":" in line and name is not None:
            key, value = line.split(":", 1)
            fields.append((key, value if _NUMBER.fullmatch(value) else mask_text(value)))
    if name is not None:
        sections.append(InfoSection(name, tuple(fields)))
    return tuple(sections)


def _fields(texts: Iterable[str]) -> dict[str, str]:
    return {key: value for section in parse_info(texts) for key, value in section.fields}


def _keyspace(section: InfoSection | None) -> tuple[int, int]:
    """Keys and keys with an expiry, summed over the db* lines ("keys=1,expires=0,avg_ttl=0")."""
    keys = expiring = 0
    for name, value in section.fields if section is not None else ():
        if name.startswith("db"):
            parts = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
            keys += to_int(parts.get("keys")) or 0
            expiring += to_int(parts.get("expires")) or 0
    return keys, expiring


def info_from(text: str) -> RedisInfo:
    """RedisInfo from the text of INFO: every section plus the figures screens need."""
    sections = parse_info([text])
    fields = {key: value for section in sections for key, value in section.fields}
    keyspace = next((s for s in sections if s.name.lower() == "keyspace"), None)
    keys, expiring = _keyspace(keyspace)
    hits = to_int(fields.get("keyspace_hits")) or 0
    misses = to_int(fields.get("keyspace_misses")) or 0
    return RedisInfo(
        version=fields.get("redis_version", ""),
        uptime_s=to_float(fields.get("uptime_in_seconds")) or 0.0,
        connected_clients=to_int(fields.get("connected_clients")) or 0,
        used_memory_bytes=to_int(fields.get("used_memory")) or 0,
        max_memory_bytes=to_int(fields.get("maxmemory")) or None,
        ops_per_s=to_float(fields.get("instantaneous_ops_per_sec")) or 0.0,
        hit_ratio=hits / (hits + misses) if hits + misses else None,
        keys=keys,
        expiring_keys=expiring,
        role=fields.get("role", ""),
        sections=sections,
    )


def memory_from(fields: Mapping[str, str]) -> RedisMemory:
    """RedisMemory from INFO memory's fields (maxmemory 0 means no limit: None)."""
    return RedisMemory(
        used_bytes=to_int(fields.get("used_memory")) or 0,
        rss_bytes=to_int(fields.get("used_memory_rss")),
        peak_bytes=to_int(fields.get("used_memory_peak")),
        max_bytes=to_int(fields.get("maxmemory")) or None,
        fragmentation_ratio=to_float(fields.get("mem_fragmentation_ratio")),
        policy=fields.get("maxmemory_policy"),
    )


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return "" if value is None else str(value)


def _slowlog_entry(entry: Mapping[str, Any]) -> SlowlogEntry:
    """One SLOWLOG GET entry (redis-py leaves some fields as bytes), arguments masked."""
    address = _text(entry.get("client_address"))
    return SlowlogEntry(
        id=int(entry["id"]),
        started_at=datetime.fromtimestamp(int(entry["start_time"]), UTC),
        duration_s=int(entry["duration"]) / 1_000_000,
        command=scrub(_text(entry.get("command"))),
        client=address or None,
    )


def without_secrets(args: Sequence[str], reply: Any) -> Any:
    """A CONFIG GET reply with the values of credential parameters replaced by ***.

    Why: the guard refuses CONFIG GET of a pattern that can match one; this is the second
    wall, should a reply hold one all the same (a guard bug, an alias of a newer server).
    """
    if [a.upper() for a in args[:2]] != ["CONFIG", "GET"]:
        return reply
    if isinstance(reply, dict):
        return {k: MASK if _is_secret(k) else v for k, v in reply.items()}
    if isinstance(reply, list):
        return [
            MASK if index % 2 and _is_secret(reply[index - 1]) else value
            for index, value in enumerate(reply)
        ]
    return reply


def _is_secret(name: Any) -> bool:
    return _text(name).lower() in SECRET_PARAMETERS


def reply_lines(reply: Any, prefix: str = "") -> list[str]:
    """A reply as redis-cli shows it: nested arrays numbered, nil and integers marked."""
    if reply is None:
        return [f"{prefix}(nil)"]
    if isinstance(reply, int) and not isinstance(reply, bool):
        return [f"{prefix}(integer) {reply}"]
    if isinstance(reply, list | tuple | set):
        if not reply:
            return [f"{prefix}(empty array)"]
        lines: list[str] = []
        for index, item in enumerate(reply, start=1):
            lines += reply_lines(item, f"{prefix}{index}) ")
        return lines
    if isinstance(reply, dict):
        return reply_lines([part for pair in reply.items() for part in pair], prefix)
    return [f"{prefix}{_text(reply)}"]


def _client_entry(fields: Mapping[str, str]) -> RedisClient:
    return RedisClient(
        id=to_int(fields.get("id")) or 0,
        addr=fields.get("addr", ""),
        name=mask_text(fields.get("name", "")),
        age_s=to_float(fields.get("age")) or 0.0,
        idle_s=to_float(fields.get("idle")) or 0.0,
        db=to_int(fields.get("db")) or 0,
        command=fields.get("cmd", ""),
        user=fields.get("user") or None,
    )
