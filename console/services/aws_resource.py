"""One MSK, EKS, DocumentDB, OpenSearch or EC2 resource as its view shows it: the describe
answer and the CloudWatch alarms that name it, asked at once.

Why a service: which alarms belong to a resource (its name, its id, or the dimensions its
describe answer gives: an EC2 alarm names `InstanceId=i-...`) is one rule (console/data/
aws_models.py `alarms_of`, shared with the investigation and the health verdict), not the
screen's to decide.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from console.data.aws_models import CloudWatchAlarm, ResourceOverview, alarms_of
from console.data.layer import DataLayer
from console.data.models import Reading
from console.inventory import Instance


@dataclass(frozen=True, slots=True)
class ResourceView:
    overview: Reading[ResourceOverview]
    alarms: Reading[tuple[CloudWatchAlarm, ...]]
    """The resource's alarms only, firing first (the failed reading when CloudWatch failed)."""


async def resource_view(data: DataLayer, instance: Instance) -> ResourceView:
    """The describe calls and the alarms at once; the alarms filtered by the answer."""
    overview, alarms = await asyncio.gather(data.aws_overview(instance), data.cloudwatch_alarms())
    if alarms.value is None:
        return ResourceView(overview, alarms)
    dimensions = overview.value.dimensions if overview.value is not None else ()
    mine = alarms_of(alarms.value, instance.name, instance.resource_id, dimensions)
    return ResourceView(overview, replace(alarms, value=mine))
