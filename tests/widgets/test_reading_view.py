"""reading_view: subtitle text and state classes of loading, fresh and stale readings."""

from __future__ import annotations

from datetime import timedelta

from textual.app import App, ComposeResult
from textual.widgets import Static

from tests import factories
from widgets.reading_view import reading_classes, reading_subtitle, show_reading_state

AT = factories.AT


def test_subtitle_of_a_fresh_reading_is_its_time() -> None:
    assert reading_subtitle(factories.reading(1), AT, AT) == ""


def test_subtitle_of_a_failed_reading_says_how_stale_and_why() -> None:
    failed = factories.failed(after_s=12)
    now = AT + timedelta(seconds=12)
    assert reading_subtitle(failed, AT, now) == "stale 12s · timeout: no answer within 5.0s"
    later = AT + timedelta(minutes=3, seconds=4)
    assert reading_subtitle(failed, AT, later).startswith("stale 3m04s · timeout")
    assert reading_subtitle(failed, AT, AT).startswith("stale <1s · ")


def test_subtitle_without_any_good_value() -> None:
    failed = factories.failed(kind="unreachable", message="connection refused")
    assert reading_subtitle(failed, None, AT) == "no data · unreachable: connection refused"
    assert reading_subtitle(None, None, AT) == "loading…"


def test_state_classes() -> None:
    assert reading_classes(None, False) == {"-loading"}
    assert reading_classes(factories.reading(1), True) == set()
    assert reading_classes(factories.failed(), True) == {"-stale", "-error"}
    assert reading_classes(factories.failed(), False) == {"-error"}


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("x")


async def test_show_reading_state_swaps_classes_and_subtitle() -> None:
    app = PanelApp()
    async with app.run_test():
        widget = app.query_one(Static)
        show_reading_state(widget, None, now=AT)
        assert widget.has_class("-loading")
        show_reading_state(widget, factories.failed(), last_good_at=AT, now=AT)
        assert widget.has_class("-stale", "-error") and not widget.has_class("-loading")
        show_reading_state(widget, factories.reading(1), last_good_at=AT, now=AT)
        assert not widget.classes & {"-loading", "-stale", "-error"}
        assert widget.border_subtitle == ""


async def test_subtitle_text_is_never_markup() -> None:
    app = PanelApp()
    async with app.run_test():
        widget = app.query_one(Static)
        failed = factories.failed(kind="query", message="near '[/]': syntax error")
        show_reading_state(widget, failed, last_good_at=AT, now=AT)  # must not raise
        assert widget._border_subtitle is not None
        assert "'[/]'" in widget._border_subtitle.plain
