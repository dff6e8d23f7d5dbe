"""The health of an AWS-kind resource: its service's own status, then its alarms in ALARM.

The rule (README "AWS kinds"), the worst of:
- the status: ok for ACTIVE (MSK, EKS), available (DocumentDB), Active (OpenSearch), running
  with both status checks ok (EC2); down for a failed, deleted, stopped or impaired one
  (`_DOWN_STATUSES`, an impaired EC2 status check); warn for anything else (creating,
  updating, maintenance, processing, a degraded EKS node group...);
- each CloudWatch alarm in ALARM of the resource (console/data/aws_models.py `alarms_of`, the
  rule its view and its investigation use too: a dimension naming its name or its id, such as
  an EC2 instance id): down when the alarm watches a "not serving" figure
  (`DOWN_ALARM_METRICS`: StatusCheckFailed*, ClusterStatus.red, OfflinePartitionsCount,
  ClusterIndexWritesBlocked), else warn.
Each reason names its cause: `alarm es-luckyus-es-logs-cluster-red (ClusterStatus.red): ...`.
"""

from __future__ import annotations

from collections.abc import Sequence

from console.data.aws_models import CloudResource, CloudWatchAlarm, alarms_of
from console.data.models import Health, HealthState

OK_STATUSES = {
    "kafka": frozenset({"ACTIVE"}),
    "eks": frozenset({"ACTIVE"}),
    "docdb": frozenset({"available"}),
    "opensearch": frozenset({"Active"}),
    "ec2": frozenset({"running"}),
}
_DOWN_STATUSES = frozenset({
    "FAILED", "DELETING",  # MSK, EKS
    "failed", "deleting", "stopped", "stopping", "storage-full", "restore-error",  # DocumentDB
    "inaccessible-encryption-credentials", "incompatible-network", "incompatible-parameters",
    "Deleting", "Isolated",  # OpenSearch
    "shutting-down", "terminated",  # EC2 (stopped, stopping: above)
})  # fmt: skip
DOWN_ALARM_METRICS = frozenset({
    "StatusCheckFailed", "StatusCheckFailed_System", "StatusCheckFailed_Instance",
    "ClusterStatus.red", "OfflinePartitionsCount", "ClusterIndexWritesBlocked",
})  # fmt: skip
_RANK: dict[HealthState, int] = {"ok": 0, "warn": 1, "down": 2}


def status_state(resource: CloudResource) -> HealthState:
    """The state the service's own status gives (before alarms)."""
    if resource.status in _DOWN_STATUSES:
        return "down"
    if resource.kind == "ec2" and any("status check impaired" in p for p in resource.problems):
        return "down"
    if resource.status not in OK_STATUSES[resource.kind] or resource.problems:
        return "warn"
    return "ok"


def alarm_state(alarm: CloudWatchAlarm) -> HealthState:
    """What one alarm in ALARM makes of its resource."""
    return "down" if alarm.metric in DOWN_ALARM_METRICS else "warn"


def kind_health(
    resource: CloudResource, alarms: Sequence[CloudWatchAlarm], latency_ms: float = 0.0
) -> Health:
    """The resource's Health by the module's rule; reasons name the status and each alarm."""
    state = status_state(resource)
    reasons = list(resource.problems)
    if state != "ok" and not reasons:
        reasons.append(f"status {resource.status}")
    for alarm in alarms_of(alarms, resource.name, resource.resource_id):
        if not alarm.firing:
            continue
        state = max(state, alarm_state(alarm), key=_RANK.__getitem__)
        reasons.append(f"alarm {alarm.name} ({alarm.metric}): {alarm.reason}")
    return Health(
        state=state, latency_ms=latency_ms, reasons=tuple(reasons), status=resource.status
    )
