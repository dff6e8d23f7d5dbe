"""StatusBar: profile, refresh state, last update and the sources that are failing."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    """One line at the bottom: where we are and how fresh the data is."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; padding: 0 1; }
    """

    profile: reactive[str] = reactive("")
    paused: reactive[bool] = reactive(False)
    updated_at: reactive[datetime | None] = reactive(None)
    counts: reactive[str] = reactive("")
    failing: reactive[tuple[str, ...]] = reactive(())
    firing: reactive[int] = reactive(0)

    def touch(self) -> None:
        """Mark the data as updated now."""
        self.updated_at = datetime.now(UTC).astimezone()

    def render(self) -> Text:
        text = Text()
        style = "bold white on red" if self.profile == "production" else "bold black on cyan"
        text.append(f" {self.profile} ", style=style)
        text.append(
            "  paused" if self.paused else "  live", style="yellow" if self.paused else "green"
        )
        if self.updated_at is not None:
            text.append(f"  updated {self.updated_at:%H:%M:%S}")
        if self.firing:
            text.append(f"  ▲ {self.firing} firing (a)", style="bold red")
        if self.counts:
            text.append(f"  {self.counts}")
        if self.failing:
            text.append("  failing: " + ", ".join(self.failing), style="bold red")
        return text
