"""The Prometheus source against the lab: queries, targets, rules, discovery, faults."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime, timedelta

import httpx
import msgspec
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.data.sources.prometheus import MAX_POINTS, PrometheusSource, label_fingerprint
from console.lab import topology

pytestmark = pytest.mark.lab


def utc(moment: datetime) -> bool:
    return moment.utcoffset() == timedelta(0)


async def test_up_returns_one_sample_per_target(data: DataLayer) -> None:
    reading = await data.prometheus.query("up")
    assert reading.error is None, reading.error
    assert reading.value
    jobs = {sample.label("job") for sample in reading.value}
    assert {"redis", "mysql", "postgres"} <= jobs
    assert all(utc(s.at) and s.value in (0.0, 1.0) for s in reading.value)
    redis = [s for s in reading.value if s.label("job") == "redis"]
    assert len(redis) == 78


async def test_scalars_and_special_values(data: DataLayer) -> None:
    scalar = await data.prometheus.query("scalar(vector(42))")
    assert scalar.value is not None
    assert [(s.labels, s.value) for s in scalar.value] == [((), 42.0)]
    inf = await data.prometheus.query("vector(1) / 0")
    nan = await data.prometheus.query("vector(0) / 0")
    assert inf.value is not None and nan.value is not None
    assert inf.value[0].value == math.inf
    assert math.isnan(nan.value[0].value)


async def test_query_at_a_past_instant(data: DataLayer) -> None:
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=30)
    reading = await data.prometheus.query("vector(1)", at=at)
    assert reading.value is not None
    assert [s.at for s in reading.value] == [at]


async def test_query_range_returns_ordered_points(data: DataLayer) -> None:
    end = datetime.now(UTC).replace(microsecond=0)  # the API takes milliseconds
    start = end - timedelta(minutes=2)
    reading = await data.prometheus.query_range('up{job="redis"}', start, end, 5)
    assert reading.error is None, reading.error
    assert reading.value
    for series in reading.value:
        assert series.label("instance")
        times = [at for at, _value in series.points]
        assert times == sorted(times)
        assert all(utc(at) and start <= at <= end for at in times)
    assert max(len(series.points) for series in reading.value) >= 2


async def test_query_range_caps_points_per_series(data: DataLayer) -> None:
    end = datetime.now(UTC)
    reading = await data.prometheus.query_range("vector(1)", end - timedelta(days=1), end, 1)
    assert reading.value is not None
    [series] = reading.value
    assert MAX_POINTS - 2 <= len(series.points) <= MAX_POINTS


async def test_bad_promql_is_a_query_error_with_prometheus_text(
    data: DataLayer, settings: Settings
) -> None:
    promql = "sum(rate(up[1m]) by"
    reading = await data.prometheus.query(promql)
    assert reading.value is None and reading.error is not None
    assert reading.error.kind == "query"
    async with httpx.AsyncClient(base_url=settings.monitoring.prometheus) as client:
        raw = (await client.get("/api/v1/query", params={"query": promql})).json()
    assert raw["status"] == "error"
    assert reading.error.message == " ".join(raw["error"].split())
    assert "parse error" in reading.error.message


async def test_targets_are_models_with_scrape_urls(data: DataLayer) -> None:
    reading = await data.prometheus.targets()
    assert reading.value is not None
    redis = [t for t in reading.value if t.job == "redis"]
    assert len(redis) == 78
    assert all("/scrape?target=" in t.scrape_url for t in redis)
    assert all(t.health in ("up", "down", "unknown") for t in reading.value)
    scraped = [t.last_scrape for t in reading.value if t.last_scrape is not None]
    assert scraped and all(utc(at) for at in scraped)


async def test_redis_clusters_are_discovered_from_targets(
    data: DataLayer, settings: Settings
) -> None:
    reading = await data.prometheus.redis_clusters(settings.monitoring.redis_discovery)
    assert reading.error is None, reading.error
    assert reading.value is not None
    found = {c.name: (c.host, c.port) for c in reading.value}
    expected = {
        name: (topology.HOST, server.port)
        for server in topology.redis_servers()
        for name in server.clusters
    }
    assert len(found) == 78
    assert found == expected
    assert found["luckyus-isales-market"][0] == "127.0.0.1"
    assert all(c.job == "redis" for c in reading.value)


async def test_rules_include_the_lab_alert_rules(data: DataLayer) -> None:
    reading = await data.prometheus.rules()
    assert reading.value is not None
    by_name = {rule.name: rule for rule in reading.value}
    down = by_name["InstanceDown"]
    assert down.kind == "alerting"
    assert down.health == "ok"
    assert down.state in ("inactive", "pending", "firing")
    assert "up == 0" in down.query
    assert all(rule.group for rule in reading.value)


async def _raw_alerts(settings: Settings) -> list[tuple[str, str, str, str]]:
    """Prometheus's own answer, read past our source: (name, state, severity, instance)."""
    async with httpx.AsyncClient(base_url=settings.monitoring.prometheus, timeout=5) as client:
        answer = (await client.get("/api/v1/alerts")).json()
    return sorted(
        (
            a["labels"]["alertname"],
            a["state"],
            a["labels"].get("severity", "none"),
            a["labels"].get("instance", ""),
        )
        for a in answer["data"]["alerts"]
        if a["state"] in ("firing", "pending")
    )


async def test_alerts_are_prometheus_own_alerts_one_for_one(
    data: DataLayer, settings: Settings
) -> None:
    """Every firing or pending alert Prometheus reports, no more (none when none fires: an
    empty answer is compared too, so a phantom alert fails), each with its fields. The live
    lab's alerts change as the workload runs: compared when two raw reads around ours agree."""
    for _ in range(5):
        before = await _raw_alerts(settings)
        reading = await data.prometheus.alerts()
        after = await _raw_alerts(settings)
        if before == after:
            break
        await asyncio.sleep(1)
    else:
        pytest.fail("Prometheus's alerts changed on every read")
    assert reading.error is None, reading.error
    assert reading.value is not None
    ours = sorted((a.name, a.state, a.severity, a.label("instance") or "") for a in reading.value)
    assert ours == before
    assert all(alert.fingerprint == label_fingerprint(alert.labels) for alert in reading.value)


# --- faults ------------------------------------------------------------------------------


async def test_closed_port_is_unreachable_fast(settings: Settings, closed_port: int) -> None:
    source = PrometheusSource(f"http://127.0.0.1:{closed_port}", settings.timeouts)
    try:
        started = time.monotonic()
        reading = await source.query("up")
        elapsed = time.monotonic() - started
    finally:
        await source.close()
    assert reading.error is not None
    assert reading.error.kind == "unreachable"
    assert elapsed < 1.0


async def test_silent_server_times_out_within_the_http_timeout(
    settings: Settings, silent_port: int
) -> None:
    timeouts = msgspec.structs.replace(settings.timeouts, http_s=1.5)
    source = PrometheusSource(f"http://127.0.0.1:{silent_port}", timeouts)
    try:
        started = time.monotonic()
        reading = await source.targets()
        elapsed = time.monotonic() - started
    finally:
        await source.close()
    assert reading.error is not None
    assert reading.error.kind == "timeout"
    assert timeouts.http_s * 0.9 <= elapsed <= timeouts.http_s + 1.0


async def test_cancelling_a_call_propagates(settings: Settings, silent_port: int) -> None:
    source = PrometheusSource(f"http://127.0.0.1:{silent_port}", settings.timeouts)
    try:
        task = asyncio.create_task(source.query("up"))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await source.close()


async def test_wrong_service_is_an_error_with_the_status(settings: Settings) -> None:
    source = PrometheusSource(settings.monitoring.alertmanager, settings.timeouts)
    try:
        reading = await source.query("up")
    finally:
        await source.close()
    assert reading.error is not None
    assert reading.error.kind == "query"
    assert "404" in reading.error.message
