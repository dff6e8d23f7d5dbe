"""The AWS source behind the DataLayer: discovery, alarms, metrics, slow logs and cost, as Readings.

Each method wraps one AWS module in `aws_fetch` (timeout, typed error, never a raise for a
source failure); Cost Explorer goes through the paid-call cache and its daily budget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from console.config import Settings
from console.data.aws import cloudwatch as aws_cloudwatch
from console.data.aws import cost as aws_cost
from console.data.aws import describe as aws_describe
from console.data.aws import discovery as aws_discovery
from console.data.aws import kind_health
from console.data.aws import kind_metrics as aws_kind_metrics
from console.data.aws import kinds as aws_kinds
from console.data.aws import logs as aws_logs
from console.data.aws.clients import AwsClients, aws_fetch
from console.data.aws.costcache import PaidCallCache
from console.data.aws.metriccount import MetricCounter, period_key
from console.data.aws_models import (
    AwsMetric,
    AwsResource,
    ChartSpec,
    CloudInventory,
    CloudResource,
    CloudWatchAlarm,
    CostReport,
    LogChunk,
    ResourceOverview,
)
from console.data.models import Health, Reading, Series, SourceError
from console.inventory import Fleet, Instance, merge_discovered, with_discovery_error
from console.secrets import parse_reference

REGION_NAME = "aws"  # the Reading.instance of region-wide calls
KINDS_ENV = "production"  # the AWS kinds are the team's production account
COST_NAME = "cost-explorer"


class AwsSource:
    """RDS/ElastiCache discovery, CloudWatch, CloudWatch Logs and Cost Explorer for one region."""

    def __init__(self, settings: Settings, clients: AwsClients) -> None:
        self.settings = settings
        self.options = settings.aws
        self.clients = clients
        self.cost_cache = PaidCallCache(
            settings.aws_cache_dir,
            ttl_s=self.options.cost_cache_ttl_s,
            budget_usd=self.options.cost_daily_budget_usd,
            price_usd=self.options.cost_per_call_usd,
        )
        self.metric_counter = MetricCounter(settings.aws_cache_dir)

    @property
    def _timeout_s(self) -> float:
        return self.options.call_timeout_s

    async def resources(self) -> Reading[tuple[AwsResource, ...]]:
        return await aws_fetch(
            REGION_NAME, self._timeout_s, lambda: aws_discovery.resources(self.clients)
        )

    def instances(self, found: Sequence[AwsResource]) -> list[Instance]:
        """Inventory instances for discovered resources, with their kind's user and secret."""
        result = []
        for resource in found:
            if resource.kind == "redis":
                redis = self.settings.redis_defaults
                defaults = aws_discovery.Defaults(
                    redis.user, self.settings.redis_secret, redis.env, redis.port
                )
                pattern = redis.name_pattern
            else:
                sql = self.settings.sql_defaults[resource.kind]
                secret = _absolute(sql.secret, self.settings.path.parent)
                defaults = aws_discovery.Defaults(sql.user, secret, sql.env, sql.port, sql.database)
                pattern = sql.name_pattern
            result.append(aws_discovery.to_instance(resource, defaults, pattern))
        return result

    def merge(self, fleet: Fleet, reading: Reading[tuple[AwsResource, ...]]) -> Fleet:
        """`fleet` plus what AWS lists and it lacks; on failure, `fleet` with the reason."""
        if reading.value is None:
            error = reading.error
            reason = f"{error.kind}: {error.message}" if error else "no answer"
            return with_discovery_error(
                fleet, f"AWS discovery failed ({reason}); showing the inventory without it"
            )
        found = self.instances(reading.value)
        return merge_discovered(fleet, found, self.settings.redis_rules)

    async def cloud_inventory(self) -> Reading[CloudInventory]:
        """MSK, EKS, DocumentDB, OpenSearch and EC2 (describe/list calls only: free)."""
        tags = self.options.ec2_tags
        return await aws_fetch(
            REGION_NAME, self._timeout_s, lambda: aws_kinds.cloud_inventory(self.clients, tags)
        )

    def cloud_instances(self, found: Sequence[CloudResource]) -> list[Instance]:
        """Inventory instances of the AWS kinds (no credential: never connected to)."""
        return [aws_kinds.to_instance(resource, KINDS_ENV) for resource in found]

    async def kinds_health(self, instances: Sequence[Instance]) -> dict[str, Reading[Health]]:
        """Health of AWS-kind instances by name: one fresh listing of the kinds and one
        DescribeAlarms (both free), judged by `kind_health`'s rule."""
        listed, alarms = await asyncio.gather(self.cloud_inventory(), self.alarms())
        elapsed_s = max(listed.elapsed_s, alarms.elapsed_s)
        resources = {r.name: r for r in listed.value.resources} if listed.value else {}
        result: dict[str, Reading[Health]] = {}
        for instance in instances:
            resource = resources.get(instance.name)
            error = listed.error if resource is None else alarms.error
            if resource is None or alarms.value is None:
                result[instance.name] = Reading(
                    instance.name, "aws", listed.fetched_at, elapsed_s,
                    error=_named(error, instance) if error else _missing(instance),
                )  # fmt: skip
                continue
            health = kind_health.kind_health(resource, alarms.value, elapsed_s * 1000)
            result[instance.name] = Reading(
                instance.name, "aws", listed.fetched_at, elapsed_s, value=health
            )
        return result

    async def alarms(self, state: str | None = None) -> Reading[tuple[CloudWatchAlarm, ...]]:
        return await aws_fetch(
            REGION_NAME, self._timeout_s, lambda: aws_cloudwatch.alarms(self.clients, state)
        )

    async def metrics(
        self,
        instance: Instance,
        start: datetime,
        end: datetime,
        metrics: Sequence[AwsMetric] | None = None,
        period_s: int | None = None,
    ) -> Reading[tuple[Series, ...]]:
        """The charts' series, reused for the same window within the same period, each request's
        metrics counted (GetMetricData is billed by the metric: metriccount.py)."""
        chosen = tuple(metrics or aws_cloudwatch.default_metrics(instance))
        period = period_s or self.options.metric_period_s
        key = (instance.name, instance.kind, chosen, period,
               period_key(start, period), period_key(end, period))  # fmt: skip
        kept: Reading[tuple[Series, ...]] | None = self.metric_counter.cached(key)
        if kept is not None:
            return kept
        requested: list[int] = []
        reading = await aws_fetch(
            instance.name,
            self._timeout_s,
            lambda: aws_cloudwatch.metric_series(
                self.clients, instance, chosen, start, end, period, requested.append
            ),
        )
        for metrics_asked in requested:
            await self.metric_counter.add(metrics_asked)
        if reading.value is not None:
            self.metric_counter.keep(key, reading)
        return reading

    async def slow_log(
        self, instance: Instance, since: datetime, until: datetime
    ) -> Reading[LogChunk]:
        bounds = aws_logs.LogBounds(
            self.options.slow_log_max_events,
            self.options.slow_log_max_bytes,
            self.options.slow_log_page_events,
        )
        group = aws_logs.slow_log_group(instance.name)
        return await aws_fetch(
            instance.name,
            self._timeout_s,
            lambda: aws_logs.read_group(self.clients, group, since, until, bounds),
        )

    async def overview(self, instance: Instance) -> Reading[ResourceOverview]:
        """The describe calls of an MSK, EKS, DocumentDB, OpenSearch or EC2 resource."""
        return await aws_fetch(
            instance.name,
            self._timeout_s,
            lambda: aws_describe.overview(
                self.clients, instance.kind, instance.name, instance.resource_id
            ),
        )

    async def charts(self, overview: ResourceOverview) -> Reading[tuple[ChartSpec, ...]]:
        """The CloudWatch charts of a described resource (ListMetrics for what exists)."""
        return await aws_fetch(
            overview.name,
            self._timeout_s,
            lambda: aws_kind_metrics.resource_charts(self.clients, overview),
        )

    async def cost(self, days: int, today: date | None = None) -> Reading[CostReport]:
        day = today or datetime.now(UTC).date()
        return await aws_fetch(
            COST_NAME,
            self._timeout_s,
            lambda: aws_cost.cost_report(self.clients, self.cost_cache, day, days),
        )


def _absolute(ref: str, base_dir: Path) -> str:
    """A file: reference made absolute against the config file's folder, as config.py does."""
    scheme, value = parse_reference(ref)
    if scheme == "file" and not Path(value).is_absolute():
        return f"file:{base_dir / value}"
    return ref


def _missing(instance: Instance) -> SourceError:
    """An AWS-kind instance the fresh listing no longer has (deleted, or its kind failed)."""
    return SourceError(
        instance=instance.name,
        source="aws",
        kind="unreachable",
        message=f"{instance.kind} {instance.name} is not listed by AWS now",
    )


def _named(error: SourceError, instance: Instance) -> SourceError:
    return replace(error, instance=instance.name)
