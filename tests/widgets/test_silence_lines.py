"""How a silence's end shows: in the alert's line, and in the silences list."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests import factories_alerts as fa
from tests.factories import AT
from widgets.alert_list import alert_line
from widgets.silence_table import left_text, until_text


def test_a_silenced_alert_line_says_until_when() -> None:
    _, muted = fa.instance_down()
    shown = alert_line(replace(muted, silenced_until=AT + timedelta(minutes=70)), AT, 30)
    assert "silenced until 15:40 devops primary unreachable" in shown.plain
    unknown = alert_line(muted, AT, 30)  # the silences could not be read: no end, still marked
    assert "silenced devops primary unreachable" in unknown.plain


def test_an_end_on_another_day_names_the_day() -> None:
    assert until_text(AT + timedelta(hours=2), AT) == "until 16:30"
    assert until_text(AT + timedelta(days=1), AT) == "until Nov 26 14:30"
    assert until_text(None, AT) == "-"


def test_time_left() -> None:
    assert left_text(AT + timedelta(minutes=90), AT) == "1h30m"
    assert left_text(AT - timedelta(minutes=1), AT) == "-"
