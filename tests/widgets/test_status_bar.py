"""StatusBar: the console's own lateness is said as the console's, and kept when space is short."""

from __future__ import annotations

from widgets.status_bar import StatusBar


def test_console_busy_is_shown_in_the_bar_as_the_consoles_own() -> None:
    bar = StatusBar()
    bar.profile = "lab"
    bar.counts = "140 ok · 0 warn · 2 down"
    assert not any("console busy" in text for _, text, _ in bar.parts())
    bar.busy = "console busy: figures up to 0.6 s late"
    texts = [text for _, text, _ in bar.parts()]
    assert "  console busy: figures up to 0.6 s late" in texts
    busy = next(p for p in bar.parts() if "console busy" in p[1])
    counts = next(p for p in bar.parts() if "140 ok" in p[1])
    assert busy[0] > counts[0]  # the counts go first when the bar is narrow


def test_alarms_not_counted_yet_are_said_and_go_before_the_firing_count() -> None:
    bar = StatusBar()
    bar.profile = "lab"
    bar.firing = 2
    bar.alarms_counted = False
    texts = [text for _, text, _ in bar.parts()]
    assert "  ▲ 2 firing (a)" in texts
    assert "  alarms: - (a)" in texts
    alarms = next(p for p in bar.parts() if "alarms: -" in p[1])
    firing = next(p for p in bar.parts() if "firing" in p[1])
    assert alarms[0] < firing[0]  # dropped first when the bar is narrow
    bar.alarms_counted = True
    assert not any("alarms" in text for _, text, _ in bar.parts())


def test_read_only_is_marked_beside_the_profile_and_never_dropped() -> None:
    bar = StatusBar()
    bar.profile = "production"
    assert not any("READ-ONLY" in text for _, text, _ in bar.parts())
    bar.read_only = True
    parts = bar.parts()
    assert [text for _, text, _ in parts[:2]] == [" production ", " READ-ONLY "]
    assert parts[1][0] >= 5  # the narrow bar drops only priorities below 5
