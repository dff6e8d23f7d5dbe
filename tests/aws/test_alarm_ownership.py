"""Whose CloudWatch alarm is it: the health verdict and the resource's view answer alike.

The case the two old rules answered differently: two EC2 hosts share the Name tag `web-07`
(the inventory calls the second `web-07-i-...`). The second host's status-check alarm names its
instance id, and the alarm list calls it `web-07` by that id's Name tag: the old view put it on
the first host's page while the old health verdict left the first host ok. And an alarm on a
custom metric naming the first host (`Host=web-07`): the old health counted it, the old view
did not show it. Now each alarm is on one host only, in its health and on its page alike.

Why a private moto (a real moto server on a free port, not the lab's): the hosts and alarms
here would change what every other test sees in the shared lab, whose seed stays as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import aioboto3
import msgspec
import pytest
from moto.server import ThreadedMotoServer

from console.config import Settings
from console.data.aws.kinds import to_instance
from console.data.layer import DataLayer
from console.inventory import Instance
from console.services.aws_resource import resource_view
from tests.aws.conftest import with_aws

AMI = "ami-12c6146b"  # one of moto's built-in images
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


async def seed(url: str) -> str:
    """Two `web-07` hosts, a status-check alarm in ALARM on the second's id and a disk alarm
    in ALARM on a custom metric naming `web-07`; returns the second host's id."""
    session = aioboto3.Session()
    where = {"endpoint_url": url, "region_name": "us-east-1", **KEYS}
    ids: list[str] = []
    async with session.client("ec2", **where) as ec2:
        for _ in range(2):  # one call each: the first listed keeps the plain name
            tags = [{"Key": "Name", "Value": "web-07"}, {"Key": "team", "Value": "dba"}]
            answer = await ec2.run_instances(
                ImageId=AMI, InstanceType="t3.large", MinCount=1, MaxCount=1,
                TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
            )  # fmt: skip
            ids.append(answer["Instances"][0]["InstanceId"])
    alarms = {
        "web-07-status": ("AWS/EC2", "StatusCheckFailed", [("InstanceId", ids[1])]),
        "web-07-disk": ("Custom/Disk", "DiskUsedPercent", [("Host", "web-07"), ("path", "/")]),
    }
    async with session.client("cloudwatch", **where) as cloudwatch:
        for name, (namespace, metric, dims) in alarms.items():
            await cloudwatch.put_metric_alarm(
                AlarmName=name, Namespace=namespace, MetricName=metric, Statistic="Maximum",
                Period=60, EvaluationPeriods=1, Threshold=0.5,
                ComparisonOperator="GreaterThanThreshold",
                Dimensions=[{"Name": k, "Value": v} for k, v in dims],
            )  # fmt: skip
            await cloudwatch.set_alarm_state(
                AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed"
            )
    return ids[1]


@pytest.fixture
async def private_aws(
    settings: Settings, tmp_path: Path, moto_url: str
) -> AsyncIterator[DataLayer]:
    monitoring = msgspec.structs.replace(settings.monitoring, aws_endpoint=moto_url)
    console = msgspec.structs.replace(settings.console, state_dir=str(tmp_path / "state"))
    private = replace(settings, monitoring=monitoring, console=console)
    private = with_aws(private, tmp_path / "aws-cache", discover_kinds=True)
    async with DataLayer(private) as data:
        yield data


async def hosts(data: DataLayer) -> dict[str, Instance]:
    listed = await data.aws_kinds()
    assert listed.value is not None, listed.error
    return {r.name: to_instance(r, "production") for r in listed.value.resources}


async def test_each_alarm_is_one_hosts_in_its_health_and_on_its_page(
    private_aws: DataLayer, moto_url: str
) -> None:
    second_id = await seed(moto_url)
    found = await hosts(private_aws)
    second = f"web-07-{second_id}"
    assert sorted(found) == sorted(["web-07", second])

    first_health = (await private_aws.health(found["web-07"])).value
    first_view = (await resource_view(private_aws, found["web-07"])).alarms.value
    assert first_health is not None and first_view is not None
    assert first_health.state == "warn"  # the disk alarm only: not the other host's check
    assert first_health.reasons == (
        "alarm web-07-disk (DiskUsedPercent): Threshold Crossed",
    )  # fmt: skip
    assert [a.name for a in first_view] == ["web-07-disk"]

    second_health = (await private_aws.health(found[second])).value
    second_view = (await resource_view(private_aws, found[second])).alarms.value
    assert second_health is not None and second_view is not None
    assert second_health.state == "down"
    assert second_health.reasons == (
        "alarm web-07-status (StatusCheckFailed): Threshold Crossed",
    )  # fmt: skip
    assert [a.name for a in second_view] == ["web-07-status"]
