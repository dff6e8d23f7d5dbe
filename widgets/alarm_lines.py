"""How CloudWatch alarms read in the alert list: state headings and one line per alarm.

Kept apart from AlertList so the list stays about layout and cursor; these are pure functions
of the models (and a clock), shared with the alert detail pane.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from console.data.aws_models import CloudWatchAlarm
from console.formatting import human_age

STATES = ("ALARM", "INSUFFICIENT_DATA", "OK")
STATE_STYLES = {"ALARM": "bold red", "INSUFFICIENT_DATA": "yellow", "OK": "green"}
SOURCE_STYLES = {"AM": "bold magenta", "CW": "bold bright_cyan"}


def source_tag(source: str) -> Text:
    """The per-row source marker: `AM` Alertmanager, `CW` CloudWatch."""
    return Text(source, style=SOURCE_STYLES.get(source, "bold"))


def state_style(state: str) -> str:
    return STATE_STYLES.get(state, "dim")


def alarm_age(alarm: CloudWatchAlarm, now: datetime) -> str:
    if alarm.since is None:
        return "-"
    return human_age((now - alarm.since).total_seconds())


def alarm_instance(alarm: CloudWatchAlarm) -> str:
    """The instance the alarm's dimensions name, else its first dimension's value."""
    if alarm.instance:
        return alarm.instance
    return alarm.dimensions[0][1] if alarm.dimensions else "-"


def by_state(alarms: Sequence[CloudWatchAlarm]) -> list[tuple[str, list[CloudWatchAlarm]]]:
    """Alarms grouped ALARM, INSUFFICIENT_DATA, OK (then any other state), empty groups left out."""
    order = [*STATES, *sorted({a.state for a in alarms} - set(STATES))]
    groups = [(state, [a for a in alarms if a.state == state]) for state in order]
    return [(state, members) for state, members in groups if members]


def alarm_heading(state: str, count: int) -> Text:
    """'CLOUDWATCH · ALARM (2)'."""
    text = Text("CLOUDWATCH · ", style="bold")
    text.append(state, style=state_style(state))
    text.append(f" ({count})")
    return text


def alarm_summary(alarm: CloudWatchAlarm) -> str:
    """'CPUUtilization · rds-salesorder-cpu-high · Threshold Crossed: …'."""
    parts = [alarm.metric or "-", alarm.name]
    if alarm.reason:
        parts.append(alarm.reason)
    return " · ".join(parts)


def alarm_line(alarm: CloudWatchAlarm, now: datetime, instance_width: int) -> Text:
    """Marker, source, age, instance and what it measures; an OK alarm is dimmed."""
    instance = alarm_instance(alarm)
    if len(instance) > instance_width:
        instance = instance[: instance_width - 1] + "…"
    quiet = alarm.state == "OK"
    text = Text(no_wrap=True, overflow="ellipsis", style="dim" if quiet else "")
    text.append(" ● ", style=state_style(alarm.state))
    text.append_text(source_tag("CW"))
    text.append(f" {alarm_age(alarm, now):>3} {instance.ljust(instance_width)}  ")
    text.append(alarm_summary(alarm))
    return text


def alarms_problem(why: str, stale_for: str | None) -> Text:
    """The in-place mark of a failing CloudWatch call: 'CloudWatch stale 45s · timeout: …'."""
    state = f"stale {stale_for}" if stale_for is not None else "no data"
    return Text(f"CLOUDWATCH · {state} · {why}", style="bold red")
