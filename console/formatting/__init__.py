"""Pure display helpers (no Rich, no Textual): durations, bytes, tables of plain text."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Literal, Protocol


def human_bytes(value: float | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{seconds:.0f}s" if seconds >= 1 else f"{seconds * 1000:.0f}ms"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    return f"{hours // 24}d{hours % 24:02d}h"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned plain-text columns, two spaces apart; the last column is not padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=False)]
    lines = []
    for row in (headers, *rows):
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


# --- ages, units and sparklines (alert list and metric chart) ------------------------------

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
"""Eight heights of one cell; a NaN value (no data) is drawn as a space."""


def human_age(seconds: float | None) -> str:
    """The largest whole unit of an age, as alert lists show it: 45s, 12m, 3h, 2d."""
    if seconds is None or math.isnan(seconds):
        return "-"
    whole = max(0, int(seconds))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if whole >= size:
            return f"{whole // size}{unit}"
    return f"{whole}s"


def human_number(value: float | None) -> str:
    """A figure in at most about five characters: 7, 0.52, 12.3, 904, 1.2k, 3.4M."""
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    size = abs(value)
    for scale, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if size >= scale:
            return f"{value / scale:.1f}{suffix}"
    if size == int(size):
        return f"{value:.0f}"
    return f"{value:.2f}" if size < 10 else f"{value:.1f}" if size < 100 else f"{value:.0f}"


def human_value(value: float | None, unit: str) -> str:
    """A value with its unit: bytes and bytes/s in binary units, s as a duration, % and rates."""
    if value is None or math.isnan(value):
        return "-"
    if unit == "bytes":
        return human_bytes(value)
    if unit == "bytes/s":
        return f"{human_bytes(value)}/s"
    if unit == "s":
        return human_duration(value)
    if unit == "%":
        return f"{value:.1f}%"
    number = human_number(value)
    return f"{number} {unit}" if unit else number


def resample(
    xs: Sequence[float], ys: Sequence[float], width: int, start: float, end: float
) -> list[float]:
    """`width` column values over [start, end]: each the maximum of its points (spikes stay).

    An empty column repeats the column before it when that column's last point is at most 1.5
    sampling steps back, so sparse data still draws a line; longer gaps and NaN stay NaN.
    """
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if not math.isnan(y)]
    if width <= 0 or not points:
        return [math.nan] * max(width, 0)
    span = end - start
    if span <= 0:
        return [points[-1][1]] * width
    columns = [math.nan] * width
    last_xs = [math.nan] * width
    for x, y in points:
        column = min(width - 1, max(0, int((x - start) / span * width)))
        columns[column] = y if math.isnan(columns[column]) else max(columns[column], y)
        last_xs[column] = x if math.isnan(last_xs[column]) else max(last_xs[column], x)
    reach = 1.5 * _median_step(xs)
    carried_x, carried_y = math.nan, math.nan
    for index in range(width):
        if not math.isnan(columns[index]):
            carried_x, carried_y = last_xs[index], columns[index]
        elif start + index * span / width - carried_x <= reach:
            columns[index] = carried_y
    return columns


def _median_step(xs: Sequence[float]) -> float:
    steps = sorted(b - a for a, b in pairwise(xs) if b > a)
    return steps[len(steps) // 2] if steps else 0.0


def sparkline(values: Sequence[float], low: float, high: float) -> str:
    """One block per value scaled between low and high; NaN is a gap, a flat range the floor."""
    top = len(SPARK_BLOCKS) - 1
    cells = []
    for value in values:
        if math.isnan(value):
            cells.append(" ")
        elif high <= low:
            cells.append(SPARK_BLOCKS[0])
        else:
            level = round((min(max(value, low), high) - low) / (high - low) * top)
            cells.append(SPARK_BLOCKS[level])
    return "".join(cells)


# --- ratios, rates, severities and one-line text (instance widgets) -----------------------

Severity = Literal["ok", "warn", "crit"]
"""How a figure stands against its thresholds; widgets map each name to one style."""


def safe_ratio(part: float | None, whole: float | None) -> float | None:
    """part / whole, or None when either is unknown or the whole is zero (no limit set)."""
    if part is None or not whole:
        return None
    return part / whole


def human_percent(ratio: float | None, decimals: int = 0) -> str:
    """0.857 -> '86%'; None -> '-'."""
    if ratio is None:
        return "-"
    return f"{ratio * 100:.{decimals}f}%"


def human_rate(per_s: float | None) -> str:
    """Events per second: 3.25 -> '3.25/s', 12345 -> '12.3k/s'; None -> '-'."""
    if per_s is None or math.isnan(per_s):
        return "-"
    return f"{human_number(per_s)}/s"


def first_line(text: str | None, width: int) -> str:
    """The first non-blank line with runs of whitespace collapsed, cut to `width` with '…'."""
    if not text:
        return ""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) <= width:
        return line
    return line[: max(width - 1, 0)] + "…"


def severity(
    value: float | None, warn: float = 0.8, crit: float = 0.9, *, low_is_bad: bool = False
) -> Severity:
    """Where a figure stands against its thresholds; unknown (None) is 'ok'.

    By default higher is worse (a usage ratio, a lag); with `low_is_bad` lower is worse
    (a cache hit ratio), and then `warn` is the larger threshold.
    """
    if value is None:
        return "ok"
    if low_is_bad:
        return "crit" if value <= crit else "warn" if value <= warn else "ok"
    return "crit" if value >= crit else "warn" if value >= warn else "ok"


def table_csv(headers: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def table_markdown(headers: list[str], rows: list[list[str]]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    return "\n".join([line(headers), line(["---"] * len(headers)), *map(line, rows)]) + "\n"


class Share(Protocol):
    """A keyed amount (a Cost Explorer line: a service or a usage type and what it cost)."""

    @property
    def key(self) -> str: ...

    @property
    def amount(self) -> float: ...


def money(amount: float) -> str:
    """'$1,234.50': an amount of the report's currency."""
    return f"${amount:,.2f}"


def share_rows(lines: Sequence[Share], total: float) -> list[list[str]]:
    """[key, cost, share of `total`] per line: the cost screen's tables and `opsconsole cost`'s.

    Why here: the screen's widget and the verb print the same rows, so they always agree.
    """
    return [
        [line.key, money(line.amount), f"{line.amount / total:.0%}" if total else "-"]
        for line in lines
    ]
