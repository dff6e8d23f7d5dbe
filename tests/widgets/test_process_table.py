"""ProcessTable: keyed in-place refresh, blockers, sort, filter, kill/choose messages, stale."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import timedelta
from itertools import accumulate

from rich.text import Text
from textual.geometry import Region
from textual.message import Message
from textual.widgets.data_table import RowKey

from tests import factories
from tests.instance_harness import FakeClock, WidgetHarness, posted, process_harness
from widgets.keyed_table import Cell
from widgets.process_table import BLOCKED_STYLE, BLOCKER_STYLE, QUERY_WIDTH, ProcessTable

IDS = factories.PROCESS_IDS


def keys(table: ProcessTable) -> list[int]:
    return [int(row.key.value or 0) for row in table.ordered_rows]


def cells(table: ProcessTable, process_id: int) -> dict[str, Cell]:
    values = table.get_row(str(process_id))
    columns = (str(column.key.value) for column in table.ordered_columns)
    return dict(zip(columns, values, strict=True))


def styled(value: Cell) -> tuple[str, str]:
    """(shown text, style of its first span) of a cell."""
    assert isinstance(value, Text), value
    return value.plain, str(value.spans[0].style)


async def test_rows_sorted_by_time_longest_first() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        times = [p.time_s for p in sorted(factories.processes(), key=lambda p: -p.time_s)]
        assert table.row_count == 12
        assert keys(table)[0] == max(factories.processes(), key=lambda p: p.time_s).id
        assert [
            next(p.time_s for p in factories.processes() if p.id == k) for k in keys(table)
        ] == times
        assert table.border_title == "processes · 12 · sort time · ◆ 2 blocking"
        assert table.border_subtitle == ""


async def test_blockers_and_blocked_sessions_are_marked() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        assert styled(cells(table, 4102)["id"]) == ("◆ 4102", BLOCKER_STYLE)
        assert styled(cells(table, 4104)["id"]) == ("◆ 4104", BLOCKER_STYLE)  # blocked, blocking
        assert styled(cells(table, 4104)["blocked"]) == ("↳ by 4102", BLOCKED_STYLE)
        assert styled(cells(table, 4108)["blocked"]) == ("↳ by 4104", BLOCKED_STYLE)
        assert cells(table, 4101)["id"] == "4101" and cells(table, 4101)["blocked"] == ""


async def test_query_is_its_first_line_shown_exactly() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        assert cells(table, 4101)["query"] == "SELECT * FROM orders WHERE customer_id = ?"
        query = cells(table, 4103)["query"]
        assert str(query) == "SELECT tags[1], note FROM audit /* [bold]not …"
        assert len(str(query)) == QUERY_WIDTH


async def test_cursor_follows_its_process_when_rows_reorder_and_arrive() -> None:
    app = process_harness(count=8)
    async with app.run_test() as pilot:
        table = app.query_one(ProcessTable)
        await pilot.press("down", "down")
        chosen = table.highlighted_process()
        assert chosen is not None
        later = [
            replace(p, time_s=p.time_s + (500 if p.id == IDS[0] else 1))
            for p in factories.processes(12)
        ]
        table.reading = factories.reading(tuple(later))
        await pilot.pause()
        assert table.row_count == 12 and keys(table)[0] == IDS[0]  # IDS[0] now the longest
        process = table.highlighted_process()
        assert process is not None and process.id == chosen.id
        assert process.time_s == chosen.time_s + 1  # the new value, not the old one


async def test_gone_process_disappears_and_others_stay_in_place() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        kept_rows = {k: table.rows[RowKey(str(k))] for k in keys(table)}
        table.reading = factories.reading(factories.processes(12)[1:])
        assert table.last_sync.removed == 1 and table.last_sync.added == 0
        assert str(IDS[0]) not in table.rows and table.row_count == 11
        assert all(table.rows[RowKey(str(k))] is row for k, row in kept_rows.items() if k != IDS[0])


async def test_a_repeated_process_id_is_shown_once() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        repeated = (*factories.processes(), replace(factories.process(0), user="late"))
        table.reading = factories.reading(repeated)
        assert table.row_count == 12
        assert str(table.get_cell(str(IDS[0]), "user")) == "app_orders"


async def test_only_changed_cells_are_repainted() -> None:
    app = process_harness()
    async with app.run_test() as pilot:
        table = app.query_one(ProcessTable)
        await pilot.pause()
        writes: list[str] = []
        original = table.refresh

        def recording(*regions: Region, **kwargs: bool) -> ProcessTable:
            # each repainted region named as row.column; a repaint of everything as "*"
            edges = list(accumulate(c.get_render_width(table) for c in table.ordered_columns))
            for region in regions or (None,):
                if region is None or region.height != 1:
                    writes.append("*")
                    continue
                row = table.ordered_rows[region.y - table.header_height].key.value
                column = table.ordered_columns[bisect_right(edges, region.x)].key.value
                writes.append(f"{row}.{column}")
            return original(*regions, **kwargs)

        table.refresh = recording  # type: ignore[method-assign]
        changed = [
            replace(p, state="statistics") if p.id == 4105 else p for p in factories.processes()
        ]
        table.reading = factories.reading(tuple(changed))
        assert writes == ["4105.state"]
        assert str(table.get_cell("4105", "state")) == "statistics"
        assert table.last_sync.updated_cells == 1 and not table.last_sync.reordered
        table.reading = factories.processlist(tick_s=60.0)  # every time and trx age ticks
        assert set(writes[1:]) >= {f"{p.id}.time" for p in factories.processes()}
        assert not any(w.endswith((".user", ".host", ".query")) or w == "*" for w in writes)


async def test_filter_hides_rows_and_clearing_it_brings_them_back() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        table.set_filter("REPORT")
        assert {p.user for p in factories.processes() if p.id in keys(table)} == {"report"}
        assert table.row_count == 3 and "3 of 12" in str(table.border_title)
        table.set_filter("payment")  # user app_payment, db payment or query on payments
        assert table.row_count == 6
        table.set_filter("metadata nothing")
        assert table.row_count == 0 and table.highlighted_process() is None
        table.set_filter("")
        assert table.row_count == 12
        table.set_filter("tags[1]")  # the query, matched as typed, not as markup
        assert table.row_count == 3


async def test_sort_key_cycles_time_trx_age_id() -> None:
    app = process_harness()
    async with app.run_test() as pilot:
        table = app.query_one(ProcessTable)
        await pilot.press("s")
        assert table.sort_by == "trx age"
        with_trx = sorted(
            (p for p in factories.processes() if p.trx_age_s is not None),
            key=lambda p: -(p.trx_age_s or 0),
        )
        assert keys(table)[: len(with_trx)] == [p.id for p in with_trx]
        await pilot.press("s")
        assert table.sort_by == "id" and keys(table) == list(IDS[:12])
        await pilot.press("s")
        assert table.sort_by == "time"


async def test_k_posts_kill_requested_for_the_highlighted_process() -> None:
    messages: list[Message] = []
    app = process_harness()
    async with app.run_test(message_hook=messages.append) as pilot:
        await pilot.press("down", "k")
        await pilot.pause()
        table = app.query_one(ProcessTable)
        [kill] = posted(messages, ProcessTable.KillRequested)
    assert (kill.instance, kill.session) == (factories.SQL_INSTANCE, keys(table)[1])


async def test_enter_posts_process_chosen() -> None:
    messages: list[Message] = []
    app = process_harness()
    async with app.run_test(message_hook=messages.append) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        table = app.query_one(ProcessTable)
        [chosen] = posted(messages, ProcessTable.ProcessChosen)
    assert (chosen.instance, chosen.process_id) == (factories.SQL_INSTANCE, keys(table)[2])


async def test_kill_without_a_highlighted_process_requests_nothing() -> None:
    messages: list[Message] = []
    app = process_harness()
    async with app.run_test(message_hook=messages.append) as pilot:
        table = app.query_one(ProcessTable)
        table.set_filter("no such session")
        await pilot.press("k")
        await pilot.pause()
    assert not posted(messages, ProcessTable.KillRequested)


async def test_error_reading_keeps_old_rows_and_marks_them_stale() -> None:
    app = process_harness()
    async with app.run_test():
        table = app.query_one(ProcessTable)
        table.reading = factories.failed()
        assert table.row_count == 12
        assert table.has_class("-stale", "-error")
        assert table.border_subtitle == "stale 12s · timeout: no answer within 5.0s"
        table.reading = factories.processlist(tick_s=1.0)
        assert not table.has_class("-stale") and not table.has_class("-error")


async def test_loading_until_the_first_reading() -> None:
    app = process_harness()
    app._reading = None
    async with app.run_test():
        table = app.query_one(ProcessTable)
        assert table.has_class("-loading") and table.row_count == 0
        assert table.highlighted_process() is None
        table.reading = factories.failed()
        assert table.has_class("-error") and not table.has_class("-stale")
        assert str(table.border_subtitle).startswith("no data · timeout")


def test_bindings_have_ids_and_descriptions() -> None:
    bindings = {b.id: b for b in ProcessTable.BINDINGS if not isinstance(b, tuple)}
    assert {"process.kill", "process.sort", "process.choose", "process.idle"} <= set(bindings)
    assert all(getattr(b, "description", "") for b in bindings.values())


async def test_stale_age_counts_from_the_last_good_reading() -> None:
    clock = FakeClock()
    app = WidgetHarness(ProcessTable(clock=clock), factories.processlist())
    async with app.run_test():
        table = app.query_one(ProcessTable)
        table.reading = factories.failed(after_s=12)
        assert str(table.border_subtitle).startswith("stale 12s · ")
        clock.now = factories.AT + timedelta(seconds=75)
        table.reading = factories.failed(after_s=75)
        assert str(table.border_subtitle).startswith("stale 1m15s · ")
        assert table.row_count == 12


async def test_idle_sessions_are_hidden_and_counted_active_ones_longest_first() -> None:
    app = process_harness(idle=5)  # the idle ones come first from the server, idle 200 s+
    async with app.run_test():
        table = app.query_one(ProcessTable)
        active = sorted(factories.processes(), key=lambda p: (-p.time_s, p.id))
        assert keys(table) == [p.id for p in active]
        assert table.border_title == (
            "processes · 12 · + 5 idle hidden · h shows them · sort time · ◆ 2 blocking"
        )


async def test_h_shows_the_idle_sessions_after_the_active_ones_and_hides_them_again() -> None:
    app = process_harness(idle=3)
    async with app.run_test() as pilot:
        table = app.query_one(ProcessTable)
        await pilot.press("h")
        idle = [factories.idle_process(i).id for i in (2, 1, 0)]  # longest idle first
        assert table.row_count == 15 and keys(table)[-3:] == idle
        assert "3 idle shown · h hides them" in str(table.border_title)
        await pilot.press("h")
        assert table.row_count == 12 and not set(idle) & set(keys(table))


async def test_a_sleeping_session_with_an_open_transaction_is_not_idle() -> None:
    app = process_harness(count=3, idle=2)
    async with app.run_test():
        table = app.query_one(ProcessTable)
        holder = replace(factories.idle_process(0), trx_age_s=40.0)  # may hold locks: in view
        table.reading = factories.reading((holder, factories.idle_process(1)))
        assert keys(table) == [holder.id]
        assert "+ 1 idle hidden" in str(table.border_title)


async def test_postgres_idle_state_is_idle_and_idle_in_transaction_is_not() -> None:
    app = process_harness(count=0)
    async with app.run_test():
        table = app.query_one(ProcessTable)
        base = factories.process(1)
        sessions = (
            replace(base, id=1, command="idle", trx_age_s=None, time_s=500.0),
            replace(base, id=2, command="idle in transaction", trx_age_s=9.0, time_s=9.0),
            replace(base, id=3, command="active", trx_age_s=2.0, time_s=2.0),
        )
        table.reading = factories.reading(sessions, "aws-luckyus-dify-rw")
        assert keys(table) == [2, 3]
        assert "+ 1 idle hidden" in str(table.border_title)
