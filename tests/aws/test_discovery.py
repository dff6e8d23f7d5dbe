"""AWS discovery on the lab's moto: merged by name, AWS-only servers kept, failures explained."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.lab import seed_aws, topology
from tests.aws.conftest import with_aws

pytestmark = pytest.mark.lab


async def test_rds_and_elasticache_are_listed_as_typed_resources(aws_data: DataLayer) -> None:
    reading = await aws_data.aws_resources()
    assert reading.error is None and reading.value is not None
    by_name = {r.name: r for r in reading.value}
    salesorder = by_name["aws-luckyus-salesorder-rw"]
    assert (salesorder.kind, salesorder.service) == ("mysql", "rds")
    assert salesorder.host is not None and salesorder.port == 3306
    assert by_name["aws-luckyus-dify-rw"].kind == "postgres"
    market = by_name["luckyus-isales-market"]
    assert (market.kind, market.service) == ("redis", "elasticache")
    assert not any(name.endswith("-001") for name in by_name)  # group members fold into groups


async def test_aws_only_servers_are_kept_and_configured_ones_keep_their_config(
    aws_data: DataLayer,
) -> None:
    fleet = await aws_data.fleet()
    assert fleet.discovery_error is None
    configured = aws_data.settings.fleet
    servers = [i for i in fleet.instances if not i.is_aws]  # the AWS kinds: tests/aws/test_kinds
    assert len(servers) == len(configured) + 78 + 3  # Prometheus' Redis + AWS-only servers
    for short in seed_aws.AWS_ONLY_RDS:
        found = fleet.by_name(f"aws-luckyus-{short}-rw")
        assert found is not None
        assert (found.kind, found.origin, found.group) == ("mysql", "aws", "ungrouped")
        assert found.endpoint.endswith(".rds.amazonaws.com:3306")
        assert found.database == topology.mysql_database(short)
    cache = fleet.by_name(seed_aws.AWS_ONLY_CACHE)
    assert cache is not None and (cache.kind, cache.origin) == ("redis", "aws")
    salesorder = fleet.by_name("aws-luckyus-salesorder-rw")
    assert salesorder is not None and salesorder.origin == "config"
    assert salesorder.endpoint == configured.by_name("aws-luckyus-salesorder-rw").endpoint  # type: ignore[union-attr]
    market = fleet.by_name("luckyus-isales-market")
    assert market is not None and market.origin == "prometheus"  # listed by both: first wins


async def test_discovery_failure_keeps_the_fleet_and_says_why(
    settings: Settings, tmp_path: Path, closed_port: int
) -> None:
    monitoring = msgspec.structs.replace(
        settings.monitoring, aws_endpoint=f"http://127.0.0.1:{closed_port}"
    )
    console = msgspec.structs.replace(settings.console, state_dir=str(tmp_path))  # nothing kept
    dead = replace(with_aws(settings, tmp_path), monitoring=monitoring, console=console)
    data = DataLayer(dead)
    try:
        started = time.monotonic()
        fleet = await data.fleet()
        elapsed = time.monotonic() - started
    finally:
        await data.close()
    assert len(fleet) == len(settings.fleet) + 78
    assert all(i.origin != "aws" for i in fleet.instances)
    assert fleet.discovery_error is not None
    assert fleet.discovery_error.startswith("AWS discovery failed (unreachable")
    assert "showing the inventory without it" in fleet.discovery_error
    assert elapsed < dead.aws.call_timeout_s


async def test_a_failed_aws_discovery_stands_in_its_kept_list_with_its_age(
    settings: Settings, tmp_path: Path, closed_port: int
) -> None:
    console = msgspec.structs.replace(settings.console, state_dir=str(tmp_path / "state"))
    live = replace(with_aws(settings, tmp_path), console=console)
    data = DataLayer(live)
    try:
        found = await data.fleet()  # discovery once: kept
    finally:
        await data.close()
    assert (tmp_path / "state" / "lab-aws.json").exists()
    monitoring = msgspec.structs.replace(
        settings.monitoring, aws_endpoint=f"http://127.0.0.1:{closed_port}"
    )
    data = DataLayer(replace(live, monitoring=monitoring))
    try:
        fleet = await data.fleet()
    finally:
        await data.close()
    assert [i.name for i in fleet.instances] == [i.name for i in found.instances]
    only_aws = [i for i in found.instances if i.origin == "aws" and not i.is_aws]
    assert len(only_aws) == 3
    for instance in only_aws:
        kept = fleet.by_name(instance.name)
        assert kept is not None and kept.origin == "kept"
        assert kept.discovered_at == instance.discovered_at and kept.endpoint == instance.endpoint
    assert fleet.discovery_error is not None
    assert fleet.discovery_error.startswith("AWS discovery failed (unreachable")
    assert "AWS servers kept from " in fleet.discovery_error


async def test_discovery_off_asks_aws_nothing(settings: Settings) -> None:
    assert settings.aws.discovery is False  # the lab profile: its fleet tests count 142 servers
    off = msgspec.structs.replace(settings.aws, discover_kinds=False)  # the lab lists those
    data = DataLayer(replace(settings, aws=off))
    try:
        fleet = await data.fleet()
    finally:
        await data.close()
    assert all(i.origin != "aws" for i in fleet.instances)
