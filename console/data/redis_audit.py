"""The Redis TTL and big-key audit against a server: SCAN, throttled, on a replica if there is one.

Only read-only commands are sent (INFO, SCAN with COUNT, TYPE, PTTL, the length commands of
`SIZE_COMMANDS`, MEMORY USAGE), never KEYS or CONFIG (ElastiCache disables CONFIG). Every command
is paced by `Throttle`, pipelined ones counted one by one, so the server sees at most the ops
budget from us; the scan stops at the time budget and returns a checkpoint to resume from.

A key costs PTTL and its length command, plus MEMORY USAGE for the sample and for keys long
enough to rank: ~2.1 commands, in one pipeline a batch. TYPE is not sent: the length command is
the one of the type last seen for the key's shape (`shape_of`), and it answers only for its own
type (WRONGTYPE otherwise: then TYPE and the right one follow, in another pipeline). `SCAN ...
TYPE t` would also spare TYPE, but it takes one walk of the keyspace per type, and the server
spends ~1 µs per key visited on each walk (bench/RESULTS.md). Batches go through `RawPipe`:
requests packed here, replies parsed by hiredis in bulk, ~1 µs a command on our side against ~9
through redis-py's pipeline.
Aggregation is `console.analysis.ttl_audit`'s; this module only talks to the server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import hiredis
from redis.asyncio import Redis
from redis.asyncio.connection import Connection
from redis.exceptions import NoPermissionError, ResponseError

from console.analysis.ttl_audit import SIZE_COMMANDS, TtlAudit, shape_of
from console.config import Timeouts
from console.data.calls import fetch, refused
from console.data.models import AuditNode, AuditOptions, Reading, RedisAudit, RedisAuditRun
from console.data.sources.redis_clients import RedisClients
from console.inventory import Instance

#: every command the audit sends (the Redis guard judges each read-only: tests/redis_audit)
AUDIT_COMMANDS = (
    ("INFO", "replication"),
    ("SCAN", "0", "MATCH", "*", "COUNT", "100"),
    ("TYPE", "k"),
    ("PTTL", "k"),
    ("MEMORY", "USAGE", "k"),
    *((command, "k") for command, _ in SIZE_COMMANDS.values()),
)
BURST_S = 0.1
"""A batch's pipelines carry at most this many seconds' worth of the ops budget."""
CREDIT_S = 0.02
"""The throttle lets a late batch catch up by at most this many seconds' worth of the budget."""
MAX_GUESSES = 100_000
"""Key shapes whose type is remembered (beyond, a new shape's keys are asked TYPE)."""


class Throttle:
    """Paces commands to `per_s` a second. Callers (concurrent passes) reserve their commands in
    turn; a slow stretch earns at most `CREDIT_S` of credit, so it never buys a later burst."""

    def __init__(
        self,
        per_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_s = per_s
        self.sent = 0
        self._clock = clock
        self._sleep = sleep
        self.started = clock()
        self._due = self.started
        """When the commands reserved so far have all fitted in the budget."""

    async def take(self, count: int) -> None:
        """Count `count` more commands as sent, and wait until they fit in the budget."""
        self.sent += count
        if self.per_s > 0:
            now = self._clock()
            self._due = max(self._due, now - CREDIT_S) + count / self.per_s
            if self._due > now:
                await self._sleep(self._due - now)

    def elapsed(self) -> float:
        return self._clock() - self.started


# --- the node: a replica when the primary has one ---------------------------------------------


def _info_fields(text: str) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def replicas_from(text: str) -> list[tuple[str, int]]:
    """Online replicas (ip, port) from INFO replication (`slave0:ip=..,port=..,state=online`)."""
    found = []
    for key, value in _info_fields(text).items():
        if key.startswith("slave") and key[5:].isdigit():
            parts = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
            if parts.get("state", "online") == "online" and parts.get("port", "").isdigit():
                found.append((parts.get("ip", ""), int(parts["port"])))
    return found


async def _info_text(client: Redis, throttle: Throttle) -> str:
    await throttle.take(1)
    return str(await client.info("replication"))


async def _try_replica(
    clients: RedisClients, instance: Instance, address: tuple[str, int], throttle: Throttle
) -> tuple[Redis | None, str]:
    """A client on the replica if it answers as one, else None and why not."""
    host, port = address
    client = await clients.node(instance, host, port)
    try:
        role = _info_fields(await _info_text(client, throttle)).get("role")
        if role == "slave":
            return client, ""
        problem = f"answers as {role}"
    except (OSError, ConnectionError, TimeoutError, ResponseError) as exc:
        problem = f"unreachable ({type(exc).__name__})"
    await client.aclose()
    return None, f"replica {host}:{port} {problem}"


async def choose_node(
    clients: RedisClients, instance: Instance, throttle: Throttle
) -> tuple[Redis, AuditNode, Redis | None]:
    """(client to scan, the node, a client to close afterwards): a replica when there is one."""
    primary = await clients.shared(instance)
    text = await _info_text(primary, throttle)
    if _info_fields(text).get("role") == "slave":
        return primary, AuditNode("replica", instance.endpoint, "the instance is a replica"), None
    problems = []
    for address in replicas_from(text):
        client, problem = await _try_replica(clients, instance, address, throttle)
        if client is not None:
            node = AuditNode("replica", f"{address[0]}:{address[1]}", "replica of the primary")
            return client, node, client
        problems.append(problem)
    why = "; ".join(problems) if problems else "it has no replica (connected_slaves:0)"
    return primary, AuditNode("primary", instance.endpoint, f"scanning the primary: {why}"), None


# --- the wire: packed requests, replies parsed by hiredis in bulk ------------------------------


def pack(*args: bytes | str | int) -> bytes:
    """One command in RESP, as the server reads it."""
    words = [arg if isinstance(arg, bytes) else str(arg).encode() for arg in args]
    return b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words)


def _head(*words: str) -> bytes:
    """A command whose last argument (the key) is appended per key: `_head(...) + _arg(key)`."""
    return pack(*words, "").rsplit(b"$0\r\n", 1)[0]


def _arg(key: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(key), key)


_PTTL = _head("PTTL")
_TYPE = _head("TYPE")
_MEMORY = _head("MEMORY", "USAGE")
_SIZE = {kind: _head(command) for kind, (command, _) in SIZE_COMMANDS.items()}


def _value(reply: Any) -> Any:
    """An error reply is None ("unknown", e.g. WRONGTYPE after a type change), but a refused
    command (ACL) is the audit's failure."""
    if isinstance(reply, ResponseError):
        if str(reply).startswith("NOPERM"):
            raise NoPermissionError(str(reply))
        return None
    return reply


class RawPipe:
    """Pipelines on one connection borrowed from a redis-py client (connected, authenticated,
    named by redis-py): requests packed by the caller, every reply of a batch parsed by hiredis
    from the connection's stream in one go. Error replies come back as ResponseError values."""

    def __init__(self, connection: Connection, timeout_s: float) -> None:
        self._connection = connection
        self._stream = connection._reader  # redis-py (pinned) keeps the asyncio stream here
        self._reader = hiredis.Reader(replyError=ResponseError)
        self._timeout_s = timeout_s

    async def call(self, request: bytes, replies: int) -> list[Any]:
        """Send `request` (`replies` packed commands) and read their replies."""
        found: list[Any] = []
        if self._stream is None:
            raise ConnectionError("the audit's connection is closed")
        async with asyncio.timeout(self._timeout_s):
            await self._connection.send_packed_command(request, check_health=False)
            while len(found) < replies:
                reply = self._reader.gets()
                if reply is False:
                    data = await self._stream.read(1 << 16)
                    if not data:
                        raise ConnectionError("the server closed the connection")
                    self._reader.feed(data)
                else:
                    found.append(reply)
        return found


@asynccontextmanager
async def raw_pipe(client: Redis, timeout_s: float) -> AsyncIterator[RawPipe]:
    """A RawPipe on a connection of `client`'s pool, returned afterwards; dropped instead if a
    batch was interrupted (its replies would still be on the wire)."""
    pool = client.connection_pool
    connection = await pool.get_connection()  # type: ignore[no-untyped-call]
    try:
        yield RawPipe(connection, timeout_s)
    except BaseException:
        await connection.disconnect(nowait=True)
        raise
    finally:
        await pool.release(connection)


# --- one batch ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Batch:
    """What is known of a SCAN batch's keys, index by index (None: not known yet)."""

    keys: Sequence[bytes]
    names: list[str]
    sampled: list[bool]
    kinds: list[str | None]
    ttls: list[int]
    sizes: list[int | None]
    memories: list[int | None]
    asked: set[tuple[int, bytes]]
    """(index, command) already sent, so a failing command is not sent again."""


def _first_round(batch: _Batch, guesses: dict[str, str]) -> tuple[list[bytes], list[str | None]]:
    """PTTL, the length command of the type guessed from the key's shape (TYPE when there is no
    guess yet) and, for the sample, MEMORY USAGE: (requests, the guesses)."""
    parts: list[bytes] = []
    guessed: list[str | None] = []
    for index, key in enumerate(batch.keys):
        tail = _arg(key)
        guess = guesses.get(shape_of(batch.names[index]))
        guessed.append(guess)
        parts += (_PTTL + tail, (_TYPE if guess is None else _SIZE[guess]) + tail)
        if batch.sampled[index]:
            parts.append(_MEMORY + tail)
    return parts, guessed


def _first_replies(batch: _Batch, replies: list[Any], guessed: list[str | None]) -> list[int]:
    """Fill in the first round's answers; the indexes of the keys still there."""
    found = iter(replies)
    live = []
    for index, guess in enumerate(guessed):
        pttl, second = _value(next(found)), _value(next(found))
        if batch.sampled[index]:
            batch.memories[index] = _value(next(found))
        if pttl is None:
            raise ResponseError("PTTL failed")
        if pttl == -2 or second in (b"none", "none"):
            continue  # deleted or expired since the SCAN
        batch.ttls[index] = pttl
        if guess is None:
            batch.kinds[index] = None if second is None else _text(second)
        elif second is not None:  # the length command answers only for its own type
            batch.kinds[index], batch.sizes[index] = guess, second
        live.append(index)
    return live


def _text(reply: Any) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _next_round(batch: _Batch, live: list[int], audit: TtlAudit) -> list[tuple[int, bytes]]:
    """What is still to ask, each command at most once a key: TYPE when the guess was wrong,
    then the length, then MEMORY USAGE for a key long enough to rank."""
    wanted = []
    for index in live:
        kind = batch.kinds[index]
        if kind is None:
            command = _TYPE
        elif batch.sizes[index] is None and kind in _SIZE:
            command = _SIZE[kind]
        elif batch.memories[index] is None and audit.wants_memory(kind, batch.sizes[index]):
            command = _MEMORY
        else:
            continue
        if (index, command) not in batch.asked:
            batch.asked.add((index, command))
            wanted.append((index, command))
    return wanted


async def examine(
    pipe: RawPipe, keys: Sequence[bytes], audit: TtlAudit, guesses: dict[str, str],
    throttle: Throttle,
) -> None:  # fmt: skip
    """Every key of a SCAN batch to `audit`, TYPE sent only when its shape's type is unknown or
    the guess was wrong. One pipeline a batch, more only for those keys and for the keys long
    enough to rank (MEMORY USAGE); keys deleted since the SCAN are dropped."""
    names = [key.decode("utf-8", "surrogateescape") for key in keys]
    count = len(keys)
    batch = _Batch(keys, names, [audit.wants_sample(name) for name in names], [None] * count,
                   [0] * count, [None] * count, [None] * count, set())  # fmt: skip
    parts, guessed = _first_round(batch, guesses)
    await throttle.take(len(parts))
    live = _first_replies(batch, await pipe.call(b"".join(parts), len(parts)), guessed)
    while wanted := _next_round(batch, live, audit):
        await throttle.take(len(wanted))
        request = b"".join(command + _arg(keys[index]) for index, command in wanted)
        for (index, command), reply in zip(wanted, await pipe.call(request, len(wanted)),
                                           strict=True):  # fmt: skip
            value = _value(reply)
            if command is _TYPE:
                batch.kinds[index] = _text(value) if value is not None else "unknown"
            elif command is _MEMORY:
                batch.memories[index] = value
            else:
                batch.sizes[index] = value
    for index in live:
        kind, memory = batch.kinds[index] or "unknown", batch.memories[index]
        if kind == "none":
            continue  # deleted between PTTL and TYPE
        if kind in _SIZE and len(guesses) < MAX_GUESSES:
            guesses[shape_of(names[index])] = kind
        audit.add_key(names[index], kind, batch.ttls[index], batch.sizes[index], memory,
                      batch.sampled[index] and memory is not None)  # fmt: skip


# --- the scan -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scan:
    audit: TtlAudit
    cursor: int
    resumed: bool
    notes: list[str]
    guesses: dict[str, str]
    """Key shape -> the type its last key had (rebuilt on resume)."""


def _start(options: AuditOptions, node: AuditNode, checkpoint: str | None) -> _Scan:
    """A fresh aggregate, or the checkpoint's when it was taken on this node for this match."""
    fresh = TtlAudit(top=options.top, sample_every=options.sample_every,
                     plan_limit=options.plan_limit)  # fmt: skip
    if checkpoint is None:
        return _Scan(fresh, 0, False, [], {})
    try:
        audit, scan = TtlAudit.from_json(checkpoint)
        cursor = int(scan.get("cursor", 0))
    except ValueError as exc:
        return _Scan(fresh, 0, False, [f"saved state unreadable, started over: {exc}"], {})
    if scan.get("node") != node.address or scan.get("match") != options.match:
        note = "saved state was for another node or pattern: started over"
        return _Scan(fresh, 0, False, [note], {})
    return _Scan(audit, cursor, True, [], {})


async def _scan_step(pipe: RawPipe, cursor: int, match: str, count: int) -> tuple[int, list[bytes]]:
    """One `SCAN cursor MATCH m COUNT n`: (the next cursor, the batch)."""
    [reply] = await pipe.call(pack("SCAN", cursor, "MATCH", match, "COUNT", count), 1)
    if _value(reply) is None:
        raise ResponseError(f"SCAN failed: {reply}")
    position, batch = reply
    return int(position), list(batch)


async def _walk(pipe: RawPipe, scan: _Scan, options: AuditOptions, throttle: Throttle) -> bool:
    """SCAN from the cursor until the end (True) or the time budget (False)."""
    per_key = 2 + 1 / max(1, options.sample_every)
    count = max(1, min(options.count, int(options.ops_budget * BURST_S / per_key)))
    if options.ops_budget <= 0:  # no budget: the throttle does not pace either
        count = options.count
    while True:
        await throttle.take(1)
        cursor, batch = await _scan_step(pipe, scan.cursor, options.match, count)
        await examine(pipe, batch, scan.audit, scan.guesses, throttle)
        scan.cursor = cursor
        if cursor == 0:
            return True
        if throttle.elapsed() >= options.time_budget_s:
            return False


async def _audit(
    clients: RedisClients, instance: Instance, options: AuditOptions, checkpoint: str | None,
    timeout_s: float,
) -> RedisAuditRun:  # fmt: skip
    throttle = Throttle(options.ops_budget)
    client, node, owned = await choose_node(clients, instance, throttle)
    try:
        scan = _start(options, node, checkpoint)
        async with raw_pipe(client, timeout_s) as pipe:
            complete = await _walk(pipe, scan, options, throttle)
    finally:
        if owned is not None:
            await owned.aclose()
    audit = scan.audit
    elapsed = throttle.elapsed()
    audit.runs += 1
    audit.commands += throttle.sent
    audit.elapsed_s += elapsed
    extra = {"node": node.address, "match": options.match, "cursor": scan.cursor}
    report = RedisAudit(
        instance=instance.name,
        node=node,
        match=options.match,
        complete=complete,
        scanned=audit.scanned,
        commands=throttle.sent,
        elapsed_s=elapsed,
        total_elapsed_s=audit.elapsed_s,
        ops_budget=options.ops_budget,
        runs=audit.runs,
        sample_every=audit.sample_every,
        prefixes=audit.prefix_usage(),
        biggest_by_size=audit.biggest(by_memory=False),
        biggest_by_memory=audit.biggest(by_memory=True),
        keys_without_ttl=audit.no_ttl_total,
        notes=(*scan.notes, *(["resumed from the saved state"] * scan.resumed)),
    )
    state = None if complete else audit.to_json(extra)
    return RedisAuditRun(report, state, tuple(audit.no_ttl_keys))


async def audit(
    clients: RedisClients,
    timeouts: Timeouts,
    instance: Instance,
    options: AuditOptions,
    checkpoint: str | None = None,
) -> Reading[RedisAuditRun]:
    """Scan `instance` (its replica if it has one) within the time and ops budgets."""
    if instance.kind != "redis":
        return refused(instance.name, "redis", f"{instance.name} is a {instance.kind} instance")
    limit = options.time_budget_s + 2 * timeouts.query_s + 2 * timeouts.connect_s
    return await fetch(
        instance.name,
        "redis",
        limit,
        lambda: _audit(clients, instance, options, checkpoint, timeouts.query_s),
    )
