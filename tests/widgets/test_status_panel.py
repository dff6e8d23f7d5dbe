"""ServerStatusPanel and RedisInfoPanel: figures, threshold styles, last good value on error."""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table
from rich.text import Text

from tests import factories
from tests.instance_harness import (
    WidgetHarness,
    fixed_clock,
    redis_info_harness,
    server_status_harness,
)
from widgets.status_panel import (
    SEVERITY_STYLES,
    RedisInfoPanel,
    ServerStatusPanel,
    hit_ratio,
    used_of,
)


def rows(panel: ServerStatusPanel | RedisInfoPanel) -> dict[str, Text | str]:
    """Label -> value of each row the panel renders."""
    rendered = panel.render()
    assert isinstance(rendered, Table)
    labels, values = (list(column.cells) for column in rendered.columns)
    return {str(label): value for label, value in zip(labels, values, strict=True)}  # type: ignore[misc]


def figures(panel: ServerStatusPanel | RedisInfoPanel) -> dict[str, str]:
    return {k: v.plain if isinstance(v, Text) else v for k, v in rows(panel).items()}


def styles(panel: ServerStatusPanel | RedisInfoPanel) -> dict[str, str]:
    return {k: str(v.style) for k, v in rows(panel).items() if isinstance(v, Text)}


async def test_server_status_figures() -> None:
    app = server_status_harness()
    async with app.run_test():
        panel = app.query_one(ServerStatusPanel)
        assert figures(panel) == {
            "version": "10.11.6-MariaDB",
            "uptime": "3d04h",
            "connections": "342 / 400 (86%)",
            "running": "17",
            "QPS": "1.2k/s",
            "cache hit": "97.1%",
            "replication": "primary",
        }
        assert styles(panel)["connections"] == SEVERITY_STYLES["warn"]
        assert styles(panel)["cache hit"] == SEVERITY_STYLES["warn"]
        assert panel.border_subtitle == ""


async def test_replica_lag_and_full_connections() -> None:
    app = server_status_harness(replica=True)
    async with app.run_test():
        panel = app.query_one(ServerStatusPanel)
        assert figures(panel)["replication"] == "replica · lag 42s"
        assert styles(panel)["replication"] == SEVERITY_STYLES["warn"]
        status = replace(
            factories.server_status(replica=True, connections=390), replication_lag_s=None
        )
        panel.reading = factories.reading(status)
        assert figures(panel)["replication"] == "replica · lag unknown"
        assert styles(panel)["connections"] == SEVERITY_STYLES["crit"]


async def test_redis_info_figures() -> None:
    app = redis_info_harness()
    async with app.run_test():
        panel = app.query_one(RedisInfoPanel)
        assert figures(panel) == {
            "version": "7.2.4",
            "role": "master",
            "uptime": "12d01h",
            "clients": "57",
            "memory": "59.0 MiB / 64.0 MiB (92%)",
            "ops": "8.4k/s",
            "hit ratio": "87.4%",
            "keys": "120.5k",
            "without TTL": "40.1k (33%)",
        }
        assert styles(panel)["memory"] == SEVERITY_STYLES["crit"]
        assert styles(panel)["hit ratio"] == SEVERITY_STYLES["warn"]


async def test_redis_without_maxmemory() -> None:
    reading = factories.reading(
        factories.redis_info(max_memory_bytes=None), factories.REDIS_INSTANCE, "redis"
    )
    app = WidgetHarness(RedisInfoPanel(clock=fixed_clock), reading)
    async with app.run_test():
        assert figures(app.query_one(RedisInfoPanel))["memory"] == "59.0 MiB (no maxmemory)"


async def test_error_keeps_the_last_figures_marked_stale() -> None:
    app = server_status_harness()
    async with app.run_test():
        panel = app.query_one(ServerStatusPanel)
        panel.reading = factories.failed()
        assert figures(panel)["connections"] == "342 / 400 (86%)"
        assert panel.has_class("-stale", "-error")
        assert panel.border_subtitle == "stale 12s · timeout: no answer within 5.0s"


async def test_loading_then_error_without_a_value() -> None:
    app = WidgetHarness(ServerStatusPanel(clock=fixed_clock), None)
    async with app.run_test():
        panel = app.query_one(ServerStatusPanel)
        assert panel.has_class("-loading")
        assert str(panel.render()) == "loading…"
        panel.reading = factories.failed()
        assert str(panel.render()) == "no data yet"
        assert panel.has_class("-error") and not panel.has_class("-stale")


async def test_a_reading_that_arrives_after_the_first_layout_grows_the_panel() -> None:
    app = WidgetHarness(ServerStatusPanel(clock=fixed_clock), None)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ServerStatusPanel)
        await pilot.pause()
        assert panel.size.height == 1  # "loading…", laid out
        panel.reading = factories.reading(factories.server_status())
        await pilot.pause()
        assert panel.size.height == len(rows(panel)) == 7
        panel.reading = factories.reading(factories.server_status(connections=12))
        await pilot.pause()
        assert panel.size.height == 7


def test_used_of_and_hit_ratio_styles() -> None:
    assert used_of(10, 400, ("10", "400"), "-").style == SEVERITY_STYLES["ok"]
    assert used_of(10, 0, ("10", "0"), "max unknown").plain == "10 (max unknown)"
    assert hit_ratio(None, (0.9, 0.8)).plain == "-"
    assert hit_ratio(0.5, (0.9, 0.8)).style == SEVERITY_STYLES["crit"]
