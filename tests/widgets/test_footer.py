"""KeysFooter: the footer shows the focused widget's keys on one line, is drawn again only when
they change, presses a key clicked and tells what a hovered key does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button

from widgets.footer import FooterItem, KeysFooter


class Killable(Button):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "kill", "Kill", tooltip="kill the session under the cursor")
    ]

    def action_kill(self) -> None:
        self.app.killed.append(str(self.id))  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if self.id == "refused" and action == "kill" else True  # None: shown, dimmed


class Sortable(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "press", "Sort")]


class CountingFooter(KeysFooter):
    """Counts the times its keys were drawn anew."""

    draws = 0

    def show(self, shown: tuple[FooterItem, ...], palette: FooterItem | None) -> None:
        self.draws += 1
        super().show(shown, palette)


class FooterHarness(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.killed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Killable("one", id="one")
        yield Killable("two", id="two")
        yield Sortable("three", id="three")
        yield Killable("refused", id="refused")
        yield CountingFooter()


def line(app: App[None]) -> str:
    """The footer's line as the terminal shows it."""
    footer = app.query_one(CountingFooter)
    return footer.render().plain


async def test_the_footer_follows_the_focus_and_is_drawn_again_only_when_its_keys_change() -> None:
    app = FooterHarness()
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.query_one(CountingFooter)
        app.query_one("#one").focus()
        await pilot.pause()
        assert line(app).startswith(" k Kill  q Quit ")
        assert line(app).endswith("▏^p palette ")
        assert len(line(app)) == app.query_one(CountingFooter).size.width  # palette at the edge
        draws = footer.draws

        app.query_one("#two").focus()  # the same keys: nothing drawn again
        await pilot.pause()
        assert line(app).startswith(" k Kill  q Quit ")
        assert footer.draws == draws

        app.query_one("#three").focus()  # other keys: shown
        await pilot.pause()
        assert line(app).startswith(" s Sort  q Quit ")
        assert "Kill" not in line(app)
        assert footer.draws == draws + 1


async def test_a_burst_of_binding_changes_draws_the_footer_once() -> None:
    app = FooterHarness()
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.query_one(CountingFooter)
        app.query_one("#one").focus()
        await pilot.pause()
        draws = footer.draws
        for widget_id in ("#three", "#two", "#three"):  # three focus changes before a refresh
            app.screen.set_focus(app.query_one(widget_id))
        await pilot.pause()
        assert line(app).startswith(" s Sort  q Quit ")
        assert footer.draws == draws + 1


async def test_a_click_on_a_key_presses_it_and_a_refused_key_does_nothing() -> None:
    app = FooterHarness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#one").focus()
        await pilot.pause()
        await pilot.click(CountingFooter, offset=(3, 0))  # on "Kill"
        await pilot.pause()
        assert app.killed == ["one"]

        app.query_one("#refused").focus()
        await pilot.pause()
        footer = app.query_one(CountingFooter)
        item = footer.item_at(3)
        assert item is not None and item.key == "k" and not item.enabled
        await pilot.click(CountingFooter, offset=(3, 0))
        await pilot.pause()
        assert app.killed == ["one"]  # refused here: not run


async def test_hovering_a_key_tells_what_it_does() -> None:
    app = FooterHarness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#one").focus()
        await pilot.pause()
        await pilot.hover(CountingFooter, offset=(2, 0))
        await pilot.pause()
        footer = app.query_one(CountingFooter)
        assert footer.tooltip == "kill the session under the cursor"
        await pilot.hover(CountingFooter, offset=(60, 0))  # between the keys and the palette
        await pilot.pause()
        assert footer.tooltip is None


async def test_keys_that_do_not_fit_are_cut_and_the_palette_key_stays() -> None:
    app = FooterHarness()
    async with app.run_test(size=(24, 24)) as pilot:
        app.query_one("#one").focus()
        await pilot.pause()
        width = app.query_one(CountingFooter).size.width  # the screen's, less its scrollbar
        assert line(app) == " k Kill ".ljust(width - len("▏^p palette ")) + "▏^p palette "
        assert app.query_one(CountingFooter).item_at(10) is None  # nothing drawn there
