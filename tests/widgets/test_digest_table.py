"""DigestTable (rank by total time, DigestChosen on Enter) and SlowlogTable (newest first)."""

from __future__ import annotations

from dataclasses import replace

from textual.message import Message

from tests import factories
from tests.instance_harness import digest_harness, plain_row, posted, slowlog_harness
from widgets.digest_table import DigestTable, SlowlogTable, digest_key


async def test_digests_ranked_by_total_time() -> None:
    app = digest_harness()
    async with app.run_test():
        table = app.query_one(DigestTable)
        assert table.row_count == 8
        first = digest_key(factories.digests()[0])
        assert first == "orders/d0000"
        assert plain_row(table, first) == [
            "1", "1.0k", "10m00s", "600ms", "9s", "25.0k", "orders",
            "SELECT * FROM t0 WHERE id = ? AND state IN (...)",
        ]  # fmt: skip
        assert [row.key.value for row in table.ordered_rows][:3] == [
            "orders/d0000", "payment/d0001", "/d0002",
        ]  # fmt: skip


async def test_a_digest_overtaking_another_moves_and_reranks_in_place() -> None:
    app = digest_harness()
    async with app.run_test():
        table = app.query_one(DigestTable)
        digests = [
            replace(d, total_time_s=10_000.0, calls=d.calls + 1) if d.digest == "d0005" else d
            for d in factories.digests()
        ]
        table.reading = factories.reading(tuple(digests))
        assert table.last_sync.reordered and table.last_sync.added == 0
        assert [row.key.value for row in table.ordered_rows][:2] == ["/d0005", "orders/d0000"]
        assert table.get_cell("/d0005", "rank") == "1"
        assert table.get_cell("orders/d0000", "rank") == "2"


async def test_one_digest_in_two_schemas_is_two_rows() -> None:
    app = digest_harness()
    async with app.run_test():
        table = app.query_one(DigestTable)
        first = factories.digests()[0]
        twin = replace(first, schema="payment", total_time_s=1.0)
        table.reading = factories.reading((*factories.digests(), twin))
        assert table.row_count == 9
        assert table.get_cell("payment/d0000", "rank") == "9"


async def test_enter_posts_digest_chosen() -> None:
    messages: list[Message] = []
    app = digest_harness()
    async with app.run_test(message_hook=messages.append) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    [chosen] = posted(messages, DigestTable.DigestChosen)
    assert chosen.digest == factories.digests()[1]


async def test_slowlog_newest_first() -> None:
    app = slowlog_harness()
    async with app.run_test():
        table = app.query_one(SlowlogTable)
        assert [row.key.value for row in table.ordered_rows] == [str(905 - i) for i in range(6)]
        assert plain_row(table, "905") == [
            "11-25 14:29:20", "72ms", "HGETALL cart:{*}:5", "10.0.4.35:65112",
        ]  # fmt: skip
        newer = (*factories.slowlog(), replace(factories.slowlog()[0], id=906))
        table.reading = factories.reading(newer, factories.REDIS_INSTANCE, "redis")
        assert table.last_sync.added == 1
        assert table.ordered_rows[0].key.value == "906"
