"""RedisClientTable: the connections of one Redis server (CLIENT LIST), keyed by client id.

Same in-place keyed update as the process table, so a poll never resets the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from console.data.models import RedisClient
from console.formatting import human_duration
from widgets.keyed_table import Cell, ColumnSpec, KeyedRow, ReadingTable, cell
from widgets.kill_request import KillRequested


def client_cells(client: RedisClient) -> tuple[Cell, ...]:
    """One client as table cells."""
    return (
        str(client.id),
        cell(client.addr),
        cell(client.name),
        cell(client.user),
        str(client.db),
        human_duration(client.age_s),
        human_duration(client.idle_s),
        cell(client.command),
    )


class RedisClientTable(ReadingTable[RedisClient]):
    """Clients of one Redis server in id order; filter over address, name, user and command."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ("id", "id", 8),
        ("addr", "address", 21),
        ("name", "name", 18),
        ("user", "user", 10),
        ("db", "db", 3),
        ("age", "age", 7),
        ("idle", "idle", 7),
        ("command", "last command", 16),
    )
    TITLE: ClassVar[str] = "clients"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "kill", "Kill", id="client.kill", tooltip="CLIENT KILL the client"),
    ]
    KillRequested = KillRequested

    def highlighted_client(self) -> RedisClient | None:
        return self.highlighted_item()

    def action_kill(self) -> None:
        client = self.highlighted_client()
        if client is not None and self.reading is not None:
            about = f"{client.addr} {client.name or ''} {client.user or ''}: {client.command or ''}"
            self.post_message(KillRequested(self.reading.instance, client.id, about))

    def _ordered(self, items: Sequence[RedisClient]) -> list[RedisClient]:
        return sorted(items, key=lambda client: client.id)

    def _filter_fields(self, item: RedisClient) -> tuple[str | None, ...]:
        return (item.addr, item.name, item.user, item.command)

    def _rows(self, items: Sequence[RedisClient]) -> list[KeyedRow]:
        return [(str(client.id), client_cells(client)) for client in items]
