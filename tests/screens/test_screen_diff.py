"""ScreenDiff: after a repaint, what reaches the terminal is the cells that changed, only them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.geometry import Region, Size
from textual.strip import Strip

from console.screen_diff import GAP, Cell, ScreenDiff, changed_runs

SIZE = Size(20, 3)
PLAIN, BOLD = Style(color="white"), Style(bold=True)
CONSOLE = Console(color_system="truecolor", force_terminal=True, width=20)


def full(*lines: str, style: Style = PLAIN) -> LayoutUpdate:
    return LayoutUpdate([[Strip([Segment(line.ljust(20), style)])] for line in lines], SIZE.region)


def chops(y: int, text: str, style: Style = PLAIN) -> ChopsUpdate:
    """A repaint of line `y` whole, as Textual sends when a widget spanning it is refreshed."""
    lines: list[dict[int, Strip | None]] = [{}, {}, {}]
    ends: list[list[int]] = [[], [], []]
    lines[y] = {0: Strip([Segment(text.ljust(20), style)])}
    ends[y] = [20]
    return ChopsUpdate(lines, [(y, 0, 20)], ends)


def written(update: object) -> str:
    assert update is not None
    out = update.render_segments(CONSOLE)  # type: ignore[attr-defined]
    return str(out)


def test_the_first_frame_goes_out_whole_then_only_changed_cells() -> None:
    diff = ScreenDiff()
    first = full("pid  time", "17   3s", "18   4s")
    assert diff.narrow(first, SIZE) is first
    update = diff.narrow(chops(1, "17   4s"), SIZE)
    out = written(update)
    assert "\x1b[2;6H" in out  # row 2, column 6: the one cell that ticked
    assert "4" in out and "17" not in out and "time" not in out


def test_a_repaint_that_changes_nothing_writes_nothing() -> None:
    diff = ScreenDiff()
    diff.narrow(full("a", "b", "c"), SIZE)
    assert diff.narrow(chops(2, "c"), SIZE) is None
    assert diff.narrow(full("a", "b", "c"), SIZE) is None


def test_a_change_of_style_alone_is_written() -> None:
    diff = ScreenDiff()
    diff.narrow(full("ab", "", ""), SIZE)
    out = written(diff.narrow(chops(0, "ab", BOLD), SIZE))
    assert "\x1b[1;1H" in out and "\x1b[1m" in out


def test_nearby_changes_go_out_as_one_run() -> None:
    diff = ScreenDiff()
    diff.narrow(full("abcdef", "", ""), SIZE)
    out = written(diff.narrow(chops(0, "XbcYef"), SIZE))
    assert out.count("\x1b[1;") == 1 and "XbcY" in out


def test_a_new_size_or_an_unknown_update_goes_out_whole() -> None:
    diff = ScreenDiff()
    diff.narrow(full("a", "b", "c"), SIZE)
    bigger = Size(30, 3)
    update = chops(0, "a")
    assert diff.narrow(update, bigger) is update  # nothing known of a terminal of that size
    again = full("a", "b", "c")
    assert diff.narrow(again, SIZE) is again  # the size changed back: written whole


def test_a_wide_character_is_rewritten_whole() -> None:
    diff = ScreenDiff()
    diff.narrow(full("日本", "", ""), SIZE)
    out = written(diff.narrow(chops(0, "日木"), SIZE))
    assert "\x1b[1;3H" in out and "木" in out and "日" not in out


def test_a_partial_layout_update_stops_the_record_until_a_full_frame() -> None:
    diff = ScreenDiff()
    diff.narrow(full("a", "b", "c"), SIZE)
    part = LayoutUpdate([[Strip([Segment("x", PLAIN)])]], Region(0, 0, 1, 1))
    assert diff.narrow(part, SIZE) is part
    update = chops(1, "b")
    assert diff.narrow(update, SIZE) is update


def one_by_one(old: list[Cell], new: list[Cell], start: int) -> list[tuple[int, int]]:
    """changed_runs without its block comparison: every cell looked at."""
    runs: list[tuple[int, int]] = []
    for offset, cell in enumerate(new):
        x = start + offset
        if x < len(old) and old[x] == cell:
            continue
        if runs and x - runs[-1][1] < GAP:
            runs[-1] = (runs[-1][0], x + 1)
        else:
            runs.append((x, x + 1))
    return runs


LINES = st.lists(st.sampled_from([("a", PLAIN), ("b", PLAIN), ("a", BOLD)]), max_size=70)


@given(old=LINES, new=LINES, start=st.integers(0, 40))
def test_changed_runs_compares_in_blocks_as_it_would_cell_by_cell(
    old: list[Cell], new: list[Cell], start: int
) -> None:
    assert changed_runs(old, new, start) == one_by_one(old, new, start)
