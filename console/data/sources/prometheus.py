"""Prometheus over its HTTP API: instant and range queries, targets, rules, alerts, Redis discovery.

The team knows its 78 Redis clusters through Prometheus targets, and every metrics pane reads
from here; JSON becomes models inside this module, and every call has a client timeout plus
Prometheus's own `timeout` parameter, so a heavy query is stopped on the server too.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from console.config import RedisDiscovery, Timeouts
from console.data.calls import fetch
from console.data.http import (
    ApiResponseError,
    JsonClient,
    Params,
    items,
    labels,
    make_alert,
    number,
    obj,
    parse_time,
    text,
)
from console.data.models import (
    Alert,
    DiscoveredCluster,
    Reading,
    Rule,
    Sample,
    Series,
    Target,
)
from console.safety.masking import mask_text
from console.safety.redact import redact

T = TypeVar("T")

INSTANCE = "prometheus"
MAX_POINTS = 1000  # per series in a range query: the step grows to keep within it
SERVER_TIMEOUT_SHARE = 0.9  # of timeouts.http_s, sent as the query `timeout` parameter
TARGET_STATES = ("active", "dropped", "any")
REDIS_SCHEMES = ("redis", "rediss")
DEFAULT_REDIS_PORT = 6379

_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211
_MASK64 = (1 << 64) - 1


class PrometheusSource:
    """Read-only access to one Prometheus server through one lazily created httpx client."""

    def __init__(self, base_url: str, timeouts: Timeouts) -> None:
        self._timeouts = timeouts
        self._http = JsonClient(base_url, timeouts.http_s)

    async def close(self) -> None:
        """Close the HTTP client (DataLayer.close on unmount); a later call opens a new one."""
        await self._http.close()

    # --- public calls: each returns a Reading, never raises for a source failure ----------

    async def query(self, promql: str, at: datetime | None = None) -> Reading[tuple[Sample, ...]]:
        """Evaluate `promql` at one instant (now by default): a vector or a scalar."""

        async def run() -> tuple[Sample, ...]:
            params = {"query": promql, "timeout": self._server_timeout()}
            if at is not None:
                params["time"] = _unix(at)
            return _samples(await self._data("/api/v1/query", params))

        return await self._fetch(run)

    async def query_range(
        self, promql: str, start: datetime, end: datetime, step_s: float
    ) -> Reading[tuple[Series, ...]]:
        """Evaluate `promql` over [start, end]; at most MAX_POINTS points per series."""

        async def run() -> tuple[Series, ...]:
            params = {
                "query": promql,
                "start": _unix(start),
                "end": _unix(end),
                "step": f"{range_step(start, end, step_s):.3f}",
                "timeout": self._server_timeout(),
            }
            return _series(await self._data("/api/v1/query_range", params))

        return await self._fetch(run)

    async def targets(self, state: str = "active") -> Reading[tuple[Target, ...]]:
        """Scrape targets: "active" (default), "dropped" or "any"."""
        return await self._fetch(lambda: self._targets(state))

    async def rules(self) -> Reading[tuple[Rule, ...]]:
        """Alerting and recording rules with their state and health."""

        async def run() -> tuple[Rule, ...]:
            data = obj(await self._data("/api/v1/rules", {}))
            return tuple(
                _rule(text(group.get("name")), obj(rule))
                for group in map(obj, items(data.get("groups")))
                for rule in items(group.get("rules"))
            )

        return await self._fetch(run)

    async def alerts(self) -> Reading[tuple[Alert, ...]]:
        """Alerts Prometheus is evaluating right now (firing or pending)."""

        async def run() -> tuple[Alert, ...]:
            data = obj(await self._data("/api/v1/alerts", {}))
            found = (_alert(obj(row)) for row in items(data.get("alerts")))
            return tuple(a for a in found if a.state in ("firing", "pending"))

        return await self._fetch(run)

    async def redis_clusters(
        self, discovery: RedisDiscovery
    ) -> Reading[tuple[DiscoveredCluster, ...]]:
        """The Redis clusters published as targets of `discovery.jobs`, one per name."""

        async def run() -> tuple[DiscoveredCluster, ...]:
            if not discovery.enabled:
                return ()
            return discover_clusters(await self._targets("active"), discovery)

        return await self._fetch(run)

    # --- internals ---------------------------------------------------------------------------

    async def _fetch(self, run: Callable[[], Awaitable[T]]) -> Reading[T]:
        return await fetch(INSTANCE, "prometheus", self._timeouts.http_s, run)

    def _server_timeout(self) -> str:
        """Prometheus's own evaluation limit, a little under ours, so its reason arrives first.

        A query stopped on the server frees Prometheus too; its "timeout" error keeps that kind.
        """
        return f"{self._timeouts.http_s * SERVER_TIMEOUT_SHARE:.3f}"

    async def _data(self, path: str, params: Params) -> object:
        """The `data` of Prometheus's {"status", "data"} envelope; an error status raises."""
        body = obj(await self._http.get(path, params))
        if body.get("status") != "success":
            raise ApiResponseError(text(body.get("error")) or f"{path}: unexpected answer")
        return body.get("data")

    async def _targets(self, state: str) -> tuple[Target, ...]:
        if state not in TARGET_STATES:
            raise ApiResponseError(f"unknown target state {state!r}: one of {TARGET_STATES}")
        data = obj(await self._data("/api/v1/targets", {"state": state}))
        active = (_target(obj(row)) for row in items(data.get("activeTargets")))
        dropped = (_dropped_target(obj(row)) for row in items(data.get("droppedTargets")))
        return (*active, *dropped)


# --- pure parts: JSON -> models, endpoints, steps (unit-tested without a server) ---------------


def range_step(start: datetime, end: datetime, step_s: float) -> float:
    """`step_s`, widened (to whole milliseconds) so that [start, end] has ≤ MAX_POINTS points.

    Prometheus refuses more than 11,000 points a series; a screen needs far fewer.
    """
    span_s = (end - start).total_seconds()
    if span_s < 0:
        raise ApiResponseError("query_range: end is before start")
    needed = span_s / (MAX_POINTS - 1)
    return math.ceil(max(step_s, needed, 0.001) * 1000) / 1000


def label_fingerprint(label_pairs: Iterable[tuple[str, str]]) -> str:
    """Prometheus's label-set fingerprint (FNV-1a 64) as 16 hex digits, as Alertmanager shows it.

    Prometheus alerts carry none; Alertmanager hashes the same way (after adding external labels).
    """
    digest = _FNV_OFFSET
    for name, value in sorted(label_pairs):
        for chunk in (name.encode(), b"\xff", value.encode(), b"\xff"):
            for byte in chunk:
                digest = ((digest ^ byte) * _FNV_PRIME) & _MASK64
    return f"{digest:016x}"


def parse_endpoint(value: str) -> tuple[str, int] | None:
    """host and port from `redis://host:port`, `rediss://…` or `host:port`; None otherwise.

    Redis discovery reads endpoints from exporter URLs and labels, which come in all three forms.
    """
    value = value.strip()
    scheme, has_scheme, _rest = value.partition("://")
    if has_scheme and scheme.lower() not in REDIS_SCHEMES:
        return None
    try:
        parts = urlsplit(value if has_scheme else f"//{value}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or (port is None and not has_scheme):
        return None
    port = DEFAULT_REDIS_PORT if port is None else port
    return (host, port) if 0 < port < 65536 else None


def target_endpoint(target: Target) -> tuple[str, int] | None:
    """A Redis target's endpoint: the exporter's `target` parameter, else `addr`, else `instance`.

    redis_exporter in multi-target mode is scraped as /scrape?target=redis://host:port.
    """
    query = parse_qs(urlsplit(target.scrape_url).query)
    from_url = query.get("target", [])[:1]
    for candidate in (*from_url, target.label("addr"), target.label("instance")):
        endpoint = parse_endpoint(candidate) if candidate else None
        if endpoint is not None:
            return endpoint
    return None


def discover_clusters(
    targets: Iterable[Target], discovery: RedisDiscovery
) -> tuple[DiscoveredCluster, ...]:
    """One cluster per name from the targets of `discovery.jobs`; unparsable ones are skipped."""
    found: dict[str, DiscoveredCluster] = {}
    for target in targets:
        name = target.label(discovery.name_label)
        if target.job not in discovery.jobs or not name or name in found:
            continue
        endpoint = target_endpoint(target)
        if endpoint is not None:
            host, port = endpoint
            found[name] = DiscoveredCluster(name, host, port, target.job, target.health)
    return tuple(sorted(found.values(), key=lambda cluster: cluster.name))


def safe_url(url: str) -> str:
    """`url` without credentials, also inside URL-valued query parameters (exporter targets)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    cleaned = [(key, redact(value)) for key, value in pairs]
    if cleaned != pairs:
        parts = parts._replace(query=urlencode(cleaned))
    return redact(urlunsplit(parts))


def _unix(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return f"{aware.timestamp():.3f}"


def _point(pair: object) -> tuple[datetime, float] | None:
    """A [unix_seconds, "value"] pair; None when malformed (a native histogram, say)."""
    values = items(pair)
    at = parse_time(values[0]) if len(values) == 2 else None
    return None if at is None else (at, number(values[1]))


def _samples(data: object) -> tuple[Sample, ...]:
    """An instant query's vector or scalar as samples; other result types are refused.

    A range vector from an instant query is a mistake on a metrics pane: query_range draws it.
    """
    fields = obj(data)
    kind, result = text(fields.get("resultType")), fields.get("result")
    if kind == "scalar":
        point = _point(result)
        return () if point is None else (Sample((), point[1], point[0]),)
    if kind != "vector":
        raise ApiResponseError(f"the query returned a {kind or 'unknown'} result, not a vector")
    samples: list[Sample] = []
    for row in map(obj, items(result)):
        point = _point(row.get("value"))
        if point is not None:
            samples.append(Sample(labels(row.get("metric")), point[1], point[0]))
    return tuple(samples)


def _series(data: object) -> tuple[Series, ...]:
    """A range query's matrix as series; malformed points are dropped, not fatal."""
    fields = obj(data)
    if text(fields.get("resultType")) != "matrix":
        raise ApiResponseError("the range query did not return a matrix")
    return tuple(
        Series(
            labels(row.get("metric")),
            tuple(p for p in map(_point, items(row.get("values"))) if p is not None),
        )
        for row in map(obj, items(fields.get("result")))
    )


def _target(row: dict[str, object]) -> Target:
    """An active target; its URL and last error are cleaned of credentials and PII."""
    target_labels = labels(row.get("labels"))
    by_name = dict(target_labels)
    return Target(
        job=by_name.get("job") or text(row.get("scrapePool")),
        instance=by_name.get("instance", ""),
        health=text(row.get("health"), "unknown"),
        scrape_url=safe_url(text(row.get("scrapeUrl"))),
        labels=target_labels,
        last_error=mask_text(redact(text(row.get("lastError")))),
        last_scrape=parse_time(row.get("lastScrape")),
    )


def _dropped_target(row: dict[str, object]) -> Target:
    """A dropped target has only its discovered labels: the `__` ones are kept out."""
    discovered = labels(row.get("discoveredLabels"))
    by_name = dict(discovered)
    return Target(
        job=by_name.get("job", ""),
        instance=by_name.get("__address__", ""),
        health="dropped",
        scrape_url="",
        labels=tuple(pair for pair in discovered if not pair[0].startswith("__")),
        last_error="",
        last_scrape=None,
    )


def _rule(group: str, row: dict[str, object]) -> Rule:
    """One rule of a group; only alerting rules have a state."""
    kind = text(row.get("type"))
    return Rule(
        group=group,
        name=text(row.get("name")),
        kind=kind,
        query=text(row.get("query")),
        state=(text(row.get("state")) or None) if kind == "alerting" else None,
        health=text(row.get("health"), "unknown"),
    )


def _alert(row: dict[str, object]) -> Alert:
    """A Prometheus alert, fingerprinted as Alertmanager would fingerprint its labels."""
    alert_labels = labels(row.get("labels"))
    return make_alert(
        label_fingerprint(alert_labels),
        alert_labels,
        row.get("annotations"),
        text(row.get("state")),
        parse_time(row.get("activeAt")),
    )
