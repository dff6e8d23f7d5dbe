"""The findings and bundle of an MSK, EKS, DocumentDB, OpenSearch or EC2 investigation, from
deterministic evidence: the firing alarm is named first, then the service's own status, then
the CloudWatch figures past their level; the bundle has the overview, members and alarms."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from console.analysis.evidence import AwsEvidence, Evidence, MetricEvidence
from console.analysis.findings import analyse
from console.data.aws_models import OverviewMember, ResourceOverview, alarms_of
from console.data.models import Health, InstanceRef, Reading, SourceError
from console.services.investigation.bundle import write_bundle
from tests import factories_aws_kinds as fk
from tests.factories import AT, reading


def evidence(kind: str, *, firing: bool = True, figure: float | None = None) -> Evidence:
    overview = fk.overview_reading(kind)
    assert overview.value is not None
    alarms = fk.alarms_reading(kind)
    if not firing:
        alarms = replace(alarms, value=tuple(a for a in alarms.value or () if not a.firing))
    name, metric = overview.value.name, fk.ALARMS[kind][2]
    metrics: tuple[MetricEvidence, ...] = ()
    if figure is not None:
        chart = fk.chart_reading(fk.series(name, metric, 0.0, bad=figure))
        metrics = (MetricEvidence(f"CloudWatch · {metric}", "", metric, chart),)
    return Evidence(
        instance=InstanceRef(kind, name, "Data/Analytics", "production", "-"),
        started_at=AT,
        window=timedelta(hours=1),
        alert=None,
        related_alerts=(),
        health=reading(Health("ok", 0.0)),
        metrics=metrics,
        aws=AwsEvidence(overview, alarms),
    )


@pytest.mark.parametrize("kind", ["ec2", "eks", "opensearch", "kafka", "docdb"])
def test_the_first_finding_names_the_firing_alarm(kind: str) -> None:
    findings = analyse(evidence(kind, figure=12.0))
    alarm, _, metric, _ = fk.ALARMS[kind]
    assert findings[0].severity == "critical"
    assert findings[0].title.startswith(f"CloudWatch alarm {alarm} in ALARM: {metric}")
    assert "Threshold Crossed" in findings[0].detail


def test_a_status_check_figure_is_named_without_an_alarm() -> None:
    findings = analyse(evidence("ec2", firing=False, figure=1.0))
    assert [f.title for f in findings] == ["EC2 status check failed: 1"]
    assert findings[0].severity == "critical"


def test_a_healthy_resource_has_no_finding() -> None:
    assert analyse(evidence("opensearch", firing=False, figure=0.0)) == ()


def test_a_degraded_node_group_is_named() -> None:
    base = evidence("eks", firing=False)
    assert base.aws is not None and base.aws.overview.value is not None
    sick = OverviewMember("ng-spark", "DEGRADED", "r5.2xlarge", "5 (min 2, max 10)", False,
                          "NodeCreationFailure: 2 nodes NotReady")  # fmt: skip
    overview = replace(base.aws.overview.value, members=(sick,))
    aws = AwsEvidence(replace(base.aws.overview, value=overview), base.aws.alarms)
    (finding,) = analyse(replace(base, aws=aws))
    assert finding.title == "EKS luckyus-eks-data: node groups not healthy: ng-spark DEGRADED"
    assert "NodeCreationFailure" in finding.detail


def test_alarms_of_matches_by_name_or_identifying_dimension() -> None:
    alarms = fk.alarms_reading("ec2").value or ()
    by_id = tuple(replace(a, instance="i-0d3f5e7a9b1c2d4e6") for a in alarms)
    ec2 = fk.ec2()
    assert alarms_of(by_id, ec2.name, None, ec2.dimensions) == by_id  # EC2: by InstanceId
    assert alarms_of(by_id, ec2.name) == ()
    shared = tuple(replace(a, dimensions=(("ClientId", "123456789012"),), instance=None)
                   for a in alarms)  # fmt: skip
    assert alarms_of(shared, "luckyus-es-logs", None, fk.opensearch().dimensions) == ()


def test_the_bundle_has_the_overview_members_and_alarms(tmp_path: Path) -> None:
    gathered = evidence("eks", figure=2.0)
    report = write_bundle(tmp_path, gathered, analyse(gathered))
    text = report.read_text()
    assert "1. **CRITICAL: CloudWatch alarm eks-luckyus-eks-data-failed-nodes in ALARM" in text
    overview = (tmp_path / "overview.csv").read_text()
    assert "Kubernetes version,1.28" in overview
    assert "not available from this API (the Kubernetes API, not EKS)" in overview
    assert "ng-spark,ACTIVE,r5.2xlarge" in (tmp_path / "members.csv").read_text()
    assert "eks-luckyus-eks-data-failed-nodes,ALARM" in (tmp_path / "alarms.csv").read_text()


def test_a_failed_describe_is_kept_in_the_bundle(tmp_path: Path) -> None:
    gathered = evidence("kafka")
    assert gathered.aws is not None
    failed: Reading[ResourceOverview] = Reading(
        "luckyus-msk-data", "aws", AT, 0.1,
        error=SourceError("luckyus-msk-data", "aws", "denied", "AccessDeniedException"),
    )  # fmt: skip
    aws = AwsEvidence(failed, gathered.aws.alarms)
    write_bundle(tmp_path, replace(gathered, aws=aws), analyse(replace(gathered, aws=aws)))
    sources = (tmp_path / "sources.csv").read_text()
    assert "overview,FAILED" in sources and "AccessDeniedException" in sources
