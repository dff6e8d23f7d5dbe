"""DataLayer: the one object the UI and the headless verbs talk to.

It owns every source (MySQL, PostgreSQL, Redis, Prometheus, Alertmanager, AWS), the credential
resolver and the fleet sweep; every call returns a typed Reading and never raises for a source
failure. Pools are created lazily on the running loop and closed by `close()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from console.config import Settings
from console.data import fleet as fleet_sweep
from console.data.alertmanager import AlertmanagerSource
from console.data.aws import AwsClients
from console.data.credentials import Credentials
from console.data.models import (
    Digest,
    ExplainPlan,
    FleetHealth,
    Health,
    LockWait,
    Process,
    Reading,
    ServerStatus,
)
from console.data.mysql import MySQLSource
from console.data.postgres import PostgresSource
from console.data.prometheus import PrometheusSource
from console.data.prometheus_health import redis_health
from console.data.query import QueryRunner
from console.data.redis import RedisSource
from console.inventory import Fleet, Instance, merge_discovered, with_discovery_error


class SqlSource(Protocol):
    """What MySQL and PostgreSQL both answer: screens use one code path for the two engines."""

    async def status(self, instance: Instance) -> Reading[ServerStatus]: ...

    async def processlist(self, instance: Instance, limit: int) -> Reading[tuple[Process, ...]]: ...

    async def lock_waits(self, instance: Instance, limit: int) -> Reading[tuple[LockWait, ...]]: ...

    async def digests(self, instance: Instance, limit: int) -> Reading[tuple[Digest, ...]]: ...

    async def explain(self, instance: Instance, statement: str) -> Reading[ExplainPlan]: ...


class DataLayer:
    """Every source behind one facade; the UI holds this and nothing else."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        monitoring = settings.monitoring
        self.aws = AwsClients(monitoring.cloudwatch_region, monitoring.aws_endpoint)
        credentials = Credentials(self.aws)
        self.mysql = MySQLSource(settings.timeouts, credentials)
        self.postgres = PostgresSource(settings.timeouts, credentials)
        self.redis = RedisSource(settings.timeouts, credentials)
        self.prometheus = PrometheusSource(monitoring.prometheus, settings.timeouts)
        self.alertmanager = AlertmanagerSource(monitoring.alertmanager, settings.timeouts)
        self.queries = QueryRunner(
            self.mysql, self.postgres, self.redis, settings.audit_path, settings.console.row_limit
        )

    async def close(self) -> None:
        """Close every pool and client (call on unmount / at the end of a verb)."""
        for source in (self.mysql, self.postgres, self.redis, self.prometheus, self.alertmanager):
            await source.close()

    def sql(self, instance: Instance) -> SqlSource:
        """The source of a MySQL or PostgreSQL instance."""
        return self.postgres if instance.kind == "postgres" else self.mysql

    async def fleet(self) -> Fleet:
        """The configured fleet plus the Redis clusters Prometheus knows of.

        When discovery fails, the configured fleet is returned with the reason attached.
        """
        configured = self.settings.fleet
        discovery = self.settings.monitoring.redis_discovery
        if not discovery.enabled:
            return configured
        reading = await self.prometheus.redis_clusters(discovery)
        if reading.error is not None or reading.value is None:
            reason = reading.error.message if reading.error else "no answer"
            kind = reading.error.kind if reading.error else "internal"
            return with_discovery_error(
                configured,
                f"Redis discovery from Prometheus failed ({kind}: {reason}); "
                "showing the configured inventory only",
            )
        defaults = self.settings.redis_defaults
        discovered = [
            Instance(
                kind="redis",
                name=cluster.name,
                group="",
                env=defaults.env,
                host=cluster.host,
                port=cluster.port,
                user=defaults.user,
                secret=self.settings.redis_secret,
                origin="prometheus",
            )
            for cluster in reading.value
        ]
        return merge_discovered(configured, discovered, self.settings.redis_rules)

    async def health(self, instance: Instance) -> Reading[Health]:
        """One cheap probe of one instance, within the probe timeout."""
        warn = self.settings.fleet_options
        if instance.kind == "mysql":
            return await self.mysql.health(instance, warn)
        if instance.kind == "postgres":
            return await self.postgres.health(instance, warn)
        return await self.redis.health(instance, warn)

    async def sweep(
        self,
        instances: Sequence[Instance],
        on_result: fleet_sweep.OnResult | None = None,
    ) -> tuple[FleetHealth, ...]:
        """Health of every instance concurrently (bounded), streamed to `on_result`."""
        concurrency = self.settings.fleet_options.concurrency
        return await fleet_sweep.sweep(instances, self.health, concurrency, on_result)

    async def fleet_health(
        self,
        instances: Sequence[Instance],
        on_result: fleet_sweep.OnResult | None = None,
    ) -> tuple[FleetHealth, ...]:
        """Health of every instance: from Prometheus where it scrapes the instance, else probed.

        If Prometheus cannot answer, every instance is probed directly.
        """
        scraped = [i for i in instances if i.kind == "redis" and i.origin == "prometheus"]
        label = self.settings.monitoring.redis_discovery.name_label
        known = await redis_health(self.prometheus, scraped, label, self.settings.fleet_options)
        for result in known.values():
            if on_result is not None:
                on_result(result)
        probed = await self.sweep([i for i in instances if i.name not in known], on_result)
        by_name = {r.name: r for r in probed} | known
        return tuple(by_name[i.name] for i in instances)

    async def sequential(self, instances: Sequence[Instance]) -> tuple[FleetHealth, ...]:
        """The same probes one after another: the benchmark's baseline."""
        return await fleet_sweep.sequential(instances, self.health)
