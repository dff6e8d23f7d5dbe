"""The overview of an MSK, EKS, DocumentDB, OpenSearch or EC2 resource, and its alarms.

ResourceOverviewPanel shows what the describe calls said (status, version, sizes, counts, then
its brokers, node groups or cluster members); a figure the API cannot give says "not available
from this API (call)" in its place, dimmed, never a blank. ResourceAlarmsPanel lists the
CloudWatch alarms of the resource, ALARM first, with the marks and words of the Alerts screen
(widgets/alarm_lines.py). Both keep the last good value on a failed read, marked stale.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text

from console.data.aws_models import CloudWatchAlarm, ResourceOverview
from console.data.models import Reading
from widgets.alarm_lines import alarm_age, alarm_summary, state_style
from widgets.reading_view import Clock, utcnow
from widgets.status_panel import ReadingPanel, styled


class ResourceOverviewPanel(ReadingPanel[ResourceOverview]):
    """Status first (red when the service says it is not healthy), the facts, the parts."""

    TITLE: ClassVar[str] = "overview"

    def _figures(self, value: ResourceOverview) -> list[tuple[str, str | Text]]:
        status = styled(value.status, "ok" if value.healthy else "crit")
        rows: list[tuple[str, str | Text]] = [("status", status)]
        for fact in value.facts:
            if fact.label.lower() in ("status", "state"):
                continue  # shown above, coloured
            if fact.missing is not None:
                rows.append((fact.label, Text(fact.missing, style="dim yellow")))
            else:
                rows.append((fact.label, fact.value))
        rows.append(("id", value.identifier))  # an ARN: long, and read last
        rows.append(("", ""))
        rows.append((value.members_title, _count(value)))
        rows += [(f"  {m.name}", _member(m.status, m.size, m.count, m.note, m.healthy))
                 for m in value.members]  # fmt: skip
        return rows


def _count(value: ResourceOverview) -> Text:
    if value.members_missing is not None:
        return Text(value.members_missing, style="dim yellow")
    sick = sum(not m.healthy for m in value.members)
    text = Text(f"{len(value.members)}")
    if sick:
        text.append(f" ({sick} not healthy)", style="bold red")
    return text


def _member(status: str, size: str, count: str, note: str, healthy: bool) -> Text:
    text = Text(status, style="green" if healthy else "bold red")
    for part in (size, count, note):
        if part:
            text.append(f" · {part}")
    return text


class ResourceAlarmsPanel(ReadingPanel[tuple[CloudWatchAlarm, ...]]):
    """One line per alarm: state, age, metric, name and reason (OK ones dimmed)."""

    TITLE: ClassVar[str] = "CloudWatch alarms"
    DEFAULT_CSS = """
    ResourceAlarmsPanel { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(clock=clock, id=id)

    def watch_reading(self, reading: Reading[tuple[CloudWatchAlarm, ...]] | None) -> None:
        super().watch_reading(reading)
        alarms = self._value or ()
        firing = sum(a.firing for a in alarms)
        title = f"{self.TITLE} · {firing} in ALARM" if firing else self.TITLE
        if str(self.border_title or "") != title:
            self.border_title = Text(title, style="bold red" if firing else "")

    def _line_count(self) -> int:
        return 1 if not self._value else len(self._value)

    def render(self) -> Text:
        if self._value is None:
            return Text("no data yet" if self.reading else "loading…", style="dim")
        if not self._value:
            return Text("no CloudWatch alarm names this resource", style="dim")
        now = self._clock()
        text = Text(no_wrap=True, overflow="ellipsis")  # one line per alarm, cut at the edge
        width = max(len(a.state) for a in self._value)
        for index, alarm in enumerate(self._value):
            text.append("\n" if index else "")
            text.append_text(_alarm_line(alarm, now, width))
        return text

    def _figures(self, value: tuple[CloudWatchAlarm, ...]) -> list[tuple[str, str | Text]]:
        return [(a.state, a.name) for a in value]


def _alarm_line(alarm: CloudWatchAlarm, now: datetime, width: int) -> Text:
    quiet = alarm.state == "OK"
    text = Text(no_wrap=True, overflow="ellipsis", style="dim" if quiet else "")
    text.append("● ", style=state_style(alarm.state))
    text.append(alarm.state.ljust(width), style=state_style(alarm.state))
    text.append(f"{alarm_age(alarm, now):>4}  ")
    text.append(alarm_summary(alarm))
    return text
