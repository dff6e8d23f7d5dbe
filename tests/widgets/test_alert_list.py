"""AlertList and AlertDetail: headings and counts, silenced marks, a kept highlight, Enter."""

from __future__ import annotations

import io

from rich.console import Console
from textual.message import Message

from tests import factories_alerts as fa
from tests.widgets_harness_alerts import AlertsHarness
from widgets.alert_detail import AlertDetail
from widgets.alert_list import AlertList


def lines(alerts: AlertList) -> list[str]:
    return [str(option.prompt) for option in alerts.options]


def headings(alerts: AlertList) -> list[str]:
    return [str(option.prompt) for option in alerts.options if option.disabled]


def plain(renderable: object, width: int = 100) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(renderable)
    return out.getvalue()


async def test_groups_are_headed_by_severity_name_and_count() -> None:
    app = AlertsHarness()
    async with app.run_test():
        assert headings(app.query_one(AlertList)) == [
            "CRITICAL · InstanceDown (2) · 1 silenced",
            "CRITICAL · MySQLReplicationLag (1)",
            "WARNING · HighConnections (2)",
            "WARNING · RedisMemoryHigh (1) · 1 silenced",
            "INFO · BackupCompleted (1)",
        ]


async def test_alert_lines_show_marker_age_instance_and_summary() -> None:
    app = AlertsHarness()
    async with app.run_test(size=(160, 40)):
        shown = lines(app.query_one(AlertList))
        firing, silenced = shown[1], shown[2]
        assert firing.startswith(" ● AM 12m luckyus-dify:6379  ")
        assert firing.endswith("  luckyus-dify has not answered for 12 minutes")
        assert "silenced" not in firing
        assert silenced.startswith(" ○ AM  3h aws-luckyus-devops-rw:3306  ")
        assert silenced.endswith("  silenced devops primary unreachable")
        assert shown[4].startswith(" ● AM 45s aws-luckyus-salesorder-ro:3306  ")
        assert shown[-1].startswith(" ● AM  2d aws-luckyus-dify-rw:5432  ")


async def test_a_narrow_list_cuts_the_summary_before_the_instance() -> None:
    app = AlertsHarness()
    async with app.run_test(size=(80, 24)):
        alerts = app.query_one(AlertList)
        assert alerts.scrollable_content_region.width < 50
        shown = lines(alerts)
        assert "aws-luckyus-salesorder-ro:3306" in shown[4]
        assert "aws-luckyus-salespayment-rw:33…" in shown[6]  # only the longest name is cut
        assert "aws-luckyus-salesorder-rw:3306" in shown[7]


async def test_firing_count_excludes_silenced_alerts() -> None:
    app = AlertsHarness()
    async with app.run_test():
        alerts = app.query_one(AlertList)
        assert alerts.firing_count == 5  # 7 alerts, 2 silenced
        assert alerts.border_title == "Alerts · 5 firing"
        alerts.reading = fa.alerts_reading(fa.alert_groups_changed())
        assert alerts.firing_count == 5  # +1 DiskAlmostFull, -1 replication lag


async def test_highlight_follows_its_alert_when_the_order_changes() -> None:
    app = AlertsHarness()
    async with app.run_test() as pilot:
        alerts = app.query_one(AlertList)
        await pilot.press("down")  # from luckyus-dify to the silenced devops alert
        chosen = alerts.highlighted_alert()
        assert chosen is not None
        assert chosen.fingerprint == "fp-InstanceDown-aws-luckyus-devops-rw:3306"
        before = alerts.highlighted
        assert before is not None
        alerts.reading = fa.alerts_reading(fa.alert_groups_changed())
        await pilot.pause()
        kept = alerts.highlighted_alert()
        assert kept is not None
        assert kept.fingerprint == chosen.fingerprint
        assert alerts.highlighted == before + 2  # a new group (heading and alert) above it


async def test_a_resolved_highlighted_alert_moves_the_cursor_to_a_neighbour() -> None:
    app = AlertsHarness()
    async with app.run_test() as pilot:
        alerts = app.query_one(AlertList)
        await pilot.press("down", "down")  # the replication lag, resolved in the next poll
        assert alerts.highlighted == 4
        alerts.reading = fa.alerts_reading(fa.alert_groups_changed())
        await pilot.pause()
        assert alerts.highlighted == 4  # the alert line now nearest the old cursor
        kept = alerts.highlighted_alert()
        assert kept is not None
        assert kept.fingerprint == "fp-InstanceDown-aws-luckyus-devops-rw:3306"


async def test_enter_posts_alert_chosen_with_the_highlighted_alert() -> None:
    messages: list[Message] = []
    app = AlertsHarness()
    async with app.run_test(message_hook=messages.append) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    chosen = {id(m): m for m in messages if isinstance(m, AlertList.AlertChosen)}  # hook sees
    assert [m.alert.fingerprint for m in chosen.values()] == [  # each bubbling step
        "fp-InstanceDown-aws-luckyus-devops-rw:3306"
    ]


async def test_moving_the_cursor_posts_alert_highlighted_and_fills_the_detail() -> None:
    messages: list[Message] = []
    app = AlertsHarness()
    async with app.run_test(size=(160, 40), message_hook=messages.append) as pilot:
        await pilot.press("down")
        await pilot.pause()
        highlighted = [m.alert.name for m in messages if isinstance(m, AlertList.AlertHighlighted)]
        assert highlighted[-1] == "InstanceDown"
        text = plain(app.query_one(AlertDetail).render())
        assert "silenced by  5b1c7e2a-silence" in text
        assert "instance     aws-luckyus-devops-rw:3306" in text
        assert "since        2026-11-25 11:30:00 UTC (3h ago)" in text
        assert "suppressed  silenced" in text


async def test_the_same_alerts_again_do_not_rebuild_the_list() -> None:
    app = AlertsHarness()
    async with app.run_test() as pilot:
        alerts = app.query_one(AlertList)
        options = list(alerts.options)
        alerts.reading = fa.alerts_reading()
        await pilot.pause()
        assert all(a is b for a, b in zip(options, alerts.options, strict=True))


async def test_an_error_keeps_the_last_alerts_marked_stale() -> None:
    app = AlertsHarness()
    async with app.run_test() as pilot:
        alerts = app.query_one(AlertList)
        before = lines(alerts)
        alerts.reading = fa.alerts_error()
        await pilot.pause()
        assert lines(alerts) == before
        assert alerts.has_class("-stale")
        assert "timeout" in str(alerts.border_subtitle)
        alerts.reading = fa.alerts_reading()
        await pilot.pause()
        assert not alerts.has_class("-stale")


async def test_an_error_before_any_alerts_says_so() -> None:
    app = AlertsHarness(fa.alerts_error())
    async with app.run_test():
        alerts = app.query_one(AlertList)
        assert alerts.has_class("-error")
        assert not alerts.has_class("-stale")
        assert lines(alerts) == ["alertmanager (alertmanager): timeout: no answer within 5s"]
        assert alerts.highlighted_alert() is None


async def test_no_alerts_is_a_quiet_note() -> None:
    app = AlertsHarness(fa.alerts_reading(()))
    async with app.run_test():
        alerts = app.query_one(AlertList)
        assert lines(alerts) == ["No active alerts."]
        assert alerts.firing_count == 0
