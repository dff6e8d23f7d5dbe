"""The fleet: every instance the console watches, and the merge of discovered Redis clusters.

Instances come from config.toml (MySQL and PostgreSQL by domain, explicit blocks) and from
discovery (the redis exporter's Prometheus targets), each Redis cluster placed in its group
by the configured name rules; one that matches no rule lands in "ungrouped", never dropped.
With `[aws] discover_kinds`, AWS discovery adds the AWS-only kinds (`AWS_KINDS`: MSK, EKS,
DocumentDB, OpenSearch, EC2), grouped by their `group` tag, else by their kind.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from console.data.aws_models import CLOUD_KIND_TITLES, CLOUD_KINDS, CloudKind

if TYPE_CHECKING:  # the headless verbs import this module: models stays out of their start-up
    from console.data.models import Source

Kind = Literal["mysql", "postgres", "redis", "kafka", "eks", "docdb", "opensearch", "ec2"]
DbKind = Literal["mysql", "postgres", "redis"]
AwsKind = CloudKind
DB_KINDS: tuple[DbKind, ...] = ("mysql", "postgres", "redis")
"""Servers the console connects to (SQL, Redis commands, probes)."""
AWS_KINDS: tuple[AwsKind, ...] = CLOUD_KINDS
"""Resources the console only reads from the AWS APIs and CloudWatch (never a connection)."""
KINDS: tuple[Kind, ...] = (*DB_KINDS, *AWS_KINDS)
UNGROUPED = "ungrouped"
# Alert labels that may name an instance (Prometheus, CloudWatch-exporter and team styles).
NAME_LABELS = ("instance", "name", "cluster", "server", "dbinstance_identifier", "cache_cluster_id")


@dataclass(frozen=True, slots=True)
class Instance:
    """One database server the console watches; `secret` is a reference, never a password."""

    kind: Kind
    name: str
    group: str
    env: str
    host: str
    port: int
    user: str | None
    secret: str
    database: str | None = None
    origin: str = "config"  # "config", "prometheus", "aws", or "kept" (from an earlier discovery)
    write_user: str | None = None
    write_secret: str | None = None
    """The credential of confirmed writes and kills (a reference); None: read-only instance."""
    discovered_at: datetime | None = None
    """When discovery (last) found it; None: from the config."""
    resource_id: str | None = None
    """AWS kinds: what alarm and metric dimensions name besides the name (an EC2 instance id,
    an ARN); None for a server."""

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_aws(self) -> bool:
        """An AWS-only kind (MSK, EKS, DocumentDB, OpenSearch, EC2): read from the AWS APIs
        and CloudWatch only; no SQL, Redis command or probe is ever sent to it."""
        return is_aws_kind(self.kind)


def is_aws_kind(kind: str) -> bool:
    """True for the AWS-only kinds (`AWS_KINDS`), whatever the caller holds (a ref, a row)."""
    return kind in AWS_KINDS


def source_of(instance: Instance) -> Source:
    """The source a reading about this instance comes from: its server kind, else "aws"."""
    kind = instance.kind
    if kind == "mysql" or kind == "postgres" or kind == "redis":
        return kind
    return "aws"


def not_a_server(instance: Instance) -> str:
    """Why nothing is sent to an AWS-kind instance: the one wording of every refusal."""
    title = CLOUD_KIND_TITLES.get(instance.kind, instance.kind)
    return (
        f"{instance.name} is {title} on AWS (kind {instance.kind}), read from the AWS APIs "
        "and CloudWatch only: no SQL statement or Redis command is ever sent to it"
    )


@dataclass(frozen=True, slots=True)
class GroupRule:
    """A Redis group: its name, the count the team expects, the globs that place a cluster."""

    name: str
    expected: int
    match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fleet:
    """The whole inventory, in a stable order (kind, group, name)."""

    instances: tuple[Instance, ...]
    discovery_error: str | None = None

    def __len__(self) -> int:
        return len(self.instances)

    def __contains__(self, name: object) -> bool:
        return any(i.name == name for i in self.instances)

    def by_name(self, name: str) -> Instance | None:
        return next((i for i in self.instances if i.name == name), None)

    def for_labels(self, labels: Iterable[tuple[str, str]]) -> tuple[Instance, ...]:
        """Instances an alert's labels name: by name first, else by host:port endpoint.

        Production names every RDS/ElastiCache target; the lab's exporters label one server
        that stands for many names, so an endpoint may match several instances.
        """
        values = [value for key, value in labels if key in NAME_LABELS]
        for value in values:
            found = self.by_name(value)
            if found is not None:
                return (found,)
        for value in values:
            matches = tuple(i for i in self.instances if i.endpoint == value)
            if matches:
                return matches
        return ()

    def of_kind(self, kind: Kind) -> tuple[Instance, ...]:
        return tuple(i for i in self.instances if i.kind == kind)

    def groups(self, kind: Kind) -> dict[str, tuple[Instance, ...]]:
        grouped: dict[str, list[Instance]] = {}
        for instance in self.of_kind(kind):
            grouped.setdefault(instance.group, []).append(instance)
        return {group: tuple(members) for group, members in grouped.items()}


def sort_key(instance: Instance) -> tuple[int, str, str]:
    return (KINDS.index(instance.kind), instance.group.lower(), instance.name)


def group_for(name: str, rules: Sequence[GroupRule]) -> str:
    """The first group whose globs match `name`, else "ungrouped"."""
    for rule in rules:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in rule.match):
            return rule.name
    return UNGROUPED


def merge_discovered(
    fleet: Fleet,
    discovered: Iterable[Instance],
    rules: Sequence[GroupRule],
) -> Fleet:
    """Add discovered instances; a known name keeps its entry (config first, then earlier
    discovery). One without a group (Redis) is placed by `rules`, else "ungrouped"."""
    known = {instance.name for instance in fleet.instances}
    added = [
        replace(instance, group=instance.group or group_for(instance.name, rules))
        for instance in discovered
        if instance.name not in known
    ]
    merged = sorted((*fleet.instances, *added), key=sort_key)
    return Fleet(tuple(merged), fleet.discovery_error)


def with_discovery_error(fleet: Fleet, message: str) -> Fleet:
    """`fleet` with `message` added to its discovery error (several discoveries may fail)."""
    joined = f"{fleet.discovery_error}; {message}" if fleet.discovery_error else message
    return Fleet(fleet.instances, joined)
