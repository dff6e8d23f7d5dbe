"""The fleet as discovered: config, plus Prometheus's Redis clusters and AWS's servers and other
kinds (MSK, EKS, DocumentDB, OpenSearch, EC2), kept.

Why: discovery answers slowly or not at all exactly when something is wrong. Every successful
discovery is kept on disk with its time (`KeptDiscovery`); `kept_fleet()` returns the config plus
the kept lists at once (no network: the console opens on it), and when a discovery fails
`fleet()` stands the kept list in, origin "kept", and says why and how old it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from console.config import Settings
from console.data.aws.source import AwsSource
from console.data.aws_models import AwsResource, CloudInventory, CloudResource
from console.data.kept import Kept, KeptDiscovery
from console.data.models import DiscoveredCluster, Reading
from console.data.sources.prometheus import PrometheusSource
from console.formatting import human_age
from console.inventory import Fleet, Instance, merge_discovered, with_discovery_error

PROMETHEUS = "prometheus-redis"
AWS = "aws"
AWS_KINDS = "aws-kinds"  # the kept list of MSK, EKS, DocumentDB, OpenSearch and EC2


async def _nothing() -> None:
    """A discovery that is off: nothing to ask."""
    return None


def _reason(reading: Reading[Any]) -> str:
    error = reading.error
    return f"{error.kind}: {error.message}" if error is not None else "internal: no answer"


def kept_note(kept: Kept[Any], what: str) -> str:
    """`showing the 78 Redis clusters kept from 2026-12-05 03:12 UTC (12m ago)`."""
    found = f"{kept.found_at.astimezone(tz=None).strftime('%Y-%m-%d %H:%M %Z')}"
    return f"showing the {len(kept.items)} {what} kept from {found} ({human_age(kept.age_s())} ago)"


class Discovery:
    """Builds the fleet from the config and the discoveries, keeping each answer on disk."""

    def __init__(
        self,
        settings: Settings,
        prometheus: PrometheusSource,
        cloud: AwsSource,
        quiet: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self.prometheus = prometheus
        self.cloud = cloud
        self.quiet = quiet
        """Awaited before listing the AWS kinds: no probe in flight (`fleet.ProbeWindow`)."""
        self.kept = KeptDiscovery(settings.state_dir, settings.profile)

    async def fleet(self, aws: bool = True) -> Fleet:
        """The configured fleet plus the Redis clusters Prometheus knows of and, with [aws]
        discovery on, what AWS lists, and with [aws] discover_kinds on, the AWS-only kinds (all
        asked at once); a failed discovery's part comes from its kept list (origin "kept"),
        with the reason and the list's age attached. `aws=False`: AWS is not asked, its parts
        come from the kept lists (the palette behind one instance: the SDK is ~40 MiB)."""
        options = self.settings.aws
        if not aws:
            return await self._kept_aws(await self._with_prometheus(self.settings.fleet))
        fleet, found, listed = await asyncio.gather(
            self._with_prometheus(self.settings.fleet),
            self.cloud.resources() if options.discovery else _nothing(),
            self._kinds() if options.discover_kinds else _nothing(),
        )
        if found is not None:
            fleet = await self._with_aws(fleet, found)
        if listed is not None:
            fleet = await self._with_kinds(fleet, listed)
        return fleet

    async def _kinds(self) -> Reading[CloudInventory]:
        if self.quiet is not None:
            await self.quiet()
        return await self.cloud.cloud_inventory()

    async def kept_fleet(self) -> Fleet:
        """The configured fleet plus the kept lists (origin "kept"), read from disk only."""
        fleet = self.settings.fleet
        if self.settings.monitoring.redis_discovery.enabled:
            clusters = await self.kept.load(PROMETHEUS, DiscoveredCluster)
            if clusters is not None:
                fleet = self._merge(fleet, self._redis(clusters.items), "kept", clusters.found_at)
        return await self._kept_aws(fleet)

    async def _kept_aws(self, fleet: Fleet) -> Fleet:
        """`fleet` with the kept AWS lists merged (origin "kept"), read from disk only."""
        if self.settings.aws.discovery:
            resources = await self.kept.load(AWS, AwsResource)
            if resources is not None:
                found = self.cloud.instances(resources.items)
                fleet = self._merge(fleet, found, "kept", resources.found_at)
        if self.settings.aws.discover_kinds:
            kinds = await self.kept.load(AWS_KINDS, CloudResource)
            if kinds is not None:
                found = self.cloud.cloud_instances(kinds.items)
                fleet = self._merge(fleet, found, "kept", kinds.found_at)
        return fleet

    async def _with_prometheus(self, fleet: Fleet) -> Fleet:
        discovery = self.settings.monitoring.redis_discovery
        if not discovery.enabled:
            return fleet
        reading = await self.prometheus.redis_clusters(discovery)
        if reading.value is not None:
            await self.kept.save(PROMETHEUS, reading.value, reading.fetched_at)
            found = self._redis(reading.value)
            return self._merge(fleet, found, "prometheus", reading.fetched_at)
        failure = f"Redis discovery from Prometheus failed ({_reason(reading)})"
        kept = await self.kept.load(PROMETHEUS, DiscoveredCluster)
        if kept is None:
            return with_discovery_error(
                fleet, f"{failure}; showing the configured inventory only (nothing kept yet)"
            )
        merged = self._merge(fleet, self._redis(kept.items), "kept", kept.found_at)
        return with_discovery_error(merged, f"{failure}; {kept_note(kept, 'Redis clusters')}")

    async def _with_aws(self, fleet: Fleet, reading: Reading[tuple[AwsResource, ...]]) -> Fleet:
        if reading.value is not None:
            await self.kept.save(AWS, reading.value, reading.fetched_at)
            found = self.cloud.instances(reading.value)
            return self._merge(fleet, found, "aws", reading.fetched_at)
        failure = f"AWS discovery failed ({_reason(reading)})"
        kept = await self.kept.load(AWS, AwsResource)
        if kept is None:
            return with_discovery_error(fleet, f"{failure}; showing the inventory without it")
        merged = self._merge(fleet, self.cloud.instances(kept.items), "kept", kept.found_at)
        return with_discovery_error(merged, f"{failure}; {kept_note(kept, 'AWS servers')}")

    async def _with_kinds(self, fleet: Fleet, reading: Reading[CloudInventory]) -> Fleet:
        """The AWS-only kinds: listed ones merged (origin "aws"), each failed kind named."""
        listed = reading.value
        if listed is not None:
            await self.kept.save(AWS_KINDS, listed.resources, reading.fetched_at)
            found = self.cloud.cloud_instances(listed.resources)
            merged = self._merge(fleet, found, "aws", reading.fetched_at)
            if not listed.failed:
                return merged
            reasons = "; ".join(f"{kind}: {why}" for kind, why in listed.failed)
            kinds = ", ".join(kind for kind, _ in listed.failed)
            return with_discovery_error(merged, f"AWS discovery of {kinds} failed ({reasons})")
        failure = (
            f"AWS discovery of MSK, EKS, DocumentDB, OpenSearch, EC2 failed ({_reason(reading)})"
        )
        kept = await self.kept.load(AWS_KINDS, CloudResource)
        if kept is None:
            return with_discovery_error(fleet, f"{failure}; showing the inventory without them")
        merged = self._merge(fleet, self.cloud.cloud_instances(kept.items), "kept", kept.found_at)
        return with_discovery_error(merged, f"{failure}; {kept_note(kept, 'AWS resources')}")

    def _redis(self, clusters: Sequence[DiscoveredCluster]) -> list[Instance]:
        defaults = self.settings.redis_defaults
        return [
            Instance(
                kind="redis",
                name=cluster.name,
                group="",
                env=defaults.env,
                host=cluster.host,
                port=cluster.port,
                user=defaults.user,
                secret=self.settings.redis_secret,
                write_user=defaults.write_user,
                write_secret=self.settings.redis_write_secret,
            )
            for cluster in clusters
        ]

    def _merge(
        self, fleet: Fleet, found: Iterable[Instance], origin: str, found_at: datetime
    ) -> Fleet:
        stamped = [replace(i, origin=origin, discovered_at=found_at) for i in found]
        return merge_discovered(fleet, stamped, self.settings.redis_rules)
