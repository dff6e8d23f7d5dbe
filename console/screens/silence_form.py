"""SilenceForm: silence one alert from the alerts screen (`s`), then the change prompt.

The matchers start as the alert's labels, one editable line, previewed as it is edited with how
many firing alerts they match (Alertmanager's own filter, through the silences service); a
duration (2h by default) shows when it would end; a comment is required; the author is the
Unix user. Silence… builds the change (the service), asks through the project's prompt
(`run_confirmed`) and sends it through the data layer's confirmed path. When Alertmanager is
down or answers an error the form stays, its input kept, and says what failed: the same
button tries again.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.data.layer import DataLayer
from console.data.models import Alert, SourceError
from console.safety.confirm import utc_text
from console.screens.confirm import run_confirmed
from console.services import silences as service
from widgets.bindings import bindings
from widgets.reading_view import Clock, utcnow
from widgets.resilient import Resilient

PREVIEW_DELAY_S = 0.3
"""Typing pauses this long before the preview asks Alertmanager (not once per key)."""


class SilenceForm(Resilient, ModalScreen[str | None]):
    """Matchers, duration and comment of a new silence; dismissed with its id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm.cancel")
    DEFAULT_CSS = """
    SilenceForm { align: center middle; }
    SilenceForm > Vertical {
        width: 96%; max-width: 120; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    SilenceForm .label { color: $text-muted; height: 1; }
    SilenceForm #preview { height: 1; color: $accent; }
    SilenceForm #window { height: 3; }
    SilenceForm #window .label { width: 4; padding: 1 0 0 0; height: 3; }
    SilenceForm #duration { width: 12; }
    SilenceForm #ends { width: 1fr; padding: 1 0 0 1; height: 3; }
    SilenceForm #problem { color: $error; height: auto; }
    SilenceForm #buttons { height: 3; align-horizontal: right; }
    SilenceForm #buttons Button { margin-left: 2; }
    """

    def __init__(
        self, data: DataLayer, alert: Alert, user: str | None = None, clock: Clock = utcnow
    ) -> None:
        super().__init__()
        self.data = data
        self.alert = alert
        self.user = user or service.unix_user()
        self._clock = clock
        self.preview_text = ""
        """The last preview shown ("matches 2 firing alerts now", or why it failed)."""

    def compose(self) -> ComposeResult:
        alert = self.alert
        where = alert.label("instance") or alert.label("job") or ""
        target = self.data.queries.alertmanager_target()
        with Vertical() as box:
            box.border_title = Text(f"Silence {alert.name}" + (f" on {where}" if where else ""))
            box.border_subtitle = Text(f"{target.name} · {target.env}")
            yield Static('matchers: name="value", name=~"regex", name!="value"', classes="label")
            matchers = service.matchers_line(service.matchers_from_labels(alert.labels))
            yield Input(matchers, id="matchers")
            yield Static("matching…", id="preview", markup=False)
            with Horizontal(id="window"):
                yield Static("for", classes="label")
                yield Input(service.DEFAULT_DURATION, id="duration")
                yield Static("", id="ends", markup=False)
            yield Static("comment: why, and who to ask", classes="label")
            yield Input(placeholder="e.g. known: failover in progress, ask the DBA on call",
                        id="comment")  # fmt: skip
            yield Static(f"created by {self.user} on {target.endpoint}", id="author", markup=False)
            yield Static("", id="problem", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Silence…", id="go", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#comment", Input).focus()
        self._show_ends()
        self.preview()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Input.Changed, "#matchers")
    def matchers_changed(self) -> None:
        self.preview()

    @on(Input.Changed, "#duration")
    def duration_changed(self) -> None:
        self._show_ends()

    @on(Input.Submitted, "#matchers")
    @on(Input.Submitted, "#duration")
    def next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#comment")
    @on(Button.Pressed, "#go")
    def go(self) -> None:
        self.submit()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _show_ends(self) -> None:
        ends = self.query_one("#ends", Static)
        try:
            span = service.parse_duration(self._value("duration"))
        except ValueError as exc:
            ends.update(str(exc))
            return
        ends.update(f"ends {utc_text(self._clock() + span)}")

    def show_preview(self, text: str) -> None:
        """What the matchers match now (or why that is not known), under them."""
        self.preview_text = text
        self.query_one("#preview", Static).update(text)

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(text)

    @work(exclusive=True, group="silence-preview", exit_on_error=False)
    async def preview(self) -> None:
        """How many firing alerts the matchers match, once typing pauses."""
        await asyncio.sleep(PREVIEW_DELAY_S)
        try:
            matchers = service.parse_matchers(self._value("matchers"))
        except ValueError as exc:
            self.show_preview(str(exc))
            return
        reading = await service.preview(self.data, matchers)
        value, error = reading.value, reading.error
        self.show_preview(value.text if value is not None else _failure(error, "preview"))

    @work(exclusive=True, group="silence-submit", exit_on_error=False)
    async def submit(self) -> None:
        """Build the silence, prompt, send; the form stays (input kept) unless it was made."""
        self._problem("")
        try:
            matchers = service.parse_matchers(self._value("matchers"))
            change = service.new_silence(
                matchers, self._value("duration"), self._value("comment"), user=self.user
            )
        except ValueError as exc:
            self._problem(str(exc))
            return
        preview = await service.preview(self.data, matchers)
        if preview.value is None:
            self._problem(f"{_failure(preview.error, 'silence')}: nothing was sent; your input "
                          "is kept, Silence… tries again")  # fmt: skip
            return
        offered = await service.offer(self.data, change, preview.value.text)
        if offered.value is None:
            self._problem(_failure(offered.error, "silence"))
            return
        target = self.data.queries.alertmanager_target()
        done = await run_confirmed(self.app, self.data, target, offered.value)
        if done is None:
            self._problem("cancelled: nothing was sent")
        elif done.value is None:
            self._problem(f"{_failure(done.error, 'silence')}; your input is kept, Silence… "
                          "tries again")  # fmt: skip
        else:
            self.dismiss(service.created_id(done.value))


def _failure(error: SourceError | None, what: str) -> str:
    """`alertmanager unreachable: connection refused (...)`, or that there was no answer."""
    if error is None:
        return f"{what}: no answer from Alertmanager"
    if error.kind == "refused":
        return f"refused: {error.message}"
    return f"{error.source} {error.kind}: {error.message}"
