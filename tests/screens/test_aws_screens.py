"""AWS in the console's screens, pressed through real keys against the lab (moto seeded).

CloudWatch alarms beside Alertmanager's alerts (Enter opens the instance's Metrics tab), the
cost screen (`$`: a paid call, then a refresh from the cache that costs nothing), CloudWatch
charts on the Metrics tab, and AWS failures shown in place without breaking the rest.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.widgets import DataTable

from console.app import OpsConsoleApp
from console.config import Settings
from console.screens.alerts import AlertsScreen
from console.screens.cloudwatch_charts import CloudWatchCharts
from console.screens.cost import CostScreen
from console.screens.instance import InstanceScreen
from tests.aws.conftest import with_aws
from tests.helpers import mounted, screen_text, wait_until
from tests.screens.conftest import app_for
from widgets.alert_list import AlertList
from widgets.cost_view import CostView
from widgets.metric_chart import MetricChart
from widgets.status_bar import StatusBar

pytestmark = pytest.mark.lab

SEEDED_ALARM = "rds-salesorder-cpu-high"


def aws_app(settings: Settings, tmp_path: Path, **aws: Any) -> OpsConsoleApp:
    """The app on the lab with a private paid-call cache (so the first report is paid)."""
    options = {"discovery": False, **aws}
    return app_for(with_aws(settings, tmp_path / "aws-cache", **options), tmp_path / "out")


def shown(app: OpsConsoleApp) -> str:
    """The screen's text, as a user reads it."""
    return screen_text(app.export_screenshot())


def status_text(app: OpsConsoleApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def test_a_seeded_alarm_shows_beside_alerts_and_enter_opens_its_metrics(
    settings: Settings, tmp_path: Path
) -> None:
    app = aws_app(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        alerts = await mounted(pilot, AlertList)
        await wait_until(pilot, lambda: any(a.name == SEEDED_ALARM for a in alerts.shown_alarms))
        assert SEEDED_ALARM in shown(app)
        assert app.firing >= 3  # the three seeded alarms in ALARM, plus any firing alert
        assert f"▲ {app.firing} firing" in status_text(app)
        for _ in range(alerts.option_count):
            alarm = alerts.highlighted_alarm()
            if alarm is not None and alarm.name == SEEDED_ALARM:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InstanceScreen))
        screen = app.screen
        assert isinstance(screen, InstanceScreen)
        assert screen.instance.name == "aws-luckyus-salesorder-rw"
        assert screen.pane == "metrics"
        assert app.worker_errors == []


async def test_metrics_tab_charts_cloudwatch_metrics(settings: Settings, tmp_path: Path) -> None:
    app = aws_app(settings, tmp_path)
    app.start = ("aws-luckyus-salesorder-rw", "metrics")
    async with app.run_test(size=(160, 50)) as pilot:
        group = await mounted(pilot, CloudWatchCharts)
        charts = list(group.query(MetricChart))

        def charted() -> bool:
            reading = charts[0].reading
            value = reading.value if reading is not None else None
            return value is not None and len(value) > 0 and len(value[0].points) > 0

        await wait_until(pilot, lambda: group.fetches >= 1)
        app.screen.query_one("#metrics-pane").focus()
        for fetches in range(1, 4):  # 1h, 6h, 24h: moto holds the 2 h before the lab's start
            await pilot.press("t")  # a new range asks CloudWatch again at once
            await wait_until(pilot, lambda: group.fetches > fetches)  # noqa: B023
        await wait_until(pilot, charted)
        titles = [str(chart.border_title) for chart in charts]
        assert "CloudWatch · CPUUtilization" in titles
        assert "CloudWatch · FreeableMemory" in titles
        assert "CloudWatch · AWS/RDS" in shown(app)


async def test_cost_screen_counts_a_paid_call_and_a_refresh_from_cache_costs_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    app = aws_app(settings, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("dollar_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, CostScreen))
        screen = app.screen
        assert isinstance(screen, CostScreen)
        await wait_until(pilot, screen.has_data)
        view = screen.query_one(CostView)
        services = screen.query_one("#by-service", DataTable)
        assert services.get_row_at(0)[0] == "Amazon Elastic Compute Cloud - Compute"
        assert view.outcome == "1 paid call"
        await wait_until(pilot, lambda: "AWS $0.01 · 1 call" in status_text(app))
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.answers == 2)
        assert view.outcome == "from cache"
        assert app.paid is not None and app.paid.today_calls == 1
        assert "AWS $0.01 · 1 call" in status_text(app)
        assert "from cache" in shown(app)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: any((tmp_path / "out").glob("*cost.csv")))
        csv_text = next((tmp_path / "out").glob("*cost.csv")).read_text()
        assert "Amazon Relational Database Service" in csv_text
        assert app.worker_errors == []


async def test_budget_refusal_shows_in_place(settings: Settings, tmp_path: Path) -> None:
    app = aws_app(settings, tmp_path, cost_daily_budget_usd=0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("dollar_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, CostScreen))
        screen = app.screen
        assert isinstance(screen, CostScreen)
        await wait_until(pilot, screen.has_data)
        text = shown(app)
        assert "Refused, no call made" in text
        assert "budget reached" in text
        assert screen.query_one(CostView).has_class("-error")


async def test_a_failing_aws_marks_cloudwatch_and_keeps_alertmanager(
    settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
    dead = replace(
        settings, monitoring=msgspec.structs.replace(settings.monitoring, aws_endpoint=endpoint)
    )
    app = aws_app(dead, tmp_path, call_timeout_s=3.0)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        alerts = await mounted(pilot, AlertList)
        await wait_until(pilot, lambda: app.alarms is not None, within_s=20)
        await wait_until(pilot, lambda: "CLOUDWATCH · no data" in shown(app))
        assert alerts.reading is not None and alerts.reading.error is None  # Alertmanager fine
        assert not alerts.has_class("-error")
        assert app.worker_errors == []
