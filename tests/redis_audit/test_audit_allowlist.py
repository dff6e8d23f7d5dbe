"""Every command the TTL / big-key audit makes a server run is on the Redis guard's allowlist,
by the server's own count (INFO commandstats before and after the audit).

The servers are the tests' own redis-servers with the lab's accounts and ACL (tests/redis_audit/
server.py), not the shared lab ones: those are scraped by the lab's redis-exporter (CONFIG GET,
CLIENT LIST, ...) and written to by other tests at any moment, and commandstats cannot tell whose
command it counted. Here only the audit and the test's admin talk to the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from console.data.layer import DataLayer
from console.data.models import AuditOptions
from console.data.sources.redis_clients import HANDSHAKE_COMMANDS
from console.safety.redisguard import READ_ONLY_COMMANDS, plan_redis
from tests.redis_audit.conftest import namespace_name, seed_namespace
from tests.redis_audit.server import Server, command_calls, start_server

REPLICATION_LINK = frozenset({"REPLCONF"})
"""What a replica sends its primary every second (REPLCONF ACK): the server's, not the audit's."""


def delta(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    """Calls of each command between two INFO commandstats snapshots (only those that ran)."""
    return {
        name: calls - before.get(name, 0)
        for name, calls in after.items()
        if calls > before.get(name, 0)
    }


def outside_allowlist(ran: Mapping[str, int], also: frozenset[str] = frozenset()) -> set[str]:
    """The commands that ran and that the Redis guard would not pass as read-only, apart from
    redis-py's connection handshake (HELLO or AUTH, CLIENT SETNAME) and `also`."""
    return {
        name
        for name in ran
        if name.upper() not in READ_ONLY_COMMANDS and name.upper() not in HANDSHAKE_COMMANDS | also
    }


def test_the_check_catches_a_command_outside_the_allowlist() -> None:
    before = {"info": 3, "scan": 10, "hello": 1}
    after = {"info": 4, "scan": 14, "pttl": 40, "memory|usage": 5, "hello": 2, "client|setname": 1}
    assert outside_allowlist(delta(before, after)) == set()
    for bad in ("set", "del", "config|set", "flushall", "wait", "client|kill", "replconf"):
        assert outside_allowlist(delta(before, {**after, bad: 1})) == {bad}
    assert outside_allowlist({"replconf": 3}, REPLICATION_LINK) == set()
    assert outside_allowlist(delta(after, after)) == set()  # nothing ran: nothing to blame


def test_the_handshake_exempted_is_nothing_the_guard_would_run() -> None:
    """The exemption is redis-py's own connection set-up, two commands a person could not run
    through the guard (so it is needed, and it lets no other command pass)."""
    assert {"HELLO", "AUTH", "CLIENT|SETNAME"} == HANDSHAKE_COMMANDS
    for name in HANDSHAKE_COMMANDS:
        assert plan_redis(name.split("|")).classification != "read_only"


async def seed_every_type(server: Server) -> str:
    """A namespace of strings, sets, lists and a big hash (`seed_namespace`) plus a sorted set
    and a stream, so that every length command the audit knows is asked; its MATCH pattern."""
    admin = server.admin()
    try:
        seeded = await seed_namespace(admin, namespace_name())
        await admin.zadd(f"{seeded.namespace}:rank:board", {f"m{n}": n for n in range(30)})
        for n in range(5):
            await admin.xadd(f"{seeded.namespace}:events:log", {"n": str(n)})
    finally:
        await admin.aclose()
    return seeded.match


@pytest.mark.lab
async def test_every_command_the_audit_sent_is_on_the_guards_allowlist(
    data: DataLayer, private: Server
) -> None:
    match = await seed_every_type(private)
    admin = private.admin()
    try:
        before = await command_calls(admin)
        reading = await data.redis_audit(private.instance(), AuditOptions(match=match, count=20))
        after = await command_calls(admin)
        await admin.wait(0, 0)  # WAIT, outside the allowlist: caught below
        later = await command_calls(admin)
    finally:
        await admin.aclose()
    assert reading.value is not None, reading.error
    assert reading.value.audit.complete and reading.value.audit.node.role == "primary"
    ran = delta(before, after)
    assert {"scan", "pttl", "strlen", "scard", "llen", "hlen", "zcard", "xlen"} <= set(ran)
    assert outside_allowlist(ran) == set(), ran
    assert ran.get("hello", 0) + ran.get("auth", 0) <= 1  # one connection, one handshake
    assert ran.get("client|setname", 0) <= 1
    assert outside_allowlist(delta(after, later)) == {"wait"}  # the check can fail


@pytest.mark.lab
async def test_on_a_replica_too_every_command_is_on_the_allowlist(
    data: DataLayer, private: Server, tmp_path: Path
) -> None:
    """The audit asks the primary INFO replication, then scans its replica on a client of its
    own: both servers' counts are checked."""
    replica = await start_server(tmp_path / "replica", replica_of=private)
    admin, replica_admin = private.admin(), replica.admin()
    try:
        match = await seed_every_type(private)
        await admin.wait(1, 5000)  # the replica has the keys (and ran their writes) before
        before = await command_calls(admin), await command_calls(replica_admin)
        reading = await data.redis_audit(private.instance(), AuditOptions(match=match))
        after = await command_calls(admin), await command_calls(replica_admin)
    finally:
        await replica_admin.aclose()
        await admin.aclose()
        replica.stop()
    assert reading.value is not None, reading.error
    assert reading.value.audit.node.role == "replica"
    on_primary, on_replica = delta(before[0], after[0]), delta(before[1], after[1])
    assert "info" in on_primary and "scan" not in on_primary
    assert {"scan", "pttl", "memory|usage"} <= set(on_replica)
    assert outside_allowlist(on_primary, REPLICATION_LINK) == set(), on_primary
    assert outside_allowlist(on_replica) == set(), on_replica
