"""PaneTabs: one line of titles over panes; a key, a click or left/right shows another pane,
and each change is told (TabActivated) as TabbedContent's was."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Static

from widgets.pane_tabs import Pane, PaneTabs, TabStrip


class TabsHarness(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.activated: list[str] = []

    def compose(self) -> ComposeResult:
        with PaneTabs(initial="two", id="tabs"):
            yield Pane("One", Static("first"), id="one")
            yield Pane("Two", Static("second"), id="two")
            yield Pane("Three", id="three")

    @on(PaneTabs.TabActivated)
    def told(self, event: PaneTabs.TabActivated) -> None:
        self.activated.append(event.pane)


def shown(app: App[None]) -> list[str]:
    return [str(p.id) for p in app.query(Pane) if p.display]


async def test_the_initial_pane_shows_alone_and_is_told() -> None:
    app = TabsHarness()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert shown(app) == ["two"]
        assert app.activated == ["two"]
        line = app.query_one(TabStrip).render().plain
        assert line == " One   Two   Three  "


async def test_a_click_on_a_title_shows_its_pane() -> None:
    app = TabsHarness()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.click(TabStrip, offset=(14, 0))  # on "Three"
        await pilot.pause()
        assert shown(app) == ["three"]
        assert app.activated == ["two", "three"]
        await pilot.click(TabStrip, offset=(30, 0))  # past the titles: nothing
        await pilot.pause()
        assert shown(app) == ["three"]


async def test_left_and_right_move_between_tabs_when_the_titles_have_the_focus() -> None:
    app = TabsHarness()
    async with app.run_test(size=(60, 10)) as pilot:
        app.query_one(TabStrip).focus()
        await pilot.press("right")
        assert shown(app) == ["three"]
        await pilot.press("right")  # round to the first
        assert shown(app) == ["one"]
        await pilot.press("left")
        assert shown(app) == ["three"]


async def test_a_pane_it_does_not_hold_leaves_the_shown_one() -> None:
    app = TabsHarness()
    async with app.run_test(size=(60, 10)) as pilot:
        app.query_one(PaneTabs).active = "keys"
        await pilot.pause()
        assert shown(app) == ["two"]
        assert app.query_one(PaneTabs).active == "two"
        assert app.activated == ["two"]
