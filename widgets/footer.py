"""KeysFooter: Textual's Footer, rebuilt once per change of the keys it shows, not per signal.

Why: Textual's Footer queues a whole recompose (one FooterKey per binding, each styled) for
every `bindings_updated` signal, and a screen sends several in a burst: pushed, its tabs
mounted, the focus moved to its table. Opening an instance took six recomposes, 0.1-0.2 s of
CPU each on a busy machine, all before the first reading showed; after that, every focus
change recomposed it though the keys shown stayed the same. Here a burst makes one recompose,
and none when the keys shown (key, label, action, enabled, tooltip) are those already shown.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, str, bool, str], ...]


class KeysFooter(Footer):
    """The keys of the focused widget, its screen and the app, at the bottom of every screen."""

    def __init__(self) -> None:
        super().__init__()
        self._pending = False
        self._shown: Shown | None = None

    def shown_keys(self) -> Shown:
        """What `compose` would show: one entry per displayed binding, in order."""
        return tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
            )
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True  # Footer's own flag: compose shows nothing until it is set
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return  # its screen was closed while the rebuild waited for the refresh
        shown = self.shown_keys()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()
