"""Harness apps that show one instance widget fed from factories (widget, snapshot and bench).

Each app holds the widget alone, assigns its first reading on mount as a screen would, and
takes a fixed clock so no live time reaches the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from tests import factories
from widgets.client_table import RedisClientTable
from widgets.digest_table import DigestTable, SlowlogTable
from widgets.keyed_table import KeyedTable, ReadingTable
from widgets.process_table import ProcessTable
from widgets.status_panel import ReadingPanel, RedisInfoPanel, ServerStatusPanel

MessageT = TypeVar("MessageT", bound=Message)

NOW = factories.AT + timedelta(seconds=12)
"""The harness's 'now': 12 s after the factories' readings, as factories.failed() is."""


@dataclass
class FakeClock:
    """A clock tests set by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def fixed_clock() -> datetime:
    return NOW


def plain_row(table: KeyedTable, key: str) -> list[str]:
    """A row's cells as the text they show (str of a str or of a rich Text)."""
    return [str(cell) for cell in table.get_row(key)]


def posted(messages: list[Message], kind: type[MessageT]) -> list[MessageT]:
    """Messages of one type, once each (a message_hook sees a bubbling message at every stop)."""
    unique = {id(message): message for message in messages if isinstance(message, kind)}
    return list(unique.values())


class WidgetHarness(App[None]):
    """One reading widget, focused, with its first reading (or none: loading)."""

    def __init__(self, widget: Widget, reading: Any = None) -> None:
        super().__init__()
        self._widget = widget
        self._reading = reading

    def compose(self) -> ComposeResult:
        yield self._widget

    def on_mount(self) -> None:
        if isinstance(self._widget, ReadingTable | ReadingPanel):
            self._widget.reading = self._reading
        self._widget.focus()


def process_harness(count: int = 12, idle: int = 0) -> WidgetHarness:
    reading = factories.processlist(count=count, idle=idle)
    return WidgetHarness(ProcessTable(clock=fixed_clock), reading)


def client_harness(count: int = 10) -> WidgetHarness:
    reading = factories.reading(factories.redis_clients(count), factories.REDIS_INSTANCE, "redis")
    return WidgetHarness(RedisClientTable(clock=fixed_clock), reading)


def digest_harness() -> WidgetHarness:
    return WidgetHarness(DigestTable(clock=fixed_clock), factories.reading(factories.digests()))


def slowlog_harness() -> WidgetHarness:
    reading = factories.reading(factories.slowlog(), factories.REDIS_INSTANCE, "redis")
    return WidgetHarness(SlowlogTable(clock=fixed_clock), reading)


def server_status_harness(*, replica: bool = False) -> WidgetHarness:
    reading = factories.reading(factories.server_status(replica=replica))
    return WidgetHarness(ServerStatusPanel(clock=fixed_clock), reading)


def redis_info_harness() -> WidgetHarness:
    reading = factories.reading(factories.redis_info(), factories.REDIS_INSTANCE, "redis")
    return WidgetHarness(RedisInfoPanel(clock=fixed_clock), reading)
