"""The describe calls of MSK, EKS, DocumentDB, OpenSearch and EC2, as one typed overview each.

Each kind's function asks its service's describe calls for one resource by its team name and
returns a `ResourceOverview`: status, version, sizes, node or broker counts, its parts (brokers,
node groups, cluster members) and the CloudWatch dimensions its charts and alarms use.

Where an API has no call for what an on-call wants (moto does not implement MSK ListNodes, so
the brokers' own endpoints and states are not listed), the fact says "not available from this
API" and names the call: the view shows the gap in place. A resource AWS does not know raises
`LookupError`, which `aws_fetch` turns into a failed Reading.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from console.data.aws.clients import AwsClients, error_code
from console.data.aws_models import NOT_AVAILABLE, OverviewFact, OverviewMember, ResourceOverview
from console.formatting import human_bytes

GIB = 1024**3
UNKNOWN_CODES = frozenset(
    {"InvalidRequestException", "UnknownOperationException", "NotImplemented", "500", "501"}
)
"""What moto (or an older endpoint) answers for a call it does not implement."""

MSK_FAILING = frozenset({"FAILED", "HEALING", "DELETING"})
"""MSK states that mean trouble (CREATING, UPDATING and MAINTENANCE are work in progress;
moto keeps every cluster CREATING)."""

Describe = Callable[[AwsClients, str, str | None], Awaitable[ResourceOverview]]
"""(clients, name, resource id or None) -> its overview."""


def gap(call: str) -> str:
    """'not available from this API (kafka ListNodes)'."""
    return f"{NOT_AVAILABLE} ({call})"


def missing(label: str, call: str) -> OverviewFact:
    return OverviewFact(label, "", gap(call))


def fact(label: str, value: object) -> OverviewFact:
    return OverviewFact(label, "-" if value in (None, "") else str(value))


def _unimplemented(exc: BaseException) -> bool:
    """moto's answer for a call it lacks: NotImplementedError behind a 500, or a 404/501."""
    code = error_code(exc)
    return code in UNKNOWN_CODES or code is None or "not yet implemented" in str(exc).lower()


def _when(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)[:16].replace("T", " ") if value else "-"


# --- MSK -----------------------------------------------------------------------------------


async def kafka(aws: AwsClients, name: str, arn: str | None) -> ResourceOverview:
    async with aws.client("kafka") as client:
        if arn:
            cluster = (await client.describe_cluster_v2(ClusterArn=arn))["ClusterInfo"]
        else:
            answer = await client.list_clusters_v2(ClusterNameFilter=name)
            found = [c for c in answer.get("ClusterInfoList", []) if c.get("ClusterName") == name]
            if not found:
                raise LookupError(f"MSK has no cluster named {name!r}")
            cluster = found[0]
        arn = str(cluster.get("ClusterArn", ""))
        brokers_gap: str | None = None
        try:
            nodes = (await client.list_nodes(ClusterArn=arn)).get("NodeInfoList", [])
        except Exception as exc:
            if not _unimplemented(exc):
                raise
            nodes, brokers_gap = [], gap("kafka ListNodes")
    provisioned: Mapping[str, Any] = cluster.get("Provisioned") or {}
    group: Mapping[str, Any] = provisioned.get("BrokerNodeGroupInfo") or {}
    storage = (group.get("StorageInfo") or {}).get("EbsStorageInfo") or {}
    count = int(provisioned.get("NumberOfBrokerNodes") or 0)
    version = str((provisioned.get("CurrentBrokerSoftwareInfo") or {}).get("KafkaVersion", "-"))
    state = str(cluster.get("State", "-"))
    facts = (
        fact("State", state),
        fact("Kafka version", version),
        fact("Type", cluster.get("ClusterType", "PROVISIONED")),
        fact("Brokers", count),
        fact("Broker size", group.get("InstanceType")),
        fact("Storage per broker", f"{storage['VolumeSize']} GiB" if storage else None),
        fact("Monitoring", provisioned.get("EnhancedMonitoring")),
        fact("Created", _when(cluster.get("CreationTime"))),
        missing("Topics", "kafka ListTopics"),
    )
    members = tuple(_broker(node) for node in nodes)
    return ResourceOverview(
        kind="kafka",
        name=name,
        service="MSK",
        identifier=arn,
        status=state,
        healthy=state not in MSK_FAILING,
        version=version,
        facts=facts,
        members_title="Brokers",
        members=members,
        members_missing=brokers_gap,
        dimensions=(("Cluster Name", name),),
        broker_ids=tuple(str(i) for i in range(1, count + 1)),
    )


def _broker(node: Mapping[str, Any]) -> OverviewMember:
    info = node.get("BrokerNodeInfo") or {}
    return OverviewMember(
        name=f"broker {int(info.get('BrokerId', 0))}",
        status="-",
        size=str(node.get("InstanceType", "-")),
        count="",
        healthy=True,
        note=", ".join(info.get("Endpoints", [])),
    )


# --- EKS -----------------------------------------------------------------------------------


async def eks(aws: AwsClients, name: str, _id: str | None) -> ResourceOverview:
    async with aws.client("eks") as client:
        cluster = (await client.describe_cluster(name=name))["cluster"]
        names = (await client.list_nodegroups(clusterName=name)).get("nodegroups", [])
        groups = await asyncio.gather(
            *(client.describe_nodegroup(clusterName=name, nodegroupName=n) for n in names)
        )
    members = tuple(_nodegroup(g["nodegroup"]) for g in groups)
    desired = sum(int((g["nodegroup"].get("scalingConfig") or {}).get("desiredSize", 0))
                  for g in groups)  # fmt: skip
    status = str(cluster.get("status", "-"))
    version = str(cluster.get("version", "-"))
    facts = (
        fact("Status", status),
        fact("Kubernetes version", version),
        fact("Platform version", cluster.get("platformVersion")),
        fact("Node groups", len(members)),
        fact("Nodes (desired)", desired),
        fact("Degraded node groups", sum(not m.healthy for m in members)),
        fact("Endpoint", cluster.get("endpoint")),
        fact("Created", _when(cluster.get("createdAt"))),
        missing("Pods and workloads", "the Kubernetes API, not EKS"),
    )
    return ResourceOverview(
        kind="eks",
        name=name,
        service="EKS",
        identifier=str(cluster.get("arn", "")),
        status=status,
        healthy=status == "ACTIVE" and all(m.healthy for m in members),
        version=version,
        facts=facts,
        members_title="Node groups",
        members=members,
        dimensions=(("ClusterName", name),),
    )


def _nodegroup(group: Mapping[str, Any]) -> OverviewMember:
    scaling = group.get("scalingConfig") or {}
    issues = (group.get("health") or {}).get("issues") or []
    status = str(group.get("status", "-"))
    types = ", ".join(group.get("instanceTypes") or []) or "-"
    count = (
        f"{scaling.get('desiredSize', '-')} (min {scaling.get('minSize', '-')}, "
        f"max {scaling.get('maxSize', '-')})"
    )
    note = "; ".join(f"{i.get('code', '')}: {i.get('message', '')}" for i in issues)
    return OverviewMember(
        name=str(group.get("nodegroupName", "-")),
        status=status,
        size=types,
        count=count,
        healthy=status == "ACTIVE" and not issues,
        note=note,
    )


# --- DocumentDB ----------------------------------------------------------------------------


async def docdb(aws: AwsClients, name: str, _id: str | None) -> ResourceOverview:
    async with aws.client("docdb") as client:
        found = await client.describe_db_instances(DBInstanceIdentifier=name)
        instances = found.get("DBInstances", [])
        if not instances:
            raise LookupError(f"DocumentDB has no instance named {name!r}")
        instance = instances[0]
        cluster_id = instance.get("DBClusterIdentifier")
        clusters = (
            (await client.describe_db_clusters(DBClusterIdentifier=cluster_id)).get(
                "DBClusters", []
            )
            if cluster_id
            else []
        )
    cluster: Mapping[str, Any] = clusters[0] if clusters else {}
    members = tuple(
        OverviewMember(
            name=str(m.get("DBInstanceIdentifier", "-")),
            status="writer" if m.get("IsClusterWriter") else "reader",
            size="",
            count="",
            healthy=True,
            note="this instance" if m.get("DBInstanceIdentifier") == name else "",
        )
        for m in cluster.get("DBClusterMembers", [])
    )
    status = str(instance.get("DBInstanceStatus", "-"))
    version = str(instance.get("EngineVersion", "-"))
    endpoint = instance.get("Endpoint") or {}
    role = next((m.status for m in members if m.name == name), "-")
    facts = (
        fact("Status", status),
        fact("Engine", f"{instance.get('Engine', 'docdb')} {version}"),
        fact("Instance class", instance.get("DBInstanceClass")),
        fact("Cluster", cluster_id),
        fact("Role", role),
        fact("Cluster members", len(members) or None),
        fact("Cluster status", cluster.get("Status")),
        fact("Zone", instance.get("AvailabilityZone")),
        fact("Endpoint", f"{endpoint.get('Address')}:{endpoint.get('Port')}" if endpoint else None),
    )
    return ResourceOverview(
        kind="docdb",
        name=name,
        service="DocumentDB",
        identifier=str(instance.get("DBInstanceArn", name)),
        status=status,
        healthy=status == "available",
        version=version,
        facts=facts,
        members_title="Cluster members",
        members=members,
        members_missing=None if cluster else "no cluster",
        dimensions=(("DBInstanceIdentifier", name),),
    )


# --- OpenSearch ----------------------------------------------------------------------------


async def opensearch(aws: AwsClients, name: str, _id: str | None) -> ResourceOverview:
    async with aws.client("opensearch") as client:
        domain = (await client.describe_domain(DomainName=name))["DomainStatus"]
    config = domain.get("ClusterConfig") or {}
    ebs = domain.get("EBSOptions") or {}
    arn = str(domain.get("ARN", ""))
    account = arn.split(":")[4] if arn.count(":") >= 5 else ""
    processing = bool(domain.get("Processing")) or bool(domain.get("UpgradeProcessing"))
    status = "deleted" if domain.get("Deleted") else "processing" if processing else "active"
    version = str(domain.get("EngineVersion", "-"))
    masters = (
        f"{config.get('DedicatedMasterCount', '-')} x {config.get('DedicatedMasterType', '-')}"
        if config.get("DedicatedMasterEnabled")
        else "none"
    )
    volume = ebs.get("VolumeSize")
    facts = (
        fact("Status", status),
        fact("Engine version", version),
        fact("Data nodes", config.get("InstanceCount")),
        fact("Node size", config.get("InstanceType")),
        fact("Dedicated masters", masters),
        fact("Zone awareness", "on" if config.get("ZoneAwarenessEnabled") else "off"),
        fact("Storage per node", human_bytes(volume * GIB) if volume else None),
        fact("Endpoint", domain.get("Endpoint")),
        missing("Cluster health", "_cluster/health; ClusterStatus on the Metrics tab"),
    )
    return ResourceOverview(
        kind="opensearch",
        name=name,
        service="OpenSearch",
        identifier=arn,
        status=status,
        healthy=status == "active",
        version=version,
        facts=facts,
        members_title="Nodes",
        members=(),
        members_missing=gap("opensearch: node list is the domain's _cat/nodes"),
        dimensions=(("DomainName", name), ("ClientId", account)),
    )


# --- EC2 -----------------------------------------------------------------------------------


async def ec2(aws: AwsClients, name: str, instance_id: str | None) -> ResourceOverview:
    by_id = instance_id or (name if name.startswith("i-") else None)
    key, value = ("instance-id", by_id) if by_id else ("tag:Name", name)
    async with aws.client("ec2") as client:
        answer = await client.describe_instances(Filters=[{"Name": key, "Values": [value]}])
        found = [i for r in answer.get("Reservations", []) for i in r.get("Instances", [])]
        live = [i for i in found if (i.get("State") or {}).get("Name") != "terminated"]
        if not (live or found):
            raise LookupError(f"EC2 has no instance named {name!r}")
        instance = (live or found)[0]
        instance_id = str(instance["InstanceId"])
        checks = await client.describe_instance_status(
            InstanceIds=[instance_id], IncludeAllInstances=True
        )
    status_item = (checks.get("InstanceStatuses") or [{}])[0]
    system = (status_item.get("SystemStatus") or {}).get("Status", "-")
    own = (status_item.get("InstanceStatus") or {}).get("Status", "-")
    state = str((instance.get("State") or {}).get("Name", "-"))
    tags = dict(_tags(instance.get("Tags", [])))
    failed = "impaired" in (system, own)
    facts = (
        fact("State", state),
        fact("Status checks", f"system {system}, instance {own}"),
        fact("Instance id", instance_id),
        fact("Type", instance.get("InstanceType")),
        fact("Zone", (instance.get("Placement") or {}).get("AvailabilityZone")),
        fact("Private IP", instance.get("PrivateIpAddress")),
        fact("Image", instance.get("ImageId")),
        fact("Launched", _when(instance.get("LaunchTime"))),
        fact("Tags", ", ".join(f"{k}={v}" for k, v in sorted(tags.items()) if k != "Name")),
    )
    return ResourceOverview(
        kind="ec2",
        name=name,
        service="EC2",
        identifier=instance_id,
        status=state if not failed else f"{state}, status check failed",
        healthy=state == "running" and not failed,
        version=str(instance.get("ImageId", "-")),
        facts=facts,
        members_title="Volumes",
        members=tuple(_volume(m) for m in instance.get("BlockDeviceMappings", [])),
        dimensions=(("InstanceId", instance_id),),
    )


def _tags(tags: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    return [(str(t.get("Key", "")), str(t.get("Value", ""))) for t in tags]


def _volume(mapping: Mapping[str, Any]) -> OverviewMember:
    ebs = mapping.get("Ebs") or {}
    return OverviewMember(
        name=str(mapping.get("DeviceName", "-")),
        status=str(ebs.get("Status", "-")),
        size=str(ebs.get("VolumeId", "-")),
        count="",
        healthy=ebs.get("Status", "attached") == "attached",
    )


DESCRIBE: dict[str, Describe] = {
    "kafka": kafka,
    "eks": eks,
    "docdb": docdb,
    "opensearch": opensearch,
    "ec2": ec2,
}
"""Each AWS kind's describe function."""


async def overview(
    aws: AwsClients, kind: str, name: str, resource_id: str | None = None
) -> ResourceOverview:
    """The overview of one resource of an AWS kind, by its id where discovery gave one (an
    EC2 instance id, an MSK ARN), else by its name; LookupError for any other kind."""
    describe = DESCRIBE.get(kind)
    if describe is None:
        raise LookupError(f"no AWS describe call for kind {kind!r}")
    return await describe(aws, name, resource_id)
