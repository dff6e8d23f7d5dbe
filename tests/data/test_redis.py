"""The Redis source against the lab's Sales/CRM server: INFO, slowlog, clients, keyspace, faults."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import replace
from pathlib import Path

import pytest
from redis.asyncio import Redis

from console.config import Settings
from console.data.layer import DataLayer
from console.data.rowcap import MAX_CELL_CHARS
from console.data.sources.redis import MAX_REPLY_LINES
from console.inventory import Instance
from console.lab import topology

pytestmark = pytest.mark.lab
MAX_MEMORY = 64 * 1024 * 1024


async def test_health_info_and_memory(
    data: DataLayer, settings: Settings, market: Instance
) -> None:
    health = await data.health(market)
    assert health.value is not None, health.error
    assert health.value.state in ("ok", "warn") and health.value.max_memory_bytes == MAX_MEMORY
    assert (health.value.connections or 0) >= 1 and (health.value.max_connections or 0) > 0
    assert 0 < (health.value.used_memory_bytes or 0) < MAX_MEMORY
    reading = await data.redis.info(market)
    info = reading.value
    assert info is not None, reading.error
    assert info.version.startswith("7.") and info.role == "master" and info.uptime_s > 0
    assert 0 < info.expiring_keys < info.keys and info.max_memory_bytes == MAX_MEMORY
    assert info.ops_per_s >= 0
    assert info.hit_ratio is None or 0 <= info.hit_ratio <= 1
    names = [section.name for section in info.sections]
    assert {"Server", "Clients", "Memory", "Stats", "Replication", "Keyspace"} <= set(names)
    server = info.sections[names.index("Server")]
    assert server.get("redis_version") == info.version
    memory = await data.redis.memory(market)
    assert memory.value is not None, memory.error
    assert memory.value.used_bytes > 0 and memory.value.max_bytes == MAX_MEMORY
    assert memory.value.policy == "noeviction" and (memory.value.rss_bytes or 0) > 0


async def test_slowlog_parses_and_masks_arguments(
    data: DataLayer, market: Instance, lab_admin: Redis
) -> None:
    script = "local n = 0 for i = 1, 400000 do n = n + i end return ARGV[1]"
    marker = f"probe-{secrets.token_hex(4)}"
    await lab_admin.eval(script, 0, "jane.doe@example.com", marker)
    reading = await data.redis.slowlog(market, 50)
    assert reading.value, reading.error
    assert len(reading.value) <= 50
    [mine] = [e for e in reading.value if marker in e.command]
    assert "jane.doe" not in mine.command and "***@example.com" in mine.command
    assert mine.duration_s > 0 and mine.started_at.tzinfo is not None
    assert mine.client is not None and mine.client.startswith("127.0.0.1:")


async def test_client_list_shows_others_not_us(
    data: DataLayer, market: Instance, lab_admin: Redis
) -> None:
    await lab_admin.client_setname("test-probe")
    reading = await data.redis.clients(market, 1000)
    assert reading.value is not None, reading.error
    probe = [c for c in reading.value if c.name == "test-probe"]
    assert len(probe) == 1 and probe[0].user == topology.REDIS_ADMIN_USER
    assert probe[0].addr.startswith("127.0.0.1:") and probe[0].db == 0
    assert not any(c.name == "opsconsole" and c.command == "client|list" for c in reading.value)


async def test_sample_keys_scans_with_and_without_ttl_and_resumes(
    data: DataLayer, market: Instance
) -> None:
    reading = await data.redis.sample_keys(market, match="isales:market:*", count=200, limit=500)
    sample = reading.value
    assert sample is not None, reading.error
    assert 500 <= len(sample.keys) < 700 and not sample.complete and sample.cursor != 0
    assert all(k.key.startswith("isales:market:") for k in sample.keys)
    assert any(k.ttl_s is None for k in sample.keys)
    assert any(k.ttl_s is not None and 0 < k.ttl_s <= 7 * 86400 for k in sample.keys)
    assert {k.type for k in sample.keys} <= {"string", "hash", "set", "list", "zset"}
    following = await data.redis.sample_keys(
        market, match="isales:market:*", count=200, limit=500, cursor=sample.cursor
    )
    assert following.value is not None and following.value.keys


async def test_sample_keys_complete_scan_with_memory_and_masked_names(
    data: DataLayer, market: Instance, lab_admin: Redis
) -> None:
    await lab_admin.set("opsconsole-test:jane.doe@example.com", "x", ex=60)
    try:
        reading = await data.redis.sample_keys(
            market, match="opsconsole-test:*", count=1000, limit=100, memory=True
        )
        big = await data.redis.sample_keys(
            market, match="isales:market:activity:big:*", count=1000, limit=100, memory=True
        )
    finally:
        await lab_admin.delete("opsconsole-test:jane.doe@example.com")
    assert reading.value is not None, reading.error
    assert reading.value.complete and reading.value.cursor == 0
    [key] = reading.value.keys
    assert key.key == "opsconsole-test:***@example.com" and key.type == "string"
    assert key.ttl_s is not None and 0 < key.ttl_s <= 60 and (key.memory_bytes or 0) > 0
    assert big.value is not None and big.value.complete
    sizes = {k.key: k for k in big.value.keys}
    assert sizes["isales:market:activity:big:hash"].type == "hash"
    assert (sizes["isales:market:activity:big:blob"].memory_bytes or 0) >= 1_000_000


async def test_wrong_password_is_auth_and_never_shown(
    data: DataLayer, market: Instance, tmp_path: Path
) -> None:
    secret = tmp_path / "wrong.pass"
    secret.write_text("Wr0ngRedis-Passw0rd-xyz")
    reading = await data.redis.info(replace(market, name="wrong", secret=f"file:{secret}"))
    assert reading.error is not None and reading.error.kind == "auth", reading.error
    assert "Wr0ngRedis-Passw0rd-xyz" not in str(reading.error)


async def test_closed_port_is_unreachable_fast(
    data: DataLayer, settings: Settings, market: Instance, closed_port: int
) -> None:
    reading = await data.health(replace(market, name="closed", port=closed_port))
    assert reading.error is not None and reading.error.kind == "unreachable", reading.error
    assert reading.elapsed_s < settings.timeouts.probe_s


async def test_silent_port_times_out_within_the_timeout(
    data: DataLayer, settings: Settings, market: Instance, silent_port: int
) -> None:
    silent = replace(market, name="silent", port=silent_port)
    started = time.monotonic()
    reading = await data.redis.info(silent)
    assert reading.error is not None and reading.error.kind == "timeout", reading.error
    assert time.monotonic() - started <= settings.timeouts.query_s + 1
    started = time.monotonic()
    probe = await data.health(silent)
    assert probe.error is not None and probe.error.kind == "timeout", probe.error
    assert time.monotonic() - started <= settings.timeouts.probe_s + 1


async def test_cancel_propagates(data: DataLayer, market: Instance, silent_port: int) -> None:
    call = asyncio.create_task(data.redis.info(replace(market, name="silent", port=silent_port)))
    await asyncio.sleep(0.3)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call


async def test_config_get_of_credentials_is_refused_and_redacted_below_the_guard(
    data: DataLayer, market: Instance
) -> None:
    """Class 4: the guard refuses CONFIG GET * (it matches requirepass); the source, called
    past the guard, still replaces every credential's value with ***."""
    refused = await data.queries.redis(market, ["CONFIG", "GET", "*"])
    assert refused.error is not None and refused.error.kind == "refused"
    assert "requirepass" in refused.error.message
    reading = await data._sources.redis.command(market, ["CONFIG", "GET", "*"])  # the source
    assert reading.value is not None, reading.error
    lines = [line.split(") ", 1)[1] for line in reading.value.lines]
    names = lines[0::2]
    assert {"requirepass", "masterauth", "maxmemory"} <= set(names)
    values = dict(zip(names, lines[1::2], strict=True))
    assert values["requirepass"] == values["masterauth"] == "***"
    assert values["maxmemory"] == str(MAX_MEMORY)


async def test_a_big_reply_is_cut_by_lines_and_by_line_length(
    data: DataLayer, market: Instance, lab_admin: Redis
) -> None:
    """Past the guard's bounds (a whole list, one 2 MB value): the reply stays bounded."""
    key = f"opsconsole:test:big:{secrets.token_hex(4)}"
    try:
        await lab_admin.rpush(key, *range(MAX_REPLY_LINES + 5))
        await lab_admin.set(f"{key}:s", "v" * (2 * MAX_CELL_CHARS))
        listed = await data._sources.redis.command(market, ["LRANGE", key, "0", "-1"])
        assert listed.value is not None, listed.error
        assert len(listed.value.lines) == MAX_REPLY_LINES + 1
        assert listed.value.lines[-1].startswith(f"(cut: {MAX_REPLY_LINES + 5:,} lines")
        value = await data._sources.redis.command(market, ["GET", f"{key}:s"])
        assert value.value is not None, value.error
        [line] = value.value.lines
        assert len(line) < MAX_CELL_CHARS + 100 and line.endswith(f"{MAX_CELL_CHARS:,} shown)")
    finally:
        await lab_admin.delete(key, f"{key}:s")
