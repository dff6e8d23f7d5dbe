"""Each AWS kind's view on the lab (moto seeded), pressed through real keys: the overview's
figures from the describe calls, the resource's alarms (its seeded one in ALARM), the Metrics
tab's CloudWatch charts, and Enter on its alarm in Alerts opening the resource."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.app import OpsConsoleApp
from console.config import Settings
from console.screens.alerts import AlertsScreen
from console.screens.aws_resource import AwsResourceScreen
from console.screens.cloudwatch_charts import CloudWatchCharts
from tests.aws.conftest import with_aws
from tests.helpers import mounted, screen_text, wait_until
from tests.screens.conftest import app_for
from widgets.alert_list import AlertList
from widgets.aws_overview import ResourceAlarmsPanel, ResourceOverviewPanel
from widgets.metric_chart import MetricChart

pytestmark = pytest.mark.lab

# kind: (the seeded unhealthy resource, its alarm, figures its overview shows)
SEEDED = {
    "kafka": ("luckyus-msk-data", "msk-luckyus-msk-data-under-replicated",
              ("Kafka version", "3.6.0", "kafka.m5.xlarge", "not available from this API")),
    "eks": ("luckyus-eks-data", "eks-luckyus-eks-data-failed-nodes",
            ("Kubernetes version", "1.28", "ng-spark", "5 (min 2, max 10)")),
    "docdb": ("luckyus-docdb-crm-03", "docdb-luckyus-docdb-crm-03-replica-lag",
              ("Instance class", "db.r5.large", "luckyus-docdb-crm")),
    "opensearch": ("luckyus-es-logs", "es-luckyus-es-logs-cluster-red",
                   ("OpenSearch_2.11", "r6g.large.search", "Data nodes")),
    "ec2": ("luckyus-doris-be-03", "ec2-luckyus-doris-be-03-status-check",
            ("r5.2xlarge", "Status checks", "Instance id")),
}  # fmt: skip


def aws_app(settings: Settings, tmp_path: Path) -> OpsConsoleApp:
    return app_for(with_aws(settings, tmp_path / "aws-cache"), tmp_path / "out")


def shown(app: OpsConsoleApp) -> str:
    return screen_text(app.export_screenshot())


@pytest.mark.parametrize("kind", list(SEEDED))
async def test_the_view_shows_the_overview_and_the_firing_alarm(
    settings: Settings, tmp_path: Path, kind: str
) -> None:
    name, alarm, figures = SEEDED[kind]
    app = aws_app(settings, tmp_path)
    app.start = (name, "overview")
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, AwsResourceScreen), 30)
        screen = app.screen
        assert isinstance(screen, AwsResourceScreen)
        await wait_until(pilot, screen.has_data, 30)
        overview = screen.query_one(ResourceOverviewPanel)
        alarms = screen.query_one(ResourceAlarmsPanel)

        def answered() -> bool:
            return all(
                r is not None and r.value is not None for r in (overview.reading, alarms.reading)
            )

        await wait_until(pilot, answered, 30)
        await pilot.pause()
        text = shown(app)
        for figure in figures:
            assert figure in text, figure
        assert alarm in text and "1 in ALARM" in text
        await pilot.press("4")  # the Metrics tab: the kind's CloudWatch charts
        await wait_until(pilot, lambda: bool(screen.query(CloudWatchCharts)), 30)
        group = screen.query_one(CloudWatchCharts)
        await wait_until(pilot, lambda: group.fetches >= 1, 30)
        charts = list(group.query(MetricChart))
        assert charts and all(str(c.border_title).startswith("CloudWatch · ") for c in charts)
        await pilot.press("t")  # the charts hold the focus with their tab: a new range at once
        await wait_until(pilot, lambda: "[1h]" in shown(app))
        assert app.worker_errors == []


@pytest.mark.parametrize("kind", ["ec2", "opensearch"])
async def test_enter_on_its_alarm_in_alerts_opens_the_resource(
    settings: Settings, tmp_path: Path, kind: str
) -> None:
    name, alarm, _ = SEEDED[kind]
    app = aws_app(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        # the fleet with AWS discovery in it, as the fleet screen shows it, before `a`
        await wait_until(pilot, lambda: app.fleet.by_name(name) is not None, 30)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        alerts = await mounted(pilot, AlertList)
        await wait_until(pilot, lambda: any(a.name == alarm for a in alerts.shown_alarms), 30)
        for _ in range(alerts.option_count):
            highlighted = alerts.highlighted_alarm()
            if highlighted is not None and highlighted.name == alarm:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AwsResourceScreen), 30)
        screen = app.screen
        assert isinstance(screen, AwsResourceScreen)
        assert screen.instance.name == name
        assert app.worker_errors == []


async def test_alerts_opened_before_discovery_still_open_the_resource(
    settings: Settings, tmp_path: Path
) -> None:
    """`a` at once, before AWS discovery answered: Enter uses the fleet as it is by then."""
    name, alarm, _ = SEEDED["ec2"]
    app = aws_app(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        alerts = await mounted(pilot, AlertList)
        await wait_until(pilot, lambda: any(a.name == alarm for a in alerts.shown_alarms), 30)
        await wait_until(pilot, lambda: app.fleet.by_name(name) is not None, 30)
        for _ in range(alerts.option_count):
            highlighted = alerts.highlighted_alarm()
            if highlighted is not None and highlighted.name == alarm:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AwsResourceScreen), 30)
        assert app.worker_errors == []
