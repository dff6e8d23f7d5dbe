"""The tables of an investigation bundle, built from its Evidence and masked cell by cell.

Every table becomes one CSV file of the bundle and a (shortened) section of its report. Cells
go through `mask_cell` by column name and by value, except plain numbers (a byte count is not
a phone number), so no PII reaches a file whatever a source let through.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from console.analysis.digest import DigestReport
from console.analysis.evidence import Evidence, MetricEvidence
from console.analysis.findings import Finding, key_prefix
from console.data.models import KeySample, Reading, RedisAudit
from console.formatting import human_value, resample, sparkline
from console.safety.masking import mask_cell

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", re.IGNORECASE)
TREND_WIDTH = 40
DIGEST_ROWS = 50


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the bundle: `name` is its file stem (processes -> processes.csv)."""

    name: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    error: str | None = None


def safe_cell(column: str, value: object) -> str:
    """A cell as masked text: numbers stay as they are, anything else goes through masking."""
    if value is None:
        return ""
    text = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return text if _NUMBER.fullmatch(text) else mask_cell(column, text) or ""


def table(
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    error: str | None = None,
) -> Table:
    masked = tuple(
        tuple(safe_cell(column, cell) for column, cell in zip(headers, row, strict=True))
        for row in rows
    )
    return Table(name, title, tuple(headers), masked, error)


def _error(reading: Reading[Any]) -> str | None:
    return None if reading.error is None else f"{reading.error.kind}: {reading.error.message}"


def findings_table(findings: Sequence[Finding]) -> Table:
    rows = [(f.severity, f.title, f.detail, f.evidence) for f in findings]
    return table("findings", "Findings", ("severity", "finding", "detail", "evidence"), rows)


def sources_table(evidence: Evidence) -> Table:
    rows: list[tuple[object, ...]] = [
        (name, "ok" if r.error is None else "FAILED", r.elapsed_s, _error(r) or "")
        for name, r in evidence.sources()
    ]
    return table("sources", "Sources", ("source", "state", "elapsed_s", "error"), rows)


def _trend(metric: MetricEvidence, start: float, end: float) -> Iterable[tuple[object, ...]]:
    for series in metric.reading.value or ():
        xs = [moment.timestamp() for moment, _ in series.points]
        ys = [value for _, value in series.points]
        finite = [y for y in ys if not math.isnan(y)]
        if not finite:
            continue
        columns = resample(xs, ys, TREND_WIDTH, start, end)
        labels = ",".join(f"{k}={v}" for k, v in series.labels if k != "__name__")
        yield (
            metric.title,
            labels,
            human_value(finite[-1], metric.unit),
            human_value(min(finite), metric.unit),
            human_value(max(finite), metric.unit),
            sparkline(columns, min(finite), max(finite)),
        )


def metrics_tables(evidence: Evidence) -> tuple[Table, Table]:
    """A summary per series (last, min, max, trend) and every point as a long table."""
    end = evidence.started_at.timestamp()
    start = end - evidence.window.total_seconds()
    summary = [row for m in evidence.metrics for row in _trend(m, start, end)]
    failed = [f"{m.title}: {_error(m.reading)}" for m in evidence.metrics if m.reading.error]
    points = [
        (m.title, ",".join(f"{k}={v}" for k, v in s.labels), moment.isoformat(), value)
        for m in evidence.metrics
        for s in m.reading.value or ()
        for moment, value in s.points
    ]
    headers = ("chart", "series", "last", "min", "max", "trend")
    return (
        table("metrics", "Metrics over the window", headers, summary, "; ".join(failed) or None),
        table("series", "Series points", ("chart", "series", "time", "value"), points),
    )


def sql_tables(evidence: Evidence) -> tuple[Table, ...]:
    sql = evidence.sql
    if sql is None:
        return ()
    status = sql.status.value
    figures = [] if status is None else [
        ("version", status.version), ("uptime_s", status.uptime_s),
        ("connections", status.connections), ("max_connections", status.max_connections),
        ("running", status.running), ("qps", status.qps),
        ("cache_hit_ratio", status.cache_hit_ratio),
        ("replication_lag_s", status.replication_lag_s), ("is_replica", status.is_replica),
    ]  # fmt: skip
    processes = [
        (p.id, p.user, p.host, p.db, p.command, p.state, p.time_s, p.trx_age_s,
         " ".join(map(str, p.blocked_by)), p.query)
        for p in sql.processes.value or ()
    ]  # fmt: skip
    waits = [(w.waiting, w.blocking, w.wait_s, w.lock) for w in sql.lock_waits.value or ()]
    digests = [
        (d.digest, d.schema, d.calls, d.total_time_s, d.avg_time_s, d.max_time_s, d.rows_sent,
         d.rows_examined, d.text)
        for d in sql.digests.value or ()
    ]  # fmt: skip
    slow = () if sql.slow_log is None else (_slow_log_table(sql.slow_log),)
    return (
        table("status", "Server status", ("figure", "value"), figures, _error(sql.status)),
        table("lock_waits", "Lock waits (waiting -> blocking)",
              ("waiting", "blocking", "wait_s", "lock"), waits, _error(sql.lock_waits)),
        table("processes", "Sessions, longest first",
              ("id", "user", "host", "db", "command", "state", "time_s", "trx_age_s",
               "blocked_by", "query"), processes, _error(sql.processes)),
        table("digests", "Top statements by total time",
              ("digest", "schema", "calls", "total_s", "avg_s", "max_s", "rows_sent",
               "rows_examined", "statement"), digests, _error(sql.digests)),
        *slow,
    )  # fmt: skip


def _slow_log_table(reading: Reading[DigestReport]) -> Table:
    rows = [
        (r.query_id, r.db, r.count, r.total_time_s, r.share, r.avg_time_s, r.p95_time_s,
         r.max_time_s, r.rows_examined, r.fingerprint)
        for r in (reading.value.top(DIGEST_ROWS) if reading.value else ())
    ]  # fmt: skip
    headers = ("query_id", "db", "count", "total_s", "share", "avg_s", "p95_s", "max_s",
               "rows_examined", "fingerprint")  # fmt: skip
    return table(
        "slow_log", "Slow-query log of the window, digested", headers, rows, _error(reading)
    )


def _audit_table(reading: Reading[RedisAudit]) -> Table:
    audit = reading.value
    rows = [
        (p.prefix, p.keys, p.no_ttl, p.memory_bytes, p.biggest_key, p.biggest_memory_bytes)
        for p in (audit.prefixes if audit else ())
    ]
    headers = ("prefix", "keys", "without_ttl", "memory_bytes", "biggest_key", "biggest_bytes")
    title = "TTL audit by prefix" + ("" if audit is None or audit.complete else " (partial)")
    return table("ttl_audit", title, headers, rows, _error(reading))


def _prefixes(keys: Sequence[KeySample]) -> list[tuple[object, ...]]:
    counts, no_ttl, sizes = Counter[str](), Counter[str](), Counter[str]()
    for key in keys:
        prefix = key_prefix(key.key)
        counts[prefix] += 1
        no_ttl[prefix] += key.ttl_s is None
        sizes[prefix] += key.memory_bytes or 0
    return [(p, n, no_ttl[p], sizes[p]) for p, n in counts.most_common()]


def redis_tables(evidence: Evidence) -> tuple[Table, ...]:
    redis = evidence.redis
    if redis is None:
        return ()
    memory = redis.memory.value
    figures = [] if memory is None else [
        ("used_bytes", memory.used_bytes), ("max_bytes", memory.max_bytes),
        ("rss_bytes", memory.rss_bytes), ("peak_bytes", memory.peak_bytes),
        ("fragmentation_ratio", memory.fragmentation_ratio), ("policy", memory.policy),
    ]  # fmt: skip
    info = [
        (section.name, name, value)
        for section in (redis.info.value.sections if redis.info.value else ())
        for name, value in section.fields
    ]
    keys = redis.keys.value.keys if redis.keys.value else ()
    return (
        table("memory", "Memory", ("figure", "value"), figures, _error(redis.memory)),
        *(() if redis.audit is None else (_audit_table(redis.audit),)),
        table("key_prefixes", "Sampled keys by prefix",
              ("prefix", "keys", "without_ttl", "memory_bytes"), _prefixes(keys),
              _error(redis.keys)),
        table("keys", "Sampled keys", ("key", "type", "ttl_s", "memory_bytes"),
              [(k.key, k.type, k.ttl_s, k.memory_bytes) for k in keys], _error(redis.keys)),
        table("clients", "Clients, most recently active first",
              ("id", "addr", "name", "age_s", "idle_s", "db", "command", "user"),
              [(c.id, c.addr, c.name, c.age_s, c.idle_s, c.db, c.command, c.user)
               for c in redis.clients.value or ()], _error(redis.clients)),
        table("slowlog", "SLOWLOG, newest first",
              ("id", "started_at", "duration_s", "client", "command"),
              [(e.id, e.started_at.isoformat(), e.duration_s, e.client, e.command)
               for e in redis.slowlog.value or ()], _error(redis.slowlog)),
        table("info", "INFO", ("section", "field", "value"), info, _error(redis.info)),
    )  # fmt: skip


def aws_tables(evidence: Evidence) -> tuple[Table, ...]:
    """An AWS resource: what its describe calls say, its parts, and its CloudWatch alarms."""
    aws = evidence.aws
    if aws is None:
        return ()
    overview = aws.overview.value
    facts = [] if overview is None else [
        ("service", overview.service, ""), ("identifier", overview.identifier, ""),
        ("status", overview.status, ""), ("version", overview.version, ""),
        *((f.label, f.value, f.missing or "") for f in overview.facts),
    ]  # fmt: skip
    members = [
        (m.name, m.status, m.size, m.count, "yes" if m.healthy else "NO", m.note)
        for m in (overview.members if overview else ())
    ]
    missing = overview.members_missing if overview else None
    alarms = [
        (a.name, a.state, a.since.isoformat() if a.since else "", a.namespace, a.metric,
         ",".join(f"{k}={v}" for k, v in a.dimensions), a.reason)
        for a in aws.alarms.value or ()
    ]  # fmt: skip
    title = overview.members_title if overview else "Parts"
    return (
        table("overview", "Overview (describe calls)", ("figure", "value", "missing"), facts,
              _error(aws.overview)),
        table("alarms", "CloudWatch alarms of the resource, firing first",
              ("alarm", "state", "since", "namespace", "metric", "dimensions", "reason"),
              alarms, _error(aws.alarms)),
        table("members", title, ("name", "status", "size", "count", "healthy", "note"),
              members, missing),
    )  # fmt: skip


def evidence_tables(evidence: Evidence, findings: Sequence[Finding]) -> tuple[Table, ...]:
    """Every table of the bundle, in report order (findings first)."""
    metrics, series = metrics_tables(evidence)
    return (
        findings_table(findings),
        metrics,
        *aws_tables(evidence),
        *sql_tables(evidence),
        *redis_tables(evidence),
        sources_table(evidence),
        series,
    )
