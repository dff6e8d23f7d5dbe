"""AlertDetail: everything one alert carries: name, severity, state, since, summary, labels.

It shows the alert the screen assigns (usually the AlertList's highlighted one), so the on-call
engineer reads the full summary and every label without leaving the list. Nothing is fetched.
"""

from __future__ import annotations

from datetime import UTC

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.data.models import Alert
from widgets.alert_list import alert_age, is_silenced, severity_style
from widgets.reading_view import Clock, utcnow

HIDDEN_LABELS = ("alertname", "severity")  # already shown as the name and severity rows


class AlertDetail(Static):
    """A view of one Alert; a hint when none is chosen."""

    DEFAULT_CSS = """
    AlertDetail { width: 2fr; height: auto; border: round $primary; padding: 0 1; }
    """

    alert: reactive[Alert | None] = reactive(None)
    """The alert to show; None shows a hint."""

    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._clock = clock

    def render(self) -> Table | Text:
        alert = self.alert
        if alert is None:
            return Text("Highlight an alert to see its labels.", style="dim")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        table.add_row("alert", alert.name)
        table.add_row(
            "severity", Text(alert.severity.upper(), style=severity_style(alert.severity))
        )
        state = Text(alert.state)
        if is_silenced(alert):
            state.append("  silenced", style="yellow")
        table.add_row("state", state)
        table.add_row("since", self._since(alert))
        table.add_row("summary", alert.summary or Text("-", style="dim"))
        for name, value in alert.labels:
            if name not in HIDDEN_LABELS:
                table.add_row(Text(name, style="dim"), value)
        for silence_id in alert.silenced_by:
            table.add_row("silenced by", silence_id)
        table.add_row(Text("fingerprint", style="dim"), Text(alert.fingerprint, style="dim"))
        return table

    def _since(self, alert: Alert) -> str:
        if alert.starts_at is None:
            return "-"
        started = alert.starts_at.astimezone(UTC)
        return f"{started:%Y-%m-%d %H:%M:%S} UTC ({alert_age(alert, self._clock())} ago)"
