"""KeysFooter: the keys of the focused widget, its screen and the app, on one line at the bottom.

Why one widget, not Textual's Footer: Footer builds one styled widget per key shown (twenty on
an instance screen), lays them out and restyles them on every rebuild, all before an instance
view's first reading can show (bench/first_data.py measures this change beside its parent;
bench/RESULTS.md has the figures). Here the line is
one Text, worked out again only when the keys shown change (key, label, action, enabled, help):
once per burst of binding signals (a screen sends several when it opens: pushed, its tabs
mounted, the focus moved to its table), and not at all when they stay the same.

It looks and acts as Textual's did: each key and its label in the theme's footer colours, a
key that is refused here dimmed, the command palette's key on the right; a click on a key
presses it (a dimmed one rings the bell), and hovering one shows its help.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class FooterItem(NamedTuple):
    """One key the footer shows."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    help: str


Shown = tuple[FooterItem, ...]
DIM = Style(dim=True)
PALETTE_EDGE = "▏"


class KeysFooter(Widget, can_focus=False):
    """The keys that act here, on one line: clicked, a key is pressed; hovered, it says what it
    does."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key--key",
        "footer-key--description",
        "footer--palette-edge",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer--palette-edge {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._pending = False
        self._shown: Shown = ()
        self._palette: FooterItem | None = None
        self._spans: list[tuple[int, int, FooterItem]] = []
        """Where each key was drawn on the line (start, end cell), for clicks and hovers."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)  # the keys of now, if no signal comes before

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def shown_keys(self) -> Shown:
        """The keys to show, in order: one per displayed binding (the palette's is apart)."""
        return tuple(
            FooterItem(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip or binding.description,
            )
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    def palette_key(self) -> FooterItem | None:
        """The command palette's key (shown on the right), None when the app has no palette."""
        if not self.app.ENABLE_COMMAND_PALETTE:
            return None
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _, binding, enabled, tooltip = found
        display = self.app.get_key_display(binding)
        return FooterItem(
            binding.key, display, binding.description, binding.action, enabled, tooltip
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:  # a burst of signals: one look, after the next refresh
            self._pending = True
            self.call_after_refresh(self._show_if_changed)

    def _show_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return  # its screen was closed while the look waited for the refresh
        shown, palette = self.shown_keys(), self.palette_key()
        if (shown, palette) != (self._shown, self._palette):
            self.show(shown, palette)

    def show(self, shown: Shown, palette: FooterItem | None) -> None:
        """Draw these keys (one repaint of the line)."""
        self._shown, self._palette = shown, palette
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        label_style = self.get_component_rich_style("footer-key--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, FooterItem]] = []
        palette = self._palette_text(key_style, label_style)
        room = self.size.width - palette.cell_len
        for item in self._shown:
            start = line.cell_len
            dim = DIM if not item.enabled else Style()
            line.append(f" {item.display} ", key_style + dim)
            if item.description:
                line.append(f"{item.description} ", label_style + dim)
            if line.cell_len > room:  # what does not fit is not drawn (nor clickable)
                line.truncate(start)
                break
            spans.append((start, line.cell_len, item))
        if self._palette is not None and room >= line.cell_len:
            line.pad_right(room - line.cell_len)
            spans.append((line.cell_len, line.cell_len + palette.cell_len, self._palette))
            line.append_text(palette)
        self._spans = spans
        return line

    def _palette_text(self, key_style: Style, label_style: Style) -> Text:
        if self._palette is None:
            return Text()
        dim = DIM if not self._palette.enabled else Style()
        edge = self.get_component_rich_style("footer--palette-edge")
        return Text.assemble(
            (PALETTE_EDGE, edge),
            (self._palette.display, key_style + dim),
            (f" {self._palette.description} ", label_style + dim),
        )

    def item_at(self, x: int) -> FooterItem | None:
        """The key drawn at cell x of the line, if any."""
        for start, end, item in self._spans:
            if start <= x < end:
                return item
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self.item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self.item_at(event.x)
        self.tooltip = item.help if item is not None else None
