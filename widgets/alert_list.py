"""AlertList: Alertmanager alerts grouped by severity and alert name, silenced ones marked.

Group headings are disabled options, so the cursor moves from alert to alert only. The
highlight follows its alert (by fingerprint) across polls, and an unchanged list is not rebuilt,
which keeps redraws over SSH cheap. Nothing is fetched here: the screen assigns `reading`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Span, Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.data.models import Alert, AlertGroup, Reading
from console.formatting import human_age
from widgets.reading_view import Clock, show_reading_state, utcnow

SEVERITY_STYLES = {"critical": "bold red", "error": "red", "warning": "yellow", "info": "cyan"}
INSTANCE_WIDTH_MAX = 32
LINE_FIXED = 13  # marker, age and the gaps around the instance column


def is_silenced(alert: Alert) -> bool:
    """Silenced or inhibited: Alertmanager says "suppressed", or a silence matches it."""
    return alert.state == "suppressed" or bool(alert.silenced_by)


def alert_instance(alert: Alert) -> str:
    return alert.label("instance") or alert.label("job") or "-"


def alert_age(alert: Alert, now: datetime) -> str:
    if alert.starts_at is None:
        return "-"
    return human_age((now - alert.starts_at).total_seconds())


def severity_style(severity: str) -> str:
    return SEVERITY_STYLES.get(severity.lower(), "dim")


def heading(group: AlertGroup) -> Text:
    """The group's heading, 'CRITICAL · InstanceDown (2)', and how many are silenced."""
    silenced = sum(1 for alert in group.alerts if is_silenced(alert))
    text = Text(f"{group.severity.upper()} · {group.name}", style=severity_style(group.severity))
    text.append(f" ({len(group.alerts)})")
    if silenced:
        text.append(f" · {silenced} silenced", style="dim")
    return text


def alert_line(alert: Alert, now: datetime, instance_width: int) -> Text:
    """Marker, age, instance and summary on one line; a silenced alert is dimmed and tagged."""
    silenced = is_silenced(alert)
    instance = alert_instance(alert)
    if len(instance) > instance_width:
        instance = instance[: instance_width - 1] + "…"
    text = Text(no_wrap=True, overflow="ellipsis", style="dim" if silenced else "")
    marker_style = "" if silenced else severity_style(alert.severity)
    text.append("  ○ " if silenced else "  ● ", style=marker_style)
    text.append(f"{alert_age(alert, now):>3}  {instance.ljust(instance_width)}  ")
    if silenced:
        text.append("silenced ", style="italic")
    text.append(alert.summary)
    return text


def instance_width(instances: list[str], content_width: int) -> int:
    """The instance column: the longest name (at most 32), before any of the summary.

    In a narrow list the summary is cut first: it is in the detail pane, while the instance
    name is what tells two alerts apart (salesorder-ro and salesorder-rw differ at the end).
    """
    longest = min(INSTANCE_WIDTH_MAX, max(map(len, instances), default=1))
    if content_width <= 0:  # not laid out yet: on_resize draws again
        return longest
    return min(longest, max(12, content_width - LINE_FIXED))


class AlertList(OptionList):
    """Alerts under "SEVERITY · name (count)" headings; Enter posts AlertChosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select", "Details", id="alert.open", tooltip="Show the highlighted alert"
        ),
    ]
    DEFAULT_CSS = """
    AlertList {
        width: 3fr; min-width: 40; height: 1fr; max-height: 100%;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    AlertList > .option-list--option-disabled { color: $foreground; text-style: bold; }
    AlertList.-stale { opacity: 70%; }
    AlertList.-error { border: tall $error; }
    """
    TITLE = "Alerts"

    reading: reactive[Reading[tuple[AlertGroup, ...]] | None] = reactive(
        None, init=False, repaint=False
    )
    """The latest Alertmanager groups; an error reading keeps the last good list, marked stale."""

    @dataclass
    class AlertHighlighted(Message):
        """The cursor is on a different alert (or the highlighted alert changed)."""

        alert: Alert

    @dataclass
    class AlertChosen(Message):
        """The user chose an alert (Enter or click)."""

        alert: Alert

    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._clock = clock
        self._groups: tuple[AlertGroup, ...] = ()
        self._alerts: list[Alert | None] = []  # one per option; None for headings and notes
        self._keys: list[tuple[str, str, tuple[Span, ...]]] = []  # what is drawn, to skip redraws
        self._good_at: datetime | None = None  # when the list on screen was fetched
        self._announced: Alert | None = None  # the last alert sent in AlertHighlighted

    @property
    def groups(self) -> tuple[AlertGroup, ...]:
        """The groups on screen (the last good reading's)."""
        return self._groups

    @property
    def firing_count(self) -> int:
        """Alerts on screen that are not silenced or inhibited."""
        return sum(not is_silenced(alert) for group in self._groups for alert in group.alerts)

    def highlighted_alert(self) -> Alert | None:
        index = self.highlighted
        if index is None or index >= len(self._alerts):
            return None
        return self._alerts[index]

    def on_mount(self) -> None:
        self.border_title = self.TITLE
        show_reading_state(self, self.reading, last_good_at=self._good_at, now=self._clock())

    def on_resize(self) -> None:
        if self._groups:
            self._show(self._groups)  # the instance column follows the width

    def watch_reading(self, reading: Reading[tuple[AlertGroup, ...]] | None) -> None:
        if reading is not None and reading.value is not None:
            self._good_at = reading.fetched_at
            self._show(reading.value)
        elif reading is not None and reading.error is not None and self._good_at is None:
            self._replace([None], [Text(str(reading.error), style="red")])
        show_reading_state(self, reading, last_good_at=self._good_at, now=self._clock())
        title = f"{self.TITLE} · {self.firing_count} firing" if self._good_at else self.TITLE
        if self.border_title != title:
            self.border_title = title

    def _show(self, groups: tuple[AlertGroup, ...]) -> None:
        self._groups = groups
        if not groups:
            self._replace([None], [Text("No active alerts.", style="dim")])
            return
        now = self._clock()
        instances = [alert_instance(alert) for group in groups for alert in group.alerts]
        width = instance_width(instances, self.scrollable_content_region.width)
        alerts: list[Alert | None] = []
        prompts: list[Text] = []
        for group in groups:
            alerts.append(None)
            prompts.append(heading(group))
            for alert in group.alerts:
                alerts.append(alert)
                prompts.append(alert_line(alert, now, width))
        self._replace(alerts, prompts)

    def _replace(self, alerts: list[Alert | None], prompts: list[Text]) -> None:
        """Swap in new lines, keeping the highlighted alert; identical lines are not redrawn."""
        kept, previous = self.highlighted_alert(), self.highlighted
        keys = [(str(p.style), p.plain, tuple(p.spans)) for p in prompts]
        if keys == self._keys:
            self._alerts = alerts
            self._announce()
            return
        self._alerts, self._keys = alerts, keys
        options = [Option(p, disabled=a is None) for a, p in zip(alerts, prompts, strict=True)]
        self.set_options(options)
        self.highlighted = self._index_for(kept, previous)

    def _index_for(self, kept: Alert | None, previous: int | None) -> int | None:
        """The kept alert's new line; else the alert line nearest the old cursor; else first."""
        lines = [index for index, alert in enumerate(self._alerts) if alert is not None]
        if kept is not None:
            for index in lines:
                alert = self._alerts[index]
                if alert is not None and alert.fingerprint == kept.fingerprint:
                    return index
        if not lines:
            return None
        return min(lines, key=lambda index: abs(index - (previous or 0)))

    def _announce(self) -> None:
        alert = self.highlighted_alert()
        if alert is not None and alert != self._announced:
            self._announced = alert
            self.post_message(self.AlertHighlighted(alert))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._announce()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        alert = self._alerts[index] if index < len(self._alerts) else None
        if alert is not None:
            self.post_message(self.AlertChosen(alert))
