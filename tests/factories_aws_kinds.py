"""Deterministic overviews, alarms and CloudWatch series of the five AWS kinds, shaped like
the lab's seed (console/lab/seed_aws_kinds.py): one unhealthy resource of each kind with its
alarm in ALARM, fixed times (tests.factories.AT)."""

from __future__ import annotations

import math
from datetime import timedelta

from console.data.aws_models import (
    CloudWatchAlarm,
    OverviewFact,
    OverviewMember,
    ResourceOverview,
)
from console.data.models import Reading, Series
from tests.factories import AT

GAP_NODES = "not available from this API (kafka ListNodes)"


def _fact(label: str, value: str) -> OverviewFact:
    return OverviewFact(label, value)


def kafka() -> ResourceOverview:
    return ResourceOverview(
        kind="kafka", name="luckyus-msk-data", service="MSK",
        identifier="arn:aws:kafka:us-east-1:123456789012:cluster/luckyus-msk-data/5c1e",
        status="CREATING", healthy=True, version="3.6.0",
        facts=(_fact("State", "CREATING"), _fact("Kafka version", "3.6.0"),
               _fact("Type", "PROVISIONED"), _fact("Brokers", "3"),
               _fact("Broker size", "kafka.m5.xlarge"), _fact("Storage per broker", "1000 GiB"),
               _fact("Monitoring", "DEFAULT"), _fact("Created", "2026-11-25 12:00 UTC"),
               OverviewFact("Topics", "", "not available from this API (kafka ListTopics)")),
        members_title="Brokers", members=(), members_missing=GAP_NODES,
        dimensions=(("Cluster Name", "luckyus-msk-data"),), broker_ids=("1", "2", "3"),
    )  # fmt: skip


def eks() -> ResourceOverview:
    groups = (
        OverviewMember("ng-spark", "ACTIVE", "r5.2xlarge", "5 (min 2, max 10)", True),
        OverviewMember("ng-airflow", "ACTIVE", "m5.xlarge", "2 (min 2, max 4)", True),
    )
    return ResourceOverview(
        kind="eks", name="luckyus-eks-data", service="EKS",
        identifier="arn:aws:eks:us-east-1:123456789012:cluster/luckyus-eks-data",
        status="ACTIVE", healthy=True, version="1.28",
        facts=(_fact("Status", "ACTIVE"), _fact("Kubernetes version", "1.28"),
               _fact("Platform version", "eks.4"), _fact("Node groups", "2"),
               _fact("Nodes (desired)", "7"), _fact("Degraded node groups", "0"),
               _fact("Endpoint", "https://A1B2C3.gr7.us-east-1.eks.amazonaws.com"),
               _fact("Created", "2026-11-25 12:00 UTC"),
               OverviewFact("Pods and workloads", "",
                            "not available from this API (the Kubernetes API, not EKS)")),
        members_title="Node groups", members=groups,
        dimensions=(("ClusterName", "luckyus-eks-data"),),
    )  # fmt: skip


def docdb() -> ResourceOverview:
    members = tuple(
        OverviewMember(f"luckyus-docdb-crm-0{i}", "writer" if i == 1 else "reader", "", "", True,
                       "this instance" if i == 3 else "")
        for i in range(1, 5)
    )  # fmt: skip
    return ResourceOverview(
        kind="docdb", name="luckyus-docdb-crm-03", service="DocumentDB",
        identifier="arn:aws:rds:us-east-1:123456789012:db:luckyus-docdb-crm-03",
        status="available", healthy=True, version="5.0.0",
        facts=(_fact("Status", "available"), _fact("Engine", "docdb 5.0.0"),
               _fact("Instance class", "db.r5.large"), _fact("Cluster", "luckyus-docdb-crm"),
               _fact("Role", "reader"), _fact("Cluster members", "4"),
               _fact("Cluster status", "available"), _fact("Zone", "us-east-1a"),
               _fact("Endpoint", "luckyus-docdb-crm-03.abc.us-east-1.rds.amazonaws.com:27017")),
        members_title="Cluster members", members=members,
        dimensions=(("DBInstanceIdentifier", "luckyus-docdb-crm-03"),),
    )  # fmt: skip


def opensearch() -> ResourceOverview:
    return ResourceOverview(
        kind="opensearch", name="luckyus-es-logs", service="OpenSearch",
        identifier="arn:aws:es:us-east-1:123456789012:domain/luckyus-es-logs",
        status="active", healthy=True, version="OpenSearch_2.11",
        facts=(_fact("Status", "active"), _fact("Engine version", "OpenSearch_2.11"),
               _fact("Data nodes", "3"), _fact("Node size", "r6g.large.search"),
               _fact("Dedicated masters", "none"), _fact("Zone awareness", "off"),
               _fact("Storage per node", "500.0 GiB"),
               _fact("Endpoint", "search-luckyus-es-logs.us-east-1.es.amazonaws.com"),
               OverviewFact("Cluster health", "", "not available from this API "
                            "(_cluster/health; ClusterStatus on the Metrics tab)")),
        members_title="Nodes", members=(),
        members_missing="not available from this API (the domain's _cat/nodes)",
        dimensions=(("DomainName", "luckyus-es-logs"), ("ClientId", "123456789012")),
    )  # fmt: skip


def ec2() -> ResourceOverview:
    return ResourceOverview(
        kind="ec2", name="luckyus-doris-be-03", service="EC2", identifier="i-0d3f5e7a9b1c2d4e6",
        status="running", healthy=True, version="ami-12c6146b",
        facts=(_fact("State", "running"), _fact("Status checks", "system ok, instance ok"),
               _fact("Instance id", "i-0d3f5e7a9b1c2d4e6"), _fact("Type", "r5.2xlarge"),
               _fact("Zone", "us-east-1a"), _fact("Private IP", "10.20.3.17"),
               _fact("Image", "ami-12c6146b"), _fact("Launched", "2026-11-25 12:00 UTC"),
               _fact("Tags", "group=Data/Analytics, team=dba")),
        members_title="Volumes",
        members=(OverviewMember("/dev/sda1", "attached", "vol-0a1b2c3d4e5f60718", "", True),),
        dimensions=(("InstanceId", "i-0d3f5e7a9b1c2d4e6"),),
    )  # fmt: skip


OVERVIEWS = {"kafka": kafka, "eks": eks, "docdb": docdb, "opensearch": opensearch, "ec2": ec2}
# the seed's unhealthy alarm of each kind: (alarm, namespace, metric, reason), and one OK alarm
ALARMS = {
    "kafka": ("msk-luckyus-msk-data-under-replicated", "AWS/Kafka", "UnderReplicatedPartitions",
              "12 partitions under-replicated on broker 2"),
    "eks": ("eks-luckyus-eks-data-failed-nodes", "ContainerInsights",
            "cluster_failed_node_count", "2 nodes NotReady in ng-spark"),
    "docdb": ("docdb-luckyus-docdb-crm-03-replica-lag", "AWS/DocDB", "DBInstanceReplicaLag",
              "replica lag above 10 s"),
    "opensearch": ("es-luckyus-es-logs-cluster-red", "AWS/ES", "ClusterStatus.red",
                   "a primary shard is unassigned"),
    "ec2": ("ec2-luckyus-doris-be-03-status-check", "AWS/EC2", "StatusCheckFailed",
            "instance status check failing"),
}  # fmt: skip


def overview_reading(kind: str) -> Reading[ResourceOverview]:
    value = OVERVIEWS[kind]()
    return Reading(value.name, "aws", AT, 0.21, value=value)


def alarms_reading(kind: str) -> Reading[tuple[CloudWatchAlarm, ...]]:
    overview = OVERVIEWS[kind]()
    name, namespace, metric, why = ALARMS[kind]
    firing = CloudWatchAlarm(
        name=name, state="ALARM", reason=f"Threshold Crossed: {why} ({metric} > 0)",
        since=AT - timedelta(minutes=6), metric=metric, namespace=namespace,
        dimensions=overview.dimensions, instance=overview.name,
    )  # fmt: skip
    quiet = CloudWatchAlarm(
        name=f"{overview.name}-cpu", state="OK", reason="Threshold not crossed",
        since=AT - timedelta(hours=5), metric="CPUUtilization", namespace=namespace,
        dimensions=overview.dimensions, instance=overview.name,
    )  # fmt: skip
    return Reading(overview.name, "aws", AT, 0.05, value=(firing, quiet))


def series(name: str, metric: str, base: float, bad: float | None = None) -> Series:
    """Two hours of minute points ending at AT; the last 8 at `bad` when given."""
    points = []
    for index in range(120):
        at = AT - timedelta(minutes=119 - index)
        value = base * (1 + 0.2 * math.sin(index / 9))
        if bad is not None and index >= 112:
            value = bad
        points.append((at, value))
    labels = (("__name__", metric), ("instance", name), ("namespace", "AWS"), ("unit", ""))
    return Series(labels, tuple(points))


def chart_reading(*values: Series) -> Reading[tuple[Series, ...]]:
    return Reading("aws", "aws", AT, 0.08, value=values)
