"""ScreenDiff: only the cells that changed since the last frame are written to the terminal.

Why: Textual writes every line of a repainted region, whatever was on the terminal already. A
process list re-sorts on most polls (statements start and end), so each poll repainted the whole
table: ~25-30 kB a second at 200x50 for a screen where a few dozen cells had changed
(bench/vs_anchors.py). ScreenDiff keeps what the terminal shows, cell by cell, and turns each
update into the runs of cells that differ.

It only ever narrows an update: a frame of another size, a line with a control code, or any
update kind it does not know is written whole and restarts the record from the next full frame.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import get_character_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.geometry import Size
from textual.strip import Strip

Cell = tuple[str, Style | None]
"""One terminal cell: its text ('' for the right half of a wide character) and style."""

GAP = 4
"""Unchanged cells between two changed runs shorter than this are written too (a cursor move
costs about as many bytes)."""
BLOCK = 16
"""Cells compared at once (one list comparison, in C) before looking at them one by one: most
of a repainted line is what the terminal shows already."""


def cells_of(strips: Iterable[Strip]) -> list[Cell] | None:
    """The cells that `strips` paint, left to right; None when a segment is a control code."""
    cells: list[Cell] = []
    for strip in strips:
        for text, style, control in strip:
            if control:
                return None
            if text.isascii():
                cells += [(char, style) for char in text]
                continue
            for char in text:
                width = get_character_cell_size(char)
                if width == 0 and cells:
                    cells[-1] = (cells[-1][0] + char, cells[-1][1])
                elif width == 2:
                    cells += [(char, style), ("", style)]
                else:
                    cells.append((char, style))
    return cells


def changed_runs(old: list[Cell], new: list[Cell], start: int) -> list[tuple[int, int]]:
    """(first, end) cell ranges of `new` (placed at `start`) that differ from `old`."""
    runs: list[tuple[int, int]] = []
    for base in range(0, len(new), BLOCK):
        chunk = new[base : base + BLOCK]
        at = start + base
        if old[at : at + len(chunk)] == chunk:
            continue
        for offset, cell in enumerate(chunk):
            x = at + offset
            if x < len(old) and old[x] == cell:
                continue
            if runs and x - runs[-1][1] < GAP:
                runs[-1] = (runs[-1][0], x + 1)
            else:
                runs.append((x, x + 1))
    return runs


class DiffUpdate(CompositorUpdate):
    """The changed runs of one update, ready to write."""

    def __init__(self, runs: list[tuple[int, int, list[Cell]]]) -> None:
        self.runs = runs  # (y, x, cells)

    def render_segments(self, console: Console) -> str:
        out: list[str] = []
        for y, x, cells in self.runs:
            segments: list[Segment] = []
            for text, style in cells:
                if segments and segments[-1].style == style:
                    segments[-1] = Segment(segments[-1].text + text, style)
                else:
                    segments.append(Segment(text, style))
            out.append(f"\x1b[{y + 1};{x + 1}H")
            out.append(Strip(segments).render(console))
        return "".join(out)


class ScreenDiff:
    """What the terminal shows, and the narrowing of each update to what changes it."""

    def __init__(self) -> None:
        self._lines: list[list[Cell]] | None = None
        self._size = Size(0, 0)

    def forget(self) -> None:
        """The terminal was cleared or written behind our back: the next frame goes out whole."""
        self._lines = None

    def narrow(self, update: CompositorUpdate, size: Size) -> CompositorUpdate | None:
        """The part of `update` that changes the terminal (None: nothing does)."""
        if size != self._size:
            self._size, self._lines = size, None
        if isinstance(update, LayoutUpdate):
            return self._full(update, size)
        if isinstance(update, ChopsUpdate) and self._lines is not None:
            return self._chops(update, self._lines)
        self._lines = None
        return update

    def _full(self, update: LayoutUpdate, size: Size) -> CompositorUpdate | None:
        region = update.region
        whole = region.x == 0 and region.y == 0 and region.size == size
        lines = [cells_of(line) for line in update.strips]
        if not whole or any(line is None for line in lines):
            self._lines = None
            return update
        new = [line for line in lines if line is not None]
        if self._lines is None:
            self._lines = new
            return update
        runs = []
        for y, (old, line) in enumerate(zip(self._lines, new, strict=False)):
            if old != line:
                found = changed_runs(old, line, 0)
                runs += [(y, a, line[a:b]) for a, b in self._widen(line, found)]
        self._lines = new
        return DiffUpdate(runs) if runs else None

    def _chops(self, update: ChopsUpdate, lines: list[list[Cell]]) -> CompositorUpdate | None:
        runs: list[tuple[int, int, list[Cell]]] = []
        for y, x1, x2 in update.spans:
            if y >= len(lines):
                self._lines = None
                return update
            line = lines[y]
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                new = cells_of([strip.crop(0, min(end, x2) - x)])
                if new is None or x + len(new) > len(line):
                    self._lines = None
                    return update
                found = changed_runs(line, new, x)
                line[x : x + len(new)] = new
                runs += [(y, a, line[a:b]) for a, b in self._widen(line, found)]
        return DiffUpdate(runs) if runs else None

    @staticmethod
    def _widen(line: list[Cell], runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Runs that start or end inside a wide character take all of it."""
        widened = []
        for first, end in runs:
            while first > 0 and line[first][0] == "":
                first -= 1
            while end < len(line) and line[end][0] == "":
                end += 1
            widened.append((first, end))
        return widened
