"""Overview panels of one server: ServerStatusPanel (MySQL/PostgreSQL) and RedisInfoPanel.

Every threshold goes through `console.formatting.severity`, and every severity maps to one
style here, so the colour of a figure is decided in one place. On a failed read the panel keeps
the last good figures, marked stale (see widgets/reading_view.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.data.models import Reading, RedisInfo, ServerStatus
from console.formatting import (
    Severity,
    human_bytes,
    human_duration,
    human_number,
    human_percent,
    human_rate,
    safe_ratio,
    severity,
)
from widgets.reading_view import Clock, show_reading_state, utcnow

ValueT = TypeVar("ValueT")

SEVERITY_STYLES: dict[Severity, str] = {"ok": "green", "warn": "bold yellow", "crit": "bold red"}
USED = (0.8, 0.9)
"""Warn and critical ratios of connections to max_connections (and of memory to maxmemory)."""
CACHE_HIT = (0.99, 0.95)
"""A buffer-pool / shared-buffer hit ratio below these is a warning, then critical."""
REDIS_HIT = (0.9, 0.8)
REPLICATION_LAG_S = (10.0, 60.0)


def styled(text: str, level: Severity) -> Text:
    return Text(text, style=SEVERITY_STYLES[level])


def used_of(used: float, limit: float | None, shown: tuple[str, str], no_limit: str) -> Text:
    """'342 / 400 (86%)' styled by how full it is; without a limit, the figure and `no_limit`."""
    ratio = safe_ratio(used, limit)
    if ratio is None:
        return Text(f"{shown[0]} ({no_limit})")
    level = severity(ratio, *USED)
    return styled(f"{shown[0]} / {shown[1]} ({human_percent(ratio)})", level)


def hit_ratio(ratio: float | None, thresholds: tuple[float, float]) -> Text:
    """A hit ratio with one decimal, styled when it falls below the thresholds."""
    if ratio is None:
        return Text("-")
    return styled(human_percent(ratio, 1), severity(ratio, *thresholds, low_is_bad=True))


class ReadingPanel(Static, Generic[ValueT]):
    """A Static showing one Reading's value as a two-column grid; keeps the last good value."""

    DEFAULT_CSS = """
    ReadingPanel { height: auto; border: round $primary-darken-2; padding: 0 1; }
    ReadingPanel.-stale { opacity: 70%; }
    ReadingPanel.-error { border: round $error; }
    """
    TITLE: ClassVar[str] = ""

    reading: reactive[Reading[ValueT] | None] = reactive(None, init=False)
    """The latest reading; screens assign it, the panel keeps the last good value on error."""

    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock
        self._value: ValueT | None = None
        self._good_at: datetime | None = None

    def on_mount(self) -> None:
        self.border_title = self.TITLE
        show_reading_state(self, self.reading, last_good_at=self._good_at, now=self._clock())

    def watch_reading(self, reading: Reading[ValueT] | None) -> None:
        """Keep the value; re-measure the panel when it needs another number of lines.

        Why: the panel's height is `auto`, measured at layout time, and a reactive refresh only
        repaints. The first layout sees "loading…" (one line); without a layout refresh the
        figures that arrive later are cut to that one line until something else happens to
        re-lay the screen out (for 20 s once, on a busy machine). Only a change of line count
        asks for a layout, so a poll that changes figures costs a repaint, as before.
        """
        lines = self._line_count()
        if reading is not None and reading.value is not None:
            self._value, self._good_at = reading.value, reading.fetched_at
        show_reading_state(self, reading, last_good_at=self._good_at, now=self._clock())
        if self._line_count() != lines:
            self.refresh(layout=True)

    def _line_count(self) -> int:
        return 1 if self._value is None else len(self._figures(self._value))

    def render(self) -> Table | Text:
        if self._value is None:
            return Text("no data yet" if self.reading else "loading…", style="dim")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for label, value in self._figures(self._value):  # Text: a str would be read as markup
            table.add_row(label, value if isinstance(value, Text) else Text(value))
        return table

    def _figures(self, value: ValueT) -> list[tuple[str, str | Text]]:
        raise NotImplementedError


def replication(status: ServerStatus) -> Text:
    if not status.is_replica:
        return Text("primary")
    if status.replication_lag_s is None:
        return styled("replica · lag unknown", "warn")
    lag = status.replication_lag_s
    return styled(f"replica · lag {human_duration(lag)}", severity(lag, *REPLICATION_LAG_S))


class ServerStatusPanel(ReadingPanel[ServerStatus]):
    """Version, uptime, connections, running threads, QPS, cache hit ratio and replication."""

    TITLE: ClassVar[str] = "server"

    def _figures(self, value: ServerStatus) -> list[tuple[str, str | Text]]:
        connections = (str(value.connections), str(value.max_connections))
        return [
            ("version", value.version),
            ("uptime", human_duration(value.uptime_s)),
            (
                "connections",
                used_of(value.connections, value.max_connections, connections, "max unknown"),
            ),
            ("running", str(value.running)),
            ("QPS", human_rate(value.qps)),
            ("cache hit", hit_ratio(value.cache_hit_ratio, CACHE_HIT)),
            ("replication", replication(value)),
        ]


class RedisInfoPanel(ReadingPanel[RedisInfo]):
    """Version, role, uptime, clients, memory, ops/s, hit ratio, keys and keys without a TTL."""

    TITLE: ClassVar[str] = "redis"

    def _figures(self, value: RedisInfo) -> list[tuple[str, str | Text]]:
        memory = (human_bytes(value.used_memory_bytes), human_bytes(value.max_memory_bytes))
        no_ttl = max(value.keys - value.expiring_keys, 0)
        share = safe_ratio(no_ttl, value.keys)
        return [
            ("version", value.version),
            ("role", value.role),
            ("uptime", human_duration(value.uptime_s)),
            ("clients", str(value.connected_clients)),
            (
                "memory",
                used_of(value.used_memory_bytes, value.max_memory_bytes, memory, "no maxmemory"),
            ),
            ("ops", human_rate(value.ops_per_s)),
            ("hit ratio", hit_ratio(value.hit_ratio, REDIS_HIT)),
            ("keys", human_number(value.keys)),
            ("without TTL", f"{human_number(no_ttl)} ({human_percent(share)})" if share else "0"),
        ]
