"""Pure parts of the Prometheus source (no server): endpoints, discovery, steps, times, values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.config import RedisDiscovery
from console.data.http import ApiResponseError, api_error_text, number, parse_time
from console.data.models import Target
from console.data.sources.prometheus import (
    MAX_POINTS,
    discover_clusters,
    label_fingerprint,
    parse_endpoint,
    range_step,
    safe_url,
    target_endpoint,
)

EXPORTER = "http://127.0.0.1:19121/scrape?target="


def target(
    name: str,
    *,
    job: str = "redis",
    scrape_url: str = "",
    health: str = "up",
    **extra: str,
) -> Target:
    labels = tuple(sorted({"instance": name, "job": job, **extra}.items()))
    return Target(job, name, health, scrape_url, labels, "", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("redis://127.0.0.1:16382", ("127.0.0.1", 16382)),
        ("rediss://cache.example.internal:6380", ("cache.example.internal", 6380)),
        ("redis://:secret@10.0.0.5:6379/0", ("10.0.0.5", 6379)),
        ("redis://user:secret@10.0.0.5", ("10.0.0.5", 6379)),
        ("REDIS://Host.Example:7000", ("host.example", 7000)),
        ("127.0.0.1:16382", ("127.0.0.1", 16382)),
        ("  127.0.0.1:16382  ", ("127.0.0.1", 16382)),
        ("[::1]:6379", ("::1", 6379)),
        ("luckyus-isales-market", None),  # a cluster name, not an endpoint
        ("", None),
        ("host:notaport", None),
        ("host:0", None),
        ("host:70000", None),
        ("unix:///var/run/redis.sock", None),
        ("http://127.0.0.1:9121", None),
    ],
)
def test_parse_endpoint(text: str, expected: tuple[str, int] | None) -> None:
    assert parse_endpoint(text) == expected


def test_endpoint_prefers_the_exporter_target_parameter() -> None:
    url = EXPORTER + "redis%3A%2F%2F127.0.0.1%3A16382"
    found = target("luckyus-isales-market", scrape_url=url, addr="10.0.0.9:6379")
    assert target_endpoint(found) == ("127.0.0.1", 16382)


def test_endpoint_falls_back_to_addr_then_instance() -> None:
    assert target_endpoint(target("c1", addr="10.0.0.9:6379")) == ("10.0.0.9", 6379)
    assert target_endpoint(target("10.0.0.7:6390")) == ("10.0.0.7", 6390)
    assert target_endpoint(target("c1", scrape_url="http://exporter:9121/metrics")) is None


def test_discovery_keeps_named_parsable_targets_of_the_jobs_once() -> None:
    targets = [
        target("luckyus-b", scrape_url=EXPORTER + "127.0.0.1%3A16381", health="down"),
        target("luckyus-a", scrape_url=EXPORTER + "redis%3A%2F%2F127.0.0.1%3A16380"),
        target("luckyus-a", scrape_url=EXPORTER + "redis%3A%2F%2F127.0.0.1%3A16399"),
        target("luckyus-nothing"),  # no endpoint anywhere: skipped, not an error
        target("127.0.0.1:13306", job="mysql"),  # another job
    ]
    clusters = discover_clusters(targets, RedisDiscovery())
    assert [(c.name, c.host, c.port, c.health) for c in clusters] == [
        ("luckyus-a", "127.0.0.1", 16380, "up"),
        ("luckyus-b", "127.0.0.1", 16381, "down"),
    ]


def test_discovery_reads_the_configured_name_label_and_jobs() -> None:
    targets = [
        target("10.0.0.1:6379", job="elasticache", cluster="luckyus-x"),
        target("10.0.0.2:6379", job="elasticache"),  # no cluster label: skipped
    ]
    discovery = RedisDiscovery(jobs=("elasticache",), name_label="cluster")
    clusters = discover_clusters(targets, discovery)
    assert [(c.name, c.host, c.port, c.job) for c in clusters] == [
        ("luckyus-x", "10.0.0.1", 6379, "elasticache")
    ]


def test_range_step_caps_points_per_series() -> None:
    end = datetime(2026, 1, 2, tzinfo=UTC)
    assert range_step(end - timedelta(minutes=10), end, 15) == 15
    step = range_step(end - timedelta(days=1), end, 1)
    assert 86_400 / step + 1 <= MAX_POINTS
    assert step < 87  # no wider than it needs to be
    with pytest.raises(ApiResponseError):
        range_step(end, end - timedelta(seconds=1), 5)


@given(
    span_s=st.floats(min_value=0, max_value=10 * 365 * 86_400),
    step_s=st.floats(min_value=-5, max_value=86_400),
)
def test_range_step_never_exceeds_max_points(span_s: float, step_s: float) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    step = range_step(start, start + timedelta(seconds=span_s), step_s)
    assert step > 0
    assert math.floor(span_s / step) + 1 <= MAX_POINTS


def test_label_fingerprint_is_prometheus_fnv64a() -> None:
    assert label_fingerprint(()) == "cbf29ce484222325"  # FNV-64a offset basis: the empty set
    pairs = (("job", "redis"), ("alertname", "InstanceDown"))
    assert label_fingerprint(pairs) == label_fingerprint(tuple(reversed(pairs)))
    assert len(label_fingerprint(pairs)) == 16


def test_safe_url_removes_credentials_inside_the_target_parameter() -> None:
    url = EXPORTER + "redis%3A%2F%2F%3Ahunter2secret%40127.0.0.1%3A16382"
    cleaned = safe_url(url)
    assert "hunter2secret" not in cleaned
    assert target_endpoint(target("c", scrape_url=cleaned)) == ("127.0.0.1", 16382)
    plain = EXPORTER + "redis%3A%2F%2F127.0.0.1%3A16382"
    assert safe_url(plain) == plain


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_700_000_000.5, datetime(2023, 11, 14, 22, 13, 20, 500_000, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456789Z", datetime(2024, 5, 1, 10, 0, 0, 123_456, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),  # Go's zero time: "never"
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_time_gives_aware_utc(value: object, expected: datetime | None) -> None:
    parsed = parse_time(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


def test_number_reads_prometheus_special_values() -> None:
    assert math.isnan(number("NaN"))
    assert number("+Inf") == math.inf
    assert number("-Inf") == -math.inf
    assert number("1e3") == 1000.0
    assert math.isnan(number("garbage"))
    assert math.isnan(number(None))


def test_api_error_text_reads_both_apis() -> None:
    prometheus = {"status": "error", "errorType": "bad_data", "error": "parse error: x"}
    assert api_error_text(prometheus) == "parse error: x"
    assert api_error_text({"code": 400, "message": "bad matcher"}) == "bad matcher"
    assert api_error_text("silence not found") == "silence not found"
    assert api_error_text({"status": "error"}) is None
    assert api_error_text(None) is None
