"""Typed AWS answers: discovered resources, CloudWatch alarms, slow-log chunks, Cost Explorer.

Every AWS call of the data layer returns one of these frozen values (wrapped in a Reading), so
no boto dict crosses the data layer; like `models.py`, this module imports no driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

ResourceKind = Literal["mysql", "postgres", "redis"]


@dataclass(frozen=True, slots=True)
class AwsResource:
    """One database server AWS lists: an RDS instance or an ElastiCache cluster/group."""

    name: str  # DBInstanceIdentifier, ReplicationGroupId or CacheClusterId
    kind: ResourceKind
    service: Literal["rds", "elasticache"]
    engine: str
    status: str
    host: str | None  # the endpoint AWS reports (None while creating)
    port: int | None
    node_type: str | None = None


@dataclass(frozen=True, slots=True)
class CloudWatchAlarm:
    """One CloudWatch metric alarm; `instance` is the team name its dimensions point at."""

    name: str
    state: str  # "OK", "ALARM" or "INSUFFICIENT_DATA"
    reason: str
    since: datetime | None
    metric: str | None
    namespace: str | None
    dimensions: tuple[tuple[str, str], ...]
    instance: str | None

    @property
    def firing(self) -> bool:
        return self.state == "ALARM"


SHARED_DIMENSIONS = frozenset({"ClientId"})
"""Dimensions many resources carry alike (ClientId: the account an OpenSearch alarm names):
one never tells whose alarm it is."""


def alarms_of(
    alarms: Sequence[CloudWatchAlarm],
    name: str,
    resource_id: str | None = None,
    dimensions: Sequence[tuple[str, str]] = (),
) -> tuple[CloudWatchAlarm, ...]:
    """The alarms of one resource, firing first, then by name: the one rule of the resource's
    health verdict (console/data/aws/kind_health.py), its view and its investigation.

    An alarm belongs to the resource when one of its dimensions identifies it: its value is
    the resource's `name` or its AWS id (`resource_id`: an EC2 instance id, an ARN), or the
    dimension is one of the identifying pairs the resource's describe answer carries
    (`dimensions`: `InstanceId=i-...`, `DomainName=...`). A shared dimension
    (`SHARED_DIMENSIONS`) never identifies: the account is every resource's.

    Why the dimensions and not the team name the alarm reader gave the alarm
    (`alarm.instance`): for an EC2 alarm that name is the Name tag of the instance id it
    watches, and two hosts may share a Name tag (the inventory calls the second
    `web-07-i-...`) or a relaunched host inherit a dead one's: the id tells them apart, the
    tag does not. So `alarm.instance` counts only for a resource whose id and describe answer
    are both unknown (the one thing it can be found by). Why any dimension's value (not only
    the kind's own key): an alarm on a custom metric (`Host=web-07`) names its host too, and
    the health and the view must agree on it.
    """
    ids = {name, resource_id or ""} - {""}
    pairs = {(k, v) for k, v in dimensions if k not in SHARED_DIMENSIONS and v}

    def identifies(key: str, value: str) -> bool:
        return key not in SHARED_DIMENSIONS and (value in ids or (key, value) in pairs)

    def ours(alarm: CloudWatchAlarm) -> bool:
        if any(identifies(key, value) for key, value in alarm.dimensions):
            return True
        return not (resource_id or pairs) and alarm.instance == name

    return tuple(sorted((a for a in alarms if ours(a)), key=lambda a: (not a.firing, a.name)))


@dataclass(frozen=True, slots=True)
class AwsMetric:
    """A CloudWatch metric to chart: namespace, name, statistic and its display unit."""

    namespace: str
    name: str
    stat: str = "Average"
    unit: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()
    """Explicit CloudWatch dimensions (MSK, EKS, OpenSearch, EC2...); empty: the instance's
    RDS or ElastiCache dimension."""


@dataclass(frozen=True, slots=True)
class LogChunk:
    """A bounded read of one CloudWatch log group (e.g. an RDS slow-query log).

    `lines` are the events' messages split into lines, statement text masked; `truncated` is
    True when the configured bound (events or bytes) stopped the read before the log ended.
    """

    group: str
    lines: tuple[str, ...]
    events: int
    truncated: bool


@dataclass(frozen=True, slots=True)
class CostLine:
    """One service's (or usage type's) cost over the window, in `unit` (USD)."""

    key: str
    amount: float


@dataclass(frozen=True, slots=True)
class CostDay:
    """One day's total cost."""

    day: date
    amount: float
    estimated: bool


@dataclass(frozen=True, slots=True)
class CostReport:
    """Month-to-date and last-N-days cost: totals, by service, by usage type, daily trend."""

    start: date  # first day of the last-N-days window
    end: date  # exclusive
    month_start: date
    month_to_date: float
    window_total: float
    by_service: tuple[CostLine, ...]  # largest first, over the last N days
    by_usage_type: tuple[CostLine, ...]  # largest first, over the last N days
    daily: tuple[CostDay, ...]  # the last N days, oldest first
    unit: str = "USD"
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class PaidCalls:
    """The paid-call counter (Cost Explorer: $0.01 a request) for the status bar and verbs."""

    session_calls: int
    session_cached: int
    session_usd: float
    today_calls: int
    today_usd: float
    budget_usd: float
    metrics_session: int = 0
    """CloudWatch: metrics requested by GetMetricData in this session (billed by the metric)."""
    metrics_cached: int = 0
    """CloudWatch: chart answers served from the cache in this session (no request made)."""
    metrics_today: int = 0
    """CloudWatch: metrics requested today (UTC) by every process sharing the cache folder."""

    @property
    def metrics_today_usd(self) -> float:
        """What today's GetMetricData metrics cost at AWS's list price ($0.01 per 1,000)."""
        return self.metrics_today * 0.00001

    @property
    def remaining_usd(self) -> float:
        return max(0.0, self.budget_usd - self.today_usd)

    def label(self) -> str:
        """`CE 3 calls $0.03 today / $0.50` — short enough for a status bar."""
        return f"CE {self.today_calls} calls ${self.today_usd:.2f} today / ${self.budget_usd:.2f}"


# --- Logs Insights ------------------------------------------------------------------------------

INSIGHTS_DONE = frozenset({"Complete", "Failed", "Cancelled", "Timeout", "Unknown"})
"""The statuses after which a Logs Insights query's results no longer change."""


@dataclass(frozen=True, slots=True)
class InsightsStatistics:
    """What a Logs Insights query went through; None: not reported by this endpoint (the lab's
    moto reports no statistics at all), never zero in disguise."""

    records_matched: float | None = None
    records_scanned: float | None = None
    bytes_scanned: float | None = None


@dataclass(frozen=True, slots=True)
class InsightsResult:
    """One Logs Insights query's results so far: rows of field -> value, already masked.

    `fields` is the column order (first seen, `@ptr` left out); `query` is the text sent (with
    the `| limit N` the data layer adds when it has none); `groups` the log groups it read.
    """

    query_id: str
    status: str  # Scheduled, Running, Complete, Failed, Cancelled, Timeout or Unknown
    fields: tuple[str, ...]
    rows: tuple[tuple[tuple[str, str], ...], ...]  # each row: (field, value) pairs
    statistics: InsightsStatistics
    query: str = ""
    groups: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.status in INSIGHTS_DONE

    def table(self) -> tuple[tuple[str, ...], ...]:
        """The rows as cells in `fields` order ("" where a row lacks a field)."""
        return tuple(tuple(dict(row).get(f, "") for f in self.fields) for row in self.rows)


@dataclass(frozen=True, slots=True)
class InsightsStarted:
    """A query Logs Insights accepted: its id and the text sent (the limit added)."""

    query_id: str
    query: str
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScanBudget:
    """Logs Insights bytes scanned today (UTC, every process sharing the cache folder) against
    the daily budget, and this session's share."""

    today_bytes: int
    today_queries: int
    budget_bytes: int
    session_bytes: int
    session_queries: int
    unreported_queries: int = 0
    """This session's queries whose endpoint reported no bytes scanned (counted as 0)."""

    @property
    def spent(self) -> bool:
        """Today's scans reached the budget: the next query is refused."""
        return self.today_bytes >= self.budget_bytes


# --- the AWS-only kinds: MSK, EKS, DocumentDB, OpenSearch, EC2 ------------------------------

CloudKind = Literal["kafka", "eks", "docdb", "opensearch", "ec2"]
"""The AWS-only kinds (`console.inventory.AWS_KINDS`): read from AWS, never connected to."""
CLOUD_KINDS: tuple[CloudKind, ...] = ("kafka", "eks", "docdb", "opensearch", "ec2")
CLOUD_KIND_TITLES: dict[str, str] = {
    "kafka": "MSK/Kafka",
    "eks": "EKS",
    "docdb": "DocumentDB",
    "opensearch": "OpenSearch",
    "ec2": "EC2",
}
CLOUD_HEADING = "AWS"
"""The fleet tree's heading over these kinds."""

NOT_AVAILABLE = "not available from this API"
"""What a figure shows when the AWS API (or moto, in the lab) does not answer for it."""


@dataclass(frozen=True, slots=True)
class CloudResource:
    """One MSK cluster, EKS cluster, DocumentDB instance, OpenSearch domain or EC2 host, as its
    (free) describe calls show it: what the inventory, the health check and the overview need.

    Why flat: it is kept on disk between discoveries (`KeptDiscovery`), rebuilt field by field.
    `resource_id` is what alarm dimensions may name besides `name` (an EC2 instance id, an ARN);
    `problems` are what the service itself reports wrong (an impaired status check, a degraded
    node group), already worded for a person; `facts` the describe fields in overview order.
    """

    kind: CloudKind
    name: str
    group: str  # the `group` tag, "" when untagged (the inventory then uses the kind)
    status: str  # the service's own word: ACTIVE, available, running, Processing...
    resource_id: str
    endpoint: str | None = None
    port: int | None = None
    version: str | None = None  # Kafka, Kubernetes, DocumentDB or OpenSearch version; AMI
    node_type: str | None = None  # broker / node / instance type
    node_count: int | None = None  # brokers, nodes (all node groups), data nodes; 1 for EC2
    problems: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # a kept file gives lists back: store tuples, so the value stays hashable and frozen
        object.__setattr__(self, "problems", tuple(self.problems))
        object.__setattr__(self, "facts", tuple((str(k), str(v)) for k, v in self.facts))

    def fact(self, key: str) -> str | None:
        return next((value for name, value in self.facts if name == key), None)


@dataclass(frozen=True, slots=True)
class EksNodeGroup:
    """One EKS managed node group: its status, sizes and the health issues EKS reports."""

    cluster: str
    name: str
    status: str
    instance_types: tuple[str, ...]
    desired: int
    minimum: int
    maximum: int
    issues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CloudInventory:
    """What the five services listed, and the kinds whose listing failed (kind, reason)."""

    resources: tuple[CloudResource, ...]
    failed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OverviewFact:
    """One line of a resource's overview: a label and its value, or why AWS gave none.

    `missing` says which call could not answer ("not available from this API (kafka
    ListNodes)"): the view shows the gap in place instead of a blank or a guess."""

    label: str
    value: str
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class OverviewMember:
    """A part of a resource: an MSK broker, an EKS node group, a DocumentDB cluster member."""

    name: str
    status: str
    size: str  # instance type ("kafka.m5.large", "t3.large")
    count: str  # nodes ("3 (min 2, max 6)"); "" where a member is one node
    healthy: bool
    note: str = ""  # a health issue, the writer/reader role...


@dataclass(frozen=True, slots=True)
class ResourceOverview:
    """What the describe calls of one MSK, EKS, DocumentDB, OpenSearch or EC2 resource say.

    Why generic (facts and members, not one class per kind): the view, the investigation
    bundle and the findings read the same shape for every kind; each kind's describe module
    decides the facts. `dimensions` are the CloudWatch dimensions that identify the resource
    (InstanceId, DomainName and ClientId...), for its charts and its alarms."""

    kind: str
    name: str
    service: str  # "MSK", "EKS", "DocumentDB", "OpenSearch", "EC2"
    identifier: str  # the ARN or instance id AWS knows it by
    status: str
    healthy: bool
    version: str
    facts: tuple[OverviewFact, ...]
    members_title: str  # "Brokers", "Node groups", "Cluster members"...
    members: tuple[OverviewMember, ...]
    members_missing: str | None = None
    """Why the members are not listed (the call the API lacks), when they are not."""
    dimensions: tuple[tuple[str, str], ...] = ()
    broker_ids: tuple[str, ...] = ()
    """MSK: the broker ids its per-broker metrics are kept under ("1", "2", "3")."""

    def fact(self, label: str) -> OverviewFact | None:
        return next((f for f in self.facts if f.label == label), None)


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """One chart of a resource's CloudWatch view: its title, unit and the metrics it draws
    (several for one figure per MSK broker or per consumer group)."""

    title: str
    unit: str
    metrics: tuple[AwsMetric, ...]
    missing: str | None = None
    """Why the chart has no metric (Container Insights not enabled, no consumer group...)."""
