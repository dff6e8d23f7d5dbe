"""The fleet sweep on the live lab: the whole inventory, bounded, and a server dying mid-session."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import FleetHealth
from console.inventory import DB_KINDS
from console.lab import manager
from tests.helpers import LAB_SERVERS

pytestmark = pytest.mark.lab


async def test_discovery_merges_the_78_redis_clusters_into_their_groups(data: DataLayer) -> None:
    fleet = await data.fleet()
    assert fleet.discovery_error is None
    redis = fleet.of_kind("redis")
    assert len(redis) == 78
    groups = fleet.groups("redis")
    assert len(groups) == 11
    assert "ungrouped" not in groups
    assert {i.name for i in groups["Sales/CRM"]} >= {"luckyus-isales-market", "luckyus-salesorder"}
    assert all(i.origin == "prometheus" for i in redis)


async def test_sweep_streams_every_result_in_inventory_order(data: DataLayer) -> None:
    fleet = await data.fleet()
    streamed: list[FleetHealth] = []
    results = await data.sweep(fleet.instances, streamed.append)
    assert [r.name for r in results] == [i.name for i in fleet.instances]
    assert sorted(r.name for r in streamed) == sorted(r.name for r in results)
    down = [r for r in results if r.state == "down" and r.kind in DB_KINDS]  # AWS: seeded down
    assert down == [], [r.reading.error for r in down]


async def test_discovery_failure_keeps_the_configured_fleet(
    settings: Settings, tmp_path: Path
) -> None:
    monitoring = msgspec.structs.replace(settings.monitoring, prometheus="http://127.0.0.1:9")
    console = msgspec.structs.replace(settings.console, state_dir=str(tmp_path))  # nothing kept
    data = DataLayer(replace(settings, monitoring=monitoring, console=console))
    try:
        fleet = await data.fleet()
    finally:
        await data.close()
    assert len([i for i in fleet.instances if not i.is_aws]) == 64
    assert fleet.discovery_error is not None
    assert "Redis discovery from Prometheus failed (unreachable" in fleet.discovery_error
    assert "showing the configured inventory only (nothing kept yet)" in fleet.discovery_error


async def test_a_server_stopped_mid_session_is_down_within_its_timeout(
    data: DataLayer, lab_dir: Path
) -> None:
    fleet = await data.fleet()
    dify = fleet.by_name("luckyus-dify")
    market = fleet.by_name("luckyus-isales-market")
    assert dify is not None and market is not None
    before = await data.sweep([dify, market])
    assert [r.state for r in before] == ["ok", "ok"]
    manager.stop_part(lab_dir, "redis-dify")
    try:
        started = time.monotonic()
        after = await data.sweep([dify, market])
        elapsed = time.monotonic() - started
    finally:
        assert manager.up(lab_dir, lambda _line: None)
    assert after[0].state == "down"
    assert after[0].reading.error is not None
    assert after[0].reading.error.kind in ("unreachable", "timeout")
    assert after[1].state == "ok"
    assert elapsed <= data.settings.timeouts.probe_s + 0.5
    again = await data.sweep([dify])
    assert again[0].state == "ok", again[0].reading.error


async def test_fleet_health_reads_redis_from_prometheus_and_probes_the_rest(
    data: DataLayer,
) -> None:
    fleet = await data.fleet()
    results = await data.fleet_health(fleet.instances)
    sources = {r.name: r.reading.source for r in results}
    assert len([r for r in results if r.kind in DB_KINDS]) == LAB_SERVERS
    assert {sources[i.name] for i in fleet.of_kind("redis")} == {"prometheus"}
    assert {sources[i.name] for i in fleet.of_kind("mysql")} == {"mysql"}
    market = next(r for r in results if r.name == "luckyus-isales-market")
    assert market.reading.value is not None
    assert market.reading.value.used_memory_bytes is not None
    assert market.reading.value.max_memory_bytes == 64 * 2**20


async def test_fleet_health_probes_everything_when_prometheus_is_down(
    settings: Settings,
) -> None:
    data = DataLayer(settings)
    try:
        fleet = await data.fleet()
    finally:
        await data.close()
    monitoring = msgspec.structs.replace(settings.monitoring, prometheus="http://127.0.0.1:9")
    blind = DataLayer(replace(settings, monitoring=monitoring))
    try:
        results = await blind.fleet_health(fleet.instances)
    finally:
        await blind.close()
    assert {r.reading.source for r in results if r.kind == "redis"} == {"redis"}
    servers = [r for r in results if r.kind in DB_KINDS]  # the AWS kinds: two seeded down
    assert all(r.state != "down" for r in servers), [r.reading.error for r in servers]
