"""On the lab: `opsconsole investigate --instance` on the seeded unhealthy resource of each AWS
kind, as a user runs it. EC2, EKS and OpenSearch (the seed's /investigate-ec2, -k8s and
-elasticsearch) write a bundle whose first finding names the resource's alarm; DocumentDB and
MSK bundles hold at least the describe answer, the alarms and the CloudWatch figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.investigate.conftest import RunVerb, bundle_text

pytestmark = pytest.mark.lab

FIRST = {
    "luckyus-doris-be-03": "CloudWatch alarm ec2-luckyus-doris-be-03-status-check in ALARM: "
    "StatusCheckFailed (AWS/EC2)",
    "luckyus-eks-data": "CloudWatch alarm eks-luckyus-eks-data-failed-nodes in ALARM: "
    "cluster_failed_node_count (ContainerInsights)",
    "luckyus-es-logs": "CloudWatch alarm es-luckyus-es-logs-cluster-red in ALARM: "
    "ClusterStatus.red (AWS/ES)",
}


def findings(folder: Path) -> list[dict[str, str]]:
    record = json.loads((folder / "findings.json").read_text())
    found: list[dict[str, str]] = record["findings"]
    return found


@pytest.mark.parametrize("name", list(FIRST))
async def test_the_first_finding_names_the_alarm(
    opsconsole: RunVerb, tmp_path: Path, name: str
) -> None:
    run = await opsconsole(
        "investigate", "--instance", name, "--no-screens", "--output", str(tmp_path)
    )
    assert run.status == 1, run.stderr  # a warning or critical finding
    first = findings(run.folder)[0]
    assert first["severity"] == "critical"
    assert first["title"].startswith(FIRST[name]), first["title"]
    report = (run.folder / "report.md").read_text()
    assert f"1. **CRITICAL: {FIRST[name]}" in report
    for table in ("overview", "alarms", "members", "metrics", "sources"):
        assert (run.folder / f"{table}.csv").exists(), table
    sources = (run.folder / "sources.csv").read_text()
    assert "overview,ok" in sources and "alarms,ok" in sources
    assert "CloudWatch ·" in (run.folder / "metrics.csv").read_text()


@pytest.mark.parametrize(
    ("name", "alarm", "fact"),
    [
        ("luckyus-docdb-crm-03", "docdb-luckyus-docdb-crm-03-replica-lag",
         "Instance class,db.r5.large"),
        ("luckyus-msk-data", "msk-luckyus-msk-data-under-replicated", "Brokers,3"),
    ],
)  # fmt: skip
async def test_docdb_and_msk_bundles_hold_describe_alarms_and_metrics(
    opsconsole: RunVerb, tmp_path: Path, name: str, alarm: str, fact: str
) -> None:
    run = await opsconsole(
        "investigate", "--instance", name, "--no-screens", "--output", str(tmp_path)
    )
    assert run.status == 1, run.stderr
    assert findings(run.folder)[0]["title"].startswith(f"CloudWatch alarm {alarm} in ALARM")
    assert f"{alarm},ALARM" in (run.folder / "alarms.csv").read_text()
    assert fact in (run.folder / "overview.csv").read_text()
    assert "CloudWatch ·" in (run.folder / "metrics.csv").read_text()


async def test_an_investigation_photographs_the_resource_tabs(
    opsconsole: RunVerb, tmp_path: Path
) -> None:
    run = await opsconsole(
        "investigate", "--instance", "luckyus-es-logs", "--output", str(tmp_path),
        timeout_s=180.0,
    )  # fmt: skip
    assert run.status == 1, run.stderr
    shots = sorted(p.name for p in (run.folder / "screens").glob("*.svg"))
    assert shots == ["metrics.svg", "overview.svg"]
    assert "es-luckyus-es-logs-cluster-red" in bundle_text(run.folder)
