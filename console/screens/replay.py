"""The console on a recording (`opsconsole --replay DIR`): its time bar and the `g` prompt.

Every screen's status bar helper (screens/status.py) calls `bind_replay` when the App replays:
it mounts the TimeBar above the status bar and keeps both on the App's `cursor`, so the fleet,
instance and alerts screens say REPLAY and where they are without a line of their own. `g` asks
for a TIME in `GoToTime`, read by the replay service's one parser (the CLI's `--at` too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from console.data.layer import DataLayer
from console.formatting.moments import iso
from console.keymap import spec
from widgets.bindings import bindings
from widgets.resilient import Resilient
from widgets.status_bar import StatusBar
from widgets.time_bar import TimeBar

if TYPE_CHECKING:  # loaded with the replay only: a live console never imports the recording
    from console.services.recording.replay import ReplayLayer


def clock_of(data: DataLayer) -> Callable[[], datetime]:
    """What a screen's widgets take for now (ages, staleness): the wall clock, or a replay's
    cursor (an alert that started 2 min before the cursor is 2 min old, not 3 months)."""
    return lambda: data.recorded_at() or datetime.now(UTC)


def bind_replay(screen: Screen[None], replay: ReplayLayer, status: StatusBar) -> None:
    """Mount the time bar above `status` and follow the App's replay cursor in both."""
    timeline = replay.timeline
    bar = TimeBar(id="time-bar")
    bar.start, bar.end, bar.marks = timeline.start, timeline.end, timeline.changes
    bar.hint = keys_hint(replay.settings.keymap)
    screen.mount(bar, before=status)

    def follow(cursor: datetime | None) -> None:
        moment = cursor or replay.cursor
        bar.cursor = moment
        status.replay = iso(moment)

    screen.watch(screen.app, "cursor", follow)


def keys_hint(keymap: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The replay's keys as `[keymap]` gives them, with what they do (the time bar's hint)."""

    def key(binding_id: str) -> str:
        return format_key(keymap.get(binding_id, spec(binding_id).key).split(",")[0])

    return (
        (f"{key('replay.earlier')} {key('replay.later')}", "step"),
        (f"{key('replay.previous_change')} {key('replay.next_change')}", "change"),
        (key("replay.goto"), "go to"),
    )


class GoToTime(Resilient, ModalScreen[datetime | None]):
    """Ask for a TIME in the recording; dismiss with the moment, or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm.cancel")
    DEFAULT_CSS = """
    GoToTime { align: center middle; }
    GoToTime > Vertical {
        width: 90%; max-width: 80; height: auto; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    GoToTime #time-error { color: $error; height: auto; }
    GoToTime #time-help { color: $text-muted; height: auto; }
    """

    def __init__(self, replay: ReplayLayer) -> None:
        super().__init__()
        self.replay = replay

    def compose(self) -> ComposeResult:
        recording = self.replay.recording
        with Vertical() as box:
            box.border_title = "Go to a time"
            yield Static(
                f"the recording holds {iso(recording.start)} to {iso(recording.end)}; "
                "+30s from its start, -5m from its end, start, end, 03:12:05 or ISO 8601 (UTC)",
                id="time-help",
                markup=False,
            )
            # empty, the cursor as a hint: a prefilled 03:12:05 would lose the sample taken
            # at 03:12:05.4 (the cursor's fraction of a second) when sent back unchanged
            yield Input(placeholder=f"now at {iso(self.replay.cursor)}", id="time-input")
            yield Static("", id="time-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#time-input")
    def go(self, event: Input.Submitted) -> None:
        from console.services.recording.replay import ReplayError, time_in

        try:
            moment = time_in(self.replay.recording, event.value)
        except ReplayError as exc:
            self.query_one("#time-error", Static).update(str(exc).removeprefix("replay: "))
            return
        self.dismiss(moment)

    def action_cancel(self) -> None:
        self.dismiss(None)
