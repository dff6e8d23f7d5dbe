"""The SQL guard's shared vocabulary: verdict types, severity order, and how a call is judged.

A SELECT can kill sessions, sleep, take locks, read server files, run SQL given as text or bump
sequences through a function call. A call is read-only only when its function is on the engine's
allowlist of pure built-ins (console/safety/sqlfunctions.py); anything else is refused, with a
specific reason for the well-known dangerous ones, and a few keep the class the console gives
them on purpose (pg_terminate_backend is destructive: it is how a PostgreSQL kill runs).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from console.safety.sqlfunctions import ALLOWED

Dialect = Literal["mysql", "postgres"]
Classification = Literal["read_only", "write", "destructive", "refused"]
Finding = tuple[Classification, str]

RANK: dict[Classification, int] = {"read_only": 0, "write": 1, "destructive": 2, "refused": 3}


class LimitPolicy(NamedTuple):
    """How a read-only SELECT's rows are bounded: `limit` added, explicit ones capped at `cap`."""

    limit: int
    cap: int
    allow_larger: bool


class Verdict(NamedTuple):
    """The guard's internal answer: level, what would run, why, and whether it is a plain query.

    `query` (a SELECT, set operation or CTE) is what EXPLAIN may be offered for.
    """

    level: Classification
    statement: str
    reasons: tuple[str, ...]
    query: bool = False


def worst(findings: list[Finding]) -> Finding:
    """The most severe finding (refused > destructive > write > read_only), first one on ties.

    Why: a statement is as dangerous as the most dangerous thing anywhere in it.
    """
    return max(findings, key=lambda finding: RANK[finding[0]])


def refusal(statement: str, *reasons: str) -> Verdict:
    """A refused verdict: it never runs, so the statement is the input as given (for display)."""
    return Verdict("refused", statement.strip(), reasons)


_SLEEPS = "stalls a server session (heavy, never run from the console)"
_LOCKS = "takes or releases a named/advisory lock that outlives the call"
_FILES = "reads or writes files on the database server"
_ADMIN = "administers the server"
_REPLICATION = "changes or waits on replication or failover state"
_EXECUTES = "executes SQL given as text, out of the guard's sight"
_MAINTENANCE = "index maintenance: writes to the index"
_REMOTE = "sends data or SQL to another server or service"

KNOWN: dict[str, Finding] = {
    "pg_terminate_backend": ("destructive", "ends another session"),
    "pg_cancel_backend": ("destructive", "cancels another session's query"),
    "setval": ("destructive", "resets a sequence"),
    "nextval": ("write", "advances a sequence"),
    "txid_current": ("write", "assigns a transaction id"),
    "pg_current_xact_id": ("write", "assigns a transaction id"),
    "sleep": ("refused", _SLEEPS),
    "pg_sleep": ("refused", _SLEEPS),
    "pg_sleep_for": ("refused", _SLEEPS),
    "pg_sleep_until": ("refused", _SLEEPS),
    "benchmark": ("refused", "burns server CPU on purpose"),
    "get_lock": ("refused", _LOCKS),
    "release_lock": ("refused", _LOCKS),
    "release_all_locks": ("refused", _LOCKS),
    "load_file": ("refused", _FILES),
    "sys_exec": ("refused", "runs a shell command on the server (UDF)"),
    "sys_eval": ("refused", "runs a shell command on the server (UDF)"),
    "ts_stat": ("refused", _EXECUTES),
    "ts_rewrite": ("refused", _EXECUTES),
    "set_config": ("refused", "changes a setting, like SET"),
    "setseed": ("refused", "changes the session's random seed"),
    "pg_reload_conf": ("refused", _ADMIN),
    "pg_rotate_logfile": ("refused", _ADMIN),
    "pg_switch_wal": ("refused", _ADMIN),
    "pg_switch_xlog": ("refused", _ADMIN),
    "pg_promote": ("refused", _REPLICATION),
    "pg_import_system_collations": ("refused", _ADMIN),
    "pg_prewarm": ("refused", "reads whole relations into memory (heavy I/O)"),
    "autoprewarm_dump_now": ("refused", "writes the buffer dump file on the server"),
    "autoprewarm_start_worker": ("refused", "starts a background worker"),
    "pg_background_launch": ("refused", "starts a background worker that runs SQL text"),
    "pg_notify": ("refused", "sends a notification, like NOTIFY"),
    "pg_logical_emit_message": ("refused", "writes a message into the WAL"),
    "pg_export_snapshot": ("refused", "exports a snapshot held by the pooled session"),
    "gin_clean_pending_list": ("refused", _MAINTENANCE),
    "binlog_gtid_pos": ("refused", _FILES),
    "mysql_firewall_flush_status": ("refused", "changes the firewall plugin's state"),
    "set_firewall_mode": ("refused", "changes the firewall plugin's state"),
    "flush_rewrite_rules": ("refused", "reloads the query rewrite plugin's rules"),
    "load_rewrite_rules": ("refused", "reloads the query rewrite plugin's rules"),
}

PREFIXES: tuple[tuple[str, Finding], ...] = (
    ("pg_advisory_", ("refused", _LOCKS)),
    ("pg_try_advisory_", ("refused", _LOCKS)),
    ("lo_", ("refused", "reads and writes server files (large objects)")),
    ("pg_ls_", ("refused", _FILES)),
    ("pg_read_", ("refused", _FILES)),
    ("pg_stat_file", ("refused", _FILES)),
    ("pg_file_", ("refused", _FILES)),
    ("dblink", ("refused", "connects elsewhere and can run any SQL there")),
    ("query_to_xml", ("refused", _EXECUTES)),
    ("cursor_to_xml", ("refused", "reads a cursor of SQL the guard never saw")),
    ("table_to_xml", ("refused", "copies a whole table into one value, past LIMIT and masking")),
    ("schema_to_xml", ("refused", "copies whole tables into one value, past LIMIT and masking")),
    ("database_to_xml", ("refused", "copies whole tables into one value, past LIMIT and masking")),
    ("brin_summarize", ("refused", _MAINTENANCE)),
    ("brin_desummarize", ("refused", _MAINTENANCE)),
    ("pg_create_", ("refused", _REPLICATION)),
    ("pg_drop_", ("refused", _REPLICATION)),
    ("pg_copy_", ("refused", _REPLICATION)),
    ("pg_replication_", ("refused", _REPLICATION)),
    ("pg_logical_", ("refused", _REPLICATION)),
    ("pg_wal_replay_", ("refused", _REPLICATION)),
    ("pg_xlog_replay_", ("refused", _REPLICATION)),
    ("pg_start_backup", ("refused", _ADMIN)),
    ("pg_stop_backup", ("refused", _ADMIN)),
    ("pg_backup_", ("refused", _ADMIN)),
    ("pg_stat_reset", ("refused", "resets statistics other people rely on")),
    ("pg_stat_statements_reset", ("refused", "resets statistics other people rely on")),
    ("binary_upgrade_", ("refused", _ADMIN)),
    ("pg_log_", ("refused", _ADMIN)),
    ("pg_sync_", ("refused", _REPLICATION)),
    ("pg_buffercache_evict", ("refused", _ADMIN)),
    ("pg_truncate_visibility_map", ("refused", _ADMIN)),
    ("master_", ("refused", _REPLICATION)),
    ("source_pos_wait", ("refused", _REPLICATION)),
    ("wait_for_executed_gtid_set", ("refused", _REPLICATION)),
    ("wait_until_sql_thread_after_gtids", ("refused", _REPLICATION)),
    ("wsrep_sync_wait", ("refused", _REPLICATION)),
    ("group_replication_", ("refused", _REPLICATION)),
    ("asynchronous_connection_failover_", ("refused", _REPLICATION)),
    ("rds_", ("refused", "runs an RDS administration procedure")),
    ("lambda_", ("refused", "invokes AWS Lambda (Aurora)")),
    ("aws_", ("refused", _REMOTE)),
    ("spider_", ("refused", "sends SQL text to remote servers (MariaDB Spider)")),
    ("audit_log_", ("refused", _ADMIN)),
    ("keyring_", ("refused", _ADMIN)),
    ("version_tokens_", ("refused", _ADMIN)),
    ("service_get_", ("refused", _LOCKS)),
    ("service_release_", ("refused", _LOCKS)),
)

SCHEMAS: dict[str, str] = {
    "aws_s3": "copies a table to or from S3, past LIMIT and masking",
    "aws_lambda": "invokes AWS Lambda",
    "aws_commons": "builds AWS calls",
    "cron": "schedules SQL as a pg_cron job",
    "dblink": "connects elsewhere and can run any SQL there",
    "mysql": "runs MySQL/RDS administration procedures",
    "sys": "runs the sys schema's routines, which change settings and instruments",
}
"""Schemas with a specific reason; a call qualified by any other schema is refused as well."""

NOT_ALLOWED = "is not on the read-only allowlist"
PURE_ONLY = "only built-in functions known to have no side effect run from the console"


def known_finding(name: str) -> Finding | None:
    """The specific verdict for a well-known dangerous function, or None.

    Why: one table gives helpful reasons to the parsed-tree walk and to the token scan of the
    statements sqlglot cannot parse (where names are all the guard has).
    """
    key = name.strip('`"').lower()
    found = KNOWN.get(key) or next((f for p, f in PREFIXES if key.startswith(p)), None)
    if found is None:
        return None
    level, why = found
    if level == "refused":
        return (level, f"function {key} {NOT_ALLOWED}: it {why}")
    return (level, f"{key}() {why}")


def function_finding(
    name: str, dialect: Dialect, *, schema: str = "", arguments: int = 0, quoted: bool = False
) -> Finding | None:
    """None when calling `name` is read-only on `dialect`; else what the call is and why.

    Why: a function is harmless only when it is a built-in known to be pure; user-defined,
    extension and schema-qualified functions can do anything (`shop.purge_orders()`).
    """
    key = name if quoted and dialect == "postgres" else name.lower()
    owner = schema.strip('`"').lower()
    if owner and not (dialect == "postgres" and owner == "pg_catalog"):
        why = SCHEMAS.get(owner.rsplit(".", 1)[-1], PURE_ONLY)
        where = f"function {owner}.{key} {NOT_ALLOWED} (user-defined or an extension's)"
        return ("refused", f"{where}: {why}")
    if key == "last_insert_id" and arguments:
        return ("refused", f"last_insert_id(n) {NOT_ALLOWED}: with an argument it sets a value")
    known = known_finding(key)
    if known is not None:
        return known
    if key in ALLOWED[dialect]:
        return None
    return ("refused", f"function {key} {NOT_ALLOWED}: {PURE_ONLY}")
