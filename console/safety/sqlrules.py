"""The SQL guard's shared vocabulary: verdict types, severity order, and the function denylist.

A SELECT can kill sessions, sleep, take locks, read server files or bump sequences through a
function call; sqlglot sees most of these as anonymous calls, so the guard judges them by name.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

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
_ADMIN = "server administration function"
_REPLICATION = "changes or waits on replication state"
_EXECUTES = "executes SQL given as text, out of the guard's sight"

EXACT: dict[str, Finding] = {
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
    "master_pos_wait": ("refused", _REPLICATION),
    "source_pos_wait": ("refused", _REPLICATION),
    "master_gtid_wait": ("refused", _REPLICATION),
    "wait_for_executed_gtid_set": ("refused", _REPLICATION),
    "wait_until_sql_thread_after_gtids": ("refused", _REPLICATION),
    "load_file": ("refused", _FILES),
    "pg_read_file": ("refused", _FILES),
    "pg_read_binary_file": ("refused", _FILES),
    "pg_stat_file": ("refused", _FILES),
    "sys_exec": ("refused", "runs a shell command on the server (UDF)"),
    "sys_eval": ("refused", "runs a shell command on the server (UDF)"),
    "query_to_xml": ("refused", _EXECUTES),
    "query_to_xmlschema": ("refused", _EXECUTES),
    "query_to_xml_and_xmlschema": ("refused", _EXECUTES),
    "cursor_to_xml": ("refused", _EXECUTES),
    "set_config": ("refused", "changes a setting, like SET"),
    "pg_reload_conf": ("refused", _ADMIN),
    "pg_rotate_logfile": ("refused", _ADMIN),
    "pg_switch_wal": ("refused", _ADMIN),
    "pg_switch_xlog": ("refused", _ADMIN),
    "pg_promote": ("refused", _ADMIN),
    "pg_start_backup": ("refused", _ADMIN),
    "pg_stop_backup": ("refused", _ADMIN),
    "pg_backup_start": ("refused", _ADMIN),
    "pg_backup_stop": ("refused", _ADMIN),
    "pg_import_system_collations": ("refused", _ADMIN),
    "pg_prewarm": ("refused", "reads whole relations into memory (heavy I/O)"),
    "pg_notify": ("refused", "sends a notification, like NOTIFY"),
    "pg_stat_statements_reset": ("refused", "resets statistics other people rely on"),
}

PREFIXES: tuple[tuple[str, Finding], ...] = (
    ("pg_advisory_", ("refused", _LOCKS)),
    ("pg_try_advisory_", ("refused", _LOCKS)),
    ("lo_", ("refused", "(large objects) reads and writes server files")),
    ("pg_ls_", ("refused", _FILES)),
    ("pg_file_", ("refused", _FILES)),
    ("dblink", ("refused", "connects elsewhere and can run any SQL there")),
    ("pg_create_", ("refused", _REPLICATION)),
    ("pg_drop_", ("refused", _REPLICATION)),
    ("pg_copy_", ("refused", _REPLICATION)),
    ("pg_replication_", ("refused", _REPLICATION)),
    ("pg_logical_", ("refused", _REPLICATION)),
    ("pg_wal_replay_", ("refused", _ADMIN)),
    ("pg_xlog_replay_", ("refused", _ADMIN)),
    ("pg_stat_reset", ("refused", "resets statistics other people rely on")),
    ("binary_upgrade_", ("refused", _ADMIN)),
    ("pg_log_", ("refused", _ADMIN)),
    ("pg_sync_", ("refused", _REPLICATION)),
    ("pg_buffercache_evict", ("refused", _ADMIN)),
    ("pg_truncate_visibility_map", ("refused", _ADMIN)),
    ("pg_export_snapshot", ("refused", "exports a snapshot held by the pooled session")),
    ("audit_log_", ("refused", _ADMIN)),
    ("keyring_", ("refused", _ADMIN)),
    ("version_tokens_", ("refused", _ADMIN)),
    ("service_get_", ("refused", _LOCKS)),
    ("service_release_", ("refused", _LOCKS)),
)


def function_finding(name: str) -> Finding | None:
    """What calling the function `name` does, or None for a function the guard knows no harm of.

    Why: one table for the parsed-tree walk and the token scan of statements sqlglot cannot parse.
    """
    key = name.strip('`"').lower()
    found = EXACT.get(key) or next((f for p, f in PREFIXES if key.startswith(p)), None)
    return None if found is None else (found[0], f"{key}() {found[1]}")
