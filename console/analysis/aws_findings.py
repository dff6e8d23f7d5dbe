"""Findings for MSK, EKS, DocumentDB, OpenSearch and EC2: alarms, service status, figures.

The rules of the seed's /investigate-ec2, -k8s and -elasticsearch, as pure functions of the
evidence: a CloudWatch alarm of the resource in ALARM names the cause first (its metric and
its reason, "StatusCheckFailed ... Threshold Crossed"), then the service's own status (an EKS
node group DEGRADED, an OpenSearch domain processing), then the figures an on-call reads
first (cluster status red, JVM memory pressure, status checks, credit balance, replica lag,
under-replicated partitions). Which alarms are the resource's is decided before these rules
run (console/data/aws_models.py `alarms_of`, the health verdict's rule too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from console.analysis.evidence import Evidence
from console.analysis.findings import Finding, Rule, Severity, Thresholds
from console.data.models import Series
from console.formatting import human_value

# --- alarms and status ---------------------------------------------------------------------


def firing_alarm(evidence: Evidence, limits: Thresholds) -> Finding | None:
    """'CloudWatch alarm ec2-web-07-status-check in ALARM: StatusCheckFailed ...'."""
    alarms = evidence.aws.alarms.value if evidence.aws is not None else None
    firing = [a for a in alarms or () if a.firing]
    if not firing:
        return None
    first = firing[0]
    title = f"CloudWatch alarm {first.name} in ALARM: {first.metric or '-'}"
    title += f" ({first.namespace})" if first.namespace else ""
    if len(firing) > 1:
        title += f", and {len(firing) - 1} more alarm(s) in ALARM"
    detail = "; ".join(f"{a.name}: {a.reason or a.state}" for a in firing)
    return Finding("critical", title, detail, "alarms.csv")


def service_status(evidence: Evidence, limits: Thresholds) -> Finding | None:
    """The service's own word: the resource or one of its parts not healthy."""
    overview = evidence.aws.overview.value if evidence.aws is not None else None
    if overview is None:
        return None
    sick = [m for m in overview.members if not m.healthy]
    if overview.healthy and not sick:
        return None
    what = f"{overview.service} {overview.name}"
    if not overview.healthy:
        title = f"{what} is {overview.status}"
    else:
        title = f"{what}: {overview.members_title.lower()} not healthy"
    if sick:
        title += ": " + ", ".join(f"{m.name} {m.status}" for m in sick[:3])
    detail = "; ".join(f"{m.name}: {m.status} {m.note}".strip() for m in sick) or title
    severity: Severity = "critical" if not overview.healthy else "warning"
    return Finding(severity, title, detail, "overview.csv")


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limit:
    """A CloudWatch figure's warning and critical level (`low`: low values are bad)."""

    metric: str
    warn: float
    crit: float
    what: str
    unit: str = ""
    low: bool = False


LIMITS: tuple[Limit, ...] = (
    Limit("StatusCheckFailed", 1, 1, "EC2 status check failed"),
    Limit("StatusCheckFailed_System", 1, 1, "EC2 system status check failed"),
    Limit("ClusterStatus.red", 1, 1, "OpenSearch cluster status red"),
    Limit("ClusterStatus.yellow", 1, 2, "OpenSearch cluster status yellow"),
    Limit("JVMMemoryPressure", 80, 92, "OpenSearch JVM memory pressure", "%"),
    Limit("FreeStorageSpace", 20480, 5120, "OpenSearch free storage low", "MiB", low=True),
    Limit("CPUCreditBalance", 20, 5, "EC2 CPU credit balance low", low=True),
    Limit("CPUUtilization", 85, 95, "CPU", "%"),
    Limit("cluster_failed_node_count", 1, 2, "EKS failed nodes"),
    Limit("node_cpu_utilization", 85, 95, "EKS node CPU", "%"),
    Limit("node_memory_utilization", 85, 95, "EKS node memory", "%"),
    Limit("UnderReplicatedPartitions", 1, 10, "MSK under-replicated partitions"),
    Limit("KafkaDataLogsDiskUsed", 80, 90, "MSK data-log disk used", "%"),
    Limit("DBInstanceReplicaLag", 10_000, 60_000, "DocumentDB replica lag", "ms"),
)


def _last(series: Series) -> float | None:
    values = [v for _, v in series.points if not math.isnan(v)]
    return values[-1] if values else None


def _worst(limit: Limit, value: float) -> tuple[bool, bool]:
    """(over the warning level, over the critical level)."""
    if limit.low:
        return value <= limit.warn, value <= limit.crit
    return value >= limit.warn, value >= limit.crit


def cloudwatch_figures(evidence: Evidence, limits: Thresholds) -> Finding | None:
    """The worst CloudWatch figure of the resource past its level, at its last point."""
    if evidence.aws is None:
        return None
    found: list[tuple[bool, str, str]] = []
    by_metric = {limit.metric: limit for limit in LIMITS}
    for metric in evidence.metrics:
        for series in metric.reading.value or ():
            limit = by_metric.get(series.label("__name__") or "")
            value = _last(series)
            if limit is None or value is None:
                continue
            warn, crit = _worst(limit, value)
            if warn:
                where = series.label("Broker ID") or series.label("Consumer Group") or ""
                shown = human_value(value, limit.unit)
                found.append((crit, f"{limit.what}: {shown}" + (f" ({where})" if where else ""),
                              f"{metric.title}: last {shown}"))  # fmt: skip
    if not found:
        return None
    found.sort(key=lambda f: not f[0])
    severity: Severity = "critical" if found[0][0] else "warning"
    title = found[0][1] + (f", and {len(found) - 1} more figure(s)" if len(found) > 1 else "")
    return Finding(severity, title, "; ".join(f[2] for f in found), "metrics.csv")


AWS_RULES: tuple[Rule, ...] = (firing_alarm, service_status, cloudwatch_figures)
"""Run before the database rules: an AWS resource's alarm is the first thing to name."""
