"""The soak's figures: one row per console per minute, growth, verdict, RESULTS.md section.

Why: bench/soak.py drives terminals and the lab; what the figures mean (growth from the
warm-up mark, the 10 % limit, what counts as an unhandled error) is kept here, apart, in
plain functions of the rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

GROWTH_LIMIT_PCT = 10.0
WARM_UP_MIN = 5
FIGURES = (("rss_mib", "RSS (MiB)"), ("fds", "open files"), ("tasks", "asyncio tasks"))


@dataclass(frozen=True)
class Row:
    """One console at one minute: RSS then, the fewest open files and tasks seen that minute."""

    minute: int
    console: str
    rss_mib: float
    fds: int
    tasks: int
    workers: int
    reported: int
    last_error: str | None
    scenario: str
    alive: bool

    HEADER: ClassVar[str] = "min console   RSS MiB  files  tasks  workers  reported  scenario"

    def line(self) -> str:
        state = "" if self.alive else "  EXITED"
        return (
            f"{self.minute:>3} {self.console:9} {self.rss_mib:>7.1f} {self.fds:>6} "
            f"{self.tasks:>6} {self.workers:>8} {self.reported:>9}  {self.scenario}{state}"
        )

    def figure(self, name: str) -> float:
        value = float(getattr(self, name))
        return value if value >= 0 else math.nan


def warm_up_mark(minutes: int) -> int:
    """Minute 5, or half of a shorter run: growth is counted from there to the end."""
    return min(WARM_UP_MIN, minutes // 2)


def growth(start: float, end: float) -> float:
    """Per cent from start to end; NaN when either is missing."""
    if math.isnan(start) or math.isnan(end) or start <= 0:
        return math.nan
    return 100.0 * (end - start) / start


def _by_console(rows: Sequence[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.console, []).append(row)
    return grouped


def summary(rows: Sequence[Row], minutes: int) -> list[tuple[str, str, list[float]]]:
    """(console, figure label, [first, at mark, last, max, growth %]) for each figure."""
    mark = warm_up_mark(minutes)
    out = []
    for console, own in _by_console(rows).items():
        at_mark = next((r for r in own if r.minute == mark), None)
        for name, label in FIGURES:
            values = [r.figure(name) for r in own]
            start = at_mark.figure(name) if at_mark else math.nan
            known = [v for v in values if not math.isnan(v)]
            top = max(known) if known else math.nan
            out.append(
                (console, label, [values[0], start, values[-1], top, growth(start, values[-1])])
            )
    return out


def verdict(
    rows: Sequence[Row], unhandled: Mapping[str, Sequence[str]], minutes: int
) -> tuple[bool, list[str]]:
    """(passed, lines): every figure grows at most 10 % after the mark; no unhandled error."""
    mark = warm_up_mark(minutes)
    lines, passed = [], bool(rows)
    for console, label, (_, start, end, _, pct) in summary(rows, minutes):
        ok = not math.isnan(pct) and pct <= GROWTH_LIMIT_PCT
        passed = passed and ok
        lines.append(
            f"{console}: {label} {_fmt(start)} at minute {mark} -> {_fmt(end)} at the end "
            f"({_pct(pct)}, limit +{GROWTH_LIMIT_PCT:g} %: {'ok' if ok else 'FAILED'})"
        )
    for console, own in _by_console(rows).items():
        last = own[-1]
        latest = f" (latest: {last.last_error})" if last.last_error else ""
        lines.append(f"{console}: errors reported in place: {last.reported}{latest}")
    for console, errors in unhandled.items():
        passed = passed and not errors
        lines.append(f"{console}: unhandled errors: {'; '.join(errors) or 'none'}")
    lines.append(f"verdict: {'PASSED' if passed else 'FAILED'}")
    return passed, lines


def _fmt(value: float) -> str:
    """A figure as read: whole counts bare, MiB to one decimal, a missing one as '-'."""
    if math.isnan(value):
        return "-"
    return f"{value:.1f}" if value % 1 else f"{value:.0f}"


def _cells(values: Sequence[float]) -> list[str]:
    *figures, pct = values
    return [_fmt(v) for v in figures] + [_pct(pct)]


def _pct(value: float) -> str:
    return "no figure" if math.isnan(value) else f"{value:+.1f} %"


def report(
    rows: Sequence[Row], lines: Sequence[str], minutes: int, when: str, scenarios: Sequence[str]
) -> str:
    """The Markdown section: when and under what load, summary, verdict, scenarios, every minute."""
    mark = warm_up_mark(minutes)
    out = [
        when,
        "",
        f"A {minutes}-minute run. Two real `opsconsole` processes in tmux at 200x50: the fleet "
        "screen, and `--instance aws-luckyus-salesorder-rw --pane processes`. RSS at each "
        "minute; open files and asyncio tasks the fewest seen in that minute (sampled every "
        "10 s); tasks, workers and errors from the console's OPSCONSOLE_DIAG lines. Growth "
        f"counts from minute {mark} (warm-up before it) to the end.",
        "",
        f"| console | figure | first | minute {mark} | last | max | growth from minute {mark} |",
        "|---|---|---|---|---|---|---|",
    ]
    for console, label, values in summary(rows, minutes):
        out.append(f"| {console} | {label} | " + " | ".join(_cells(values)) + " |")
    out += ["", *(f"- {line}" for line in lines), "", "Load and scenarios, in order:", ""]
    out += [*(f"- {line}" for line in scenarios), "", _per_minute(rows)]
    return "\n".join(out)


def _per_minute(rows: Sequence[Row]) -> str:
    consoles = list(_by_console(rows))
    head = ["min", "scenario"] + [f"{c} RSS / files / tasks / workers / errors" for c in consoles]
    table = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    by_minute: dict[int, dict[str, Row]] = {}
    for row in rows:
        by_minute.setdefault(row.minute, {})[row.console] = row
    for minute, at in sorted(by_minute.items()):
        scenario = next(iter(at.values())).scenario
        cells = [
            f"{r.rss_mib:.1f} / {r.fds} / {r.tasks} / {r.workers} / {r.reported}"
            if (r := at.get(c))
            else "-"
            for c in consoles
        ]
        table.append(f"| {minute} | {scenario} | " + " | ".join(cells) + " |")
    return "\n".join(["<details><summary>every minute</summary>", "", *table, "", "</details>"])
