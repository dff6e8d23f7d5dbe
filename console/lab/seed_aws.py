"""Seed moto's AWS server (it keeps state in memory, so on every start): the fleet as AWS sees it.

RDS instances for the configured MySQL/PostgreSQL names plus two the config lacks, ElastiCache
replication groups for some Redis names plus one unknown cluster, CloudWatch alarms (some in
ALARM) and metrics for the last hours, the 52 RDS slow-query log groups (a few with events), and
canned Cost Explorer results. Plain HTTP in the AWS wire formats (urllib, like the lab's health
probes), in parallel: a couple of seconds. Idempotent: a seeded server is left alone.
"""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import partial

from console.lab import seed_slowlog, topology
from console.lab.layout import Layout

REGION = "us-east-1"
BASE = f"http://{topology.HOST}:{topology.MOTO_PORT}"
VERSIONS = {
    "rds": "2014-10-31",
    "elasticache": "2015-02-02",
    "monitoring": "2010-08-01",
    "ec2": "2016-11-15",
}

AWS_ONLY_RDS = ("iloyalty", "ipricing")  # in AWS, not in config.toml: discovery shows them
AWS_ONLY_CACHE = "luckyus-loyalty-cache"
CACHE_GROUPS = (
    "isales-market", "auth-session", "scm-ordering", "devops", "dify", "platform-cache",
    "fitax", "opshop",
)  # fmt: skip
METRIC_RDS = (
    "salesorder",
    "salespayment",
    "isalesmembermarketing",
    "scm-ordering",
    "devops",
    "fitax",
)
SLOW_LOG_COUNT = 52
SLOW_LOG_EVENTS = {"salesorder": 600, "salespayment": 80, "scm-ordering": 40, "isalescdp": 25}
CE_COPIES = 30  # moto hands one canned result to each distinct request
CE_DAYS = 62

# Daily cost by (service, usage type), ~$49.6k a month like the team's account.
COSTS: tuple[tuple[str, str, float], ...] = (
    ("Amazon Elastic Compute Cloud - Compute", "USE1-BoxUsage:m5.xlarge", 420.0),
    ("Amazon Elastic Compute Cloud - Compute", "USE1-BoxUsage:c5.2xlarge", 185.0),
    ("Amazon Relational Database Service", "USE1-InstanceUsage:db.r6g.xlarge", 315.0),
    ("Amazon Relational Database Service", "USE1-RDS:GP3-Storage", 46.0),
    ("Amazon ElastiCache", "USE1-NodeUsage:cache.r6g.large", 152.0),
    ("EC2 - Other", "USE1-EBS:VolumeUsage.gp3", 71.0),
    ("EC2 - Other", "USE1-NatGateway-Hours", 26.0),
    ("Amazon Managed Streaming for Apache Kafka", "USE1-Kafka.m5.large", 96.0),
    ("Amazon OpenSearch Service", "USE1-ESInstance:r6g.large", 61.0),
    ("Amazon DocumentDB (with MongoDB compatibility)", "USE1-InstanceUsage:db.r5.large", 55.0),
    ("Amazon Elastic Container Service for Kubernetes", "USE1-AmazonEKS-Hours:perCluster", 7.2),
    ("Amazon Simple Storage Service", "USE1-TimedStorage-ByteHrs", 38.0),
    ("Amazon Simple Storage Service", "USE1-Requests-Tier1", 6.1),
    ("AmazonCloudWatch", "USE1-DataProcessing-Bytes", 22.0),
    ("AmazonCloudWatch", "USE1-CW:Requests", 12.0),
    ("AWS Cost Explorer", "USE1-APIRequest", 0.3),
)


class SeedError(Exception):
    """moto refused a seeding request."""


def auth(service: str) -> str:
    day = datetime.now(UTC).strftime("%Y%m%d")
    return (
        f"AWS4-HMAC-SHA256 Credential=testing/{day}/{REGION}/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


def post(
    path: str, body: bytes | None, headers: Mapping[str, str], method: str = "POST"
) -> tuple[int, bytes]:
    """One request to moto: (status, body), an HTTP error's too."""
    request = urllib.request.Request(BASE + path, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _ok(status: int, body: bytes, what: str) -> bytes:
    if status < 300 or b"AlreadyExists" in body or b"already exists" in body:
        return body
    raise SeedError(f"{what}: HTTP {status}: {body[:200].decode(errors='replace')}")


def query(service: str, action: str, params: Mapping[str, object]) -> bytes:
    """One AWS query-protocol call (RDS, ElastiCache, CloudWatch)."""
    fields = {"Action": action, "Version": VERSIONS[service], **params}
    body = urllib.parse.urlencode({k: str(v) for k, v in fields.items()}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth(service)}
    return _ok(*post("/", body, headers), f"{service} {action}")


def logs(action: str, body: Mapping[str, object]) -> bytes:
    """One CloudWatch Logs call (JSON 1.1)."""
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"Logs_20140328.{action}",
        "Authorization": auth("logs"),
    }
    return _ok(*post("/", json.dumps(body).encode(), headers), f"logs {action}")


def seeded() -> bool:
    """True when moto already holds the lab's AWS: the databases' and the other kinds'."""
    from console.lab import seed_aws_kinds  # it builds on this module

    return _databases_seeded() and seed_aws_kinds.seeded()


def _databases_seeded() -> bool:
    """True when moto holds the databases' AWS (the last thing seeded is there)."""
    try:
        body = query("monitoring", "DescribeAlarms", {"AlarmNames.member.1": "lab-seeded"})
    except (SeedError, OSError):
        return False
    return b"<AlarmName>lab-seeded</AlarmName>" in body


def seed(lab: Layout) -> str | None:
    """Seed moto unless already seeded, then the other kinds (`seed_aws_kinds`, additive, with
    their own marker); an error line, or None."""
    from console.lab import seed_aws_kinds  # it builds on this module

    try:
        if _databases_seeded():
            return seed_aws_kinds.seed(lab)
        now = datetime.now(UTC)
        steps: list[Callable[[], object]] = [
            *_rds_steps(),
            *_cache_steps(),
            *_metric_steps(now),
            *_log_steps(lab, now),
            lambda: _cost_results(now.date()),
        ]
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda step: step(), steps))
        _alarms()  # last: its marker alarm says "seeded"
    except (SeedError, OSError) as exc:
        return f"moto: seeding failed: {exc}"
    return seed_aws_kinds.seed(lab)


def _rds_steps() -> list[Callable[[], object]]:
    names = [(n, "mysql") for names in topology.MYSQL_DOMAINS.values() for n in names]
    names += [(n, "postgres") for n in topology.POSTGRES_DATABASES]
    names += [(n, "mysql") for n in AWS_ONLY_RDS]
    return [partial(_rds, name, engine) for name, engine in names]


def _rds(short: str, engine: str) -> bytes:
    return query(
        "rds",
        "CreateDBInstance",
        {
            "DBInstanceIdentifier": f"aws-luckyus-{short}-rw",
            "DBInstanceClass": "db.r6g.xlarge" if short.startswith("sales") else "db.r6g.large",
            "Engine": engine,
            "EngineVersion": "8.0.39" if engine == "mysql" else "15.8",
            "AllocatedStorage": 200,
            "MasterUsername": "admin",
            "MasterUserPassword": "lab-only-not-a-secret",
            "Port": 3306 if engine == "mysql" else 5432,
        },
    )


def _replication_group(short: str) -> bytes:
    return query(
        "elasticache",
        "CreateReplicationGroup",
        {
            "ReplicationGroupId": topology.redis_cluster_name(short),
            "ReplicationGroupDescription": f"{short} cache",
            "Engine": "redis",
            "CacheNodeType": "cache.r6g.large",
            "NumCacheClusters": 2,
        },
    )


def _cache_cluster(name: str) -> bytes:
    return query(
        "elasticache",
        "CreateCacheCluster",
        {
            "CacheClusterId": name,
            "Engine": "redis",
            "CacheNodeType": "cache.t4g.medium",
            "NumCacheNodes": 1,
        },
    )


def _cache_steps() -> list[Callable[[], object]]:
    steps: list[Callable[[], object]] = [partial(_replication_group, n) for n in CACHE_GROUPS]
    return [*steps, partial(_cache_cluster, AWS_ONLY_CACHE)]


def _metric_values(rng: random.Random, metric: str, points: int) -> list[float]:
    base = {
        "CPUUtilization": 35.0,
        "DatabaseConnections": 180.0,
        "FreeableMemory": 6.2e9,
        "ReadLatency": 0.0012,
        "WriteLatency": 0.0031,
        "ReadIOPS": 850.0,
        "WriteIOPS": 420.0,
        "CurrConnections": 240.0,
        "DatabaseMemoryUsagePercentage": 61.0,
        "Evictions": 0.0,
    }[metric]
    values = []
    for point in range(points):
        wave = 1 + 0.25 * (point % 30) / 30
        spike = 2.4 if metric in ("CPUUtilization", "ReadLatency") and point > points - 6 else 1
        value = base * wave * spike * rng.uniform(0.9, 1.1)
        values.append(
            round(min(value, 99.0) if metric.endswith(("Utilization", "Percentage")) else value, 6)
        )
    return values


RDS_METRICS = ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "ReadLatency",
               "WriteLatency", "ReadIOPS", "WriteIOPS")  # fmt: skip
CACHE_METRICS = ("CPUUtilization", "CurrConnections", "DatabaseMemoryUsagePercentage", "Evictions")
METRIC_STEP_MIN = 2  # one point every 2 minutes over 2 hours: moto parses big batches slowly
METRIC_POINTS = 60


def _metric_steps(now: datetime) -> list[Callable[[], object]]:
    targets = [
        ("AWS/RDS", "DBInstanceIdentifier", f"aws-luckyus-{n}-rw", metric)
        for n in METRIC_RDS
        for metric in RDS_METRICS
    ]
    targets += [
        ("AWS/ElastiCache", "CacheClusterId", f"{topology.redis_cluster_name(n)}-001", metric)
        for n in CACHE_GROUPS[:4]
        for metric in CACHE_METRICS
    ]
    return [partial(_put_metric, now, *target) for target in targets]


def _put_metric(now: datetime, namespace: str, dimension: str, value: str, metric: str) -> None:
    rng = random.Random(f"{value}/{metric}")
    params: dict[str, object] = {"Namespace": namespace}
    for index, number in enumerate(_metric_values(rng, metric, METRIC_POINTS), start=1):
        at = now - timedelta(minutes=(METRIC_POINTS - index) * METRIC_STEP_MIN)
        prefix = f"MetricData.member.{index}"
        params[f"{prefix}.MetricName"] = metric
        params[f"{prefix}.Dimensions.member.1.Name"] = dimension
        params[f"{prefix}.Dimensions.member.1.Value"] = value
        params[f"{prefix}.Timestamp"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        params[f"{prefix}.Value"] = number
    query("monitoring", "PutMetricData", params)


def _alarms() -> None:
    alarms = (
        ("rds-salesorder-cpu-high", "AWS/RDS", "CPUUtilization", "DBInstanceIdentifier",
         "aws-luckyus-salesorder-rw", 80.0, "ALARM"),
        ("rds-salespayment-connections", "AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier",
         "aws-luckyus-salespayment-rw", 900.0, "ALARM"),
        ("rds-scm-ordering-read-latency", "AWS/RDS", "ReadLatency", "DBInstanceIdentifier",
         "aws-luckyus-scm-ordering-rw", 0.02, "OK"),
        ("rds-devops-freeable-memory", "AWS/RDS", "FreeableMemory", "DBInstanceIdentifier",
         "aws-luckyus-devops-rw", 5e8, "OK"),
        ("redis-isales-market-evictions", "AWS/ElastiCache", "Evictions", "CacheClusterId",
         "luckyus-isales-market-001", 100.0, "ALARM"),
        ("redis-auth-session-cpu", "AWS/ElastiCache", "CPUUtilization", "CacheClusterId",
         "luckyus-auth-session-001", 90.0, "OK"),
        ("lab-seeded", "AWS/RDS", "CPUUtilization", "DBInstanceIdentifier",
         "aws-luckyus-dbatest-rw", 99.0, "OK"),
    )  # fmt: skip
    for name, namespace, metric, dimension, value, threshold, state in alarms:
        query("monitoring", "PutMetricAlarm", {
            "AlarmName": name, "Namespace": namespace, "MetricName": metric,
            "Statistic": "Average", "Period": 60, "EvaluationPeriods": 3,
            "Threshold": threshold, "ComparisonOperator": "GreaterThanThreshold",
            "Dimensions.member.1.Name": dimension, "Dimensions.member.1.Value": value,
        })  # fmt: skip
        reason = (
            f"Threshold Crossed: 3 datapoints were greater than the threshold ({threshold:g})"
            if state == "ALARM"
            else "Threshold not crossed"
        )
        query("monitoring", "SetAlarmState", {
            "AlarmName": name, "StateValue": state, "StateReason": reason,
        })  # fmt: skip


def slow_log_names() -> list[str]:
    """The 52 MySQL names whose slow-query log RDS publishes to CloudWatch Logs."""
    names = [n for names in topology.MYSQL_DOMAINS.values() for n in names]
    return names[:SLOW_LOG_COUNT]


def _log_steps(lab: Layout, now: datetime) -> list[Callable[[], object]]:
    now_ms = int(now.timestamp() * 1000)
    shipped = seed_slowlog.mariadb_entries(lab.log("mariadb-slow"), now_ms)
    steps: list[Callable[[], object]] = []
    for name in slow_log_names():
        rng = random.Random(name)
        events = seed_slowlog.generated(
            rng, topology.mysql_database(name), SLOW_LOG_EVENTS.get(name, 0),
            now_ms - 6 * 3_600_000, now_ms - 60_000,
        )  # fmt: skip
        if name == "salesorder":
            events = sorted(events + shipped)
        steps.append(partial(_log_group, f"aws-luckyus-{name}-rw", events))
    return steps


def _log_group(server: str, events: list[seed_slowlog.Event]) -> None:
    group = f"/aws/rds/instance/{server}/slowquery"
    logs("CreateLogGroup", {"logGroupName": group})
    logs("CreateLogStream", {"logGroupName": group, "logStreamName": server})
    for chunk in _chunks(events, 5000):
        logs("PutLogEvents", {
            "logGroupName": group, "logStreamName": server,
            "logEvents": [{"timestamp": t, "message": m} for t, m in chunk],
        })  # fmt: skip


def _chunks(items: list[seed_slowlog.Event], size: int) -> Iterable[list[seed_slowlog.Event]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _cost_group(rng: random.Random, service: str, usage: str, amount: float) -> dict[str, object]:
    cost = f"{amount * rng.uniform(0.93, 1.07):.4f}"
    return {"Keys": [service, usage], "Metrics": {"UnblendedCost": {"Amount": cost, "Unit": "USD"}}}


def _cost_results(today: date) -> None:
    """CE_COPIES identical canned results: daily cost by service and usage type, CE_DAYS back."""
    rng = random.Random(7)
    periods = []
    for back in range(CE_DAYS, 0, -1):
        day = today - timedelta(days=back)
        weekday = 0.92 if day.weekday() >= 5 else 1.0
        groups = [_cost_group(rng, s, u, daily * weekday) for s, u, daily in COSTS]
        end = (day + timedelta(days=1)).isoformat()
        periods.append(
            {
                "TimePeriod": {"Start": day.isoformat(), "End": end},
                "Total": {},
                "Groups": groups,
                "Estimated": back <= 2,
            }
        )
    result = {"ResultsByTime": periods, "DimensionValueAttributes": []}
    body = json.dumps({"results": [result] * CE_COPIES}).encode()
    status, answer = post(
        "/moto-api/static/ce/cost-and-usage-results", body, {"Content-Type": "application/json"}
    )
    _ok(status, answer, "moto-api ce results")
