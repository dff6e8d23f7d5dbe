"""Findings: pure rules that turn an investigation's evidence into named causes.

Each rule reads the Evidence and returns at most one Finding: a severity, a title that names
the cause (the blocker's session id, the runaway statement, the key prefix without TTL...), a
detail line and a reference to the table of the bundle that shows it. No I/O, no clock: the
rules run the same on the lab, on production and on factories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from console.analysis.evidence import Evidence
from console.data.models import KeySample, LockWait, Process, RedisClient
from console.formatting import first_line, human_bytes, human_duration, human_percent

Severity = Literal["critical", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "info")
ACTIVE_COMMANDS = frozenset({"query", "execute", "active", "fastpath function call"})
DOWN_KINDS = frozenset({"unreachable", "timeout"})
FULL_SIGNS = ("too many connections", "too many clients", "max number of clients")
"""What MySQL (1040), PostgreSQL and Redis answer when every connection slot is taken."""
STATEMENT_WIDTH = 160


@dataclass(frozen=True, slots=True)
class Finding:
    """One cause found in the evidence, with where the bundle shows it."""

    severity: Severity
    title: str
    detail: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a figure becomes a finding (warning) and when it is critical."""

    runaway_s: float = 30.0
    runaway_critical_s: float = 300.0
    transaction_s: float = 60.0
    transaction_critical_s: float = 600.0
    lock_critical_s: float = 30.0
    lock_critical_waiters: int = 10
    connections_ratio: float = 0.8
    connections_critical_ratio: float = 0.95
    memory_ratio: float = 0.8
    memory_critical_ratio: float = 0.9
    no_ttl_keys: int = 5000
    top_digests: int = 3


Rule = Callable[[Evidence, Thresholds], "Finding | None"]


def analyse(evidence: Evidence, thresholds: Thresholds | None = None) -> tuple[Finding, ...]:
    """Every rule over the evidence; the most severe findings first."""
    from console.analysis.aws_findings import AWS_RULES  # its rules import this module

    limits = thresholds or Thresholds()
    rules = (*AWS_RULES, *RULES) if evidence.aws is not None else RULES
    found = [finding for rule in rules if (finding := rule(evidence, limits)) is not None]
    if evidence.alert is not None and not needs_attention(found):
        found.append(_unexplained(evidence))
    return tuple(sorted(found, key=lambda f: SEVERITIES.index(f.severity)))


def needs_attention(findings: Iterable[Finding]) -> bool:
    """Whether any finding is a warning or critical (the verb's exit status 1)."""
    return any(f.severity != "info" for f in findings)


# --- availability ------------------------------------------------------------------------


def instance_down(evidence: Evidence, limits: Thresholds) -> Finding | None:
    error = evidence.health.error
    if error is None:
        return None
    name = evidence.instance.name
    if any(sign in error.message.lower() for sign in FULL_SIGNS):
        title = f"Connection storm: {name} refuses new connections (its limit is reached)"
        return Finding("critical", title, f"{error.kind}: {error.message}", "sources.csv: health")
    if error.kind in DOWN_KINDS:
        title = f"Instance down: {name} is {error.kind} ({evidence.instance.endpoint})"
        return Finding("critical", title, f"{error.kind}: {error.message}", "sources.csv: health")
    title = f"Instance not usable: {name} refuses the console ({error.kind})"
    return Finding("warning", title, error.message, "sources.csv: health")


# --- SQL servers ---------------------------------------------------------------------------


def _processes(evidence: Evidence) -> tuple[Process, ...]:
    if evidence.sql is None or evidence.sql.processes.value is None:
        return ()
    return evidence.sql.processes.value


def _edges(evidence: Evidence) -> tuple[LockWait, ...]:
    """The lock graph: the lock-wait reading, else the blocked_by of the process list."""
    if evidence.sql is not None and evidence.sql.lock_waits.value:
        return evidence.sql.lock_waits.value
    return tuple(
        LockWait(p.id, blocker, p.time_s, None)
        for p in _processes(evidence)
        for blocker in p.blocked_by
    )


def _waiters(root: int, edges: Sequence[LockWait]) -> set[int]:
    """Every session waiting on `root`, directly or behind another waiter."""
    found: set[int] = set()
    frontier = [root]
    while frontier:
        blocker = frontier.pop()
        for edge in edges:
            if edge.blocking == blocker and edge.waiting not in found and edge.waiting != root:
                found.add(edge.waiting)
                frontier.append(edge.waiting)
    return found


def _who(process: Process | None) -> str:
    if process is None:
        return "not in the process list"
    where = f"{process.user}@{_host(process.host)}" + (f" db {process.db}" if process.db else "")
    doing = first_line(process.query, STATEMENT_WIDTH) or process.state or process.command
    return f"{where}, {process.command} for {human_duration(process.time_s)}: {doing}"


def lock_wait(evidence: Evidence, limits: Thresholds) -> Finding | None:
    edges = _edges(evidence)
    if not edges:
        return None
    waiting = {e.waiting for e in edges}
    roots = sorted({e.blocking for e in edges if e.blocking not in waiting}) or [edges[0].blocking]
    root = max(roots, key=lambda r: (len(_waiters(r, edges)), -r))
    waiters = _waiters(root, edges)
    ages = [e.wait_s for e in edges if e.waiting in waiters and e.wait_s is not None]
    oldest = max(ages, default=None)
    by_id = {p.id: p for p in _processes(evidence)}
    locks = sorted({e.lock for e in edges if e.lock})
    critical = (
        len(waiters) >= limits.lock_critical_waiters or (oldest or 0) >= limits.lock_critical_s
    )
    title = (
        f"Lock wait: session {root} blocks {len(waiters)} "
        f"session{'s' if len(waiters) != 1 else ''}, longest wait {human_duration(oldest)}"
    )
    detail = (
        f"blocker {root}: {_who(by_id.get(root))}; waiting: {', '.join(map(str, sorted(waiters)))}"
    )
    detail += f"; locks: {', '.join(locks)}" if locks else ""
    return Finding("critical" if critical else "warning", title, detail, "lock_waits.csv")


def runaway_query(evidence: Evidence, limits: Thresholds) -> Finding | None:
    running = [
        p
        for p in _processes(evidence)
        if p.command.lower() in ACTIVE_COMMANDS and p.query and not p.blocked_by
    ]
    if not running:
        return None
    longest = max(running, key=lambda p: p.time_s)
    if longest.time_s < limits.runaway_s:
        return None
    over = sum(p.time_s >= limits.runaway_s for p in running)
    severity: Severity = "critical" if longest.time_s >= limits.runaway_critical_s else "warning"
    title = (
        f"Runaway query: session {longest.id} ({longest.user}) running "
        f"{human_duration(longest.time_s)}"
    )
    detail = f"{_who(longest)}; {over} statement(s) over {human_duration(limits.runaway_s)}"
    return Finding(severity, title, detail, f"processes.csv: id {longest.id}")


def long_transaction(evidence: Evidence, limits: Thresholds) -> Finding | None:
    open_trx = [p for p in _processes(evidence) if p.trx_age_s is not None]
    if not open_trx:
        return None
    oldest = max(open_trx, key=lambda p: p.trx_age_s or 0.0)
    age = oldest.trx_age_s or 0.0
    if age < limits.transaction_s:
        return None
    over = sum((p.trx_age_s or 0.0) >= limits.transaction_s for p in open_trx)
    severity: Severity = "critical" if age >= limits.transaction_critical_s else "warning"
    title = f"Long transaction: session {oldest.id} ({oldest.user}) open {human_duration(age)}"
    detail = (
        f"{_who(oldest)}; {over} transaction(s) open over {human_duration(limits.transaction_s)}"
    )
    return Finding(severity, title, detail, f"processes.csv: id {oldest.id}")


def _host(address: str) -> str:
    """'10.0.1.5:50013' -> '10.0.1.5' (a client's port says nothing about who it is)."""
    head, _, port = address.rpartition(":")
    return head if head and port.isdigit() else address


def _storm(
    used: int, limit: int | None, sources: Counter[str], limits: Thresholds, reference: str
) -> Finding | None:
    if not limit or used / limit < limits.connections_ratio:
        return None
    ratio = used / limit
    critical = ratio >= limits.connections_critical_ratio
    title = f"Connection storm: {used} of {limit} connections ({human_percent(ratio)})"
    detail = f"connections at {human_percent(ratio)} of the limit"
    if sources:
        name, count = sources.most_common(1)[0]
        title += f", {count} from {name}"
        detail += f"; top source {name}: {count} of the {sources.total()} sessions listed"
    return Finding("critical" if critical else "warning", title, detail, reference)


def connection_storm(evidence: Evidence, limits: Thresholds) -> Finding | None:
    if evidence.sql is not None and evidence.sql.status.value is not None:
        status = evidence.sql.status.value
        users = Counter(f"{p.user}@{_host(p.host)}" for p in _processes(evidence))
        return _storm(status.connections, status.max_connections, users, limits, "processes.csv")
    if evidence.redis is None or evidence.redis.info.value is None:
        return None
    clients: Sequence[RedisClient] = evidence.redis.clients.value or ()
    hosts = Counter(_host(c.addr) for c in clients)
    used = evidence.redis.info.value.connected_clients
    return _storm(used, _info_int(evidence, "maxclients"), hosts, limits, "clients.csv")


def slow_digests(evidence: Evidence, limits: Thresholds) -> Finding | None:
    if evidence.sql is None or not evidence.sql.digests.value:
        return None
    top = sorted(evidence.sql.digests.value, key=lambda d: -d.total_time_s)[: limits.top_digests]
    first = top[0]
    title = (
        f"Top statement by total time: {human_duration(first.total_time_s)} over "
        f"{first.calls} calls (avg {human_duration(first.avg_time_s)})"
    )
    detail = "; ".join(
        f"{human_duration(d.total_time_s)} total, {d.calls} calls: {first_line(d.text, 100)}"
        for d in top
    )
    return Finding("info", title, detail, "digests.csv")


def slow_log(evidence: Evidence, limits: Thresholds) -> Finding | None:
    report = evidence.sql.slow_log.value if evidence.sql and evidence.sql.slow_log else None
    if report is None or not report.rows:
        return None
    top = report.top(1)[0]
    title = (
        f"Slow log: {report.events} slow statements in the window, the top class "
        f"{human_percent(top.share)} of their time"
    )
    detail = (
        f"{top.count} x {first_line(top.fingerprint, 100)} (avg {human_duration(top.avg_time_s)}, "
        f"p95 {human_duration(top.p95_time_s)}, max {human_duration(top.max_time_s)})"
    )
    return Finding("info", title, detail, f"slow_log.csv: {top.query_id}")


# --- Redis -------------------------------------------------------------------------------


def key_prefix(key: str) -> str:
    """The fixed head of a key: 'isales:market:push:880001:5001' -> 'isales:market:push:*'."""
    kept: list[str] = []
    for part in key.split(":")[:-1]:
        if not part or any(c.isdigit() or c in "*{" for c in part) or len(kept) == 4:
            break
        kept.append(part)
    return ":".join(kept) + ":*" if kept else "(no prefix)"


def _info_int(evidence: Evidence, field: str) -> int | None:
    info = evidence.redis.info.value if evidence.redis is not None else None
    if info is None:
        return None
    value = next((s.get(field) for s in info.sections if s.get(field) is not None), None)
    return int(value) if value is not None and value.isdigit() else None


def _sample(evidence: Evidence) -> tuple[KeySample, ...]:
    if evidence.redis is None or evidence.redis.keys.value is None:
        return ()
    return evidence.redis.keys.value.keys


def redis_no_ttl(evidence: Evidence, limits: Thresholds) -> Finding | None:
    info = evidence.redis.info.value if evidence.redis is not None else None
    if info is None:
        return None
    persistent = info.keys - info.expiring_keys
    if persistent < limits.no_ttl_keys:
        return None
    title = f"Keys without TTL: {persistent} of {info.keys} keys never expire"
    detail = f"{persistent} keys have no expiry (threshold {limits.no_ttl_keys})"
    audit = evidence.redis.audit.value if evidence.redis and evidence.redis.audit else None
    worst = max(audit.prefixes, key=lambda p: p.no_ttl) if audit and audit.prefixes else None
    if audit is not None and worst is not None and worst.no_ttl:
        scope = "the whole keyspace" if audit.complete else f"{audit.scanned} keys scanned"
        estimate = str(worst.no_ttl)
        if not audit.complete and audit.scanned:
            estimate = f"~{round(worst.no_ttl * info.keys / audit.scanned)}"
        title = f"Keys without TTL: {worst.prefix} ({estimate} keys never expire)"
        detail += f"; the TTL audit ({scope}) finds {worst.no_ttl} of them under {worst.prefix}"
        return Finding("warning", title, detail, "ttl_audit.csv")
    sample = _sample(evidence)
    no_ttl = Counter(key_prefix(k.key) for k in sample if k.ttl_s is None)
    if no_ttl:
        prefix, count = no_ttl.most_common(1)[0]
        share = count / sum(no_ttl.values())
        title = f"Keys without TTL: {prefix} (~{round(share * persistent)} keys never expire)"
        detail += (
            f"; in a sample of {len(sample)} keys, {count} of the {sum(no_ttl.values())} "
            f"without TTL match {prefix}"
        )
    return Finding("warning", title, detail, "keys.csv")


def redis_memory(evidence: Evidence, limits: Thresholds) -> Finding | None:
    memory = evidence.redis.memory.value if evidence.redis is not None else None
    if memory is None or not memory.max_bytes:
        return None
    ratio = memory.used_bytes / memory.max_bytes
    if ratio < limits.memory_ratio:
        return None
    evicted = _info_int(evidence, "evicted_keys")
    severity: Severity = "critical" if ratio >= limits.memory_critical_ratio else "warning"
    title = (
        f"Redis memory pressure: {human_percent(ratio)} of maxmemory "
        f"({human_bytes(memory.used_bytes)} of {human_bytes(memory.max_bytes)})"
    )
    detail = (
        f"policy {memory.policy or '-'}, {evicted if evicted is not None else '-'} evicted keys"
    )
    sized = Counter[str]()
    for key in _sample(evidence):
        sized[key_prefix(key.key)] += key.memory_bytes or 0
    if sized and sized.most_common(1)[0][1] > 0:
        prefix, used = sized.most_common(1)[0]
        title += f", largest prefix {prefix}"
        detail += f"; {prefix} holds {human_bytes(used)} of the sampled keys"
    return Finding(severity, title, detail, "memory.csv")


def redis_slowlog(evidence: Evidence, limits: Thresholds) -> Finding | None:
    entries = evidence.redis.slowlog.value if evidence.redis is not None else None
    if not entries:
        return None
    slowest = max(entries, key=lambda e: e.duration_s)
    title = f"Slowest recent command: {human_duration(slowest.duration_s)}"
    detail = f"{first_line(slowest.command, 100)} from {slowest.client or '-'}"
    return Finding("info", title, detail, "slowlog.csv")


def _unexplained(evidence: Evidence) -> Finding:
    alert = evidence.alert
    name = alert.name if alert is not None else "alert"
    return Finding(
        "info",
        f"{name}: no cause found in the evidence",
        "the alert fired but no rule matched; read the figures and tables below",
        "report.md: alert",
    )


RULES: tuple[Rule, ...] = (
    instance_down,
    lock_wait,
    runaway_query,
    long_transaction,
    connection_storm,
    redis_memory,
    redis_no_ttl,
    slow_digests,
    slow_log,
    redis_slowlog,
)
