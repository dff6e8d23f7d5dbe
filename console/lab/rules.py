"""The DBA team's alert rules, as the lab's Prometheus loads them.

Thresholds are production-like; `for:` durations are short so a lab scenario fires within about
half a minute (scrape and evaluation run every 5 s).
"""

from __future__ import annotations

import json

Rule = dict[str, object]


def _rule(name: str, expr: str, severity: str, for_: str, summary: str, description: str) -> Rule:
    return {
        "alert": name,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity, "team": "dba"},
        "annotations": {"summary": summary, "description": description},
    }


def _availability() -> list[Rule]:
    return [
        _rule(
            "InstanceDown",
            "up == 0 or redis_up == 0 or mysql_up == 0 or pg_up == 0",
            "critical",
            "10s",
            "{{ $labels.instance }} is down",
            "{{ $labels.job }} target {{ $labels.instance }} has not answered for 10s.",
        ),
    ]


def _mysql() -> list[Rule]:
    return [
        _rule(
            "MySQLTooManyConnections",
            "mysql_global_status_threads_connected / mysql_global_variables_max_connections > 0.8",
            "warning",
            "10s",
            "{{ $labels.instance }}: connections above 80% of max_connections",
            "{{ $value | humanizePercentage }} of max_connections are in use.",
        ),
        _rule(
            "MySQLLongRunningQuery",
            'max by (instance) (mysql_info_schema_processlist_seconds{command="query"}) > 30',
            "warning",
            "5s",
            "{{ $labels.instance }}: a query has been running for over 30s",
            "Queries in one state have run {{ $value | humanizeDuration }} in total.",
        ),
        _rule(
            "MySQLReplicationLag",
            "mysql_slave_status_seconds_behind_master > 30",
            "warning",
            "30s",
            "{{ $labels.instance }}: replica is {{ $value }}s behind its primary",
            "Seconds_Behind_Master has stayed above 30s.",
        ),
        _rule(
            "MySQLSlowQueries",
            "rate(mysql_global_status_slow_queries[1m]) > 1",
            "warning",
            "30s",
            "{{ $labels.instance }}: more than one slow query per second",
            "{{ $value | humanize }} slow queries/s over the last minute.",
        ),
    ]


def _postgres() -> list[Rule]:
    return [
        _rule(
            "PostgresLongTransaction",
            'max by (instance, datname) (pg_stat_activity_max_tx_duration{state!="idle"}) > 30',
            "warning",
            "5s",
            "{{ $labels.instance }}/{{ $labels.datname }}: a transaction is open for over 30s",
            "The oldest open transaction is {{ $value | humanizeDuration }} old.",
        ),
        _rule(
            "PostgresTooManyConnections",
            "sum by (instance) (pg_stat_activity_count)"
            " / on (instance) pg_settings_max_connections > 0.8",
            "warning",
            "10s",
            "{{ $labels.instance }}: connections above 80% of max_connections",
            "{{ $value | humanizePercentage }} of max_connections are in use.",
        ),
    ]


def _redis() -> list[Rule]:
    return [
        _rule(
            "RedisMemoryHigh",
            "redis_memory_used_bytes / redis_memory_max_bytes > 0.9 and redis_memory_max_bytes > 0",
            "critical",
            "10s",
            "{{ $labels.instance }}: memory above 90% of maxmemory",
            "{{ $value | humanizePercentage }} of maxmemory used; noeviction: writes fail next.",
        ),
        _rule(
            "RedisTooManyClients",
            "redis_connected_clients / redis_config_maxclients > 0.8",
            "warning",
            "30s",
            "{{ $labels.instance }}: clients above 80% of maxclients",
            "{{ $value | humanizePercentage }} of maxclients are connected.",
        ),
        _rule(
            "RedisKeysWithoutTTL",
            "redis_db_keys - redis_db_keys_expiring > 5000",
            "warning",
            "10s",
            "{{ $labels.instance }} {{ $labels.db }}: over 5000 keys without a TTL",
            "{{ $value }} keys never expire; check the writers (runbook: isales-market TTL audit).",
        ),
    ]


def rules_document() -> str:
    """The rules file (JSON, which Prometheus reads as YAML)."""
    groups = [
        {"name": "availability", "rules": _availability()},
        {"name": "mysql", "rules": _mysql()},
        {"name": "postgres", "rules": _postgres()},
        {"name": "redis", "rules": _redis()},
    ]
    return json.dumps({"groups": groups}, indent=2) + "\n"
