"""Seed moto with the team's other infrastructure: MSK, EKS, DocumentDB, OpenSearch and EC2.

The shapes of the team's account, small: 2 MSK clusters, 3 EKS clusters with node groups,
4 DocumentDB instances in one cluster, 2 OpenSearch domains, a dozen EC2 hosts (Name and
`group` tags), two hours of the CloudWatch figures an on-call reads first for each, and ONE
unhealthy resource of each kind with its CloudWatch alarm in ALARM (`UNHEALTHY`).

Idempotent and additive: each resource is created only when missing (moto answers "already
exists", or a describe finds it), nothing is ever deleted, and a marker alarm written last
(`MARKER`) makes a seeded server cost one request. Raw HTTP in the AWS wire formats, like
`seed_aws` (query protocol for RDS, EC2 and CloudWatch; REST-JSON for MSK, EKS, OpenSearch).

Where moto 5.2.5 falls short (the console shows "not available from this API" for these):
- MSK: ListTopics, ListNodes and GetBootstrapBrokers are not implemented (no topics, no broker
  list); a cluster's state stays CREATING forever (moto never advances it).
- DocumentDB: moto's RDS refuses Engine "docdb" on create. The seed creates each instance as
  an aurora-mysql member of its cluster and then sets Engine "docdb" with ModifyDBInstance (which
  moto applies unchecked), so DescribeDBInstances answers as AWS would for DocumentDB, except
  the port (moto keeps 3306, not 27017); the cluster itself keeps Engine aurora-mysql
  (ModifyDBCluster cannot change it), so the console reads DocumentDB from its instances.
- EKS: node group health issues cannot be set (every node group is ACTIVE, no issues).
- OpenSearch: no cluster health in the API (AWS has none either: it is CloudWatch's
  ClusterStatus.* metrics, seeded here).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from xml.etree import ElementTree

from console.lab import seed_aws
from console.lab.layout import Layout
from console.lab.seed_aws import SeedError, query

MARKER = "lab-seeded-aws-kinds"
ACCOUNT = "123456789012"  # moto's default account (OpenSearch's ClientId dimension)
SUBNETS = ("subnet-0a1b2c3d", "subnet-1b2c3d4e", "subnet-2c3d4e5f")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/luckyus-eks-role"
NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/luckyus-eks-node-role"
AMI = "ami-12c6146b"  # one of moto's built-in images
EXISTS = ("AlreadyExists", "already exists", "ResourceInUse", "ConflictException")

# name, group, broker type, brokers, Kafka version
MSK_CLUSTERS = (
    ("luckyus-msk-core", "Sales/CRM", "kafka.m5.large", 3, "3.6.0"),
    ("luckyus-msk-data", "Data/Analytics", "kafka.m5.xlarge", 3, "3.6.0"),
)
# name, group, Kubernetes version, node groups (name, type, desired, min, max)
EKS_CLUSTERS = (
    ("luckyus-eks-prod", "Platform", "1.29",
     (("ng-general", "m5.xlarge", 6, 3, 12), ("ng-spot", "c5.2xlarge", 4, 0, 10))),
    ("luckyus-eks-platform", "DevOps", "1.29", (("ng-system", "m5.large", 3, 3, 6),)),
    ("luckyus-eks-data", "Data/Analytics", "1.28",
     (("ng-spark", "r5.2xlarge", 5, 2, 10), ("ng-airflow", "m5.xlarge", 2, 2, 4))),
)  # fmt: skip
DOCDB_CLUSTER = ("luckyus-docdb-crm", "Sales/CRM")
DOCDB_INSTANCES = ("luckyus-docdb-crm-01", "luckyus-docdb-crm-02", "luckyus-docdb-crm-03",
                   "luckyus-docdb-crm-04")  # fmt: skip
# name, group, engine version, data node type, count, EBS GiB
OPENSEARCH_DOMAINS = (
    ("luckyus-es-logs", "DevOps", "OpenSearch_2.11", "r6g.large.search", 3, 500),
    ("luckyus-es-search", "Platform", "OpenSearch_2.11", "m6g.large.search", 2, 200),
)
# Name tag, group tag, instance type
EC2_HOSTS = (
    ("luckyus-jumpserver-01", "DevOps", "t3.medium"),
    ("luckyus-jumpserver-02", "DevOps", "t3.medium"),
    ("luckyus-bastion-01", "DevOps", "t3.small"),
    ("luckyus-zabbix-01", "DevOps", "m5.large"),
    ("luckyus-nginx-01", "Platform", "c5.large"),
    ("luckyus-nginx-02", "Platform", "c5.large"),
    ("luckyus-kafka-connect-01", "Data/Analytics", "m5.xlarge"),
    ("luckyus-airflow-01", "Data/Analytics", "m5.xlarge"),
    ("luckyus-doris-fe-01", "Data/Analytics", "r5.xlarge"),
    ("luckyus-doris-be-01", "Data/Analytics", "r5.2xlarge"),
    ("luckyus-doris-be-02", "Data/Analytics", "r5.2xlarge"),
    ("luckyus-doris-be-03", "Data/Analytics", "r5.2xlarge"),
)


@dataclass(frozen=True, slots=True)
class Unhealthy:
    """The one unhealthy resource of a kind and the alarm that says so (set to ALARM)."""

    kind: str
    name: str
    alarm: str
    namespace: str
    metric: str
    threshold: float
    reason: str


UNHEALTHY: tuple[Unhealthy, ...] = (
    Unhealthy("kafka", "luckyus-msk-data", "msk-luckyus-msk-data-under-replicated", "AWS/Kafka",
              "UnderReplicatedPartitions", 0.0, "12 partitions under-replicated on broker 2"),
    Unhealthy("eks", "luckyus-eks-data", "eks-luckyus-eks-data-failed-nodes", "ContainerInsights",
              "cluster_failed_node_count", 0.0, "2 nodes NotReady in ng-spark"),
    Unhealthy("docdb", "luckyus-docdb-crm-03", "docdb-luckyus-docdb-crm-03-replica-lag",
              "AWS/DocDB", "DBInstanceReplicaLag", 10000.0, "replica lag above 10 s"),
    Unhealthy("opensearch", "luckyus-es-logs", "es-luckyus-es-logs-cluster-red", "AWS/ES",
              "ClusterStatus.red", 0.0, "a primary shard is unassigned"),
    Unhealthy("ec2", "luckyus-doris-be-03", "ec2-luckyus-doris-be-03-status-check", "AWS/EC2",
              "StatusCheckFailed", 0.0, "instance status check failing"),
)  # fmt: skip
HEALTHY_ALARMS = (  # a few alarms in OK, so "has alarms" never means "unhealthy"
    ("msk-luckyus-msk-core-disk-used", "kafka", "luckyus-msk-core", "AWS/Kafka",
     "KafkaDataLogsDiskUsed", 85.0),
    ("es-luckyus-es-search-jvm-pressure", "opensearch", "luckyus-es-search", "AWS/ES",
     "JVMMemoryPressure", 85.0),
    ("ec2-luckyus-jumpserver-01-cpu", "ec2", "luckyus-jumpserver-01", "AWS/EC2",
     "CPUUtilization", 90.0),
)  # fmt: skip

# namespace -> metric -> (base value, spread); the unhealthy resource's alarm metric is raised
BASES: dict[str, dict[str, float]] = {
    "AWS/Kafka": {"CpuUser": 28.0, "KafkaDataLogsDiskUsed": 46.0,
                  "UnderReplicatedPartitions": 0.0, "OfflinePartitionsCount": 0.0,
                  "ActiveControllerCount": 1.0, "SumOffsetLag": 1200.0},
    "ContainerInsights": {"node_cpu_utilization": 41.0, "node_memory_utilization": 58.0,
                          "cluster_node_count": 0.0, "cluster_failed_node_count": 0.0},
    "AWS/DocDB": {"CPUUtilization": 22.0, "DatabaseConnections": 140.0,
                  "DBInstanceReplicaLag": 35.0, "FreeableMemory": 7.4e9},
    "AWS/ES": {"ClusterStatus.green": 1.0, "ClusterStatus.yellow": 0.0, "ClusterStatus.red": 0.0,
               "JVMMemoryPressure": 52.0, "FreeStorageSpace": 182_000.0, "CPUUtilization": 31.0},
    "AWS/EC2": {"CPUUtilization": 24.0, "StatusCheckFailed": 0.0, "CPUCreditBalance": 480.0,
                "NetworkIn": 3.1e8, "NetworkOut": 2.4e8},
    "CWAgent": {"disk_used_percent": 57.0},
}  # fmt: skip
BAD_VALUES = {"UnderReplicatedPartitions": 12.0, "cluster_failed_node_count": 2.0,
              "DBInstanceReplicaLag": 14_500.0, "ClusterStatus.red": 1.0,
              "StatusCheckFailed": 1.0}  # fmt: skip
# Two hours like the databases' series, one point every 10 minutes: moto's GetMetricData scans
# every stored point for each query and each period, so each point seeded here slows every
# chart of the lab (148 series of 60 points made a 24 h RDS chart ~3.5 times slower).
STEP_MIN = 10
POINTS = 12


def seeded() -> bool:
    """True when moto already holds these kinds (the marker alarm is written last)."""
    try:
        body = query("monitoring", "DescribeAlarms", {"AlarmNames.member.1": MARKER})
    except (SeedError, OSError):
        return False
    return f"<AlarmName>{MARKER}</AlarmName>".encode() in body


def seed(lab: Layout | None = None) -> str | None:
    """Seed the five kinds unless already seeded; an error line, or None.

    `lab`: the seeds' common signature (`seed_aws.seed`); these kinds need no lab file, so the
    running lab's moto can be seeded with `seed()` alone."""
    del lab
    try:
        if seeded():
            return None
        creates: list[Callable[[], object]] = [
            *(partial(_msk, *cluster) for cluster in MSK_CLUSTERS),
            *(partial(_eks, *cluster) for cluster in EKS_CLUSTERS),
            partial(_docdb, *DOCDB_CLUSTER),
            *(partial(_opensearch, *domain) for domain in OPENSEARCH_DOMAINS),
            _ec2,
        ]
        _parallel(creates)
        ids = ec2_ids()
        now = datetime.now(UTC)
        _parallel([partial(_put, now, *series) for series in _series(ids)])
        _alarms(ids)
    except (SeedError, OSError, ValueError) as exc:
        return f"moto: seeding the AWS kinds failed: {exc}"
    return None


def _parallel(steps: Sequence[Callable[[], object]]) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda step: step(), steps))


# --- REST-JSON (MSK, EKS, OpenSearch) -------------------------------------------------------


def rest(service: str, method: str, path: str, body: Mapping[str, object] | None = None) -> bytes:
    """One REST-JSON call; "already exists" answers count as done (the seed is idempotent)."""
    headers = {"Content-Type": "application/json", "Authorization": seed_aws.auth(service)}
    data = None if body is None else json.dumps(body).encode()
    status, answer = seed_aws.post(path, data, headers, method)
    if status < 300 or any(word.encode() in answer for word in EXISTS):
        return answer
    raise SeedError(f"{service} {method} {path}: HTTP {status}: {answer[:200]!r}")


def _msk(name: str, group: str, broker_type: str, brokers: int, version: str) -> None:
    listed = json.loads(rest("kafka", "GET", "/api/v2/clusters") or b"{}")
    if any(c.get("clusterName") == name for c in listed.get("clusterInfoList", [])):
        return  # MSK takes a second cluster of the same name: look first
    rest("kafka", "POST", "/api/v2/clusters", {
        "clusterName": name,
        "provisioned": {
            "brokerNodeGroupInfo": {
                "instanceType": broker_type, "clientSubnets": list(SUBNETS),
                "storageInfo": {"ebsStorageInfo": {"volumeSize": 1000}},
            },
            "kafkaVersion": version, "numberOfBrokerNodes": brokers,
        },
        "tags": {"group": group, "team": "dba"},
    })  # fmt: skip


def _eks(
    name: str, group: str, version: str, groups: Sequence[tuple[str, str, int, int, int]]
) -> None:
    rest("eks", "POST", "/clusters", {
        "name": name, "version": version, "roleArn": ROLE,
        "resourcesVpcConfig": {"subnetIds": list(SUBNETS)},
        "tags": {"group": group, "team": "dba"},
    })  # fmt: skip
    for node_group, node_type, desired, low, high in groups:
        rest("eks", "POST", f"/clusters/{name}/node-groups", {
            "nodegroupName": node_group, "nodeRole": NODE_ROLE, "subnets": list(SUBNETS),
            "instanceTypes": [node_type],
            "scalingConfig": {"desiredSize": desired, "minSize": low, "maxSize": high},
            "tags": {"group": group},
        })  # fmt: skip


def _docdb(cluster: str, group: str) -> None:
    tags = {"Tags.Tag.1.Key": "group", "Tags.Tag.1.Value": group}
    query("rds", "CreateDBCluster", {
        "DBClusterIdentifier": cluster, "Engine": "aurora-mysql",
        "MasterUsername": "docdbadmin", "MasterUserPassword": "lab-only-not-a-secret", **tags,
    })  # fmt: skip
    for name in DOCDB_INSTANCES:
        query("rds", "CreateDBInstance", {
            "DBInstanceIdentifier": name, "DBInstanceClass": "db.r5.large",
            "Engine": "aurora-mysql", "DBClusterIdentifier": cluster,
        })  # fmt: skip
        # moto refuses Engine docdb on create and applies ModifyDBInstance's fields unchecked
        query("rds", "ModifyDBInstance", {
            "DBInstanceIdentifier": name, "Engine": "docdb", "ApplyImmediately": "true",
        })  # fmt: skip
        arn = f"arn:aws:rds:{seed_aws.REGION}:{ACCOUNT}:db:{name}"
        query("rds", "AddTagsToResource", {"ResourceName": arn, **tags})


def _opensearch(name: str, group: str, version: str, node_type: str, count: int, gib: int) -> None:
    rest("es", "POST", "/2021-01-01/opensearch/domain", {
        "DomainName": name, "EngineVersion": version,
        "ClusterConfig": {"InstanceType": node_type, "InstanceCount": count,
                          "DedicatedMasterEnabled": False},
        "EBSOptions": {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": gib},
        "TagList": [{"Key": "group", "Value": group}, {"Key": "team", "Value": "dba"}],
    })  # fmt: skip


# --- EC2 (query protocol) -------------------------------------------------------------------


def ec2_ids() -> dict[str, str]:
    """The seeded hosts' Name tag -> instance id (what EC2 alarm dimensions name)."""
    body = query("ec2", "DescribeInstances", {
        "Filter.1.Name": "tag:team", "Filter.1.Value.1": "dba",
        "Filter.2.Name": "instance-state-name", "Filter.2.Value.1": "running",
    })  # fmt: skip
    found: dict[str, str] = {}
    root = ElementTree.fromstring(body)
    ns = root.tag.partition("}")[0] + "}"  # moto's own namespace spelling
    for item in root.iter(f"{ns}item"):
        instance_id = item.findtext(f"{ns}instanceId")
        tags = item.find(f"{ns}tagSet")
        if instance_id is None or tags is None:
            continue  # not an instance (a reservation, a group, a tag)
        names = [t.findtext(f"{ns}value") for t in tags if t.findtext(f"{ns}key") == "Name"]
        if names and names[0]:
            found.setdefault(names[0], instance_id)
    return found


def _ec2() -> None:
    have = ec2_ids()
    for name, group, instance_type in EC2_HOSTS:
        if name in have:
            continue
        query("ec2", "RunInstances", {
            "ImageId": AMI, "InstanceType": instance_type, "MinCount": 1, "MaxCount": 1,
            "TagSpecification.1.ResourceType": "instance",
            "TagSpecification.1.Tag.1.Key": "Name", "TagSpecification.1.Tag.1.Value": name,
            "TagSpecification.1.Tag.2.Key": "group", "TagSpecification.1.Tag.2.Value": group,
            "TagSpecification.1.Tag.3.Key": "team", "TagSpecification.1.Tag.3.Value": "dba",
        })  # fmt: skip


# --- CloudWatch -----------------------------------------------------------------------------

Dimensions = tuple[tuple[str, str], ...]
Series = tuple[str, str, Dimensions, bool]  # namespace, metric, dimensions, unhealthy


def _bad(name: str, metric: str) -> bool:
    return any(u.name == name and u.metric == metric for u in UNHEALTHY)


def _series(ec2: Mapping[str, str]) -> list[Series]:
    found: list[Series] = []
    dims: Dimensions
    for name, *_ in MSK_CLUSTERS:
        for broker in ("1", "2", "3"):
            dims = (("Cluster Name", name), ("Broker ID", broker))
            for metric in ("CpuUser", "KafkaDataLogsDiskUsed", "UnderReplicatedPartitions"):
                bad = _bad(name, metric) and broker == "2"
                found.append(("AWS/Kafka", metric, dims, bad))
        for metric in ("OfflinePartitionsCount", "ActiveControllerCount", "SumOffsetLag"):
            found.append(("AWS/Kafka", metric, (("Cluster Name", name),), False))
    for name, *_ in EKS_CLUSTERS:
        for metric in BASES["ContainerInsights"]:
            dims = (("ClusterName", name),)
            found.append(("ContainerInsights", metric, dims, _bad(name, metric)))
    for name in DOCDB_INSTANCES:
        for metric in BASES["AWS/DocDB"]:
            dims = (("DBInstanceIdentifier", name),)
            found.append(("AWS/DocDB", metric, dims, _bad(name, metric)))
    for name, *_ in OPENSEARCH_DOMAINS:
        for metric in BASES["AWS/ES"]:
            dims = (("DomainName", name), ("ClientId", ACCOUNT))
            found.append(("AWS/ES", metric, dims, _bad(name, metric)))
    for name, instance_id in ec2.items():
        for namespace in ("AWS/EC2", "CWAgent"):
            for metric in BASES[namespace]:
                dims = (("InstanceId", instance_id),)
                found.append((namespace, metric, dims, _bad(name, metric)))
    return found


def _node_count(name: str) -> float:
    clusters = {c[0]: sum(g[2] for g in c[3]) for c in EKS_CLUSTERS}
    return float(clusters.get(name, 0))


def _values(
    rng: random.Random, namespace: str, metric: str, dims: Dimensions, bad: bool
) -> list[float]:
    base = BASES[namespace][metric]
    if metric == "cluster_node_count":
        base = _node_count(dims[0][1])
    values = []
    for point in range(POINTS):
        late = point >= POINTS - 3
        if bad and late:
            value = BAD_VALUES[metric] * rng.uniform(1.0, 1.1)
            if metric.startswith(("ClusterStatus", "StatusCheck", "cluster_")):
                value = BAD_VALUES[metric]
        elif (
            metric.startswith(("ClusterStatus", "StatusCheck", "Active", "Offline", "cluster_"))
            or base == 0
        ):
            value = base
        else:
            value = base * (1 + 0.2 * (point % 20) / 20) * rng.uniform(0.92, 1.08)
        values.append(round(value, 3))
    return values


def _put(now: datetime, namespace: str, metric: str, dims: Dimensions, bad: bool) -> None:
    rng = random.Random(f"{namespace}/{metric}/{dims}")
    params: dict[str, object] = {"Namespace": namespace}
    for index, number in enumerate(_values(rng, namespace, metric, dims, bad), start=1):
        at = now - timedelta(minutes=(POINTS - index) * STEP_MIN)
        prefix = f"MetricData.member.{index}"
        params[f"{prefix}.MetricName"] = metric
        for number_d, (key, value) in enumerate(dims, start=1):
            params[f"{prefix}.Dimensions.member.{number_d}.Name"] = key
            params[f"{prefix}.Dimensions.member.{number_d}.Value"] = value
        params[f"{prefix}.Timestamp"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        params[f"{prefix}.Value"] = number
    query("monitoring", "PutMetricData", params)


def _dimensions(kind: str, name: str, metric: str, ec2: Mapping[str, str]) -> Dimensions:
    if kind == "kafka":
        broker = (("Broker ID", "2"),) if metric != "OfflinePartitionsCount" else ()
        return (("Cluster Name", name), *broker)
    if kind == "eks":
        return (("ClusterName", name),)
    if kind == "docdb":
        return (("DBInstanceIdentifier", name),)
    if kind == "opensearch":
        return (("DomainName", name), ("ClientId", ACCOUNT))
    instance_id = ec2.get(name)
    if instance_id is None:
        raise SeedError(f"ec2: no seeded host named {name}")
    return (("InstanceId", instance_id),)


def _alarm(name: str, namespace: str, metric: str, dims: Dimensions, threshold: float) -> None:
    params: dict[str, object] = {
        "AlarmName": name, "Namespace": namespace, "MetricName": metric,
        "Statistic": "Maximum", "Period": 60, "EvaluationPeriods": 3,
        "Threshold": threshold, "ComparisonOperator": "GreaterThanThreshold",
    }  # fmt: skip
    for index, (key, value) in enumerate(dims, start=1):
        params[f"Dimensions.member.{index}.Name"] = key
        params[f"Dimensions.member.{index}.Value"] = value
    query("monitoring", "PutMetricAlarm", params)


def _alarms(ec2: Mapping[str, str]) -> None:
    for u in UNHEALTHY:
        _alarm(u.alarm, u.namespace, u.metric, _dimensions(u.kind, u.name, u.metric, ec2),
               u.threshold)  # fmt: skip
        reason = f"Threshold Crossed: {u.reason} ({u.metric} > {u.threshold:g})"
        query("monitoring", "SetAlarmState",
              {"AlarmName": u.alarm, "StateValue": "ALARM", "StateReason": reason})  # fmt: skip
    for alarm, kind, name, namespace, metric, threshold in HEALTHY_ALARMS:
        _alarm(alarm, namespace, metric, _dimensions(kind, name, metric, ec2), threshold)
        query("monitoring", "SetAlarmState", {
            "AlarmName": alarm, "StateValue": "OK", "StateReason": "Threshold not crossed",
        })  # fmt: skip
    _alarm(MARKER, "AWS/EC2", "CPUUtilization", (("InstanceId", "i-00000000"),), 99.0)
