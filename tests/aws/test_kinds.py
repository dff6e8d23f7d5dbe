"""The AWS-only kinds on the lab's moto: listed, judged, reported, and never sent SQL or Redis.

The lab seeds them (console/lab/seed_aws_kinds.py): 2 MSK clusters, 3 EKS clusters, 4
DocumentDB instances, 2 OpenSearch domains, 12 EC2 hosts, one unhealthy of each kind with its
CloudWatch alarm in ALARM. Everything here reads moto through the same aioboto3 calls as AWS.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from console.data.aws.kind_health import DOWN_ALARM_METRICS
from console.data.aws_models import NOT_AVAILABLE
from console.data.layer import DataLayer
from console.lab import seed_aws_kinds
from console.lab.seed_aws_kinds import UNHEALTHY
from tests.helpers import run_opsconsole as opsconsole
from tests.helpers import screen_text

pytestmark = pytest.mark.lab

AT_LEAST = {"kafka": 2, "eks": 3, "docdb": 4, "opensearch": 2, "ec2": 1}


def test_inventory_lists_the_seeded_kinds_with_their_kind_and_group(lab_dir: Path) -> None:
    result = opsconsole("inventory", "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    counts = Counter(r["kind"] for r in rows.values())
    assert all(counts[kind] >= least for kind, least in AT_LEAST.items()), counts
    assert counts["ec2"] >= len(seed_aws_kinds.EC2_HOSTS)
    msk = rows["luckyus-msk-data"]
    assert (msk["kind"], msk["group"], msk["origin"], msk["secret"]) == (
        "kafka", "Data/Analytics", "aws", "none"
    )  # fmt: skip
    assert rows["luckyus-docdb-crm-03"]["kind"] == "docdb"
    assert rows["luckyus-docdb-crm-03"]["group"] == "Sales/CRM"  # its `group` tag
    assert rows["luckyus-es-logs"]["kind"] == "opensearch"
    assert rows["luckyus-eks-prod"]["group"] == "Platform"
    assert rows["luckyus-doris-be-03"]["kind"] == "ec2"
    last = opsconsole("inventory").stdout.splitlines()[-1]
    assert re.search(r", \d+ kafka, \d+ eks, \d+ docdb, \d+ opensearch, \d+ ec2$", last), last


def test_check_marks_each_seeded_unhealthy_resource_naming_its_alarm(lab_dir: Path) -> None:
    result = opsconsole("check", "--json")
    records = {r["name"]: r for r in json.loads(result.stdout)}
    assert result.returncode == 1  # something is unhealthy: the seeded resources at least
    for unhealthy in UNHEALTHY:
        record = records[unhealthy.name]
        expected = "down" if unhealthy.metric in DOWN_ALARM_METRICS else "warn"
        assert record["kind"] == unhealthy.kind
        assert record["state"] == expected, record
        assert any(r.startswith(f"alarm {unhealthy.alarm} ") for r in record["reasons"]), record
        assert record["error"] is None
    healthy = records["luckyus-docdb-crm-01"]
    assert (healthy["state"], healthy["status"], healthy["reasons"]) == ("ok", "available", [])
    host = records["luckyus-jumpserver-01"]  # its alarm is in OK: no reason
    assert (host["state"], host["status"]) == ("ok", "running")
    assert records["luckyus-eks-prod"]["state"] == "ok"
    assert records["luckyus-es-search"]["state"] == "ok"
    # moto never advances an MSK cluster past CREATING: the console says so, as it would on AWS
    assert records["luckyus-msk-core"]["reasons"] == ["MSK state CREATING"]


def test_report_health_includes_the_kinds_and_their_alarms(lab_dir: Path, tmp_path: Path) -> None:
    result = opsconsole("report", "health", "--json", "--output", str(tmp_path))
    report = json.loads(result.stdout)
    kinds = {k["kind"]: k for k in report["kinds"]}
    assert set(AT_LEAST) <= set(kinds)
    assert kinds["opensearch"]["down"] == 1 and kinds["ec2"]["down"] >= 1
    worst = {i["name"]: i for i in report["worst"]}
    es = worst["luckyus-es-logs"]
    assert es["state"] == "down"
    assert any("es-luckyus-es-logs-cluster-red" in reason for reason in es["reasons"])


@pytest.mark.parametrize(
    ("verb", "args"),
    [
        ("query", ("--instance", "luckyus-jumpserver-01", "select 1")),
        ("plan", ("--instance", "luckyus-docdb-crm-01", "select 1")),
        ("redis", ("--instance", "luckyus-eks-prod", "INFO")),
        ("digest", ("--instance", "luckyus-es-logs")),
    ],
)
def test_a_verb_for_a_server_refuses_an_aws_kind_clearly(
    lab_dir: Path, verb: str, args: tuple[str, ...]
) -> None:
    result = opsconsole(verb, *args)
    assert result.returncode == 2
    assert f"opsconsole: {verb}: refused: {args[1]} is " in result.stderr
    assert "no SQL statement or Redis command is ever sent to it" in result.stderr
    assert result.stdout == ""


async def test_the_data_layer_sends_nothing_to_an_aws_kind(data: DataLayer) -> None:
    fleet = await data.fleet()
    host = fleet.by_name("luckyus-jumpserver-01")
    assert host is not None and host.is_aws
    for reading in (
        await data.queries.query(host, "select 1"),
        await data.queries.redis(host, ["PING"]),
        await data.queries.kill(host, 42, "test"),
        await data.queries.action(host, "delete from t where id = 1"),
    ):
        assert reading is not None and reading.value is None and reading.error is not None
        assert (reading.error.kind, reading.error.source) == ("refused", "aws")
        assert "luckyus-jumpserver-01 is EC2 on AWS" in reading.error.message
    with pytest.raises(ValueError, match="not a SQL server"):
        data.sql(host)


async def test_describe_fields_name_what_moto_does_not_answer(data: DataLayer) -> None:
    listed = await data.aws_kinds()
    assert listed.value is not None and listed.value.failed == ()
    by_name = {r.name: r for r in listed.value.resources}
    msk = by_name["luckyus-msk-core"]
    assert (msk.node_count, msk.node_type, msk.version) == (3, "kafka.m5.large", "3.6.0")
    assert msk.fact("topics") == NOT_AVAILABLE  # moto: no ListTopics
    assert msk.fact("bootstrap brokers") == NOT_AVAILABLE  # moto: no GetBootstrapBrokers
    eks = by_name["luckyus-eks-prod"]
    assert (eks.status, eks.version, eks.node_count) == ("ACTIVE", "1.29", 10)
    assert eks.fact("node group ng-general") == "ACTIVE 6 nodes (3-12) m5.xlarge"
    host = by_name["luckyus-doris-be-03"]
    assert host.resource_id.startswith("i-") and host.node_type == "r5.2xlarge"
    assert host.fact("status checks") == "system ok, instance ok"


def test_seeding_again_adds_nothing(lab_dir: Path) -> None:
    assert seed_aws_kinds.seeded()
    hosts = seed_aws_kinds.ec2_ids()
    before = Counter(hosts)
    seed_aws_kinds._ec2()  # the steps themselves look before they create
    seed_aws_kinds._msk(*seed_aws_kinds.MSK_CLUSTERS[0])
    seed_aws_kinds._eks(*seed_aws_kinds.EKS_CLUSTERS[0])
    assert Counter(seed_aws_kinds.ec2_ids()) == before
    listed = json.loads(seed_aws_kinds.rest("kafka", "GET", "/api/v2/clusters"))
    names = [c["clusterName"] for c in listed["clusterInfoList"]]
    assert names.count("luckyus-msk-core") == 1
    assert seed_aws_kinds.seed() is None  # seeded: one request


def test_a_screenshot_of_an_aws_kind_waits_for_its_overview(lab_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "be-03.svg"
    result = opsconsole(
        "screenshot", "--instance", "luckyus-doris-be-03", "--pane", "overview", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    text = screen_text(out.read_text())
    assert "1 in ALARM" in text and "ec2-luckyus-doris-be-03-status-check" in text
