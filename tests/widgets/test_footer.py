"""KeysFooter: the footer shows the focused widget's keys, and is rebuilt only when they change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from widgets.footer import KeysFooter


class Killable(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("k", "press", "Kill")]


class Sortable(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "press", "Sort")]


class CountingFooter(KeysFooter):
    """Counts its builds (Footer.compose runs once per build)."""

    builds = 0

    def compose(self) -> ComposeResult:
        self.builds += 1
        yield from super().compose()


class FooterHarness(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Killable("one", id="one")
        yield Killable("two", id="two")
        yield Sortable("three", id="three")
        yield CountingFooter()


def shown(app: App[None]) -> list[str]:
    """The key descriptions the footer shows, in order."""
    return [key.description for key in app.screen.query(FooterKey)]


async def test_the_footer_follows_the_focus_and_is_rebuilt_only_when_its_keys_change() -> None:
    app = FooterHarness()
    async with app.run_test(size=(80, 10)) as pilot:
        footer = app.query_one(CountingFooter)
        app.query_one("#one").focus()
        await pilot.pause()
        assert shown(app) == ["Kill", "Quit", "palette"]
        builds, keys = footer.builds, list(app.screen.query(FooterKey))

        app.query_one("#two").focus()  # the same keys: nothing to rebuild
        await pilot.pause()
        assert shown(app) == ["Kill", "Quit", "palette"]
        assert footer.builds == builds
        assert list(app.screen.query(FooterKey)) == keys

        app.query_one("#three").focus()  # other keys: shown
        await pilot.pause()
        assert shown(app) == ["Sort", "Quit", "palette"]
        assert footer.builds == builds + 1


async def test_a_burst_of_binding_changes_rebuilds_the_footer_once() -> None:
    app = FooterHarness()
    async with app.run_test(size=(80, 10)) as pilot:
        footer = app.query_one(CountingFooter)
        app.query_one("#one").focus()
        await pilot.pause()
        builds = footer.builds
        for widget_id in ("#three", "#two", "#three"):  # three focus changes before a refresh
            app.screen.set_focus(app.query_one(widget_id))
        await pilot.pause()
        assert shown(app) == ["Sort", "Quit", "palette"]
        assert footer.builds == builds + 1
