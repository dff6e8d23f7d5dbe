"""The audit against redis-servers of the test's own: the ops budget as the server counts it
(INFO commandstats), and the scan moving to a replica when the primary has one."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.data.layer import DataLayer
from console.data.models import AuditOptions
from console.lab import topology
from tests.redis_audit.conftest import namespace_name, seed_namespace
from tests.redis_audit.server import Server, command_calls, start_server

pytestmark = pytest.mark.lab
# redis-py's connection set-up, not the audit's traffic (the throttle counts what the audit asks)
HANDSHAKE = {"auth", "hello", "client|setname", "client|setinfo"}


async def test_ops_budget_holds_as_the_server_counts_commands(
    data: DataLayer, private: Server
) -> None:
    admin = private.admin()
    try:
        async with admin.pipeline(transaction=False) as pipe:
            for n in range(1200):
                pipe.set(f"bulk:{n}", n, ex=None if n % 3 else 3600)
            await pipe.execute()
        before = await command_calls(admin)
        budget = 3000.0
        reading = await data.redis_audit(private.instance(), AuditOptions(ops_budget=budget))
        after = await command_calls(admin)
    finally:
        await admin.aclose()
    assert reading.value is not None, reading.error
    audit = reading.value.audit
    assert audit.complete and audit.scanned == 1200 and audit.keys_without_ttl == 800
    delta = {name: after[name] - before.get(name, 0) for name in after}
    delta["info"] -= 1  # our own first INFO commandstats
    sent = sum(calls for name, calls in delta.items() if name not in HANDSHAKE)
    assert sent == audit.commands  # every command the server saw is one the throttle counted
    assert delta["scan"] > 1 and delta["pttl"] == delta["strlen"] == 1200
    assert delta["type"] < 300  # only the first batch: then the type is guessed from the shape
    assert sent / audit.elapsed_s <= budget  # the server saw at most the budget from us


async def test_scans_the_replica_when_the_primary_has_one(
    data: DataLayer, private: Server, tmp_path: Path
) -> None:
    admin = private.admin()
    replica = await start_server(tmp_path / "replica", replica_of=private)
    replica_admin = replica.admin()
    try:
        seeded = await seed_namespace(admin, namespace_name())
        await admin.wait(1, 5000)
        primary_before = await command_calls(admin)
        options = AuditOptions(match=seeded.match, ops_budget=1_000_000)
        reading = await data.redis_audit(private.instance(), options)
        primary_after = await command_calls(admin)
        replica_calls = await command_calls(replica_admin)
    finally:
        await replica_admin.aclose()
        await admin.aclose()
        replica.stop()
    assert reading.value is not None, reading.error
    audit = reading.value.audit
    assert audit.node.role == "replica" and audit.node.address == f"127.0.0.1:{replica.port}"
    assert {p.prefix: (p.keys, p.no_ttl) for p in audit.prefixes} == seeded.expected
    assert primary_after.get("scan", 0) == primary_before.get("scan", 0)  # not one on the primary
    assert replica_calls.get("scan", 0) > 0 and replica_calls.get("memory|usage", 0) > 0


async def test_a_refused_command_fails_the_audit(data: DataLayer, private: Server) -> None:
    admin = private.admin()
    try:
        await admin.set("plain:1", "x")
        # the read-only account without MEMORY USAGE: the sample cannot be measured
        await admin.acl_setuser(topology.REDIS_RO_USER, enabled=True, commands=["-memory|usage"])
    finally:
        await admin.aclose()
    reading = await data.redis_audit(private.instance(), AuditOptions(ops_budget=1_000_000))
    assert reading.value is None and reading.error is not None
    assert reading.error.kind == "denied" and "memory" in reading.error.message.lower()


async def test_keys_of_one_shape_but_other_types_are_measured_by_their_type(
    data: DataLayer, private: Server
) -> None:
    admin = private.admin()
    try:
        async with admin.pipeline(transaction=False) as pipe:
            for n in range(1, 41):  # `mix:*` keys, strings and lists in turn
                if n % 2:
                    pipe.set(f"mix:{n}", "x" * n)
                else:
                    pipe.rpush(f"mix:{n}", *range(n))
            await pipe.execute()
    finally:
        await admin.aclose()
    reading = await data.redis_audit(private.instance(), AuditOptions(count=5, ops_budget=1e6))
    assert reading.value is not None, reading.error
    audit = reading.value.audit
    assert audit.complete and audit.scanned == 40 and audit.keys_without_ttl == 40
    biggest = {(k.type, k.key): (k.size, k.unit) for k in audit.biggest_by_size}
    assert biggest == {
        **{("string", f"mix:{n}"): (n, "bytes") for n in (39, 37, 35, 33, 31)},
        **{("list", f"mix:{n}"): (n, "items") for n in (40, 38, 36, 34, 32)},
    }
