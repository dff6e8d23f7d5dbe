"""CloudWatch: metric alarms (describe_alarms) and RDS/ElastiCache metrics (get_metric_data).

Alarms become `CloudWatchAlarm` with the team name their dimensions point at; metrics become
the same `Series` the Prometheus charts draw, so the Metrics tab's chart widget takes them as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from console.data.aws.clients import AwsClients
from console.data.aws.kind_metrics import KIND_CHARTS, cluster_metrics
from console.data.aws_models import AwsMetric, CloudWatchAlarm
from console.data.models import Series
from console.inventory import Instance
from console.safety.masking import mask_text

# Dimensions that name the instance, most specific first; an ElastiCache node id
# (`luckyus-x-002`) names its replication group (`luckyus-x`).
_NAME_DIMENSIONS = (
    "DBInstanceIdentifier",
    "ReplicationGroupId",
    "CacheClusterId",
    "DBClusterIdentifier",
    "Cluster Name",  # MSK
    "ClusterName",  # EKS (Container Insights)
    "DomainName",  # OpenSearch
)
EC2_DIMENSION = "InstanceId"
"""An EC2 alarm names the instance id; the team knows the host by its Name tag."""
_MEMBER = re.compile(r"-\d{3}$")

RDS_METRICS: tuple[AwsMetric, ...] = (
    AwsMetric("AWS/RDS", "CPUUtilization", unit="%"),
    AwsMetric("AWS/RDS", "DatabaseConnections"),
    AwsMetric("AWS/RDS", "FreeableMemory", unit="bytes"),
    AwsMetric("AWS/RDS", "ReadLatency", unit="s"),
    AwsMetric("AWS/RDS", "WriteLatency", unit="s"),
    AwsMetric("AWS/RDS", "ReadIOPS", unit="ops/s"),
    AwsMetric("AWS/RDS", "WriteIOPS", unit="ops/s"),
)
ELASTICACHE_METRICS: tuple[AwsMetric, ...] = (
    AwsMetric("AWS/ElastiCache", "CPUUtilization", unit="%"),
    AwsMetric("AWS/ElastiCache", "CurrConnections"),
    AwsMetric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", unit="%"),
    AwsMetric("AWS/ElastiCache", "Evictions", stat="Sum"),
)


# The AWS kinds: the figures an on-call reads first, with the resource's own dimensions
# (`_dimensions`), from the kinds' one table (console/data/aws/kind_metrics.py). MSK's broker
# figures carry a "Broker ID" dimension too: per-broker charts are the kind view's.
KIND_METRICS: dict[str, tuple[AwsMetric, ...]] = {
    kind: cluster_metrics(kind) for kind in KIND_CHARTS
}


def default_metrics(instance: Instance) -> tuple[AwsMetric, ...]:
    """The metrics an instance's AWS chart shows by default (RDS, ElastiCache, or its AWS
    kind's `KIND_METRICS`)."""
    if instance.is_aws:
        return KIND_METRICS[instance.kind]
    return ELASTICACHE_METRICS if instance.kind == "redis" else RDS_METRICS


async def alarms(aws: AwsClients, state: str | None = None) -> tuple[CloudWatchAlarm, ...]:
    """Every metric alarm (all pages), firing first, then by name."""
    params: dict[str, Any] = {"AlarmTypes": ["MetricAlarm"]}
    if state is not None:
        params["StateValue"] = state
    found: list[CloudWatchAlarm] = []
    async with aws.client("cloudwatch") as client:
        async for page in client.get_paginator("describe_alarms").paginate(**params):
            found.extend(_alarm(item) for item in page.get("MetricAlarms", []))
    found = await _ec2_names(aws, found)
    return tuple(sorted(found, key=lambda a: (not a.firing, a.name)))


async def _ec2_names(aws: AwsClients, alarms: list[CloudWatchAlarm]) -> list[CloudWatchAlarm]:
    """EC2 alarms named by their host's Name tag (one free DescribeInstances for them all);
    an id EC2 does not know (a terminated host) keeps the id."""
    ids = sorted({dict(a.dimensions).get(EC2_DIMENSION, "") for a in alarms} - {""})
    if not ids:
        return alarms
    try:
        names = await _names_of(aws, ids)
    except Exception:  # no ec2:DescribeInstances: the alarms still list, by id
        return alarms
    return [
        replace(a, instance=names.get(dict(a.dimensions).get(EC2_DIMENSION, ""), a.instance))
        if a.instance is None
        else a
        for a in alarms
    ]


def _alarm(item: Mapping[str, Any]) -> CloudWatchAlarm:
    dimensions = tuple(
        (str(d.get("Name", "")), str(d.get("Value", ""))) for d in item.get("Dimensions", [])
    )
    since = item.get("StateUpdatedTimestamp")
    return CloudWatchAlarm(
        name=str(item.get("AlarmName", "")),
        state=str(item.get("StateValue", "")),
        reason=mask_text(str(item.get("StateReason", ""))),
        since=since.astimezone(UTC) if isinstance(since, datetime) else None,
        metric=_text(item.get("MetricName")),
        namespace=_text(item.get("Namespace")),
        dimensions=dimensions,
        instance=instance_of(dimensions),
    )


async def _names_of(aws: AwsClients, ids: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    async with aws.client("ec2") as client:
        pages = client.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-id", "Values": ids}]
        )
        async for page in pages:
            for reservation in page.get("Reservations", []):
                for item in reservation.get("Instances", []):
                    tags = {t.get("Key"): t.get("Value") for t in item.get("Tags", [])}
                    if tags.get("Name"):
                        names[str(item["InstanceId"])] = str(tags["Name"])
    return names


def instance_of(dimensions: Sequence[tuple[str, str]]) -> str | None:
    """The team name an alarm's dimensions point at (`luckyus-x-001` -> `luckyus-x`)."""
    by_name = dict(dimensions)
    for key in _NAME_DIMENSIONS:
        value = by_name.get(key)
        if value:
            return _MEMBER.sub("", value) if key == "CacheClusterId" else value
    return None


async def metric_series(
    aws: AwsClients,
    instance: Instance,
    metrics: Sequence[AwsMetric],
    start: datetime,
    end: datetime,
    period_s: int,
    requested: Callable[[int], None] = lambda _metrics: None,
) -> tuple[Series, ...]:
    """One Series per metric over [start, end] (all pages), labelled like Prometheus series;
    `requested` is told the metrics each page's request asks for (what AWS bills)."""
    queries = [_query(index, metric, instance, period_s) for index, metric in enumerate(metrics)]
    points: dict[str, list[tuple[datetime, float]]] = {q["Id"]: [] for q in queries}
    async with aws.client("cloudwatch") as client:
        paginator = client.get_paginator("get_metric_data")
        pages = paginator.paginate(
            MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampAscending"
        )
        async for page in pages:
            requested(len(queries))
            for result in page.get("MetricDataResults", []):
                pairs = zip(result.get("Timestamps", []), result.get("Values", []), strict=False)
                points[str(result["Id"])].extend((t, float(v)) for t, v in pairs)
    return tuple(
        Series(_labels(metric, instance), tuple(sorted(points[query["Id"]])))
        for metric, query in zip(metrics, queries, strict=True)
    )


def _dimensions(instance: Instance, namespace: str) -> list[dict[str, str]]:
    """The dimensions naming `instance` in `namespace` (an AWS kind's by its kind)."""
    if namespace == "AWS/ElastiCache":
        # a replication group reports per node; its primary is `<group>-001`
        return [{"Name": "CacheClusterId", "Value": f"{instance.name}-001"}]
    if instance.kind == "kafka":
        return [{"Name": "Cluster Name", "Value": instance.name}]
    if instance.kind == "eks":
        return [{"Name": "ClusterName", "Value": instance.name}]
    if instance.kind == "opensearch":
        # ClientId is the account id, the 5th field of the domain's ARN
        account = (instance.resource_id or "").split(":")[4:5] or [""]
        return [{"Name": "DomainName", "Value": instance.name},
                {"Name": "ClientId", "Value": account[0]}]  # fmt: skip
    if instance.kind == "ec2":
        return [{"Name": "InstanceId", "Value": instance.resource_id or instance.name}]
    return [{"Name": "DBInstanceIdentifier", "Value": instance.name}]  # RDS, DocumentDB


def _query(index: int, metric: AwsMetric, instance: Instance, period_s: int) -> dict[str, Any]:
    return {
        "Id": f"m{index}",
        "MetricStat": {
            "Metric": {
                "Namespace": metric.namespace,
                "MetricName": metric.name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in metric.dimensions]
                or _dimensions(instance, metric.namespace),
            },
            "Period": period_s,
            "Stat": metric.stat,
        },
        "ReturnData": True,
    }


SPLIT_DIMENSIONS = ("Broker ID", "Consumer Group", "Topic")
"""Dimensions that tell one series of a chart from another (an MSK broker, a consumer group)."""


def _labels(metric: AwsMetric, instance: Instance) -> tuple[tuple[str, str], ...]:
    parts = tuple((k, f"{k} {v}") for k, v in metric.dimensions if k in SPLIT_DIMENSIONS)
    return (
        ("__name__", metric.name),
        *parts,  # first: what tells a chart's series apart shows even when the legend is cut
        ("instance", instance.name),
        ("namespace", metric.namespace),
        ("stat", metric.stat),
        ("unit", metric.unit),
    )


def _text(value: object) -> str | None:
    return str(value) if value else None
