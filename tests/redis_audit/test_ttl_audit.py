"""The pure parts of the audit: prefixes, extrapolation, ranking, resume state, plan, throttle."""

from __future__ import annotations

import pytest

from console.analysis.ttl_audit import (
    NO_PREFIX,
    STATE_VERSION,
    KeyFact,
    TtlAudit,
    expire_seconds,
    prefix_of,
    remediation_plan,
)
from console.data.redis_audit import AUDIT_COMMANDS, Throttle
from console.safety.redisbounds import READ_CAP
from console.safety.redisguard import plan_redis


@pytest.mark.parametrize(
    ("key", "prefix"),
    [
        ("isales:market:coupon:880001", "isales:market:coupon"),
        ("isales:market:member:17:coupons", "isales:market:member:*"),
        ("isales:market:push:880001:5001", "isales:market:push:*"),
        ("sess:9f1c2a7e-1b2c-4d5e-8f90-123456789abc:data", "sess:*"),
        ("member:jane.doe@example.com:cart", "member:***@example.com"),
        ("card:4111111111111111:token", "card:*"),
        ("plainkey", NO_PREFIX),
    ],
)
def test_prefix_is_up_to_the_last_colon_ids_collapsed_and_masked(key: str, prefix: str) -> None:
    assert prefix_of(key) == prefix


def fact(key: str, *, ttl: int = -1, kind: str = "string", size: int = 10,
         memory: int | None = None, sampled: bool = False) -> KeyFact:  # fmt: skip
    return KeyFact(key, kind, ttl, size, memory, sampled)


def test_memory_is_measured_plus_the_sample_mean_for_the_rest() -> None:
    audit = TtlAudit(top=2)
    audit.add(fact("p:1", memory=100, sampled=True))
    audit.add(fact("p:2", memory=300, sampled=True))
    audit.add(fact("p:3", memory=10_000, size=9000))  # measured because it is big
    audit.add(fact("p:4", ttl=5000))
    audit.add(fact("p:5", ttl=5000))
    [usage] = audit.prefix_usage()
    assert (usage.keys, usage.no_ttl, usage.measured_keys) == (5, 3, 3)
    assert usage.memory_bytes == 100 + 300 + 10_000 + 2 * 200
    assert (usage.biggest_key, usage.biggest_memory_bytes) == ("p:3", 10_000)


def test_biggest_keys_per_type_and_memory_candidates() -> None:
    audit = TtlAudit(top=2)
    for n, size in enumerate([5, 50, 7, 500]):
        audit.add(fact(f"h:{n}", kind="hash", size=size, memory=size * 10))
    assert [k.size for k in audit.biggest(by_memory=False)] == [500, 50]
    assert [k.memory_bytes for k in audit.biggest(by_memory=True)] == [5000, 500]
    assert audit.wants_memory("hash", 51) and not audit.wants_memory("hash", 50)
    assert audit.wants_memory("list", 1)  # nothing ranked yet for lists


def test_state_round_trips_for_resume() -> None:
    audit = TtlAudit(top=3, sample_every=4, plan_limit=2)
    for n in range(5):
        audit.add(fact(f"a:{n}", memory=n * 8, sampled=n % 2 == 0, kind="list", size=n))
    audit.commands, audit.elapsed_s, audit.runs = 42, 1.5, 1
    again, scan = TtlAudit.from_json(audit.to_json({"cursor": 17, "node": "h:1", "match": "*"}))
    assert scan == {"cursor": 17, "node": "h:1", "match": "*"}
    assert again.prefix_usage() == audit.prefix_usage()
    assert again.biggest(by_memory=True) == audit.biggest(by_memory=True)
    assert again.no_ttl_keys == ["a:0", "a:1"] and again.no_ttl_total == 5
    assert (again.scanned, again.commands, again.runs, again.top) == (5, 42, 1, 3)
    with pytest.raises(ValueError, match="not an audit state"):
        TtlAudit.from_json(f'{{"version": {STATE_VERSION}}}')
    with pytest.raises(ValueError, match="state version 0"):
        TtlAudit.from_json('{"version": 0}')


def test_plan_commands_are_writes_with_masked_display() -> None:
    keys = ["m:jane@example.com:x", "m:2", "m:3"]
    plan = remediation_plan("luckyus-isales-market", keys, keys_without_ttl=7, ttl_s=600,
                            jitter_s=60, production=True, complete=False)  # fmt: skip
    assert plan.dry_run and plan.keys_without_ttl == 7 and len(plan.commands) == 3
    for key, command in zip(keys, plan.commands, strict=True):
        assert command.command[:2] == ("EXPIRE", key)
        assert 600 <= int(command.command[2]) <= 660
        assert (command.classification, command.confirmations) == ("write", 1)
        assert plan_redis(list(command.command)).classification == "write"
    assert "jane" not in " ".join(c.shown for c in plan.commands)
    assert expire_seconds("k", 600, 60) == expire_seconds("k", 600, 60)  # the same plan twice


def test_every_command_the_audit_sends_is_read_only() -> None:
    for command in AUDIT_COMMANDS:
        assert plan_redis(list(command)).classification == "read_only", command
    assert not any(c[0] in ("KEYS", "CONFIG") for c in AUDIT_COMMANDS)
    at_most = ("SCAN", "0", "MATCH", "*", "COUNT", str(READ_CAP))
    assert plan_redis(list(at_most)).classification == "read_only"  # the largest --count


async def test_throttle_paces_commands_to_the_budget() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(100, clock=lambda: now[0], sleep=sleep)
    for _ in range(10):
        await throttle.take(30)
    assert throttle.sent == 300
    assert throttle.elapsed() == pytest.approx(3.0)  # 300 commands at 100/s
