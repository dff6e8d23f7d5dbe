"""StatusBar: profile, READ-ONLY when changes are refused, refresh state, firing count, paid AWS
calls, failing sources, and whether the console itself is busy (its figures late, not the
servers slow). While the CloudWatch alarms are not counted (not asked yet: an instance's view
does not load AWS), it says `alarms: - (a)`.

One line at the bottom of every screen. When the terminal is too narrow for everything, the
least useful parts go first (the update time, then the counts), never the profile, the
READ-ONLY mark, the REPLAY mark and its time, the firing count, the failing sources or the
paid-call counter.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.data.aws_models import PaidCalls

Part = tuple[int, str, str]
"""(priority: lower is dropped first, text, style) of one piece of the bar."""


def paid_label(paid: PaidCalls) -> str:
    """`AWS $0.02 · 2 calls`: today's paid Cost Explorer calls (every console process)."""
    calls = "call" if paid.today_calls == 1 else "calls"
    return f"AWS ${paid.today_usd:.2f} · {paid.today_calls} {calls}"


def paid_style(paid: PaidCalls) -> str:
    """Plain under 80% of the daily budget, yellow above, red once it refuses."""
    if paid.budget_usd <= 0 or paid.remaining_usd <= 0:
        return "bold red"
    return "yellow" if paid.today_usd >= 0.8 * paid.budget_usd else ""


class StatusBar(Static):
    """One line at the bottom: where we are and how fresh the data is."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; padding: 0 1; }
    """

    profile: reactive[str] = reactive("")
    read_only: reactive[bool] = reactive(False)
    """The console refuses every change, kill and TTL fix (`--read-only`, `[console]
    read_only`): the bar says `READ-ONLY` beside the profile."""
    paused: reactive[bool] = reactive(False)
    updated_at: reactive[datetime | None] = reactive(None)
    counts: reactive[str] = reactive("")
    failing: reactive[tuple[str, ...]] = reactive(())
    firing: reactive[int] = reactive(0)
    alarms_counted: reactive[bool] = reactive(True)
    """False while the CloudWatch alarms are not (yet) in `firing`: the bar says `alarms: -`."""
    paid: reactive[PaidCalls | None] = reactive(None)
    """The paid AWS call counter (None until it is first read)."""
    busy: reactive[str] = reactive("")
    """`console busy: figures up to 0.6 s late` while the console's own loop runs late."""
    replay: reactive[str] = reactive("")
    """The replay cursor's time (`opsconsole --replay`), "" when live: the bar says `REPLAY`
    and that time instead of live/paused and the update time (recorded data is not updated)."""

    def touch(self) -> None:
        """Mark the data as updated now."""
        self.updated_at = datetime.now(UTC).astimezone()

    def parts(self) -> list[Part]:
        """Every piece of the bar, in display order, with its priority."""
        style = "bold white on red" if self.profile == "production" else "bold black on cyan"
        parts: list[Part] = [(9, f" {self.profile} ", style)]
        if self.read_only:
            parts.append((9, " READ-ONLY ", "bold black on yellow"))
        if self.replay:
            parts.append((9, f" REPLAY {self.replay} ", "bold white on magenta"))
        else:
            parts.append((8, "  paused", "yellow") if self.paused else (8, "  live", "green"))
        if self.updated_at is not None and not self.replay:
            parts.append((1, f"  updated {self.updated_at:%H:%M:%S}", ""))
        if self.firing:
            parts.append((7, f"  ▲ {self.firing} firing (a)", "bold red"))
        if not self.alarms_counted:
            parts.append((3, "  alarms: - (a)", "dim"))
        if self.paid is not None:
            parts.append((5, f"  {paid_label(self.paid)} ($)", paid_style(self.paid)))
        if self.counts:
            parts.append((2, f"  {self.counts}", ""))
        if self.failing:
            parts.append((6, "  failing: " + ", ".join(self.failing), "bold red"))
        if self.busy:
            parts.append((4, f"  {self.busy}", "yellow"))
        return parts

    def render(self) -> Text:
        parts = self.parts()
        room = self.content_region.width or 10_000  # not laid out yet: everything
        for priority in sorted({p for p, _, _ in parts}):
            if sum(cell_len(text) for _, text, _ in parts) <= room:
                break
            if priority < 5:
                parts = [part for part in parts if part[0] != priority]
        text = Text(no_wrap=True, overflow="ellipsis")
        for _, piece, style in parts:
            text.append(piece, style=style)
        return text
