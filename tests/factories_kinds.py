"""Deterministic AWS-kind refs and health for the fleet tree (no moto, no clock)."""

from __future__ import annotations

from console.data.models import FleetHealth, Health, HealthState, InstanceRef, Reading
from tests.factories import AT

# kind, name, group, status, state, reason
KINDS: tuple[tuple[str, str, str, str, HealthState, str], ...] = (
    ("kafka", "luckyus-msk-core", "Sales/CRM", "ACTIVE", "ok", ""),
    ("kafka", "luckyus-msk-data", "Data/Analytics", "ACTIVE", "warn",
     "alarm msk-luckyus-msk-data-under-replicated (UnderReplicatedPartitions): 12 partitions"),
    ("eks", "luckyus-eks-prod", "Platform", "ACTIVE", "ok", ""),
    ("eks", "luckyus-eks-data", "Data/Analytics", "ACTIVE", "warn",
     "alarm eks-luckyus-eks-data-failed-nodes (cluster_failed_node_count): 2 nodes NotReady"),
    ("docdb", "luckyus-docdb-crm-01", "Sales/CRM", "available", "ok", ""),
    ("docdb", "luckyus-docdb-crm-03", "Sales/CRM", "available", "warn",
     "alarm docdb-luckyus-docdb-crm-03-replica-lag (DBInstanceReplicaLag): lag above 10 s"),
    ("opensearch", "luckyus-es-logs", "DevOps", "Active", "down",
     "alarm es-luckyus-es-logs-cluster-red (ClusterStatus.red): a primary shard is unassigned"),
    ("ec2", "luckyus-jumpserver-01", "DevOps", "running", "ok", ""),
    ("ec2", "luckyus-doris-be-03", "Data/Analytics", "running", "down",
     "alarm ec2-luckyus-doris-be-03-status-check (StatusCheckFailed): status check failing"),
)  # fmt: skip


def refs() -> list[InstanceRef]:
    return [
        InstanceRef(kind, name, group, "production", f"{name}.aws:443", "aws")
        for kind, name, group, *_ in KINDS
    ]


def fleet_health() -> list[FleetHealth]:
    found = []
    for kind, name, group, status, state, reason in KINDS:
        value = Health(state, 180.0, reasons=(reason,) if reason else (), status=status)
        found.append(FleetHealth(name, kind, group, Reading(name, "aws", AT, 0.18, value=value)))
    return found
