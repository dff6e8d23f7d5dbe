"""PaneTabs: one line of tab titles over panes (Pane), one pane shown at a time.

Why not Textual's TabbedContent: it builds a Tabs widget with one Tab widget per title, an
animated underline and a ContentSwitcher. On an instance view (seven tabs) building, styling and
laying them out came before its first reading could show (bench/first_data.py measures this
change beside its parent; bench/RESULTS.md has the figures). Here the titles are one line
drawn by one widget, and a pane is shown by `display`; the line saves a row of the screen too,
which an 80x24 terminal feels.

Keys and mouse: the screens bind 1-7 to their tabs; with the title line focused (Tab), left and
right move between tabs; a click on a title shows its pane. `PaneTabs.TabActivated` is posted
when the shown pane changes, as TabbedContent's was.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from widgets.bindings import bindings

SEPARATOR = " "


class Pane(Widget):
    """One tab's content under PaneTabs; `title` is shown in the title line."""

    DEFAULT_CSS = """
    Pane {
        height: 1fr;
    }
    """

    def __init__(self, title: str, *children: Widget, id: str) -> None:  # noqa: A002 - Textual's
        super().__init__(*children, id=id)
        self.title = title


class TabStrip(Widget, can_focus=True):
    """The titles of the panes, the shown one marked; left/right (focused) or a click switch."""

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = bindings("tabs.previous", "tabs.next")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"tab-strip--title", "tab-strip--active"}
    DEFAULT_CSS = """
    TabStrip {
        height: 1;
        width: 1fr;
        background: $foreground 5%;
        & > .tab-strip--title {
            color: $foreground 50%;
        }
        & > .tab-strip--active {
            color: $foreground;
            text-style: bold underline;
        }
        &:focus > .tab-strip--active {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    def __init__(self, titles: dict[str, str]) -> None:
        super().__init__()
        self.titles = titles
        """Pane id -> its title, in the order shown."""
        self._spans: list[tuple[int, int, str]] = []

    def render(self) -> Text:
        tabs = self.parent
        shown = tabs.active if isinstance(tabs, PaneTabs) else ""
        title_style = self.get_component_rich_style("tab-strip--title")
        active_style = self.get_component_rich_style("tab-strip--active")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []
        for pane, title in self.titles.items():
            start = line.cell_len
            line.append(f" {title} ", active_style if pane == shown else title_style)
            spans.append((start, line.cell_len, pane))
            line.append(SEPARATOR)
        self._spans = spans
        return line

    def pane_at(self, x: int) -> str | None:
        """The pane whose title is drawn at cell x, if any."""
        return next((pane for start, end, pane in self._spans if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        pane = self.pane_at(event.x)
        tabs = self.parent
        if pane is not None and isinstance(tabs, PaneTabs):
            tabs.active = pane

    def action_move(self, step: int) -> None:
        tabs = self.parent
        if not isinstance(tabs, PaneTabs) or not self.titles:
            return
        order = list(self.titles)
        here = order.index(tabs.active) if tabs.active in order else 0
        tabs.active = order[(here + step) % len(order)]


class PaneTabs(Widget):
    """Panes (Pane children, given with `with PaneTabs(...):`) under one line of titles."""

    DEFAULT_CSS = """
    PaneTabs {
        height: 1fr;
    }
    """

    active: reactive[str] = reactive("", init=False)
    """The id of the pane shown."""

    class TabActivated(Message):
        """The pane shown changed."""

        def __init__(self, tabs: PaneTabs, pane: str) -> None:
            super().__init__()
            self.tabs = tabs
            self.pane = pane

        @property
        def control(self) -> PaneTabs:
            return self.tabs

    def __init__(self, initial: str = "", id: str | None = None) -> None:  # noqa: A002 - Textual's
        super().__init__(id=id)
        self._panes: list[Pane] = []
        self._initial = initial

    def compose_add_child(self, widget: Widget) -> None:
        if not isinstance(widget, Pane):
            raise TypeError(f"PaneTabs holds Panes only, not {type(widget).__name__}")
        self._panes.append(widget)

    def compose(self) -> ComposeResult:
        ids = [str(pane.id) for pane in self._panes]
        shown = self._initial if self._initial in ids else (ids[0] if ids else "")
        self.set_reactive(PaneTabs.active, shown)
        yield TabStrip({str(pane.id): pane.title for pane in self._panes})
        for pane in self._panes:
            pane.display = pane.id == shown
            yield pane

    def on_mount(self) -> None:
        if self.active:
            self.post_message(self.TabActivated(self, self.active))

    def validate_active(self, pane: str) -> str:
        """A pane this widget does not hold is not shown: the shown one stays."""
        return pane if any(p.id == pane for p in self._panes) else self.active

    def watch_active(self, previous: str, pane: str) -> None:
        if pane == previous:
            return
        for child in self._panes:
            child.display = child.id == pane
        self.query_one(TabStrip).refresh()
        self.post_message(self.TabActivated(self, pane))
