"""RedisClientTable: id order, keyed in-place refresh, filter, stale on error."""

from __future__ import annotations

from dataclasses import replace

from tests import factories
from tests.instance_harness import client_harness, plain_row
from widgets.client_table import RedisClientTable


def keys(table: RedisClientTable) -> list[str | None]:
    return [row.key.value for row in table.ordered_rows]


async def test_clients_in_id_order_with_their_figures() -> None:
    app = client_harness()
    async with app.run_test():
        table = app.query_one(RedisClientTable)
        assert keys(table) == [str(70 + i) for i in range(10)]
        assert plain_row(table, "71") == [
            "71", "10.0.4.31:41001", "session-worker", "default", "1", "1h01m", "1s", "hgetall",
        ]  # fmt: skip


async def test_refresh_updates_in_place_and_keeps_the_cursor() -> None:
    app = client_harness()
    async with app.run_test() as pilot:
        table = app.query_one(RedisClientTable)
        await pilot.press("down", "down", "down")
        assert table.highlighted_client() is not None
        clients = factories.redis_clients(12, tick_s=1.0)[2:]  # 70, 71 gone; 80, 81 new
        table.reading = factories.reading(clients, factories.REDIS_INSTANCE, "redis")
        await pilot.pause()
        assert (table.last_sync.added, table.last_sync.removed) == (2, 2)
        assert keys(table) == [str(72 + i) for i in range(10)]
        client = table.highlighted_client()
        assert client is not None and client.id == 73


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
        assert keys(table) == ["70", "73", "76", "79"]
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
