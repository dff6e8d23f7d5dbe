"""The audit against redis-servers of the test's own: the ops budget as the server counts it
(INFO commandstats), and the scan moving to a replica when the primary has one."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.data.layer import DataLayer
from console.data.models import AuditOptions
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
    assert delta["scan"] > 1 and delta["type"] == delta["pttl"] == delta["strlen"] == 1200
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
