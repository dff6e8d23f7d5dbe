"""The describe calls of the lab's MSK, EKS, DocumentDB, OpenSearch and EC2 resources (moto,
seeded by console/lab/seed_aws_kinds.py), and their CloudWatch charts: typed overviews with
the gaps moto leaves named in place, charts with the dimensions CloudWatch keeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from console.data.aws_models import ResourceOverview
from console.data.layer import DataLayer
from console.inventory import Fleet, Instance
from console.services.cloudwatch import grouped_charts
from widgets.metric_chart import series_label

pytestmark = pytest.mark.lab

NAMES = {
    "kafka": "luckyus-msk-data",
    "eks": "luckyus-eks-data",
    "docdb": "luckyus-docdb-crm-03",
    "opensearch": "luckyus-es-logs",
    "ec2": "luckyus-doris-be-03",
}


def value_of(overview: ResourceOverview, label: str) -> str | None:
    found = overview.fact(label)
    return found.value if found is not None else None


async def resource(data: DataLayer, kind: str) -> Instance:
    fleet: Fleet = await data.fleet()
    instance = fleet.by_name(NAMES[kind])
    assert instance is not None and instance.kind == kind, f"{NAMES[kind]} not discovered"
    return instance


async def test_msk_overview_counts_brokers_and_names_the_calls_moto_lacks(
    aws_data: DataLayer,
) -> None:
    reading = await aws_data.aws_overview(await resource(aws_data, "kafka"))
    assert reading.error is None and reading.value is not None
    msk = reading.value
    assert (msk.service, msk.version, msk.broker_ids) == ("MSK", "3.6.0", ("1", "2", "3"))
    assert value_of(msk, "Broker size") == "kafka.m5.xlarge"
    assert msk.members_missing == "not available from this API (kafka ListNodes)"
    topics = msk.fact("Topics")
    assert topics is not None and topics.missing == "not available from this API (kafka ListTopics)"


async def test_eks_overview_lists_node_groups_and_nodes(aws_data: DataLayer) -> None:
    reading = await aws_data.aws_overview(await resource(aws_data, "eks"))
    assert reading.value is not None, reading.error
    eks = reading.value
    assert (eks.status, eks.version, eks.healthy) == ("ACTIVE", "1.28", True)
    groups = {m.name: m for m in eks.members}
    assert set(groups) == {"ng-spark", "ng-airflow"}
    assert groups["ng-spark"].size == "r5.2xlarge"
    assert groups["ng-spark"].count == "5 (min 2, max 10)"
    nodes = eks.fact("Nodes (desired)")
    assert nodes is not None and nodes.value == "7"


async def test_docdb_opensearch_and_ec2_overviews(aws_data: DataLayer) -> None:
    docdb = (await aws_data.aws_overview(await resource(aws_data, "docdb"))).value
    assert docdb is not None and docdb.service == "DocumentDB"
    assert docdb.fact("Instance class") is not None
    assert docdb.dimensions == (("DBInstanceIdentifier", "luckyus-docdb-crm-03"),)
    search = (await aws_data.aws_overview(await resource(aws_data, "opensearch"))).value
    assert search is not None and search.version == "OpenSearch_2.11"
    assert value_of(search, "Data nodes") == "3"
    assert ("DomainName", "luckyus-es-logs") in search.dimensions
    host = (await aws_data.aws_overview(await resource(aws_data, "ec2"))).value
    assert host is not None and host.identifier.startswith("i-")
    assert host.dimensions == (("InstanceId", host.identifier),)
    assert value_of(host, "Type") == "r5.2xlarge"


@pytest.mark.parametrize("kind", list(NAMES))
async def test_each_kind_charts_its_first_figures_from_cloudwatch(
    aws_data: DataLayer, kind: str
) -> None:
    instance = await resource(aws_data, kind)
    overview = (await aws_data.aws_overview(instance)).value
    assert overview is not None
    specs = await aws_data.aws_charts(overview)
    assert specs.value is not None, specs.error
    charted = [s for s in specs.value if s.metrics]
    assert charted, [s.missing for s in specs.value]
    answer = await grouped_charts(
        aws_data, instance, timedelta(hours=24), tuple(s.metrics for s in charted),
        datetime.now(UTC),
    )  # fmt: skip
    assert answer.error is None and answer.has_points
    if kind == "kafka":  # one series per broker
        cpu = answer.charts[0].value
        assert cpu is not None and [s.label("Broker ID") for s in cpu] == [
            "Broker ID 1", "Broker ID 2", "Broker ID 3",
        ]  # fmt: skip
        assert series_label(cpu[1]).startswith("Broker ID 2 · ")  # shown first in the legend


async def test_an_unknown_resource_is_a_failed_reading(aws_data: DataLayer) -> None:
    instance = await resource(aws_data, "ec2")
    ghost = replace(instance, name="luckyus-no-such-host", resource_id=None)
    reading = await aws_data.aws_overview(ghost)
    assert reading.value is None and reading.error is not None
    assert "luckyus-no-such-host" in reading.error.message


async def test_alarms_name_the_resource_an_on_call_knows(aws_data: DataLayer) -> None:
    reading = await aws_data.cloudwatch_alarms()
    assert reading.value is not None, reading.error
    by_name = {a.name: a.instance for a in reading.value}
    assert by_name["ec2-luckyus-doris-be-03-status-check"] == "luckyus-doris-be-03"  # not i-...
    assert by_name["es-luckyus-es-logs-cluster-red"] == "luckyus-es-logs"
    assert by_name["msk-luckyus-msk-data-under-replicated"] == "luckyus-msk-data"
    assert by_name["eks-luckyus-eks-data-failed-nodes"] == "luckyus-eks-data"
