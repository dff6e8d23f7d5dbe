"""PostgreSQL through asyncpg: status, sessions with lock chains, pg_stat_statements, EXPLAIN.

One pool per instance, created lazily on the running loop and reused. Sessions are read-only
(`default_transaction_read_only`) with a server-side `statement_timeout`, every statement is a
named constant tagged /* opsconsole */ and LIMITed, and a connection interrupted mid-query is
terminated, never handed back to the pool.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeAlias

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

if TYPE_CHECKING:
    import asyncpg  # imported where used: ~16 MiB and ~0.15 s a MySQL or Redis view never needs

Row = tuple[Any, ...]
Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"

TAG = "/* opsconsole */"
APPLICATION_NAME = "opsconsole"
HEALTH_SQL = """
SELECT /* opsconsole */ count(*) FILTER (WHERE backend_type = 'client backend'),
       current_setting('max_connections')::int
FROM pg_stat_activity
"""
STATUS_SQL = """
SELECT /* opsconsole */ current_setting('server_version'),
       extract(epoch FROM now() - pg_postmaster_start_time())::float8,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
       current_setting('max_connections')::int,
       (SELECT count(*) FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()),
       d.xacts, d.hits, d.reads,
       extract(epoch FROM now() - coalesce(d.reset, pg_postmaster_start_time()))::float8,
       pg_is_in_recovery(),
       CASE WHEN pg_is_in_recovery()
            THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END
FROM (SELECT sum(xact_commit + xact_rollback) AS xacts, sum(blks_hit) AS hits,
             sum(blks_read) AS reads, min(stats_reset) AS reset
      FROM pg_stat_database) d
"""
PROCESSLIST_SQL = """
SELECT /* opsconsole */ a.pid, a.usename, coalesce(host(a.client_addr), 'local'), a.datname,
       CASE WHEN a.backend_type = 'client backend' THEN coalesce(a.state, '')
            ELSE a.backend_type END,
       CASE WHEN a.wait_event IS NOT NULL AND coalesce(a.state, '') NOT LIKE 'idle%'
            THEN a.wait_event_type || ':' || a.wait_event END,
       extract(epoch FROM now() - coalesce(a.query_start, a.backend_start))::float8,
       a.query,
       extract(epoch FROM now() - a.xact_start)::float8,
       CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END
FROM pg_stat_activity a
WHERE a.pid <> pg_backend_pid() AND a.backend_type IN
      ('client backend', 'autovacuum worker', 'walsender', 'parallel worker')
  AND coalesce(a.query, '') NOT LIKE '%/* opsconsole */%'
ORDER BY (a.state IS DISTINCT FROM 'idle') DESC, 7 DESC NULLS LAST
LIMIT $1
"""
LOCK_WAITS_SQL = """
SELECT /* opsconsole */ w.pid, blocker, extract(epoch FROM now() - w.waitstart)::float8,
       coalesce(CASE WHEN w.database = (SELECT oid FROM pg_database
                                         WHERE datname = current_database())
                     THEN w.relation::regclass::text END,
                w.locktype) || ' ' || w.mode
FROM pg_locks w
CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker
WHERE NOT w.granted AND w.pid <> pg_backend_pid()
ORDER BY w.waitstart NULLS LAST, w.pid, blocker
LIMIT $1
"""
STATEMENTS_INSTALLED_SQL = """
SELECT /* opsconsole */ count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'
"""
DIGESTS_SQL = """
SELECT /* opsconsole */ coalesce(s.queryid::text, ''), s.query, d.datname, s.calls,
       s.total_exec_time / 1000.0, s.mean_exec_time / 1000.0, s.max_exec_time / 1000.0,
       s.rows, NULL
FROM pg_stat_statements s
LEFT JOIN pg_database d ON d.oid = s.dbid
ORDER BY s.total_exec_time DESC
LIMIT $1
"""
VARIABLES_SQL = """
SELECT /* opsconsole */ name, current_setting(name) FROM pg_settings
WHERE name ILIKE $1 ORDER BY name LIMIT $2
"""
# Explicit options: a statement smuggling "ANALYZE ..." or "(ANALYZE) ..." is a syntax error.
EXPLAIN_SQL = "EXPLAIN /* opsconsole */ (ANALYZE false, FORMAT TEXT) "
_PLAN_ROWS = re.compile(r"\brows=(\d+)")


class ProgrammingError(Exception):
    """DB-API's name for "the statement cannot run here" (errors.classify maps it to "query")."""


class ExtensionMissingError(ProgrammingError):
    """A view the call needs comes from an extension this database has not installed or loaded."""


TABLES_SQL = """
SELECT /* opsconsole */ t.table_schema AS schema, t.table_name AS table, t.table_type AS type,
       c.reltuples::bigint AS rows_estimate,
       round(pg_total_relation_size(c.oid) / 1048576.0, 1) AS size_mb
FROM information_schema.tables t
LEFT JOIN pg_namespace n ON n.nspname = t.table_schema
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.table_name
WHERE t.table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY t.table_schema, t.table_name LIMIT $1
"""
COLUMNS_SQL = """
SELECT /* opsconsole */ column_name AS column, data_type AS type, is_nullable AS nullable,
       column_default AS default
FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
ORDER BY ordinal_position LIMIT $3
"""


class PostgresSource(CatalogQueries):
    """asyncpg access to every PostgreSQL instance: one lazily created pool each."""

    TABLES_SQL = TABLES_SQL
    COLUMNS_SQL = COLUMNS_SQL

    def __init__(self, timeouts: Timeouts, credentials: Credentials) -> None:
        self._timeouts = timeouts
        self._credentials = credentials
        self._pools: dict[str, Pool] = {}
        self._creating: dict[str, asyncio.Lock] = {}
        self._xacts = CounterRate()

    async def close(self) -> None:
        """Close every pool; a pool that does not close within connect_s is terminated."""
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            try:
                async with asyncio.timeout(self._timeouts.connect_s):
                    await pool.close()
            except TimeoutError:
                pool.terminate()

    async def forget(self, instance: Instance) -> None:
        """Drop an instance's pool (after a fault), so the next call reconnects."""
        pool = self._pools.pop(instance.name, None)
        if pool is not None:
            pool.terminate()

    # --- public calls: each returns a Reading, never raises for a source failure ----------

    async def health(self, instance: Instance, probe: Probe) -> Reading[Health]:
        """Cheap probe: client backends against max_connections (fleet sweep); the pool and its
        connection are set up first (their own figure), then the query alone is timed."""

        async def answer() -> ProbeFigures:
            [(connections, max_conn)] = await self._rows(instance, HEALTH_SQL)
            return ProbeFigures(to_int(connections), to_int(max_conn))

        return await probe.probe(instance.name, "postgres", lambda: self._ready(instance), answer)

    async def _ready(self, instance: Instance) -> None:
        """The pool and one live connection in it (asyncpg connects on first acquire)."""
        pool = await self._pool(instance)
        async with pool.acquire():
            pass

    async def status(self, instance: Instance) -> Reading[ServerStatus]:
        """Overview figures; qps is transactions per second since the previous reading."""
        return await fetch(
            instance.name, "postgres", self._timeouts.query_s, lambda: self._status(instance)
        )

    async def processlist(self, instance: Instance, limit: int) -> Reading[tuple[Process, ...]]:
        """Sessions (not ours), busiest first, with the pids that block each; queries masked."""

        async def run() -> tuple[Process, ...]:
            rows = await self._rows(instance, PROCESSLIST_SQL, (limit,))
            blockers = {int(row[0]): tuple(row[9]) for row in rows if row[9]}
            return tuple(masked_process(row[:9], blockers) for row in rows)

        return await fetch(instance.name, "postgres", self._timeouts.query_s, run)

    async def lock_waits(self, instance: Instance, limit: int) -> Reading[tuple[LockWait, ...]]:
        """Every (waiting, blocking) pair from pg_locks, naming the relation when it is local."""

        async def run() -> tuple[LockWait, ...]:
            rows = await self._rows(instance, LOCK_WAITS_SQL, (limit,))
            return tuple(
                LockWait(int(w), int(b), to_float(s), None if t is None else str(t))
                for w, b, s, t in rows
            )

        return await fetch(instance.name, "postgres", self._timeouts.query_s, run)

    async def digests(self, instance: Instance, limit: int) -> Reading[tuple[Digest, ...]]:
        """Top statements by total time; a database without pg_stat_statements is a query error."""

        async def run() -> tuple[Digest, ...]:
            import asyncpg

            [(installed,)] = await self._rows(instance, STATEMENTS_INSTALLED_SQL)
            if not installed:
                raise ExtensionMissingError(
                    f"pg_stat_statements is not installed in database {instance.database!r}"
                    " (CREATE EXTENSION pg_stat_statements)"
                )
            try:
                rows = await self._rows(instance, DIGESTS_SQL, (limit,))
            except asyncpg.ObjectNotInPrerequisiteStateError as exc:
                raise ExtensionMissingError(
                    "pg_stat_statements is installed but not loaded"
                    " (add it to shared_preload_libraries and restart)"
                ) from exc
            return tuple(_digest(row) for row in rows)

        return await fetch(instance.name, "postgres", self._timeouts.query_s, run)

    async def variables(
        self, instance: Instance, pattern: str, limit: int
    ) -> Reading[tuple[Variable, ...]]:
        """Settings whose name matches a LIKE pattern (case-insensitive, as MySQL's LIKE)."""

        async def run() -> tuple[Variable, ...]:
            rows = await self._rows(instance, VARIABLES_SQL, (pattern, limit))
            return tuple(Variable(str(name), mask_setting(str(value))) for name, value in rows)

        return await fetch(instance.name, "postgres", self._timeouts.query_s, run)

    async def explain(self, instance: Instance, statement: str) -> Reading[ExplainPlan]:
        """Plain EXPLAIN (never ANALYZE) of one plain SELECT, or of a single-table
        UPDATE/DELETE's SELECT equivalent; anything else is refused.

        The estimate is the largest node's: a Limit on top would hide the scan below it.
        """
        from console.safety.explainable import explain_target  # deferred: sqlglot, ~16 MiB

        target, note = await asyncio.to_thread(explain_target, statement, "postgres")
        if target is None:
            return refused(instance.name, "postgres", note)
        verdict = await plan_async(target, "postgres", allow_larger=True)
        if verdict.classification != "read_only":
            return refused(instance.name, "postgres", "; ".join(verdict.reasons))
        guarded = verdict.statement

        async def run() -> ExplainPlan:
            sql = EXPLAIN_SQL + guarded.strip().rstrip(";")
            rows = await self._rows(instance, sql)
            plan = explain_plan(("QUERY PLAN",), rows, "rows")
            nodes = [int(m) for row in rows for m in _PLAN_ROWS.findall(str(row[0]))]
            return replace(plan, estimated_rows=max(nodes) if nodes else None, note=note)

        return await fetch(instance.name, "postgres", self._timeouts.query_s, run)

    async def select(self, instance: Instance, statement: str, max_rows: int) -> Reading[Fetched]:
        """Columns and at most max_rows + 1 rows of a statement the guard passed as read-only,
        through a cursor (the server stops producing rows there), within `rowcap`'s cap."""
        return await fetch(
            instance.name,
            "postgres",
            self._timeouts.query_s,
            lambda: self._table(instance, statement, max_rows + 1),
        )

    async def _catalog(
        self, instance: Instance, sql: str, args: Sequence[Any], limit: int
    ) -> Reading[QueryResult]:
        async def run() -> QueryResult:
            pool = await self._pool(instance)
            async with pool.acquire() as conn:
                prepared = await conn.prepare(sql)
                records = await prepared.fetch(*args)
                columns = _column_names(prepared)
            return catalog_result(sql, columns, [tuple(r) for r in records], limit)

        return await fetch(instance.name, "postgres", self._timeouts.query_s, run)

    # --- internals ---------------------------------------------------------------------------

    async def _status(self, instance: Instance) -> ServerStatus:
        [row] = await self._rows(instance, STATUS_SQL)
        version, uptime, conns, max_conn, running, xacts, hits, reads, since, replica, lag = row
        hits_f, reads_f = to_float(hits) or 0.0, to_float(reads) or 0.0
        return ServerStatus(
            version=str(version),
            uptime_s=to_float(uptime) or 0.0,
            connections=to_int(conns) or 0,
            max_connections=to_int(max_conn) or 0,
            running=to_int(running) or 0,
            qps=self._xacts.per_second(
                instance.name, to_float(xacts) or 0.0, to_float(since) or 0.0
            ),
            cache_hit_ratio=hits_f / (hits_f + reads_f) if hits_f + reads_f else None,
            replication_lag_s=to_float(lag),
            is_replica=bool(replica),
        )

    async def _pool(self, instance: Instance) -> Pool:
        """The instance's pool, created once (concurrent first calls share one creation)."""
        import asyncpg

        pool = self._pools.get(instance.name)
        if pool is not None:
            return pool
        async with self._creating.setdefault(instance.name, asyncio.Lock()):
            pool = self._pools.get(instance.name)
            if pool is None:
                pool = await asyncpg.create_pool(
                    min_size=0,
                    max_size=4,
                    host=instance.host,
                    port=instance.port,
                    user=instance.user,
                    password=await self._credentials.password(instance),
                    database=instance.database,
                    timeout=self._timeouts.connect_s,
                    command_timeout=self._timeouts.query_s,
                    server_settings={
                        "application_name": APPLICATION_NAME,
                        "default_transaction_read_only": "on",
                        "statement_timeout": str(int(self._timeouts.query_s * 1000)),
                    },
                )
                self._pools[instance.name] = pool
        return pool

    async def _rows(self, instance: Instance, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Run one statement on a pooled connection; an interrupted connection is terminated."""
        import asyncpg

        pool = await self._pool(instance)
        conn = await pool.acquire()
        try:
            records = await conn.fetch(sql, *args)
        except asyncpg.PostgresError:
            raise  # the server answered with an error: the connection is still in sync
        except BaseException:
            conn.terminate()  # timed out, cancelled or broken mid-query: never reuse it
            raise
        finally:
            await pool.release(conn)
        return [tuple(record) for record in records]

    async def _table(self, instance: Instance, sql: str, max_rows: int) -> Fetched:
        """Column names and at most max_rows rows, on a pooled read-only connection: a portal
        (a cursor in a read-only transaction) hands them over in chunks, and closing it stops
        the server producing the rest."""
        import asyncpg

        pool = await self._pool(instance)
        conn = await pool.acquire()
        try:
            async with conn.transaction(readonly=True):
                prepared = await conn.prepare(sql)
                columns = _column_names(prepared)
                cursor = await prepared.cursor()
                rows, cut, _ = await fetch_bounded(cursor.fetch, max_rows)
        except asyncpg.PostgresError:
            raise
        except BaseException:
            conn.terminate()
            raise
        finally:
            await pool.release(conn)
        return Fetched(columns, rows, cut)


def _column_names(statement: Any) -> tuple[str, ...]:
    return tuple(str(attribute.name) for attribute in statement.get_attributes())


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
