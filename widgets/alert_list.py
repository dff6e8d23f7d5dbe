"""AlertList: Alertmanager alerts by severity and name, then CloudWatch alarms by state.

Every row carries its source (`AM` Alertmanager, `CW` CloudWatch). Group headings are disabled
options, so the cursor moves from alert to alert only. The highlight follows its alert (by
fingerprint, or alarm name) across polls, and an unchanged list is not rebuilt, which keeps
redraws over SSH cheap. The two sources fail apart: a failing CloudWatch call marks its own
section stale in place and leaves Alertmanager's untouched. Nothing is fetched here: the
screen assigns `reading` (Alertmanager) and `alarms` (CloudWatch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Span, Text
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.data.aws_models import CloudWatchAlarm
from console.data.models import Alert, AlertGroup, Reading
from console.formatting import human_age, human_duration
from widgets.alarm_lines import (
    alarm_heading,
    alarm_instance,
    alarm_line,
    alarms_problem,
    by_state,
    source_tag,
)
from widgets.bindings import bindings
from widgets.reading_view import Clock, show_reading_state, utcnow
from widgets.resilient import Resilient
from widgets.silence_table import until_text

Entry = Alert | CloudWatchAlarm
AlarmsReading = Reading[tuple[CloudWatchAlarm, ...]]

SEVERITY_STYLES = {"critical": "bold red", "error": "red", "warning": "yellow", "info": "cyan"}
INSTANCE_WIDTH_MAX = 32
LINE_FIXED = 13  # marker, source, age and the gaps around the instance column


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
    text.append(" ○ " if silenced else " ● ", style=marker_style)
    text.append_text(source_tag("AM"))
    text.append(f" {alert_age(alert, now):>3} {instance.ljust(instance_width)}  ")
    if silenced:
        until = until_text(alert.silenced_until, now) if alert.silenced_until else ""
        text.append(f"silenced {until} " if until else "silenced ", style="italic")
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


class AlertList(Resilient, OptionList):
    """Alerts under "SEVERITY · name (count)" headings, then CloudWatch alarms by state.

    Enter posts AlertChosen (Alertmanager) or AlarmChosen (CloudWatch).
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("alert.open")
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

    alarms: reactive[AlarmsReading | None] = reactive(None, init=False, repaint=False)
    """The latest CloudWatch alarms (None: not asked yet); an error keeps the last good ones."""

    @dataclass
    class AlertHighlighted(Message):
        """The cursor is on a different alert (or the highlighted alert changed)."""

        alert: Alert

    @dataclass
    class AlertChosen(Message):
        """The user chose an alert (Enter or click)."""

        alert: Alert

    @dataclass
    class AlarmHighlighted(Message):
        """The cursor is on a CloudWatch alarm."""

        alarm: CloudWatchAlarm

    @dataclass
    class AlarmChosen(Message):
        """The user chose a CloudWatch alarm (Enter or click)."""

        alarm: CloudWatchAlarm

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
        self._alarms: tuple[CloudWatchAlarm, ...] = ()
        self._entries: list[Entry | None] = []  # one per option; None for headings and notes
        self._keys: list[tuple[str, str, tuple[Span, ...]]] = []  # what is drawn, to skip redraws
        self._good_at: datetime | None = None  # when the alerts on screen were fetched
        self._alarms_good_at: datetime | None = None  # when the alarms on screen were fetched
        self._announced: Entry | None = None  # the last entry sent in a Highlighted message

    @property
    def groups(self) -> tuple[AlertGroup, ...]:
        """The groups on screen (the last good reading's)."""
        return self._groups

    @property
    def shown_alarms(self) -> tuple[CloudWatchAlarm, ...]:
        """The CloudWatch alarms on screen (the last good reading's)."""
        return self._alarms

    @property
    def firing_count(self) -> int:
        """Alerts on screen that are not silenced or inhibited, plus alarms in ALARM."""
        alerts = sum(not is_silenced(alert) for group in self._groups for alert in group.alerts)
        return alerts + sum(alarm.firing for alarm in self._alarms)

    def highlighted_entry(self) -> Entry | None:
        index = self.highlighted
        if index is None or index >= len(self._entries):
            return None
        return self._entries[index]

    def highlighted_alert(self) -> Alert | None:
        entry = self.highlighted_entry()
        return entry if isinstance(entry, Alert) else None

    def highlighted_alarm(self) -> CloudWatchAlarm | None:
        entry = self.highlighted_entry()
        return entry if isinstance(entry, CloudWatchAlarm) else None

    def on_mount(self) -> None:
        self.border_title = self.TITLE
        show_reading_state(self, self.reading, last_good_at=self._good_at, now=self._clock())

    def on_resize(self) -> None:
        if self._groups or self._alarms:
            self._rebuild()  # the instance column follows the width

    def watch_reading(self, reading: Reading[tuple[AlertGroup, ...]] | None) -> None:
        if reading is not None and reading.value is not None:
            self._good_at = reading.fetched_at
            self._groups = reading.value
        self._rebuild()
        show_reading_state(self, reading, last_good_at=self._good_at, now=self._clock())
        self._retitle()

    def watch_alarms(self, reading: AlarmsReading | None) -> None:
        if reading is not None and reading.value is not None:
            self._alarms_good_at = reading.fetched_at
            self._alarms = reading.value
        self._rebuild()
        self._retitle()

    def _retitle(self) -> None:
        known = self._good_at is not None or self._alarms_good_at is not None
        title = f"{self.TITLE} · {self.firing_count} firing" if known else self.TITLE
        if self.border_title != title:
            self.border_title = title

    def _rebuild(self) -> None:
        """Alertmanager's section, then CloudWatch's, swapped in as one list."""
        now = self._clock()
        names = [alert_instance(a) for g in self._groups for a in g.alerts]
        names += [alarm_instance(alarm) for alarm in self._alarms]
        width = instance_width(names, self.scrollable_content_region.width)
        entries: list[Entry | None] = []
        prompts: list[Text] = []
        for entry, prompt in [*self._alert_rows(now, width), *self._alarm_rows(now, width)]:
            entries.append(entry)
            prompts.append(prompt)
        self._replace(entries, prompts)

    def _alert_rows(self, now: datetime, width: int) -> list[tuple[Entry | None, Text]]:
        reading = self.reading
        if not self._groups:
            if reading is not None and reading.error is not None and self._good_at is None:
                return [(None, Text(str(reading.error), style="red"))]
            if self._good_at is not None:
                return [(None, Text("No active alerts.", style="dim"))]
            return []
        rows: list[tuple[Entry | None, Text]] = []
        for group in self._groups:
            rows.append((None, heading(group)))
            rows.extend((alert, alert_line(alert, now, width)) for alert in group.alerts)
        return rows

    def _alarm_rows(self, now: datetime, width: int) -> list[tuple[Entry | None, Text]]:
        rows: list[tuple[Entry | None, Text]] = []
        reading = self.alarms
        if reading is not None and reading.error is not None:
            why = f"{reading.error.kind}: {reading.error.message}"
            good_at = self._alarms_good_at  # stale for: from the good answer to the failure
            age_s = None if good_at is None else (reading.fetched_at - good_at).total_seconds()
            age = None if age_s is None else human_duration(max(1.0, age_s))
            rows.append((None, alarms_problem(why, age)))
        elif reading is not None and not self._alarms:
            rows.append((None, Text("CLOUDWATCH · no metric alarms", style="dim")))
        for state, members in by_state(self._alarms):
            rows.append((None, alarm_heading(state, len(members))))
            rows.extend((alarm, alarm_line(alarm, now, width)) for alarm in members)
        return rows

    def _replace(self, entries: list[Entry | None], prompts: list[Text]) -> None:
        """Swap in new lines, keeping the highlighted entry; identical lines are not redrawn."""
        kept, previous = self.highlighted_entry(), self.highlighted
        keys = [(str(p.style), p.plain, tuple(p.spans)) for p in prompts]
        if keys == self._keys:
            self._entries = entries
            self._announce()
            return
        self._entries, self._keys = entries, keys
        options = [Option(p, disabled=e is None) for e, p in zip(entries, prompts, strict=True)]
        self.set_options(options)
        self.highlighted = self._index_for(kept, previous)
        if self.highlighted is None:
            self._announced = None  # nothing left: an entry that comes back is announced again

    def _index_for(self, kept: Entry | None, previous: int | None) -> int | None:
        """The kept entry's new line; else the entry line nearest the old cursor; else first."""
        lines = [index for index, entry in enumerate(self._entries) if entry is not None]
        if kept is not None:
            for index in lines:
                entry = self._entries[index]
                if entry is not None and entry_key(entry) == entry_key(kept):
                    return index
        if not lines:
            return None
        return min(lines, key=lambda index: abs(index - (previous or 0)))

    def _announce(self) -> None:
        entry = self.highlighted_entry()
        if entry is None or entry == self._announced:
            return
        self._announced = entry
        if isinstance(entry, Alert):
            self.post_message(self.AlertHighlighted(entry))
        else:
            self.post_message(self.AlarmHighlighted(entry))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._announce()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        entry = self._entries[index] if index < len(self._entries) else None
        if isinstance(entry, Alert):
            self.post_message(self.AlertChosen(entry))
        elif isinstance(entry, CloudWatchAlarm):
            self.post_message(self.AlarmChosen(entry))


def entry_key(entry: Entry) -> str:
    """What identifies a row across polls: the alert's fingerprint, or the alarm's name."""
    return entry.fingerprint if isinstance(entry, Alert) else f"cloudwatch:{entry.name}"
