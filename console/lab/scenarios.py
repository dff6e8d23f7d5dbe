"""Incident scenarios on the running lab, each undone by `clear`.

A scenario starts background clients (their pids in `run/scenario-<name>-<n>.pid`) or writes
keys, then says what it did, where to see it, and which alert it trips. Each scenario connects
as its own application account, so undoing it kills exactly its sessions and nothing else.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from console.lab import clients, topology
from console.lab.clients import resp
from console.lab.layout import Layout
from console.lab.procs import lab_pidfiles, pause, spawn, stop

Emit = Callable[[str], None]
NAMES = (
    "lock-wait",
    "runaway-query",
    "connection-storm",
    "redis-no-ttl",
    "redis-memory",
    "instance-down",
    "clear",
)
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `python -m console.lab.storm` resolves
STORM_CONNECTIONS = 340
STORM_ALERT_LINE = topology.MARIADB_MAX_CONNECTIONS * 8 // 10  # MySQLTooManyConnections: above 80 %
STORM_MARGIN = 10  # sessions above the line, so the alert holds while a few come and go
NO_TTL_KEYS = 6000
NO_TTL_PATTERN = "isales:market:push:*"
MEMORY_PATTERN = "platform:search:snapshot:*"
MEMORY_TARGET = 0.93
DOWN_PART = "redis-dify"
# MariaDB account (clients.MYSQL_ROLES) each MariaDB scenario connects as.
MYSQL_ROLE = {"lock-wait": "app", "runaway-query": "report", "connection-storm": "storm"}


def _server(group: str) -> topology.RedisServer:
    return next(s for s in topology.redis_servers() if s.group == group)


def _background(
    lab: Layout,
    scenario: str,
    argv: list[str],
    env: dict[str, str] | None = None,
    token: str | None = None,
) -> int:
    """Start a scenario client, tracked by `run/scenario-<name>-<n>.pid`."""
    index = len(lab_pidfiles(lab, f"scenario-{scenario}-"))
    return spawn(
        argv,
        log=lab.logs / f"scenario-{scenario}.log",
        pidfile=lab.run / f"scenario-{scenario}-{index}.pid",
        token=token or Path(argv[0]).name,
        env=env,
    )


def _mysql_rows(lab: Layout, sql: str) -> list[str]:
    return [line for line in clients.text(clients.mysql(lab, sql)).splitlines() if line]


def _wait_for(lab: Layout, sql: str, minimum: int, timeout_s: float = 15.0) -> int:
    """Poll a COUNT(*) query as admin until it reaches `minimum`; the last count."""
    deadline = time.monotonic() + timeout_s
    count = 0
    while time.monotonic() < deadline:
        rows = _mysql_rows(lab, sql)
        count = int(rows[0]) if rows and rows[0].isdigit() else 0
        if count >= minimum:
            break
        pause(0.1)
    return count


def _end_mysql_sessions(lab: Layout, role: str) -> int:
    user = clients.MYSQL_ROLES[role][0]
    ids = _mysql_rows(
        lab,
        f"SELECT id FROM information_schema.processlist WHERE user = '{user}'",  # noqa: S608
    )
    if ids:
        clients.mysql(lab, "".join(f"KILL {i};" for i in ids if i.isdigit()))
    return len(ids)


def _stop_clients(lab: Layout, scenario: str) -> int:
    files = lab_pidfiles(lab, f"scenario-{scenario}-")
    stop([(path, signal.SIGTERM) for path in files], timeout_s=5.0)
    return len(files)


# --- MariaDB and PostgreSQL sessions ---------------------------------------------------------

LOCK_SESSIONS = (
    # (label, SQL, processlist condition that shows this session in place)
    ("A holds row 1 and sleeps", "UPDATE salesorder.orders SET status = 'PAID', updated_at = NOW()"
     " WHERE id = 1; SELECT SLEEP(600);", "info LIKE 'SELECT SLEEP(600)%'"),
    ("B holds row 2, waits for row 1", "UPDATE salesorder.orders SET amount = amount + 1"
     " WHERE id = 2; UPDATE salesorder.orders SET status = 'REFUNDED' WHERE id = 1;",
     "info LIKE '%status = ''REFUNDED'' WHERE id = 1'"),
    ("C waits for row 2 (behind B)", "UPDATE salesorder.orders SET status = 'CANCELLED'"
     " WHERE id = 2;", "info LIKE '%''CANCELLED'' WHERE id = 2'"),
    ("D waits for row 1 (behind A)", "SELECT id, status FROM salesorder.orders WHERE id = 1"
     " FOR UPDATE;", "info LIKE '%WHERE id = 1 FOR UPDATE'"),
)  # fmt: skip


def lock_wait(lab: Layout, emit: Emit) -> bool:
    user = clients.MYSQL_ROLES["app"][0]
    where = f"FROM information_schema.processlist WHERE user = '{user}'"
    for label, sql, shown in LOCK_SESSIONS:
        session = f"SET SESSION innodb_lock_wait_timeout = 3600; BEGIN; {sql}"
        _background(lab, "lock-wait", clients.mysql_argv(lab, "app", "-e", session))
        if _wait_for(lab, f"SELECT COUNT(*) {where} AND {shown}", 1) < 1:
            emit(f"lock-wait: session {label[0]} did not reach its lock (see logs/)")
            return False
        emit(f"lock-wait: session {label} ({user})")
    emit(
        "lock-wait: a chain on salesorder.orders rows 1 and 2. See: MySQL screen -> locks; "
        "sys.innodb_lock_waits; information_schema.INNODB_LOCK_WAITS. "
        "Alert: MySQLLongRunningQuery (A's SLEEP) in ~40 s."
    )
    return True


def runaway_query(lab: Layout, emit: Emit) -> bool:
    heavy = (
        "SELECT o.store_id, COUNT(*) AS orders, SUM(o.amount) AS revenue"
        " FROM salesorder.orders o WHERE SLEEP(0.1) = 0 GROUP BY o.store_id"
    )
    _background(lab, "runaway-query", clients.mysql_argv(lab, "report", "-e", heavy))
    env = {**clients.pg_env(lab, "app"), "PGAPPNAME": "dify-api"}
    argv = clients.psql_argv(lab, "app", "dify")
    argv += ["-c", "BEGIN", "-c", "UPDATE apps SET updated_at = now() WHERE mode = 'workflow'"]
    argv += ["-c", "SELECT count(*), pg_sleep(600) FROM messages WHERE user_email LIKE '%@gm%'"]
    _background(lab, "runaway-query", argv, env)
    emit(
        "runaway-query: bi_report runs a ~8 min SELECT on salesorder.orders (SLEEP per row); "
        "dify_app holds a transaction open 10 min on PostgreSQL dify (pg_sleep). See: MySQL and "
        "PostgreSQL process lists. Alerts: MySQLLongRunningQuery and PostgresLongTransaction "
        "in ~40 s."
    )
    return True


def connection_storm(lab: Layout, emit: Emit) -> bool:
    """Hold STORM_CONNECTIONS idle sessions of member_api, as many as MariaDB lets in.

    Why count every session: the lab's workload and any open console hold connections too, so
    the storm may get fewer than it asked for; what the incident needs is MariaDB above the
    alert's line (80 % of max_connections), whoever holds the rest.
    """
    argv = [sys.executable, "-m", "console.lab.storm", str(STORM_CONNECTIONS)]
    argv += [str(clients.mysql_cnf(lab, "storm")), "isalesmembermarketing"]
    env = {"PYTHONPATH": str(PACKAGE_ROOT)}
    _background(lab, "connection-storm", argv, env, token="console.lab.storm")
    user = clients.MYSQL_ROLES["storm"][0]
    every = "SELECT COUNT(*) FROM information_schema.processlist"
    total = _wait_for(lab, every, STORM_ALERT_LINE + STORM_MARGIN, timeout_s=30.0)
    storm = _wait_for(lab, f"{every} WHERE user = '{user}'", 0)
    emit(
        f"connection-storm: {storm} idle sessions of member_api, {total} sessions in all on "
        f"MariaDB (max_connections {topology.MARIADB_MAX_CONNECTIONS}; the alert's line is "
        f"{STORM_ALERT_LINE}). See: MySQL processlist (Sleep), Threads_connected. "
        "Alert: MySQLTooManyConnections in ~20 s."
    )
    return total >= STORM_ALERT_LINE + STORM_MARGIN


# --- Redis -----------------------------------------------------------------------------------


def _delete_matching(lab: Layout, port: int, pattern: str) -> int:
    """UNLINK every key matching `pattern` (SCAN, then one pipe); how many were deleted."""
    found = clients.redis(lab, port, "--scan", "--pattern", pattern)
    keys = clients.text(found).splitlines()
    if keys:
        batches = [keys[i : i + 500] for i in range(0, len(keys), 500)]
        clients.redis_pipe(lab, port, b"".join(resp("UNLINK", *batch) for batch in batches))
    return len(keys)


def redis_no_ttl(lab: Layout, emit: Emit) -> bool:
    server = _server("Sales/CRM")
    commands = [
        resp("SET", f"isales:market:push:{880000 + n}:{5000 + n % 60}", '{"sent":1}')
        for n in range(NO_TTL_KEYS)
    ]
    done = clients.redis_pipe(lab, server.port, b"".join(commands))
    if done.returncode != 0:
        emit(f"redis-no-ttl: write failed: {clients.errors(done)}")
        return False
    cluster = topology.redis_cluster_name("isales-market")
    emit(
        f"redis-no-ttl: wrote {NO_TTL_KEYS} {NO_TTL_PATTERN} keys WITHOUT TTL on the Sales/CRM "
        f"server ({topology.HOST}:{server.port}, {cluster} and its group). See: Redis screen -> "
        f"TTL audit / keyspace (db0 keys vs expires). Alert: RedisKeysWithoutTTL in ~20 s."
    )
    return True


def _memory_ratio(lab: Layout, port: int) -> float:
    info = dict(
        line.split(":", 1)
        for line in clients.text(clients.redis(lab, port, "INFO", "memory")).splitlines()
        if ":" in line
    )
    maximum = int(info.get("maxmemory", "0").strip() or 0)
    return int(info.get("used_memory", "0").strip() or 0) / maximum if maximum else 0.0


def redis_memory(lab: Layout, emit: Emit) -> bool:
    server = _server("Platform")
    limit = 64 * 1024 * 1024
    value = "s" * 30_000
    written = 0
    for _ in range(10):
        ratio = _memory_ratio(lab, server.port)
        if ratio >= MEMORY_TARGET:
            break
        count = max(1, int((MEMORY_TARGET + 0.01 - ratio) * limit / 33_000))
        keys = range(written, written + count)
        batch = [resp("SET", f"platform:search:snapshot:{n}", value) for n in keys]
        clients.redis_pipe(lab, server.port, b"".join(batch))
        written += count
    ratio = _memory_ratio(lab, server.port)
    emit(
        f"redis-memory: filled the Platform server ({topology.HOST}:{server.port}) to "
        f"{ratio:.0%} of maxmemory 64mb with {MEMORY_PATTERN} (noeviction: writes fail soon). "
        "See: Redis screen -> memory. Alert: RedisMemoryHigh on the 18 Platform targets in ~20 s."
    )
    return ratio >= 0.9


def instance_down(lab: Layout, emit: Emit, stop_part: Callable[[str], None]) -> bool:
    stop_part(DOWN_PART)
    server = _server("Dify")
    emit(
        f"instance-down: stopped {DOWN_PART} ({topology.HOST}:{server.port}): "
        f"{', '.join(server.clusters)} is down (redis_up 0). See: fleet screen, alerts screen. "
        "Alert: InstanceDown (critical) in ~20 s. `clear` restarts it."
    )
    return True


# --- clear -----------------------------------------------------------------------------------


def clear(lab: Layout, emit: Emit, restart: Callable[[], bool]) -> bool:
    """End every scenario: clients, their sessions, their keys; restart stopped parts."""
    stopped = sum(_stop_clients(lab, name) for name in NAMES)
    sessions = sum(_end_mysql_sessions(lab, role) for role in MYSQL_ROLE.values())
    app = clients.PG_ROLES["app"][0]
    clients.psql(
        lab,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"  # noqa: S608
        f" WHERE usename = '{app}' AND pid <> pg_backend_pid();",
    )
    keys = _delete_matching(lab, _server("Sales/CRM").port, NO_TTL_PATTERN)
    keys += _delete_matching(lab, _server("Platform").port, MEMORY_PATTERN)
    emit(
        f"clear: stopped {stopped} scenario clients, killed {sessions} MariaDB sessions and the "
        f"{app} PostgreSQL sessions, deleted {keys} scenario keys; restarting stopped parts"
    )
    return restart()


def run(
    lab: Layout,
    name: str,
    emit: Emit,
    *,
    stop: Callable[[str], None],
    restart: Callable[[], bool],
) -> bool:
    """Start scenario `name` (after undoing a previous run of it), or `clear` everything."""
    if name == "clear":
        return clear(lab, emit, restart)
    if name == "instance-down":
        return instance_down(lab, emit, stop)
    _stop_clients(lab, name)
    if name in MYSQL_ROLE:
        _end_mysql_sessions(lab, MYSQL_ROLE[name])
    starters: dict[str, Callable[[Layout, Emit], bool]] = {
        "lock-wait": lock_wait,
        "runaway-query": runaway_query,
        "connection-storm": connection_storm,
        "redis-no-ttl": redis_no_ttl,
        "redis-memory": redis_memory,
    }
    return starters[name](lab, emit)
