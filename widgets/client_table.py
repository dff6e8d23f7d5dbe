"""RedisClientTable: the connections of one Redis server (CLIENT LIST), keyed by client id.

Same in-place keyed update as the process table, so a poll never resets the cursor. Busy
clients first; clients idle for more than a few seconds (`console.formatting.sessions`) are hidden,
counted in the title, until `h` shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import BindingType

from console.data.models import RedisClient
from console.formatting import human_duration
from console.formatting.sessions import arrange_clients
from widgets.bindings import bindings
from widgets.keyed_table import Cell, ColumnSpec, KeyedRow, ReadingTable, cell
from widgets.kill_request import KillKey, KillRequested


def client_cells(client: RedisClient) -> tuple[Cell, ...]:
    """One client as table cells."""
    return (
        str(client.id),
        cell(client.name),
        human_duration(client.idle_s),
        cell(client.command),
        cell(client.user),
        cell(client.addr),
        str(client.db),
        human_duration(client.age_s),
    )


class RedisClientTable(KillKey, ReadingTable[RedisClient]):
    """Clients of one Redis server, busy first; filter over address, name, user and command."""

    # who and how busy first: at 80 columns the idle time and last command show
    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("id", "id", 8),
        ("name", "name", 18),
        ("idle", "idle", 7),
        ("command", "last command", 16),
        ("user", "user", 10),
        ("addr", "address", 21),
        ("db", "db", 3),
        ("age", "age", 7),
    )
    TITLE: ClassVar[str] = "clients"
    BINDINGS: ClassVar[list[BindingType]] = bindings("process.kill", "process.idle")
    KillRequested = KillRequested

    def highlighted_client(self) -> RedisClient | None:
        return self.highlighted_item()

    def action_kill(self) -> None:
        client = self.highlighted_client()
        if client is not None and self.reading is not None:
            about = f"{client.addr} {client.name or ''} {client.user or ''}: {client.command or ''}"
            self.post_message(KillRequested(self.reading.instance, client.id, about))

    def _ordered(self, items: Sequence[RedisClient]) -> list[RedisClient]:
        arranged = arrange_clients(items, show_idle=self.show_idle)
        self.idle_hidden, self.idle_count = arranged.hidden_idle, arranged.idle
        return list(arranged.shown)

    def _filter_fields(self, item: RedisClient) -> tuple[str | None, ...]:
        return (item.addr, item.name, item.user, item.command)

    def _rows(self, items: Sequence[RedisClient]) -> list[KeyedRow]:
        return [(str(client.id), client_cells(client)) for client in items]
