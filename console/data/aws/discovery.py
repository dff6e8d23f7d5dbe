"""AWS discovery: RDS instances and ElastiCache replication groups/clusters as typed resources.

The inventory merges these by name with the configured fleet (`console.inventory`); a resource
the config lacks is kept (origin "aws"), never dropped. Boto answers become `AwsResource` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.data.aws.clients import AwsClients
from console.data.aws_models import AwsResource, ResourceKind
from console.inventory import UNGROUPED, Instance

_RDS_KINDS: dict[str, ResourceKind] = {
    "mysql": "mysql",
    "mariadb": "mysql",
    "aurora-mysql": "mysql",
    "aurora": "mysql",
    "postgres": "postgres",
    "aurora-postgresql": "postgres",
}
_CACHE_ENGINES = ("redis", "valkey")


async def resources(aws: AwsClients) -> tuple[AwsResource, ...]:
    """Every RDS instance and ElastiCache Redis/Valkey cluster of the region (all pages)."""
    found = [*await _rds(aws), *await _elasticache(aws)]
    return tuple(sorted(found, key=lambda r: (r.kind, r.name)))


async def _pages(client: Any, operation: str, key: str, **params: Any) -> list[Mapping[str, Any]]:
    items: list[Mapping[str, Any]] = []
    async for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


async def _rds(aws: AwsClients) -> list[AwsResource]:
    async with aws.client("rds") as rds:
        listed = await _pages(rds, "describe_db_instances", "DBInstances")
    found = []
    for item in listed:
        kind = _RDS_KINDS.get(str(item.get("Engine", "")))
        if kind is None:
            continue  # SQL Server, Oracle...: not a kind the console watches
        endpoint = item.get("Endpoint") or {}
        found.append(
            AwsResource(
                name=str(item["DBInstanceIdentifier"]),
                kind=kind,
                service="rds",
                engine=f"{item.get('Engine', '')} {item.get('EngineVersion', '')}".strip(),
                status=str(item.get("DBInstanceStatus", "")),
                host=_text(endpoint.get("Address")),
                port=_int(endpoint.get("Port")),
                node_type=_text(item.get("DBInstanceClass")),
            )
        )
    return found


async def _elasticache(aws: AwsClients) -> list[AwsResource]:
    async with aws.client("elasticache") as cache:
        groups = await _pages(cache, "describe_replication_groups", "ReplicationGroups")
        clusters = await _pages(
            cache, "describe_cache_clusters", "CacheClusters", ShowCacheNodeInfo=True
        )
    found = [_group(group) for group in groups]
    for cluster in clusters:
        if cluster.get("ReplicationGroupId") or cluster.get("Engine") not in _CACHE_ENGINES:
            continue  # a member of a group listed above, or memcached
        nodes = cluster.get("CacheNodes") or [{}]
        endpoint = cluster.get("ConfigurationEndpoint") or nodes[0].get("Endpoint") or {}
        found.append(
            AwsResource(
                name=str(cluster["CacheClusterId"]),
                kind="redis",
                service="elasticache",
                engine=f"{cluster.get('Engine', '')} {cluster.get('EngineVersion', '')}".strip(),
                status=str(cluster.get("CacheClusterStatus", "")),
                host=_text(endpoint.get("Address")),
                port=_int(endpoint.get("Port")),
                node_type=_text(cluster.get("CacheNodeType")),
            )
        )
    return found


def _group(group: Mapping[str, Any]) -> AwsResource:
    node_groups = group.get("NodeGroups") or [{}]
    endpoint = group.get("ConfigurationEndpoint") or node_groups[0].get("PrimaryEndpoint") or {}
    return AwsResource(
        name=str(group["ReplicationGroupId"]),
        kind="redis",
        service="elasticache",
        engine=str(group.get("Engine", "redis")),
        status=str(group.get("Status", "")),
        host=_text(endpoint.get("Address")),
        port=_int(endpoint.get("Port")),
        node_type=_text(group.get("CacheNodeType")),
    )


def _text(value: object) -> str | None:
    return str(value) if value else None


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


class Defaults:
    """What a discovered instance borrows from its kind's config: user, secret, env, port."""

    def __init__(
        self, user: str | None, secret: str, env: str, port: int, database: str | None = None
    ) -> None:
        self.user, self.secret, self.env, self.port = user, secret, env, port
        self.database = database  # a template with {name}, {server} and {db}


def to_instance(resource: AwsResource, defaults: Defaults, name_pattern: str) -> Instance:
    """An inventory Instance for a resource (origin "aws"); SQL ones land in "ungrouped".

    Redis clusters get an empty group so the merge places them by the configured name rules.
    """
    return Instance(
        kind=resource.kind,
        name=resource.name,
        group="" if resource.kind == "redis" else UNGROUPED,
        env=defaults.env,
        host=resource.host or resource.name,
        port=resource.port or defaults.port,
        user=defaults.user,
        secret=defaults.secret,
        database=_database(resource.name, defaults.database, name_pattern),
        origin="aws",
    )


def _database(name: str, template: str | None, name_pattern: str) -> str | None:
    """The database of `aws-luckyus-{name}-rw`, from the kind's template (None if no match)."""
    if template is None:
        return None
    prefix, _, suffix = name_pattern.partition("{name}")
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    short = name[len(prefix) : len(name) - len(suffix)]
    return template.format(name=short, server=name, db=short.replace("-", "_"))
