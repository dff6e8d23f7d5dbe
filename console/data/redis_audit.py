"""The Redis TTL and big-key audit against a server: SCAN, throttled, on a replica if there is one.

Only read-only commands are sent (INFO, SCAN with COUNT, TYPE, PTTL, the length commands of
`SIZE_COMMANDS`, MEMORY USAGE), never KEYS or CONFIG (ElastiCache disables CONFIG). Every command
is paced by `Throttle`, pipelined ones counted one by one, so the server sees at most the ops
budget from us; the scan stops at the time budget and returns a checkpoint to resume from.
Aggregation is `console.analysis.ttl_audit`'s; this module only talks to the server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoPermissionError, ResponseError

from console.analysis.ttl_audit import SIZE_COMMANDS, KeyFact, TtlAudit
from console.config import Timeouts
from console.data.calls import fetch, refused
from console.data.models import AuditNode, AuditOptions, Reading, RedisAudit, RedisAuditRun
from console.data.redis import RedisSource, _scan, type_and_ttl
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


class Throttle:
    """Paces commands so that, from the start, we never sent more than `per_s` a second."""

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

    async def take(self, count: int) -> None:
        """Wait until `count` more commands fit in the budget, then count them as sent."""
        if self.per_s > 0:
            wait = self.started + (self.sent + count) / self.per_s - self._clock()
            if wait > 0:
                await self._sleep(wait)
        self.sent += count

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
    source: RedisSource, instance: Instance, address: tuple[str, int], throttle: Throttle
) -> tuple[Redis | None, str]:
    """A client on the replica if it answers as one, else None and why not."""
    host, port = address
    client = await source.connect(instance, host, port)
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
    source: RedisSource, instance: Instance, throttle: Throttle
) -> tuple[Redis, AuditNode, Redis | None]:
    """(client to scan, the node, a client to close afterwards): a replica when there is one."""
    primary = await source.client(instance)
    text = await _info_text(primary, throttle)
    if _info_fields(text).get("role") == "slave":
        return primary, AuditNode("replica", instance.endpoint, "the instance is a replica"), None
    problems = []
    for address in replicas_from(text):
        client, problem = await _try_replica(source, instance, address, throttle)
        if client is not None:
            node = AuditNode("replica", f"{address[0]}:{address[1]}", "replica of the primary")
            return client, node, client
        problems.append(problem)
    why = "; ".join(problems) if problems else "it has no replica (connected_slaves:0)"
    return primary, AuditNode("primary", instance.endpoint, f"scanning the primary: {why}"), None


# --- one batch ----------------------------------------------------------------------------------


def _fail_on_denied(reply: Any) -> Any:
    """A refused command (ACL) is the audit's failure; any other error reply means "unknown"."""
    if isinstance(reply, NoPermissionError):
        raise reply
    return None if isinstance(reply, Exception) else reply


async def _pipeline(
    client: Redis, commands: Sequence[tuple[Any, ...]], throttle: Throttle
) -> list[Any]:
    if not commands:
        return []
    await throttle.take(len(commands))
    async with client.pipeline(transaction=False) as pipe:
        for command in commands:
            pipe.execute_command(*command)
        replies = await pipe.execute(raise_on_error=False)
    return [_fail_on_denied(reply) for reply in replies]


async def examine(
    client: Redis, batch: Sequence[bytes], audit: TtlAudit, throttle: Throttle
) -> list[KeyFact]:
    """TYPE and PTTL, then length (and MEMORY USAGE for the sample), then MEMORY USAGE for
    keys big enough to rank: three pipelines a batch, the last one usually empty."""
    await throttle.take(2 * len(batch))
    described = await type_and_ttl(client, batch)
    names = [key.decode("utf-8", "surrogateescape") for key, *_ in described]
    sampled = [audit.wants_sample(name) for name in names]
    sizes: list[int | None] = [None] * len(described)
    memories: list[int | None] = [None] * len(described)
    slots: list[tuple[list[int | None], int]] = []
    commands: list[tuple[Any, ...]] = []
    for index, (key, kind, _, _) in enumerate(described):
        if kind in SIZE_COMMANDS:
            commands.append((SIZE_COMMANDS[kind][0], key))
            slots.append((sizes, index))
        if sampled[index]:
            commands.append(("MEMORY", "USAGE", key))
            slots.append((memories, index))
    replies = await _pipeline(client, commands, throttle)
    for (column, index), reply in zip(slots, replies, strict=True):
        column[index] = reply if isinstance(reply, int) else None
    wanted = [
        index
        for index, (_, kind, _, _) in enumerate(described)
        if memories[index] is None and audit.wants_memory(kind, sizes[index])
    ]
    extra = [("MEMORY", "USAGE", described[index][0]) for index in wanted]
    for index, reply in zip(wanted, await _pipeline(client, extra, throttle), strict=True):
        memories[index] = reply if isinstance(reply, int) else None
    return [
        KeyFact(name, kind, pttl, sizes[i], memories[i], sampled[i] and memories[i] is not None)
        for i, (name, (_, kind, pttl, _)) in enumerate(zip(names, described, strict=True))
    ]


# --- the scan -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scan:
    audit: TtlAudit
    cursor: int
    resumed: bool
    notes: list[str]


def _start(options: AuditOptions, node: AuditNode, checkpoint: str | None) -> _Scan:
    """A fresh aggregate, or the checkpoint's when it was taken on this node for this match."""
    fresh = TtlAudit(top=options.top, sample_every=options.sample_every,
                     plan_limit=options.plan_limit)  # fmt: skip
    if checkpoint is None:
        return _Scan(fresh, 0, False, [])
    try:
        audit, scan = TtlAudit.from_json(checkpoint)
    except ValueError as exc:
        return _Scan(fresh, 0, False, [f"saved state unreadable, started over: {exc}"])
    if scan.get("node") != node.address or scan.get("match") != options.match:
        note = "saved state was for another node or pattern: started over"
        return _Scan(fresh, 0, False, [note])
    return _Scan(audit, int(scan.get("cursor", 0)), True, [])


async def _walk(client: Redis, scan: _Scan, options: AuditOptions, throttle: Throttle) -> bool:
    """SCAN from the cursor until the end (True) or the time budget (False)."""
    per_key = 3 + 1 / max(1, options.sample_every)
    count = max(1, min(options.count, int(options.ops_budget * BURST_S / per_key)))
    if options.ops_budget <= 0:
        count = options.count
    while True:
        await throttle.take(1)
        scan.cursor, batch = await _scan(client, scan.cursor, options.match, count)
        for fact in await examine(client, batch, scan.audit, throttle):
            scan.audit.add(fact)
        if scan.cursor == 0:
            return True
        if throttle.elapsed() >= options.time_budget_s:
            return False


async def _audit(
    source: RedisSource, instance: Instance, options: AuditOptions, checkpoint: str | None
) -> RedisAuditRun:
    throttle = Throttle(options.ops_budget)
    client, node, owned = await choose_node(source, instance, throttle)
    try:
        scan = _start(options, node, checkpoint)
        complete = await _walk(client, scan, options, throttle)
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
        notes=(*scan.notes, *(("resumed from the saved state",) if scan.resumed else ())),
    )
    state = None if complete else audit.to_json(extra)
    return RedisAuditRun(report, state, tuple(audit.no_ttl_keys))


async def audit(
    source: RedisSource,
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
        instance.name, "redis", limit, lambda: _audit(source, instance, options, checkpoint)
    )
