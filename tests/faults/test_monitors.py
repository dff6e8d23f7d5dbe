"""The fault matrix, monitoring rows: Prometheus, Alertmanager and moto (AWS) each stopped and
each frozen (SIGSTOP).

The console stays open through every fault: the failing pane says why in place (within the
HTTP or AWS timeout of the fault config), the other panes keep updating, and the pane is live
again once the part returns (restarted, or SIGCONT), without reopening anything.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.app import OpsConsoleApp
from console.data.layer import DataLayer
from console.lab import topology
from console.screens.alerts import AlertsScreen
from tests.faults.copies import Copy, StartCopy
from tests.faults.fault_config import (
    AWS_CALL_TIMEOUT_S,
    REDIS_NAME,
    TIMEOUTS,
    Parts,
    write_settings,
)
from tests.faults.seen import (
    SCREEN,
    WITHIN_S,
    answered,
    checked_after,
    open_instance,
    painted,
    run_check,
    shows,
)
from tests.helpers import wait_until
from widgets.alert_list import AlertList
from widgets.fleet_tree import FleetTree
from widgets.status_bar import StatusBar

pytestmark = [pytest.mark.lab, pytest.mark.timeout(150)]

LAB_CLUSTER = "luckyus-isales-market"
"""A cluster the lab's exporters publish: a Prometheus copy discovers it and has its figures."""
HTTP_TIMEOUT = f"timeout: no answer within {TIMEOUTS['http_s']:.1f}s"
AWS_TIMEOUT = f"timeout: no answer within {AWS_CALL_TIMEOUT_S:.1f}s"


def refused(copy: Copy) -> str:
    return f"unreachable: connection refused (127.0.0.1:{copy.port})"


def prometheus_failing(app: OpsConsoleApp) -> tuple[str, ...]:
    return tuple(f for f in app.screen.query_one(StatusBar).failing if f.startswith("prometheus"))


async def discovered(prometheus: Copy, settings_path: Path) -> None:
    """Wait until the copy publishes the lab's Redis targets (discovery reads them)."""
    from console.config import load_settings
    from tests.faults.fault_config import PROFILE

    settings = load_settings(settings_path, PROFILE)
    layer = DataLayer(settings)
    expected = sum(len(server.clusters) for server in topology.redis_servers())
    try:
        for _ in range(int(WITHIN_S / 0.2)):
            reading = await layer.prometheus.redis_clusters(settings.monitoring.redis_discovery)
            if reading.value is not None and len(reading.value) == expected:
                return
            await asyncio.sleep(0.2)
    finally:
        await layer.close()
    raise AssertionError(f"the Prometheus copy on {prometheus.port} never listed the lab targets")


async def test_prometheus_stopped_then_frozen_marks_the_metrics_tab_and_recovers(
    start: StartCopy, fault_root: Path, lab_dir: Path
) -> None:
    redis = start("redis", secrets_from=lab_dir / "secrets")
    prometheus = start("prometheus")
    settings = write_settings(fault_root, Parts(prometheus=prometheus, redis=redis))
    await discovered(prometheus, settings.path)
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        tree = app.screen.query_one(FleetTree)
        await wait_until(pilot, lambda: app.fleet.by_name(LAB_CLUSTER) is not None, WITHIN_S)
        screen = await open_instance(app, pilot, LAB_CLUSTER)
        await pilot.press("4")
        await wait_until(pilot, lambda: "metrics" in screen.loaded, WITHIN_S)
        assert prometheus_failing(app) == ()

        await asyncio.to_thread(prometheus.stop)
        await wait_until(pilot, lambda: prometheus_failing(app) != (), WITHIN_S)
        assert prometheus_failing(app) == ("prometheus unreachable",)
        await shows(pilot, app, refused(prometheus))

        await asyncio.to_thread(prometheus.start)
        await wait_until(pilot, lambda: prometheus_failing(app) == (), WITHIN_S)
        assert refused(prometheus) not in await painted(pilot, app)

        await asyncio.to_thread(prometheus.freeze)
        await wait_until(pilot, lambda: prometheus_failing(app) != (), WITHIN_S)
        assert prometheus_failing(app) == ("prometheus timeout",)
        await shows(pilot, app, HTTP_TIMEOUT)
        check = await run_check(settings)
        assert f"Redis discovery from Prometheus failed ({HTTP_TIMEOUT})" in check.warnings
        assert check.answered(REDIS_NAME)  # the configured inventory, still checked
        # and the clusters discovered before the freeze stand in from the kept list
        assert LAB_CLUSTER in check.rows
        assert "kept from" in check.warnings

        await asyncio.to_thread(prometheus.thaw)
        await wait_until(pilot, lambda: prometheus_failing(app) == (), WITHIN_S)
        assert HTTP_TIMEOUT not in await painted(pilot, app)
        thawed_at = datetime.now().astimezone()
        await pilot.press("escape")
        await wait_until(pilot, lambda: checked_after(app, LAB_CLUSTER, thawed_at), WITHIN_S)
        assert LAB_CLUSTER in tree._leaves
        assert app.worker_errors == []


async def test_prometheus_down_at_start_keeps_the_inventory_and_rediscovers_when_back(
    start: StartCopy, fault_root: Path, lab_dir: Path
) -> None:
    redis = start("redis", secrets_from=lab_dir / "secrets")
    prometheus = start("prometheus")
    settings = write_settings(fault_root, Parts(prometheus=prometheus, redis=redis))
    await asyncio.to_thread(prometheus.stop)

    check = await run_check(settings)
    assert f"Redis discovery from Prometheus failed ({refused(prometheus)})" in check.warnings
    assert list(check.rows) == [REDIS_NAME]
    assert check.answered(REDIS_NAME)

    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        status = app.screen.query_one(StatusBar)
        tree = app.screen.query_one(FleetTree)
        await wait_until(pilot, lambda: status.failing == ("prometheus discovery",), WITHIN_S)
        await wait_until(pilot, lambda: answered(app, REDIS_NAME), WITHIN_S)
        await shows(pilot, app, "failing: prometheus discovery")
        assert LAB_CLUSTER not in tree._leaves

        await asyncio.to_thread(prometheus.start)
        await discovered(prometheus, settings.path)
        await wait_until(pilot, lambda: status.failing == (), WITHIN_S)
        await wait_until(pilot, lambda: LAB_CLUSTER in tree._leaves, WITHIN_S)
        assert "prometheus discovery" not in await painted(pilot, app)
        assert answered(app, REDIS_NAME)
        assert app.worker_errors == []


async def open_alerts(app: OpsConsoleApp, pilot) -> AlertList:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await wait_until(
        pilot, lambda: isinstance(app.screen, AlertsScreen) and app.screen.loaded, WITHIN_S
    )
    return app.screen.query_one(AlertList)


def alerts_after(alerts: AlertList, moment: datetime) -> bool:
    """Alertmanager answered after `moment` (the alerts pane kept updating)."""
    reading = alerts.reading
    return reading is not None and reading.error is None and reading.fetched_at > moment


def alarms_after(app: OpsConsoleApp, moment: datetime) -> bool:
    """CloudWatch (moto) answered after `moment` (the alarms kept updating)."""
    reading = app.alarms
    return reading is not None and reading.error is None and reading.fetched_at > moment


def alerts_error(alerts: AlertList) -> str:
    error = None if alerts.reading is None else alerts.reading.error
    return "" if error is None else f"{error.kind}: {error.message}"


async def test_alertmanager_stopped_then_frozen_marks_the_alerts_pane_and_recovers(
    start: StartCopy, fault_root: Path
) -> None:
    alertmanager, moto = start("alertmanager"), start("moto")
    settings = write_settings(fault_root, Parts(alertmanager=alertmanager, moto=moto))
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        alerts = await open_alerts(app, pilot)
        assert alerts_error(alerts) == ""

        for fail, mend, shown in (
            (alertmanager.stop, alertmanager.start, refused(alertmanager)),
            (alertmanager.freeze, alertmanager.thaw, HTTP_TIMEOUT),
        ):
            await asyncio.to_thread(fail)
            failed_at = datetime.now().astimezone()
            await wait_until(pilot, lambda: alerts_error(alerts) != "", WITHIN_S)
            assert alerts_error(alerts) == shown
            await shows(pilot, app, shown)
            await shows(pilot, app, f"failing: alertmanager {shown.split(':')[0]}")
            await wait_until(pilot, lambda: alarms_after(app, failed_at), WITHIN_S)  # noqa: B023

            await asyncio.to_thread(mend)
            mended_at = datetime.now().astimezone()
            await wait_until(pilot, lambda: alerts_after(alerts, mended_at), WITHIN_S)  # noqa: B023
            now_shown = await painted(pilot, app)
            assert shown not in now_shown
            assert "failing:" not in now_shown
        assert app.worker_errors == []


async def test_moto_stopped_then_frozen_marks_cloudwatch_and_aws_discovery_and_recovers(
    start: StartCopy, fault_root: Path
) -> None:
    alertmanager, moto, redis = start("alertmanager"), start("moto"), start("redis")
    chosen = Parts(alertmanager=alertmanager, moto=moto, redis=redis, aws_discovery=True)
    settings = write_settings(fault_root, chosen)
    app = OpsConsoleApp(settings)
    async with app.run_test(size=SCREEN) as pilot:
        alerts = await open_alerts(app, pilot)
        await wait_until(
            pilot, lambda: alarms_after(app, datetime.min.replace(tzinfo=UTC)), WITHIN_S
        )

        for fail, mend, shown in (
            (moto.stop, moto.start, refused(moto)),
            (moto.freeze, moto.thaw, AWS_TIMEOUT),
        ):
            await asyncio.to_thread(fail)
            failed_at = datetime.now().astimezone()
            await wait_until(pilot, lambda: app.alarms.error is not None, WITHIN_S)  # type: ignore[union-attr]
            await shows(pilot, app, "CLOUDWATCH · ")
            await shows(pilot, app, shown)
            await shows(pilot, app, f"failing: aws {shown.split(':')[0]}")
            await wait_until(pilot, lambda: alerts_after(alerts, failed_at), WITHIN_S)  # noqa: B023
            check = await run_check(settings)
            assert f"AWS discovery failed ({shown})" in check.warnings
            assert check.answered(REDIS_NAME)

            await asyncio.to_thread(mend)
            mended_at = datetime.now().astimezone()
            await wait_until(pilot, lambda: alarms_after(app, mended_at), WITHIN_S)  # noqa: B023
            now_shown = await painted(pilot, app)
            assert shown not in now_shown
            assert "failing:" not in now_shown
            await shows(pilot, app, "CLOUDWATCH · no metric alarms")
        assert app.worker_errors == []
    check = await run_check(settings)
    assert "AWS discovery failed" not in check.warnings
