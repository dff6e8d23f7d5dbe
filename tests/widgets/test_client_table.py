"""RedisClientTable: busy clients first, idle ones hidden (h), keyed refresh, filter, stale."""

from __future__ import annotations

from dataclasses import replace

from console.data.models import RedisClient
from tests import factories
from tests.instance_harness import client_harness, plain_row
from widgets.client_table import RedisClientTable


def keys(table: RedisClientTable) -> list[str | None]:
    return [row.key.value for row in table.ordered_rows]


def busy_first(clients: tuple[RedisClient, ...]) -> list[str]:
    """Ids as the table should list them: least idle first, then by id."""
    return [str(c.id) for c in sorted(clients, key=lambda c: (c.idle_s, c.id))]


async def test_clients_busy_first_with_their_figures() -> None:
    app = client_harness()
    async with app.run_test():
        table = app.query_one(RedisClientTable)
        assert keys(table) == busy_first(factories.redis_clients(10))
        assert keys(table)[:4] == ["70", "74", "78", "71"]  # idle 0 s, 0 s, 0 s, 1 s
        assert plain_row(table, "71") == [
            "71", "session-worker", "1s", "hgetall", "default", "10.0.4.31:41001", "1", "1h01m",
        ]  # fmt: skip


async def test_refresh_updates_in_place_and_keeps_the_cursor() -> None:
    app = client_harness()
    async with app.run_test() as pilot:
        table = app.query_one(RedisClientTable)
        await pilot.press("down", "down", "down", "down")
        chosen = table.highlighted_client()
        assert chosen is not None and chosen.id == 75
        clients = factories.redis_clients(12, tick_s=1.0)[2:]  # 70, 71 gone; 80, 81 new
        table.reading = factories.reading(clients, factories.REDIS_INSTANCE, "redis")
        await pilot.pause()
        assert (table.last_sync.added, table.last_sync.removed) == (2, 2)
        assert keys(table) == busy_first(clients)
        client = table.highlighted_client()
        assert client is not None and client.id == chosen.id


async def test_same_reading_again_writes_nothing() -> None:
    app = client_harness()
    async with app.run_test():
        table = app.query_one(RedisClientTable)
        renamed = [
            replace(c, name="renamed") if c.id == 75 else c for c in factories.redis_clients()
        ]
        table.reading = factories.reading(tuple(renamed), factories.REDIS_INSTANCE, "redis")
        assert table.last_sync.updated_cells == 1
        assert str(table.get_cell("75", "name")) == "renamed"


async def test_filter_over_address_name_user_and_command() -> None:
    app = client_harness()
    async with app.run_test():
        table = app.query_one(RedisClientTable)
        table.set_filter("cart-api")
        assert keys(table) == ["70", "79", "76", "73"]  # idle 0, 1, 2, 3 s
        table.set_filter("HGETALL")
        assert keys(table) == ["71", "75", "79"]
        table.set_filter("")
        assert table.row_count == 10


async def test_error_keeps_clients_and_marks_stale() -> None:
    app = client_harness()
    async with app.run_test():
        table = app.query_one(RedisClientTable)
        table.reading = factories.failed(
            factories.REDIS_INSTANCE, "redis", "unreachable", "refused"
        )
        assert table.row_count == 10 and table.has_class("-stale", "-error")
        assert table.border_subtitle == "stale 12s · unreachable: refused"


def with_idle(seconds: dict[int, float]) -> tuple[RedisClient, ...]:
    clients = factories.redis_clients(10)
    return tuple(replace(c, idle_s=seconds.get(c.id, c.idle_s)) for c in clients)


async def test_idle_clients_are_hidden_and_counted_until_h_shows_them() -> None:
    app = client_harness()
    async with app.run_test() as pilot:
        table = app.query_one(RedisClientTable)
        clients = with_idle({72: 30.0, 75: 6.0, 77: 3600.0})  # over 5 s: idle
        table.reading = factories.reading(clients, factories.REDIS_INSTANCE, "redis")
        await pilot.pause()
        assert {"72", "75", "77"}.isdisjoint(keys(table)) and table.row_count == 7
        assert str(table.border_title) == "clients · 7 · + 3 idle hidden · h shows them"
        await pilot.press("h")
        assert keys(table)[-3:] == ["75", "72", "77"]  # after the busy ones, least idle first
        assert str(table.border_title) == "clients · 10 · 3 idle shown · h hides them"
        await pilot.press("h")
        assert table.row_count == 7
