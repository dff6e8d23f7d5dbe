"""AlertDetail: everything one alert or CloudWatch alarm carries, beside the alert list.

For an Alertmanager alert: name, severity, state, since, summary, labels. For a CloudWatch
alarm: name, state, since, metric, reason, dimensions and the instance it concerns. The
on-call engineer reads the whole thing without leaving the list. Nothing is fetched.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.data.aws_models import CloudWatchAlarm
from console.data.models import Alert
from widgets.alarm_lines import alarm_age, state_style
from widgets.alert_list import alert_age, is_silenced, severity_style
from widgets.reading_view import Clock, utcnow

HIDDEN_LABELS = ("alertname", "severity")  # already shown as the name and severity rows


def _grid() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    return table


def _since(moment: datetime | None, age: str) -> str:
    if moment is None:
        return "-"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC ({age} ago)"


class AlertDetail(Static):
    """A view of one Alert or CloudWatchAlarm; a hint when none is chosen."""

    DEFAULT_CSS = """
    AlertDetail { width: 2fr; height: auto; border: round $primary; padding: 0 1; }
    """

    alert: reactive[Alert | CloudWatchAlarm | None] = reactive(None, layout=True)
    """The alert (or alarm) to show; None shows a hint. Its rows set the `auto` height, so a
    new alert re-measures the panel (a repaint alone would keep the first alert's height)."""

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
        shown = self.alert
        if shown is None:
            return Text("Highlight an alert to see its labels.", style="dim")
        if isinstance(shown, CloudWatchAlarm):
            return self._alarm(shown)
        return self._alert(shown)

    def _alert(self, alert: Alert) -> Table:
        table = _grid()
        table.add_row("source", "Alertmanager")
        table.add_row("alert", Text(alert.name))  # data: never read as markup
        table.add_row(
            "severity", Text(alert.severity.upper(), style=severity_style(alert.severity))
        )
        state = Text(alert.state)
        if is_silenced(alert):
            state.append("  silenced", style="yellow")
        table.add_row("state", state)
        table.add_row("since", _since(alert.starts_at, alert_age(alert, self._clock())))
        table.add_row("summary", Text(alert.summary) if alert.summary else Text("-", style="dim"))
        for name, value in alert.labels:
            if name not in HIDDEN_LABELS:
                table.add_row(Text(name, style="dim"), Text(value))
        for silence_id in alert.silenced_by:
            table.add_row("silenced by", Text(silence_id))
        if alert.silenced_until is not None:
            until = alert.silenced_until.astimezone(UTC)
            table.add_row("silenced until", Text(f"{until:%Y-%m-%d %H:%M:%S} UTC"))
        table.add_row(Text("fingerprint", style="dim"), Text(alert.fingerprint, style="dim"))
        return table

    def _alarm(self, alarm: CloudWatchAlarm) -> Table:
        table = _grid()
        table.add_row("source", "CloudWatch")
        table.add_row("alarm", Text(alarm.name))
        table.add_row("state", Text(alarm.state, style=state_style(alarm.state)))
        table.add_row("since", _since(alarm.since, alarm_age(alarm, self._clock())))
        metric = "/".join(part for part in (alarm.namespace, alarm.metric) if part)
        table.add_row("metric", Text(metric or "-"))
        table.add_row("reason", Text(alarm.reason) if alarm.reason else Text("-", style="dim"))
        table.add_row(
            "instance",
            Text(alarm.instance) if alarm.instance else Text("not in the inventory", style="dim"),
        )
        dimensions = ", ".join(f"{name}={value}" for name, value in alarm.dimensions)
        table.add_row(Text("dimensions", style="dim"), Text(dimensions or "-"))
        if alarm.instance:
            table.add_row("", Text("Enter: its Metrics tab", style="dim"))
        return table
