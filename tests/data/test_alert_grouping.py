"""Pure parts of the Alertmanager source (no server): grouping, severity order, matchers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.data.http import make_alert
from console.data.models import Alert
from console.data.sources.alertmanager import group_alerts, render_matcher, severity_rank


def alert(name: str, severity: str | None, instance: str, fingerprint: str = "") -> Alert:
    labels = {"alertname": name, "instance": instance}
    if severity is not None:
        labels["severity"] = severity
    pairs = tuple(sorted(labels.items()))
    started = datetime(2026, 1, 1, tzinfo=UTC)
    return make_alert(fingerprint or f"{name}-{instance}", pairs, {}, "active", started)


def test_groups_by_severity_rank_then_name() -> None:
    alerts = [
        alert("DiskFull", "warning", "db1"),
        alert("NoSeverity", None, "db1"),
        alert("InstanceDown", "critical", "db2"),
        alert("ApiErrors", "error", "api"),
        alert("Backup", "info", "db1"),
        alert("Anomaly", "page", "db1"),  # unknown severity: after info, before none
        alert("CacheLow", "warning", "redis1"),
        alert("InstanceDown", "critical", "db1"),
        alert("AReplicaLag", "critical", "db3"),
    ]
    groups = group_alerts(alerts)
    assert [(g.severity, g.name, len(g.alerts)) for g in groups] == [
        ("critical", "AReplicaLag", 1),
        ("critical", "InstanceDown", 2),
        ("error", "ApiErrors", 1),
        ("warning", "CacheLow", 1),
        ("warning", "DiskFull", 1),
        ("info", "Backup", 1),
        ("page", "Anomaly", 1),
        ("none", "NoSeverity", 1),
    ]


def test_alerts_in_a_group_are_in_a_stable_order() -> None:
    first = group_alerts([alert("Down", "critical", "db2"), alert("Down", "critical", "db1")])
    second = group_alerts([alert("Down", "critical", "db1"), alert("Down", "critical", "db2")])
    assert first == second
    assert [a.label("instance") for a in first[0].alerts] == ["db1", "db2"]


def test_grouping_nothing_gives_no_groups() -> None:
    assert group_alerts([]) == ()


def test_missing_severity_is_none() -> None:
    assert alert("X", None, "a").severity == "none"


def test_summary_is_masked_and_falls_back_to_description() -> None:
    pairs = (("alertname", "Leak"),)
    masked = make_alert("f", pairs, {"summary": "row for jane.doe@example.com"}, "active", None)
    assert masked.summary == "row for ***@example.com"
    described = make_alert("f", pairs, {"description": "two\n  lines"}, "active", None)
    assert described.summary == "two lines"


@pytest.mark.parametrize(
    ("severity", "rank"),
    [("critical", 0), ("CRITICAL", 0), ("error", 1), ("warning", 2), ("info", 3), ("page", 4)],
)
def test_severity_rank(severity: str, rank: int) -> None:
    assert severity_rank(severity) == rank
    assert severity_rank(severity) < severity_rank("none")


@pytest.mark.parametrize(
    ("matcher", "text"),
    [
        (
            {"name": "alertname", "value": "Down", "isRegex": False, "isEqual": True},
            'alertname="Down"',
        ),
        (
            {"name": "instance", "value": "db-.*", "isRegex": True, "isEqual": True},
            'instance=~"db-.*"',
        ),
        ({"name": "env", "value": "lab", "isRegex": False, "isEqual": False}, 'env!="lab"'),
        ({"name": "env", "value": "l.*", "isRegex": True, "isEqual": False}, 'env!~"l.*"'),
        ({"name": "job", "value": "redis", "isRegex": False}, 'job="redis"'),  # no isEqual: =
        ({"name": "q", "value": 'say "hi"', "isRegex": False}, 'q="say \\"hi\\""'),
    ],
)
def test_render_matcher(matcher: dict[str, object], text: str) -> None:
    assert render_matcher(matcher) == text
