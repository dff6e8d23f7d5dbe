"""The findings rules over deterministic evidence: each names its cause, or stays silent."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from console.analysis.evidence import parse_window
from console.analysis.findings import Finding, analyse, key_prefix, needs_attention
from console.data.models import LockWait
from tests import factories
from tests.factories_alerts import alert
from tests.investigate import factories as ev


def titles(findings: tuple[Finding, ...], severity: str | None = None) -> list[str]:
    return [f.title for f in findings if severity is None or f.severity == severity]


def only(findings: tuple[Finding, ...], start: str) -> Finding:
    [found] = [f for f in findings if f.title.startswith(start)]
    return found


def test_lock_chain_names_the_root_blocker_its_waiters_and_the_oldest_wait() -> None:
    finding = only(analyse(ev.lock_chain()), "Lock wait")
    assert finding.title == "Lock wait: session 501 blocks 3 sessions, longest wait 12s"
    assert finding.severity == "warning"
    assert "salesorder_app" in finding.detail and "SELECT SLEEP(600)" in finding.detail
    assert "waiting: 502, 503, 504" in finding.detail
    assert finding.evidence == "lock_waits.csv"


def test_a_lock_wait_older_than_the_critical_age_is_critical() -> None:
    evidence = ev.lock_chain()
    assert evidence.sql is not None
    old = (LockWait(502, 501, 45.0, None),)
    evidence = replace(evidence, sql=replace(evidence.sql, lock_waits=factories.reading(old)))
    assert only(analyse(evidence), "Lock wait").severity == "critical"


def test_lock_graph_falls_back_to_the_process_list_when_the_lock_source_failed() -> None:
    evidence = ev.sql(factories.processes(12))
    assert evidence.sql is not None
    evidence = replace(evidence, sql=replace(evidence.sql, lock_waits=factories.failed()))
    # factories.BLOCKERS: 4102 blocks 4104 and 4106; 4104 blocks 4108.
    assert only(analyse(evidence), "Lock wait").title.startswith(
        "Lock wait: session 4102 blocks 3 sessions"
    )


def test_runaway_query_names_the_longest_running_statement() -> None:
    processes = (
        ev.session(61, user="bi_report", time_s=95, query="SELECT store_id, SUM(amount) ..."),
        ev.session(62, time_s=40),
        ev.session(63, command="Sleep", time_s=900, query=None),
        ev.session(64, time_s=500, blocked_by=(61,)),  # waiting, not running away
    )
    finding = only(analyse(ev.sql(processes)), "Runaway query")
    assert finding.title == "Runaway query: session 61 (bi_report) running 1m35s"
    assert finding.severity == "warning"
    assert "SELECT store_id" in finding.detail and "2 statement(s) over 30s" in finding.detail


def test_short_statements_are_no_runaway() -> None:
    findings = analyse(ev.sql((ev.session(1, time_s=29),)))
    assert not [t for t in titles(findings) if t.startswith("Runaway")]


def test_long_transaction_past_ten_minutes_is_critical() -> None:
    processes = (ev.session(9, command="Sleep", time_s=700, trx_age_s=700, query=None),)
    finding = only(analyse(ev.sql(processes)), "Long transaction")
    assert finding.title == "Long transaction: session 9 (app_orders) open 11m40s"
    assert finding.severity == "critical"


def test_connection_storm_names_the_ratio_and_the_top_user() -> None:
    storm = tuple(
        ev.session(100 + n, user="member_api", command="Sleep", host=f"127.0.0.1:{40000 + n}")
        for n in range(300)
    )
    finding = only(analyse(ev.sql(storm, connections=342)), "Connection storm")
    assert (
        finding.title
        == "Connection storm: 342 of 400 connections (86%), 300 from member_api@127.0.0.1"
    )
    assert finding.severity == "warning"


def test_redis_keys_without_ttl_name_the_prefix() -> None:
    evidence = ev.redis(keys=12601, expiring=3520, sample=ev.no_ttl_sample())
    finding = only(analyse(evidence), "Keys without TTL")
    assert finding.title.startswith("Keys without TTL: isales:market:push:* (~")
    assert "600 of the 700 without TTL" in finding.detail
    assert finding.severity == "warning"


def test_the_ttl_audit_names_the_prefix_and_extrapolates_a_partial_scan() -> None:
    evidence = ev.redis(keys=12000, expiring=3000, sample=ev.no_ttl_sample())
    assert evidence.redis is not None
    partial = replace(evidence, redis=replace(evidence.redis, audit=ev.audit(False, 1000)))
    finding = only(analyse(partial), "Keys without TTL")
    assert finding.title == "Keys without TTL: isales:market:push:* (~7200 keys never expire)"
    assert "1000 keys scanned" in finding.detail and finding.evidence == "ttl_audit.csv"
    whole = replace(evidence, redis=replace(evidence.redis, audit=ev.audit(True, 12000)))
    assert only(analyse(whole), "Keys without TTL").title.endswith("(600 keys never expire)")


def test_redis_memory_pressure_names_the_ratio_policy_and_largest_prefix() -> None:
    evidence = ev.redis(used=60 * ev.MIB, sample=ev.memory_sample(), evicted="0")
    finding = only(analyse(evidence), "Redis memory pressure")
    assert finding.title.startswith(
        "Redis memory pressure: 94% of maxmemory (60.0 MiB of 64.0 MiB)"
    )
    assert finding.title.endswith("largest prefix platform:search:snapshot:*")
    assert "noeviction" in finding.detail and "0 evicted keys" in finding.detail
    assert finding.severity == "critical"


def test_instance_down_is_the_critical_finding_with_the_error() -> None:
    findings = analyse(ev.down())
    assert findings[0].severity == "critical"
    assert (
        findings[0].title == "Instance down: luckyus-isales-market is unreachable (10.0.4.5:6379)"
    )
    assert "Error 111" in findings[0].detail
    assert needs_attention(findings)


def test_a_healthy_instance_has_only_informational_findings() -> None:
    for evidence in (ev.sql((ev.session(1),)), ev.redis()):
        findings = analyse(evidence)
        assert not needs_attention(findings), titles(findings)


def test_an_alert_without_a_cause_says_so() -> None:
    fired = alert(
        "RedisTooManyClients", "warning", "luckyus-isales-market", timedelta(minutes=3), "clients"
    )
    findings = analyse(replace(ev.redis(), alert=fired))
    assert "RedisTooManyClients: no cause found in the evidence" in titles(findings, "info")


def test_findings_come_most_severe_first() -> None:
    evidence = ev.redis(keys=12601, expiring=3520, used=60 * ev.MIB, sample=ev.no_ttl_sample())
    severities = [f.severity for f in analyse(evidence)]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
    assert severities[:2] == ["critical", "warning"]


@pytest.mark.parametrize(
    ("key", "prefix"),
    [
        ("isales:market:push:880001:5001", "isales:market:push:*"),
        ("platform:search:snapshot:12", "platform:search:snapshot:*"),
        ("session:{u42}:cart", "session:*"),
        ("plainkey", "(no prefix)"),
        ("a:b:c:d:e:f:g", "a:b:c:d:*"),
    ],
)
def test_key_prefix_keeps_the_fixed_head(key: str, prefix: str) -> None:
    assert key_prefix(key) == prefix


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900), ("1h", 3600), ("2d", 172800), ("90s", 90)]
)
def test_window_parses(text: str, seconds: int) -> None:
    assert parse_window(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["1", "h", "10s", "30d", "1w"])
def test_window_refuses_bad_input_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="--window"):
        parse_window(text)


def test_an_alert_on_a_shared_endpoint_picks_its_database_and_says_so() -> None:
    from console.analysis.evidence import alert_target, alerts_matching
    from console.inventory import Fleet, Instance

    def pg(name: str, database: str) -> Instance:
        return Instance(
            "postgres", name, "Dify", "production", "127.0.0.1", 15432, None, "none", database
        )

    fleet = Fleet((pg("aws-luckyus-dify-rw", "dify"), pg("aws-luckyus-difynew-rw", "difynew")))
    fired = alert(
        "PostgresLongTransaction", "warning", "127.0.0.1:15432", timedelta(minutes=1), "trx"
    )
    fired = replace(fired, labels=(*fired.labels, ("datname", "difynew")))
    instance, note = alert_target(fired, fleet)
    assert instance is not None and instance.name == "aws-luckyus-difynew-rw"
    assert note is not None
    assert note.endswith("127.0.0.1:15432 hosts 2 instances; investigated aws-luckyus-difynew-rw")
    assert alerts_matching([fired], fired.fingerprint[:6]) == (fired,)
    assert alerts_matching([fired], "nope") == ()


def test_a_cloudwatch_alarm_reads_as_an_alert_on_its_instance() -> None:
    from console.analysis.evidence import alarm_as_alert
    from console.data.aws_models import CloudWatchAlarm

    alarm = CloudWatchAlarm(
        "rds-salesorder-cpu-high", "ALARM", "Threshold Crossed", factories.AT, "CPUUtilization",
        "AWS/RDS", (("DBInstanceIdentifier", "aws-luckyus-salesorder-rw"),),
        "aws-luckyus-salesorder-rw",
    )  # fmt: skip
    as_alert = alarm_as_alert(alarm)
    assert (as_alert.name, as_alert.state, as_alert.label("instance")) == (
        "rds-salesorder-cpu-high", "firing", "aws-luckyus-salesorder-rw"
    )  # fmt: skip
    assert as_alert.summary == "CPUUtilization: Threshold Crossed"


def test_a_server_refusing_connections_for_lack_of_slots_is_a_storm_not_down() -> None:
    full = factories.failed(ev.SQL.name, "mysql", "unreachable", "(1040) Too many connections")
    findings = analyse(replace(ev.sql(), health=full))
    assert findings[0].severity == "critical"
    assert findings[0].title == (
        "Connection storm: aws-luckyus-salesorder-rw refuses new connections (its limit is reached)"
    )
