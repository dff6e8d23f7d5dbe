"""SilencesScreen (`S` from the alerts): the silences in force; Enter shows one, `x` expires it.

Polled every refresh_s through the silences service; expiring asks through the project's
prompt and runs through the data layer's confirmed path (audited; refused in read-only mode,
where `x` shows disabled). An Alertmanager that is down marks the list stale and says so; an
expiry that fails says why and leaves the list as it was.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import Silence
from console.screens.confirm import run_confirmed
from console.screens.polling import PollingScreen
from console.screens.status import bind_status_bar
from console.services import silences as service
from widgets.bindings import bindings
from widgets.footer import KeysFooter
from widgets.reading_view import utcnow
from widgets.resilient import Resilient
from widgets.silence_table import SilenceTable, silence_view
from widgets.status_bar import StatusBar


class SilenceDetailScreen(Resilient, ModalScreen[None]):
    """One silence whole (every matcher, times, comment, id); Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("silence.close")
    DEFAULT_CSS = """
    SilenceDetailScreen { align: center middle; }
    SilenceDetailScreen > VerticalScroll {
        width: 90%; max-width: 120; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    SilenceDetailScreen #silence-view { height: auto; }
    """

    def __init__(self, silence: Silence) -> None:
        super().__init__()
        self.silence = silence

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = Text(f"silence {self.silence.id[:8]}")
            box.border_subtitle = Text("Escape closes · x on the list expires it")
            yield Static(silence_view(self.silence, utcnow()), id="silence-view")


class SilencesScreen(PollingScreen):
    """Alertmanager's silences in force and pending, ending soonest first."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("silence.expire")

    def __init__(self, data: DataLayer, settings: Settings) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield SilenceTable(id="silence-table")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.query_one(SilenceTable).focus()
        self.poll()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "expire" and self.data.queries.read_only():
            return None  # read-only: shown disabled (the data layer refuses it anyway)
        return super().check_action(action, parameters)

    def has_data(self) -> bool:
        """Alertmanager has answered once (for headless screenshots)."""
        return self.loaded

    @work(exclusive=True, group="silences", exit_on_error=False)
    async def poll(self) -> None:
        table = self.query_one(SilenceTable)

        async def once() -> None:
            table.reading = await service.shown_silences(self.data)
            self.loaded = True
            status = self.query_one(StatusBar)
            error = table.reading.error
            status.failing = () if error is None else (f"{error.source} {error.kind}",)
            if error is None:
                status.touch()

        await self.every(self.settings.console.refresh_s, once)

    @on(SilenceTable.SilenceChosen)
    def show(self, message: SilenceTable.SilenceChosen) -> None:
        self.app.push_screen(SilenceDetailScreen(message.silence))

    def action_expire(self) -> None:
        silence = self.query_one(SilenceTable).highlighted_silence()
        if silence is None:
            self.notify("highlight a silence first", title="Expire", markup=False)
            return
        self.expire(silence)

    @work(exclusive=True, group="silence-expire", exit_on_error=False)
    async def expire(self, silence: Silence) -> None:
        about = f"it silences {', '.join(silence.matchers)} · {silence.comment}"
        offered = await service.offer(self.data, service.expiry(silence.id), about)
        if offered.value is None:
            why = offered.error.message if offered.error else "no answer"
            self.notify(f"expire refused: {why}", severity="error", markup=False)
            return
        target = self.data.queries.alertmanager_target()
        done = await run_confirmed(self.app, self.data, target, offered.value)
        if done is None:
            self.notify("expire cancelled: nothing was sent", markup=False)
        elif done.error is not None:
            error = done.error
            self.notify(
                f"silence {silence.id[:8]} not expired: {error.source} {error.kind}: "
                f"{error.message}",
                severity="error",
                markup=False,
            )
        else:
            self.notify(f"silence {silence.id[:8]} expired", markup=False)
            self.wake()
