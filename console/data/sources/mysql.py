"""MySQL and MariaDB through asyncmy: status, processlist with lock chains, digests, EXPLAIN.

One pool per instance, created lazily on the running loop and reused. Sessions are read-only,
every statement is a named constant tagged /* opsconsole */, LIMITed, and bounded by a server
side time limit as well as the client timeout. A connection interrupted mid-query is closed,
never handed back to the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from console.config import Timeouts
from console.data.calls import fetch, refused
from console.data.credentials import Credentials
from console.data.models import (
    Digest,
    ExplainPlan,
    Health,
    LockWait,
    Process,
    QueryResult,
    Reading,
    ServerStatus,
    Variable,
)
from console.data.probing import Probe, ProbeFigures
from console.data.rowcap import Fetched, fetch_bounded
from console.data.sqlrows import (
    CatalogQueries,
    CounterRate,
    catalog_result,
    explain_plan,
    masked_process,
    to_float,
    to_int,
)
from console.inventory import Instance
from console.safety.masking import mask_setting
from console.safety.scrub import scrub
from console.safety.sqlguard import plan_async

Row = tuple[Any, ...]

TAG = "/* opsconsole */"
HEALTH_SQL = "SELECT /* opsconsole */ @@max_connections, @@version"
STATUS_NAMES = (
    "Uptime",
    "Threads_connected",
    "Threads_running",
    "Questions",
    "Innodb_buffer_pool_read_requests",
    "Innodb_buffer_pool_reads",
)
STATUS_SQL = (
    "SHOW /* opsconsole */ GLOBAL STATUS WHERE Variable_name IN ("
    + ", ".join(f"'{name}'" for name in STATUS_NAMES)
    + ")"
)
VERSION_SQL = "SELECT /* opsconsole */ @@version, @@max_connections, @@read_only"
REPLICA_SQL = "SHOW /* opsconsole */ REPLICA STATUS"
PROCESSLIST_SQL = """
SELECT /* opsconsole */ p.ID, p.USER, p.HOST, p.DB, p.COMMAND, p.STATE, p.TIME, p.INFO,
       TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS trx_age
FROM information_schema.PROCESSLIST p
LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
WHERE p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump')
  AND (p.INFO IS NULL OR p.INFO NOT LIKE '%%/* opsconsole */%%')
  AND NOT (p.COMMAND = 'Sleep' AND t.trx_id IS NULL
           AND p.USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1))
ORDER BY (p.COMMAND = 'Sleep' AND t.trx_id IS NULL), p.TIME DESC LIMIT %s
"""
PROCESSLIST_MARIADB_SQL = PROCESSLIST_SQL.replace("p.TIME, p.INFO", "p.TIME_MS / 1000, p.INFO", 1)
"""MariaDB counts a statement's time in milliseconds too (TIME_MS): a statement that just started
shows 0.3 s, not "0 s" rounded down. MySQL's PROCESSLIST has whole seconds only."""
LOCK_WAITS_MARIADB_SQL = """
SELECT /* opsconsole */ r.trx_mysql_thread_id, b.trx_mysql_thread_id,
       TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()), l.lock_table
FROM information_schema.INNODB_LOCK_WAITS w
JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
LEFT JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id
LIMIT %s
"""
LOCK_WAITS_MYSQL8_SQL = """
SELECT /* opsconsole */ r.trx_mysql_thread_id, b.trx_mysql_thread_id,
       TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()),
       CONCAT(w.OBJECT_SCHEMA, '.', w.OBJECT_NAME)
FROM performance_schema.data_lock_waits w
JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
LIMIT %s
"""
DIGESTS_SQL = """
SELECT /* opsconsole */ DIGEST, DIGEST_TEXT, SCHEMA_NAME, COUNT_STAR, SUM_TIMER_WAIT / 1e12,
       AVG_TIMER_WAIT / 1e12, MAX_TIMER_WAIT / 1e12, SUM_ROWS_SENT, SUM_ROWS_EXAMINED
FROM performance_schema.events_statements_summary_by_digest
WHERE DIGEST_TEXT IS NOT NULL
ORDER BY SUM_TIMER_WAIT DESC LIMIT %s
"""
VARIABLES_SQL = "SHOW /* opsconsole */ GLOBAL VARIABLES LIKE %s"
TABLES_SQL = """
SELECT /* opsconsole */ TABLE_SCHEMA AS `schema`, TABLE_NAME AS `table`, TABLE_TYPE AS type,
       TABLE_ROWS AS rows_estimate, ROUND((DATA_LENGTH + INDEX_LENGTH) / 1048576, 1) AS size_mb
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = COALESCE(DATABASE(), TABLE_SCHEMA)
  AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT %s
"""
COLUMNS_SQL = """
SELECT /* opsconsole */ COLUMN_NAME AS `column`, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
       COLUMN_KEY AS `key`, COLUMN_DEFAULT AS `default`
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s
ORDER BY ORDINAL_POSITION LIMIT %s
"""
RDS_SQL = """
SELECT /* opsconsole */ @@basedir LIKE '/rdsdbbin/%%' OR EXISTS (
  SELECT 1 FROM information_schema.ROUTINES
  WHERE ROUTINE_SCHEMA = 'mysql' AND ROUTINE_NAME = 'rds_kill')
"""
MULTI_STATEMENTS_OFF = b"\x01\x00"  # COM_SET_OPTION MYSQL_OPTION_MULTI_STATEMENTS_OFF


class MySQLSource(CatalogQueries):
    """asyncmy access to every MySQL/MariaDB instance: one lazily created pool each."""

    TABLES_SQL = TABLES_SQL
    COLUMNS_SQL = COLUMNS_SQL

    def __init__(self, timeouts: Timeouts, credentials: Credentials) -> None:
        self._timeouts = timeouts
        self._credentials = credentials
        self._pools: dict[str, Any] = {}
        self._mariadb: dict[str, bool] = {}
        self._questions = CounterRate()
        self._creating: dict[str, asyncio.Lock] = {}
        self._single: dict[str, set[int]] = {}  # connection ids with multi-statements off
        self._rds: dict[str, bool] = {}

    async def close(self) -> None:
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()
            await pool.wait_closed()

    async def forget(self, instance: Instance) -> None:
        """Drop an instance's pool (after a fault), so the next call reconnects."""
        pool = self._pools.pop(instance.name, None)
        if pool is not None:
            pool.terminate()

    # --- public calls: each returns a Reading, never raises for a source failure ----------

    async def health(self, instance: Instance, probe: Probe) -> Reading[Health]:
        """Cheap probe: the pool and a session set up first (its own figure), then the two
        health statements timed on that established connection (fleet sweep)."""

        async def answer() -> ProbeFigures:
            [(max_conn, _version)] = await self._rows(instance, HEALTH_SQL)
            status: dict[str, Any] = dict(await self._rows(instance, STATUS_SQL))
            return ProbeFigures(to_int(status.get("Threads_connected")), to_int(max_conn))

        return await probe.probe(instance.name, "mysql", lambda: self._ready(instance), answer)

    async def status(self, instance: Instance) -> Reading[ServerStatus]:
        return await fetch(
            instance.name, "mysql", self._timeouts.query_s, lambda: self._status(instance)
        )

    async def processlist(self, instance: Instance, limit: int) -> Reading[tuple[Process, ...]]:
        async def run() -> tuple[Process, ...]:
            await self._pool(instance)
            mariadb = self._mariadb[instance.name]
            sql = PROCESSLIST_MARIADB_SQL if mariadb else PROCESSLIST_SQL
            rows = await self._rows(instance, sql, (limit,))
            waits = await self._lock_waits(instance, limit)
            blockers: dict[int, list[int]] = {}
            for wait in waits:
                blockers.setdefault(wait.waiting, []).append(wait.blocking)
            return tuple(masked_process(row, blockers) for row in rows)

        return await fetch(instance.name, "mysql", self._timeouts.query_s, run)

    async def lock_waits(self, instance: Instance, limit: int) -> Reading[tuple[LockWait, ...]]:
        return await fetch(
            instance.name,
            "mysql",
            self._timeouts.query_s,
            lambda: self._lock_waits(instance, limit),
        )

    async def digests(self, instance: Instance, limit: int) -> Reading[tuple[Digest, ...]]:
        async def run() -> tuple[Digest, ...]:
            rows = await self._rows(instance, DIGESTS_SQL, (limit,))
            return tuple(_digest(row) for row in rows)

        return await fetch(instance.name, "mysql", self._timeouts.query_s, run)

    async def variables(
        self, instance: Instance, pattern: str, limit: int
    ) -> Reading[tuple[Variable, ...]]:
        async def run() -> tuple[Variable, ...]:
            rows = await self._rows(instance, VARIABLES_SQL, (pattern,))
            return tuple(
                Variable(str(name), mask_setting(str(value))) for name, value in rows[:limit]
            )

        return await fetch(instance.name, "mysql", self._timeouts.query_s, run)

    async def explain(self, instance: Instance, statement: str) -> Reading[ExplainPlan]:
        """EXPLAIN of one plain SELECT, or of a single-table UPDATE/DELETE's SELECT equivalent;
        anything else is refused before it is sent."""
        from console.safety.explainable import explain_target  # deferred: sqlglot, ~16 MiB

        target, note = await asyncio.to_thread(explain_target, statement, "mysql")
        if target is None:
            return refused(instance.name, "mysql", note)
        verdict = await plan_async(target, "mysql", allow_larger=True)
        if verdict.classification != "read_only":
            return refused(instance.name, "mysql", "; ".join(verdict.reasons))
        guarded = verdict.statement

        async def run() -> ExplainPlan:
            columns, rows = await self._table(instance, f"EXPLAIN {TAG} {guarded}")
            return replace(explain_plan(columns, rows, "rows"), note=note)

        return await fetch(instance.name, "mysql", self._timeouts.query_s, run)

    async def select(self, instance: Instance, statement: str, max_rows: int) -> Reading[Fetched]:
        """Columns and at most max_rows + 1 rows of a statement the guard passed as read-only,
        streamed (an unbuffered cursor) and within the character cap of `rowcap`."""
        return await fetch(
            instance.name,
            "mysql",
            self._timeouts.query_s,
            lambda: self._streamed(instance, statement, max_rows + 1),
        )

    async def _streamed(self, instance: Instance, sql: str, max_rows: int) -> Fetched:
        """Read at most max_rows rows as they arrive; a result not read to its end is never
        drained (that would transfer it all): its connection is closed instead."""
        from asyncmy.cursors import SSCursor  # deferred, as in _create_pool

        pool = await self._pool(instance)
        sql = self._with_server_limit(instance, sql)
        conn = await pool.acquire()
        try:
            await self._single_statement_mode(instance, conn)
            cursor = conn.cursor(SSCursor)
            await cursor.execute(sql)
            columns = tuple(d[0] for d in cursor.description or ())
            rows, cut, exhausted = await fetch_bounded(cursor.fetchmany, max_rows)
            if exhausted:
                await cursor.close()
            else:
                conn.close()  # the rest stays unread: the server stops when the socket does
        except BaseException:
            conn.close()  # interrupted or failed: never hand a dirty connection back
            raise
        finally:
            pool.release(conn)
        return Fetched(columns, rows, cut)

    async def _catalog(
        self, instance: Instance, sql: str, args: Sequence[Any], limit: int
    ) -> Reading[QueryResult]:
        async def run() -> QueryResult:
            columns, rows = await self._table(instance, sql, args)
            return catalog_result(sql, columns, rows, limit)

        return await fetch(instance.name, "mysql", self._timeouts.query_s, run)

    async def is_rds(self, instance: Instance) -> Reading[bool]:
        """Whether the server is Amazon RDS (kills go through `CALL mysql.rds_kill`)."""

        async def run() -> bool:
            if instance.name not in self._rds:
                [(flag,)] = await self._rows(instance, RDS_SQL)
                self._rds[instance.name] = bool(flag)
            return self._rds[instance.name]

        return await fetch(instance.name, "mysql", self._timeouts.query_s, run)

    # --- internals ---------------------------------------------------------------------------

    async def _status(self, instance: Instance) -> ServerStatus:
        [(version, max_conn, _read_only)] = await self._rows(instance, VERSION_SQL)
        status = {str(k): v for k, v in await self._rows(instance, STATUS_SQL)}
        uptime = to_float(status.get("Uptime")) or 0.0
        requests = to_float(status.get("Innodb_buffer_pool_read_requests")) or 0.0
        misses = to_float(status.get("Innodb_buffer_pool_reads")) or 0.0
        lag, is_replica = await self._replication(instance)
        return ServerStatus(
            version=str(version),
            uptime_s=uptime,
            connections=to_int(status.get("Threads_connected")) or 0,
            max_connections=to_int(max_conn) or 0,
            running=to_int(status.get("Threads_running")) or 0,
            qps=self._questions.per_second(
                instance.name, to_float(status.get("Questions")) or 0.0, uptime
            ),
            cache_hit_ratio=(1 - misses / requests) if requests else None,
            replication_lag_s=lag,
            is_replica=is_replica,
        )

    async def _replication(self, instance: Instance) -> tuple[float | None, bool]:
        columns, rows = await self._table(instance, REPLICA_SQL)
        if not rows:
            return None, False
        record = dict(zip(columns, rows[0], strict=False))
        return to_float(record.get("Seconds_Behind_Master")), True

    async def _lock_waits(self, instance: Instance, limit: int) -> tuple[LockWait, ...]:
        await self._pool(instance)
        sql = LOCK_WAITS_MARIADB_SQL if self._mariadb[instance.name] else LOCK_WAITS_MYSQL8_SQL
        rows = await self._rows(instance, sql, (limit,))
        return tuple(
            LockWait(int(w), int(b), to_float(s), None if t is None else str(t))
            for w, b, s, t in rows
        )

    async def _pool(self, instance: Instance) -> Any:
        """The instance's pool, created once (concurrent first calls share one creation)."""
        pool = self._pools.get(instance.name)
        if pool is not None:
            return pool
        async with self._creating.setdefault(instance.name, asyncio.Lock()):
            return self._pools.get(instance.name) or await self._create_pool(instance)

    async def _create_pool(self, instance: Instance) -> Any:
        # deferred: ~27 MiB and ~0.15 s that a PostgreSQL or Redis view never needs
        import asyncmy

        pool = await asyncmy.create_pool(
            minsize=0,
            maxsize=4,
            host=instance.host,
            port=instance.port,
            user=instance.user,
            password=await self._credentials.password(instance) or "",
            database=instance.database,
            connect_timeout=max(1, round(self._timeouts.connect_s)),
            autocommit=True,
            init_command="SET SESSION TRANSACTION READ ONLY",
            pool_recycle=600,
        )
        try:
            async with pool.acquire() as conn:
                self._mariadb[instance.name] = "mariadb" in conn.get_server_info().lower()
        except BaseException:
            pool.terminate()  # the first connection failed: no half-made pool is kept
            raise
        self._pools[instance.name] = pool
        return pool

    async def _ready(self, instance: Instance) -> None:
        """Set up what a statement needs: the pool and one pooled session, multi-statements off
        (so the health probe times only its statements on an established connection)."""
        pool = await self._pool(instance)
        conn = await pool.acquire()
        try:
            await self._single_statement_mode(instance, conn)
        except BaseException:
            conn.close()
            raise
        finally:
            pool.release(conn)

    async def _rows(self, instance: Instance, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        return (await self._table(instance, sql, args))[1]

    async def _table(
        self,
        instance: Instance,
        sql: str,
        args: Sequence[Any] = (),
    ) -> tuple[tuple[str, ...], list[Row]]:
        pool = await self._pool(instance)
        sql = self._with_server_limit(instance, sql)
        conn = await pool.acquire()
        try:
            await self._single_statement_mode(instance, conn)
            async with conn.cursor() as cursor:
                await cursor.execute(sql, tuple(args) or None)
                columns = tuple(d[0] for d in cursor.description or ())
                rows = list(await cursor.fetchall())
        except BaseException:
            conn.close()  # interrupted or failed: never hand a dirty connection back
            raise
        finally:
            pool.release(conn)
        return columns, rows

    async def _single_statement_mode(self, instance: Instance, conn: Any) -> None:
        """Multi-statements off once per pooled connection (asyncmy always asks for them on)."""
        seen = self._single.setdefault(instance.name, set())
        if conn.thread_id() not in seen:
            await single_statements(conn)
            seen.add(conn.thread_id())

    def _with_server_limit(self, instance: Instance, sql: str) -> str:
        """MariaDB stops the statement itself after the query timeout (MySQL: hint)."""
        seconds = self._timeouts.query_s
        if self._mariadb.get(instance.name):
            return f"SET STATEMENT max_statement_time={seconds:g} FOR {sql.strip()}"
        stripped = sql.lstrip()
        if stripped[:6].upper() == "SELECT":
            return f"SELECT /*+ MAX_EXECUTION_TIME({int(seconds * 1000)}) */{stripped[6:]}"
        return sql


async def single_statements(conn: Any) -> None:
    """Ask the server to refuse stacked statements on this connection (COM_SET_OPTION).

    asyncmy sets CLIENT_MULTI_STATEMENTS on every connection and offers no switch; the guard
    already refuses stacked statements, and this makes the server refuse them too.
    """
    from asyncmy.constants.COMMAND import COM_SET_OPTION

    await conn._execute_command(COM_SET_OPTION, MULTI_STATEMENTS_OFF)
    await conn.read_packet()  # EOF on success; an error packet raises


def _digest(row: Row) -> Digest:
    digest, text, schema, calls, total, avg, longest, sent, examined = row
    return Digest(
        digest=str(digest),
        text=scrub(str(text)),
        schema=None if schema is None else str(schema),
        calls=to_int(calls) or 0,
        total_time_s=to_float(total) or 0.0,
        avg_time_s=to_float(avg) or 0.0,
        max_time_s=to_float(longest),
        rows_sent=to_int(sent),
        rows_examined=to_int(examined),
    )
