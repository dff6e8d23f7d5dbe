"""Discovery of the AWS-only kinds: MSK clusters, EKS clusters, DocumentDB instances,
OpenSearch domains and EC2 hosts, as typed `CloudResource`s (describe and list calls: free).

Why one module beside `discovery.py` (RDS, ElastiCache): these kinds are never connected to,
only read from AWS, so they become inventory instances with no credential (`to_instance`).
The five services are asked at once; one that fails (no permission, throttled) is named in
`CloudInventory.failed` and the others are still listed.

Gaps of the lab's moto 5.2.5 (see `console/lab/seed_aws_kinds.py`): MSK ListNodes and
GetBootstrapBrokers are not implemented (no broker list, no bootstrap endpoint: the overview
says "not available from this API"), and an MSK cluster stays CREATING.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from console.data.aws.clients import AwsClients, aws_error
from console.data.aws_models import NOT_AVAILABLE, CloudResource, EksNodeGroup
from console.inventory import AWS_KINDS, Instance

GROUP_TAG = "group"
EKS_NODE_TAG = "eks:cluster-name"  # an EKS worker: shown under its cluster, not as a host
DEFAULT_PORTS: dict[str, int] = {"kafka": 9094, "eks": 443, "docdb": 27017, "opensearch": 443,
                                 "ec2": 22}  # fmt: skip
_OPENSEARCH_BATCH = 5  # DescribeDomains takes at most 5 names


@dataclass(frozen=True, slots=True)
class CloudInventory:
    """What the five services listed, and the kinds whose listing failed (kind, reason)."""

    resources: tuple[CloudResource, ...]
    failed: tuple[tuple[str, str], ...] = ()


async def cloud_inventory(
    aws: AwsClients, ec2_tags: Mapping[str, str] | None = None
) -> CloudInventory:
    """Every resource of the five kinds (all pages), sorted by kind then name.

    `ec2_tags`: the tags an EC2 host must carry to be listed (e.g. team = "dba"); EKS worker
    nodes (tag `eks:cluster-name`) are never listed as hosts."""
    listers: dict[str, Callable[[], Awaitable[list[CloudResource]]]] = {
        "kafka": lambda: _kafka(aws),
        "eks": lambda: _eks(aws),
        "docdb": lambda: _docdb(aws),
        "opensearch": lambda: _opensearch(aws),
        "ec2": lambda: _ec2(aws, ec2_tags or {}),
    }
    answers = await asyncio.gather(*(lister() for lister in listers.values()),
                                   return_exceptions=True)  # fmt: skip
    found: list[CloudResource] = []
    failed: list[tuple[str, str]] = []
    for kind, answer in zip(listers, answers, strict=True):
        if isinstance(answer, BaseException):
            if not isinstance(answer, Exception):
                raise answer  # cancellation and the like are not a service's failure
            error = aws_error(answer, kind)
            failed.append((kind, f"{error.kind}: {error.message}"))
        else:
            found.extend(answer)
    if failed and len(failed) == len(listers):
        raise answers[0] if isinstance(answers[0], Exception) else RuntimeError(failed[0][1])
    order = {kind: index for index, kind in enumerate(AWS_KINDS)}
    found.sort(key=lambda r: (order[r.kind], r.name))
    return CloudInventory(tuple(found), tuple(failed))


async def _pages(client: Any, operation: str, key: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    async for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


def _tag_map(tags: object) -> dict[str, str]:
    """Tags as AWS spells them in each API: a dict, or a list of Key/Value pairs."""
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    if isinstance(tags, list):
        return {str(t.get("Key", "")): str(t.get("Value", "")) for t in tags}
    return {}


def _facts(pairs: Sequence[tuple[str, object]]) -> tuple[tuple[str, str], ...]:
    return tuple((key, str(value)) for key, value in pairs if value not in (None, ""))


# --- MSK --------------------------------------------------------------------------------------


async def _kafka(aws: AwsClients) -> list[CloudResource]:
    kafka = await aws.shared("kafka")
    clusters = await _pages(kafka, "list_clusters_v2", "ClusterInfoList")
    return [msk_resource(cluster) for cluster in clusters]


def msk_resource(cluster: Mapping[str, Any]) -> CloudResource:
    """One ListClustersV2 entry (provisioned or serverless)."""
    tags = _tag_map(cluster.get("Tags"))
    provisioned = cluster.get("Provisioned") or {}
    brokers = provisioned.get("BrokerNodeGroupInfo") or {}
    storage = ((brokers.get("StorageInfo") or {}).get("EbsStorageInfo") or {}).get("VolumeSize")
    version = (provisioned.get("CurrentBrokerSoftwareInfo") or {}).get("KafkaVersion")
    count = provisioned.get("NumberOfBrokerNodes")
    state = str(cluster.get("State", ""))
    info = cluster.get("StateInfo") or {}
    problems = () if state == "ACTIVE" else (f"MSK state {state}",)
    return CloudResource(
        kind="kafka",
        name=str(cluster.get("ClusterName", "")),
        group=tags.get(GROUP_TAG, ""),
        status=state,
        resource_id=str(cluster.get("ClusterArn", "")),
        version=str(version) if version else None,
        node_type=_text(brokers.get("InstanceType")),
        node_count=int(count) if isinstance(count, int) else None,
        problems=problems,
        facts=_facts([
            ("type", cluster.get("ClusterType")),
            ("state", state),
            ("state info", info.get("Message") if state != "ACTIVE" else None),
            ("Kafka version", version),
            ("brokers", count),
            ("broker type", brokers.get("InstanceType")),
            ("storage per broker", f"{storage} GiB" if storage else None),
            ("bootstrap brokers", NOT_AVAILABLE),
            ("topics", NOT_AVAILABLE),
        ]),
    )  # fmt: skip


# --- EKS --------------------------------------------------------------------------------------


async def _eks(aws: AwsClients) -> list[CloudResource]:
    eks = await aws.shared("eks")
    names = await _pages(eks, "list_clusters", "clusters")

    async def one(name: str) -> CloudResource:
        cluster = (await eks.describe_cluster(name=name))["cluster"]
        groups = await node_groups(eks, name)
        return eks_resource(cluster, groups)

    return list(await asyncio.gather(*(one(str(n)) for n in names)))


async def node_groups(eks: Any, cluster: str) -> tuple[EksNodeGroup, ...]:
    """The managed node groups of one EKS cluster (an open `eks` client)."""
    names = await _pages(eks, "list_nodegroups", "nodegroups", clusterName=cluster)
    described = await asyncio.gather(
        *(eks.describe_nodegroup(clusterName=cluster, nodegroupName=n) for n in names)
    )
    return tuple(sorted((_node_group(cluster, d["nodegroup"]) for d in described),
                        key=lambda g: g.name))  # fmt: skip


def _node_group(cluster: str, group: Mapping[str, Any]) -> EksNodeGroup:
    scaling = group.get("scalingConfig") or {}
    issues = (group.get("health") or {}).get("issues") or []
    return EksNodeGroup(
        cluster=cluster,
        name=str(group.get("nodegroupName", "")),
        status=str(group.get("status", "")),
        instance_types=tuple(str(t) for t in group.get("instanceTypes") or ()),
        desired=int(scaling.get("desiredSize", 0)),
        minimum=int(scaling.get("minSize", 0)),
        maximum=int(scaling.get("maxSize", 0)),
        issues=tuple(f"{i.get('code', '')}: {i.get('message', '')}".strip(": ") for i in issues),
    )


def eks_resource(cluster: Mapping[str, Any], groups: Sequence[EksNodeGroup]) -> CloudResource:
    """One DescribeCluster answer and its node groups."""
    tags = _tag_map(cluster.get("tags"))
    status = str(cluster.get("status", ""))
    problems = [] if status == "ACTIVE" else [f"EKS status {status}"]
    for group in groups:
        if group.status != "ACTIVE":
            problems.append(f"node group {group.name} {group.status}")
        problems.extend(f"node group {group.name}: {issue}" for issue in group.issues)
    endpoint = _text(cluster.get("endpoint"))
    host = endpoint.removeprefix("https://").rstrip("/") if endpoint else None
    return CloudResource(
        kind="eks",
        name=str(cluster.get("name", "")),
        group=tags.get(GROUP_TAG, ""),
        status=status,
        resource_id=str(cluster.get("arn", "")),
        endpoint=host,
        port=443 if host else None,
        version=_text(cluster.get("version")),
        node_type=", ".join(sorted({t for g in groups for t in g.instance_types})) or None,
        node_count=sum(g.desired for g in groups),
        problems=tuple(problems),
        facts=_facts([
            ("status", status),
            ("Kubernetes version", cluster.get("version")),
            ("platform version", cluster.get("platformVersion")),
            ("endpoint", endpoint),
            ("node groups", len(groups)),
            *((f"node group {g.name}",
               f"{g.status} {g.desired} nodes ({g.minimum}-{g.maximum}) "
               f"{', '.join(g.instance_types)}") for g in groups),
        ]),
    )  # fmt: skip


# --- DocumentDB (the RDS API, engine docdb) ---------------------------------------------------


async def _docdb(aws: AwsClients) -> list[CloudResource]:
    rds = await aws.shared("rds")
    listed = await _pages(rds, "describe_db_instances", "DBInstances",
                          Filters=[{"Name": "engine", "Values": ["docdb"]}])  # fmt: skip
    return [docdb_resource(item) for item in listed if item.get("Engine") == "docdb"]


def docdb_resource(item: Mapping[str, Any]) -> CloudResource:
    """One DescribeDBInstances entry of engine docdb."""
    tags = _tag_map(item.get("TagList"))
    endpoint = item.get("Endpoint") or {}
    status = str(item.get("DBInstanceStatus", ""))
    return CloudResource(
        kind="docdb",
        name=str(item.get("DBInstanceIdentifier", "")),
        group=tags.get(GROUP_TAG, ""),
        status=status,
        resource_id=str(item.get("DBInstanceArn", "")),
        endpoint=_text(endpoint.get("Address")),
        port=_int(endpoint.get("Port")),
        version=_text(item.get("EngineVersion")),
        node_type=_text(item.get("DBInstanceClass")),
        node_count=1,
        problems=() if status == "available" else (f"DocumentDB status {status}",),
        facts=_facts([
            ("status", status),
            ("cluster", item.get("DBClusterIdentifier")),
            ("engine", f"docdb {item.get('EngineVersion', '')}".strip()),
            ("instance class", item.get("DBInstanceClass")),
            ("availability zone", item.get("AvailabilityZone")),
            ("endpoint", endpoint.get("Address")),
        ]),
    )  # fmt: skip


# --- OpenSearch -------------------------------------------------------------------------------


async def _opensearch(aws: AwsClients) -> list[CloudResource]:
    opensearch = await aws.shared("opensearch")
    names = [str(d["DomainName"]) for d in
             (await opensearch.list_domain_names()).get("DomainNames", [])]  # fmt: skip
    batches = [names[i : i + _OPENSEARCH_BATCH] for i in range(0, len(names), _OPENSEARCH_BATCH)]
    described = await asyncio.gather(
        *(opensearch.describe_domains(DomainNames=batch) for batch in batches)
    )
    domains = [d for answer in described for d in answer.get("DomainStatusList", [])]
    tags = await asyncio.gather(*(opensearch.list_tags(ARN=d["ARN"]) for d in domains))
    return [
        opensearch_resource(d, _tag_map(t.get("TagList")))
        for d, t in zip(domains, tags, strict=True)
    ]


def opensearch_status(domain: Mapping[str, Any]) -> str:
    """AWS's DomainProcessingStatus when it says it, else from the Deleted/Processing flags."""
    said = domain.get("DomainProcessingStatus")
    if said:
        return str(said)
    if domain.get("Deleted"):
        return "Deleting"
    if domain.get("Processing") or domain.get("UpgradeProcessing"):
        return "Processing"
    return "Active"


def opensearch_resource(domain: Mapping[str, Any], tags: Mapping[str, str]) -> CloudResource:
    """One DescribeDomains entry and its tags."""
    config = domain.get("ClusterConfig") or {}
    ebs = domain.get("EBSOptions") or {}
    status = opensearch_status(domain)
    endpoint = _text(domain.get("Endpoint")) or _text((domain.get("Endpoints") or {}).get("vpc"))
    size = ebs.get("VolumeSize")
    return CloudResource(
        kind="opensearch",
        name=str(domain.get("DomainName", "")),
        group=tags.get(GROUP_TAG, ""),
        status=status,
        resource_id=str(domain.get("ARN", "")),
        endpoint=endpoint,
        port=443 if endpoint else None,
        version=_text(domain.get("EngineVersion")),
        node_type=_text(config.get("InstanceType")),
        node_count=_int(config.get("InstanceCount")),
        problems=() if status == "Active" else (f"OpenSearch domain {status}",),
        facts=_facts([
            ("status", status),
            ("engine", domain.get("EngineVersion")),
            ("data nodes", config.get("InstanceCount")),
            ("data node type", config.get("InstanceType")),
            ("dedicated masters", config.get("DedicatedMasterCount")
             if config.get("DedicatedMasterEnabled") else "none"),
            ("storage per node", f"{size} GiB {ebs.get('VolumeType', '')}" if size else None),
            ("endpoint", endpoint),
            ("cluster health", "CloudWatch ClusterStatus.green/yellow/red"),
        ]),
    )  # fmt: skip


# --- EC2 --------------------------------------------------------------------------------------


async def _ec2(aws: AwsClients, wanted: Mapping[str, str]) -> list[CloudResource]:
    filters = [{"Name": f"tag:{key}", "Values": [value]} for key, value in wanted.items()]
    ec2 = await aws.shared("ec2")
    reservations = await _pages(ec2, "describe_instances", "Reservations", Filters=filters)
    statuses = await _pages(ec2, "describe_instance_status", "InstanceStatuses",
                            IncludeAllInstances=True)  # fmt: skip
    checks = {str(s.get("InstanceId")): s for s in statuses}
    found: list[CloudResource] = []
    seen: set[str] = set()
    for reservation in reservations:
        for item in reservation.get("Instances", []):
            tags = _tag_map(item.get("Tags"))
            state = str((item.get("State") or {}).get("Name", ""))
            if EKS_NODE_TAG in tags or state == "terminated":
                continue
            resource = ec2_resource(item, tags, checks.get(str(item.get("InstanceId"))))
            if resource.name in seen:  # two hosts with one Name tag: the id tells them apart
                resource = replace(resource, name=f"{resource.name}-{resource.resource_id}")
            seen.add(resource.name)
            found.append(resource)
    return found


def ec2_resource(
    item: Mapping[str, Any], tags: Mapping[str, str], status: Mapping[str, Any] | None
) -> CloudResource:
    """One DescribeInstances instance with its DescribeInstanceStatus entry (None: unknown)."""
    instance_id = str(item.get("InstanceId", ""))
    state = str((item.get("State") or {}).get("Name", ""))
    system = ((status or {}).get("SystemStatus") or {}).get("Status")
    own = ((status or {}).get("InstanceStatus") or {}).get("Status")
    problems = [] if state == "running" else [f"EC2 state {state}"]
    if state == "running":
        pairs = (("system", system), ("instance", own))
        problems += [
            f"{what} status check {value}" for what, value in pairs if value not in (None, "ok")
        ]
    checks = f"system {system or NOT_AVAILABLE}, instance {own or NOT_AVAILABLE}"
    return CloudResource(
        kind="ec2",
        name=tags.get("Name") or instance_id,
        group=tags.get(GROUP_TAG, ""),
        status=state,
        resource_id=instance_id,
        endpoint=_text(item.get("PrivateIpAddress")) or _text(item.get("PrivateDnsName")),
        port=22,
        version=_text(item.get("ImageId")),
        node_type=_text(item.get("InstanceType")),
        node_count=1,
        problems=tuple(problems),
        facts=_facts([
            ("instance id", instance_id),
            ("state", state),
            ("status checks", checks),
            ("instance type", item.get("InstanceType")),
            ("availability zone", (item.get("Placement") or {}).get("AvailabilityZone")),
            ("private IP", item.get("PrivateIpAddress")),
            ("image", item.get("ImageId")),
            ("launched", item.get("LaunchTime")),
        ]),
    )  # fmt: skip


# --- into the inventory -----------------------------------------------------------------------


def to_instance(resource: CloudResource, env: str) -> Instance:
    """An inventory Instance (origin "aws") with no credential: the console never connects to
    these kinds. Group: the resource's `group` tag, else its kind."""
    return Instance(
        kind=resource.kind,
        name=resource.name,
        group=resource.group or resource.kind,
        env=env,
        host=resource.endpoint or resource.name,
        port=resource.port or DEFAULT_PORTS[resource.kind],
        user=None,
        secret="none",
        origin="aws",
        resource_id=resource.resource_id or None,
    )


def _text(value: object) -> str | None:
    return str(value) if value else None


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
