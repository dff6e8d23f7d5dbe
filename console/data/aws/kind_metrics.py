"""The CloudWatch charts an on-call reads first for each AWS kind, with their dimensions.

MSK: broker CPU, data-log disk used, under-replicated partitions (one series per broker) and
the consumer groups' offset lag; EKS: node counts and Container Insights CPU and memory where
the cluster publishes them; DocumentDB: CPU, connections, replica lag; OpenSearch: cluster
status red and yellow, JVM memory pressure, free storage; EC2: status checks, CPU, CPU credit
balance, network in and out.

Which consumer groups and whether Container Insights is on come from ListMetrics (free), so a
chart is only asked for series that exist; the figures themselves are one GetMetricData
request per refresh (console/data/aws/cloudwatch.py `metric_series`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from console.data.aws.clients import AwsClients
from console.data.aws_models import AwsMetric, ChartSpec, ResourceOverview

Row = tuple[str, str, str, str, str]
"""(title, namespace, metric, stat, unit) of one chart."""

KIND_CHARTS: dict[str, tuple[Row, ...]] = {
    "kafka": (
        ("Broker CPU (user)", "AWS/Kafka", "CpuUser", "Average", "%"),
        ("Data-log disk used", "AWS/Kafka", "KafkaDataLogsDiskUsed", "Maximum", "%"),
        ("Under-replicated partitions", "AWS/Kafka", "UnderReplicatedPartitions", "Maximum", ""),
        ("Consumer offset lag", "AWS/Kafka", "SumOffsetLag", "Maximum", ""),
        ("Offline partitions", "AWS/Kafka", "OfflinePartitionsCount", "Maximum", ""),
        ("Active controllers", "AWS/Kafka", "ActiveControllerCount", "Maximum", ""),
    ),
    "eks": (
        ("Nodes", "ContainerInsights", "cluster_node_count", "Average", ""),
        ("Failed nodes", "ContainerInsights", "cluster_failed_node_count", "Maximum", ""),
        ("Node CPU", "ContainerInsights", "node_cpu_utilization", "Average", "%"),
        ("Node memory", "ContainerInsights", "node_memory_utilization", "Average", "%"),
    ),
    "docdb": (
        ("CPU", "AWS/DocDB", "CPUUtilization", "Average", "%"),
        ("Connections", "AWS/DocDB", "DatabaseConnections", "Average", ""),
        ("Replica lag", "AWS/DocDB", "DBInstanceReplicaLag", "Maximum", "ms"),
        ("Freeable memory", "AWS/DocDB", "FreeableMemory", "Minimum", "bytes"),
    ),
    "opensearch": (
        ("Cluster status red", "AWS/ES", "ClusterStatus.red", "Maximum", ""),
        ("Cluster status yellow", "AWS/ES", "ClusterStatus.yellow", "Maximum", ""),
        ("JVM memory pressure", "AWS/ES", "JVMMemoryPressure", "Maximum", "%"),
        ("Free storage", "AWS/ES", "FreeStorageSpace", "Minimum", "MiB"),
    ),
    "ec2": (
        ("Status check failed", "AWS/EC2", "StatusCheckFailed", "Maximum", ""),
        ("CPU", "AWS/EC2", "CPUUtilization", "Average", "%"),
        ("CPU credit balance", "AWS/EC2", "CPUCreditBalance", "Minimum", ""),
        ("Network in", "AWS/EC2", "NetworkIn", "Sum", "bytes"),
        ("Network out", "AWS/EC2", "NetworkOut", "Sum", "bytes"),
    ),
}
PER_BROKER = frozenset({"CpuUser", "KafkaDataLogsDiskUsed", "UnderReplicatedPartitions"})
PER_GROUP = frozenset({"SumOffsetLag"})
INSIGHTS = "ContainerInsights"


def cluster_metrics(kind: str) -> tuple[AwsMetric, ...]:
    """The kind's figures kept for the resource as a whole (not per broker): what a chart
    without a describe answer can ask, with the instance's own dimensions."""
    rows = KIND_CHARTS.get(kind, ())
    return tuple(AwsMetric(ns, name, stat, unit) for _, ns, name, stat, unit in rows
                 if name not in PER_BROKER)  # fmt: skip


async def resource_charts(aws: AwsClients, overview: ResourceOverview) -> tuple[ChartSpec, ...]:
    """The charts of one resource, their metrics given the dimensions CloudWatch keeps."""
    rows = KIND_CHARTS.get(overview.kind, ())
    listed = await _listed(aws, overview, rows)
    return tuple(_chart(row, overview, listed) for row in rows)


async def _listed(
    aws: AwsClients, overview: ResourceOverview, rows: Sequence[Row]
) -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """For the charts whose series depend on what exists (consumer groups, Container
    Insights), the dimension sets ListMetrics returns, by metric name."""
    wanted = [(r[1], r[2]) for r in rows if r[2] in PER_GROUP or r[1] == INSIGHTS]
    found: dict[str, list[tuple[tuple[str, str], ...]]] = {}
    if not wanted:
        return found
    async with aws.client("cloudwatch") as client:
        for namespace, metric in wanted:
            found[metric] = []
            filters = [{"Name": k, "Value": v} for k, v in overview.dimensions]
            params: dict[str, Any] = {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": filters,
            }
            async for page in client.get_paginator("list_metrics").paginate(**params):
                for item in page.get("Metrics", []):
                    dims = tuple(
                        (str(d["Name"]), str(d["Value"])) for d in item.get("Dimensions", [])
                    )
                    found[metric].append(dims)
    return found


def _chart(
    row: Row, overview: ResourceOverview, listed: dict[str, list[tuple[tuple[str, str], ...]]]
) -> ChartSpec:
    title, namespace, name, stat, unit = row

    def metric(dimensions: tuple[tuple[str, str], ...]) -> AwsMetric:
        return AwsMetric(namespace, name, stat, unit, dimensions)

    if name in PER_BROKER and overview.broker_ids:
        metrics = tuple(
            metric((*overview.dimensions, ("Broker ID", b))) for b in overview.broker_ids
        )
        return ChartSpec(title, unit, metrics)
    if name in listed:
        sets = sorted(set(listed[name]), key=lambda d: (len(d), d))
        if name in PER_GROUP:  # per consumer group where CloudWatch has them
            groups = [d for d in sets if any(k == "Consumer Group" for k, _ in d)]
            sets = groups or sets
        if not sets:
            why = (
                "Container Insights is not enabled on this cluster"
                if namespace == INSIGHTS
                else f"no {name} series in CloudWatch (no consumer group reports lag)"
            )
            return ChartSpec(title, unit, (), missing=why)
        chosen = sets if name in PER_GROUP else sets[:1]  # the cluster-wide series first
        return ChartSpec(title, unit, tuple(metric(d) for d in chosen[:6]))
    return ChartSpec(title, unit, (metric(overview.dimensions),))
