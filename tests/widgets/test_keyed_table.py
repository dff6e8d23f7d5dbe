"""KeyedTable.sync_rows: in-place keyed updates, and its one-pass removal and reordering
checked against DataTable's own remove_row and sort (they write DataTable internals)."""

from __future__ import annotations

from rich.text import Span, Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from widgets.keyed_table import Cell, KeyedRow, KeyedTable, cell, matches


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(cursor_type="row", id="keyed")
        yield DataTable[Cell](cursor_type="row", id="plain")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_column("name", key="name", width=10)
            table.add_column("value", key="value", width=10)


def rows(*pairs: tuple[str, str]) -> list[KeyedRow]:
    return [(key, (key.upper(), value)) for key, value in pairs]


def shown(table: DataTable[Cell]) -> list[tuple[str | None, list[Cell]]]:
    return [(row.key.value, table.get_row(row.key)) for row in table.ordered_rows]


async def test_sync_adds_updates_and_removes_by_key() -> None:
    app = TableApp()
    async with app.run_test():
        table = app.query_one(KeyedTable)
        first = table.sync_rows(rows(("a", "1"), ("b", "2"), ("c", "3")))
        assert (first.added, first.removed, first.updated_cells) == (3, 0, 0)
        second = table.sync_rows(rows(("a", "1"), ("c", "30"), ("d", "4")))
        assert (second.added, second.removed, second.updated_cells) == (1, 1, 1)
        assert shown(table) == [("a", ["A", "1"]), ("c", ["C", "30"]), ("d", ["D", "4"])]
        third = table.sync_rows(rows(("a", "1"), ("c", "30"), ("d", "4")))
        assert third == type(third)(0, 0, 0, False)


async def test_sync_reorders_and_keeps_the_cursor_on_its_row() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(KeyedTable)
        table.sync_rows(rows(("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")))
        table.move_cursor(row=1)  # on "b"
        await pilot.pause()
        result = table.sync_rows(rows(("new", "0"), ("d", "4"), ("c", "3"), ("b", "2")))
        assert result.reordered
        assert [key for key, _ in shown(table)] == ["new", "d", "c", "b"]
        assert table.cursor_key() == "b" and table.cursor_row == 3


async def test_cursor_stays_in_place_when_its_row_goes() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(KeyedTable)
        table.sync_rows(rows(("a", "1"), ("b", "2"), ("c", "3")))
        table.move_cursor(row=2)
        await pilot.pause()
        table.sync_rows(rows(("a", "1"), ("b", "2")))
        assert table.cursor_key() == "b"  # clamped to the last row left


async def test_one_pass_removal_matches_remove_row() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        keyed, plain = app.query_one(KeyedTable), app.query_one("#plain", DataTable)
        everything = rows(*((f"k{i}", str(i)) for i in range(30)))
        keyed.sync_rows(everything)
        for key, cells in everything:
            plain.add_row(*cells, key=key)
        for table in (keyed, plain):
            table.move_cursor(row=25)
        await pilot.pause()
        gone = {f"k{i}" for i in (0, 3, 4, 17, 26, 27, 28, 29)}
        keyed.sync_rows([row for row in everything if row[0] not in gone])
        for key in sorted(gone):
            plain.remove_row(key)
        await pilot.pause()
        assert shown(keyed) == shown(plain)
        assert keyed.row_count == plain.row_count == 22
        assert keyed.cursor_coordinate == plain.cursor_coordinate
        # the same rows' size, its height padded to the table's visible height (see below)
        visible = keyed.scrollable_content_region.height
        assert keyed.virtual_size.width == plain.virtual_size.width
        assert keyed.virtual_size.height == max(plain.virtual_size.height, visible)
        assert [keyed.get_row_index(key or "") for key, _ in shown(plain)] == list(range(22))


async def test_one_pass_reorder_matches_sort() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        keyed, plain = app.query_one(KeyedTable), app.query_one("#plain", DataTable)
        everything = rows(*((f"k{i}", f"{(i * 7) % 10}") for i in range(10)))
        keyed.sync_rows(everything)
        for key, cells in everything:
            plain.add_row(*cells, key=key)
        by_value = sorted(everything, key=lambda row: (row[1][1], row[0]))
        keyed.sync_rows(by_value)
        plain.sort("value", "name")
        await pilot.pause()
        assert shown(keyed) == shown(plain)


async def test_only_changed_cells_are_repainted() -> None:
    # A whole-table repaint writes every line of the table to the terminal; a poll where one
    # `time` cell per row ticks must repaint those cells and nothing else.
    app = TableApp()
    async with app.run_test(size=(80, 70)) as pilot:
        table = app.query_one(KeyedTable)
        table.styles.height = 60
        table.sync_rows(rows(*((f"k{i}", "same") for i in range(50))))
        await pilot.pause()
        repaints: list[tuple[Region, ...]] = []
        original = table.refresh

        def recording(*regions: Region, **kwargs: bool) -> KeyedTable:
            repaints.append(regions)
            return original(*regions, **kwargs)

        table.refresh = recording  # type: ignore[method-assign]
        result = table.sync_rows(
            rows(*((f"k{i}", "new" if i % 10 == 0 else "same") for i in range(50)))
        )
        await pilot.pause()
        assert result.updated_cells == 5
        # the value column starts after the 10-wide name column and its padding (12 cells);
        # row i is line i + 1, under the header
        assert repaints == [(Region(12, 1 + i, 12, 1),) for i in range(0, 50, 10)]
        assert [table.get_cell(f"k{i}", "value") for i in range(0, 50, 10)] == ["new"] * 5
        assert table.get_cell("k1", "value") == "same"


def test_cell_keeps_text_that_datatable_would_misread_as_it_is() -> None:
    tricky = "HGETALL cart:100:items /* [bold]x[/] */ C:\\"
    as_cell = cell(tricky)
    assert isinstance(as_cell, Text) and as_cell.plain == tricky
    assert cell("SELECT 1") == "SELECT 1"  # plain text stays a cheap str
    assert cell(None) == "" and cell("", "bold red") == ""


async def test_tricky_text_is_shown_exactly() -> None:
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(KeyedTable)
        table.columns[ColumnKey("value")].width = 40
        table.sync_rows([("k", (cell("[/]"), cell("GET cart:100:items [b]x")))])
        await pilot.pause()
        lines = [strip.text for strip in table.render_lines(Region(0, 0, 60, 2))]
        assert "GET cart:100:items [b]x" in lines[1] and "[/]" in lines[1]


def test_styled_cell_carries_its_style_as_a_span() -> None:
    red, blue = cell("4102", "bold red"), cell("4102", "blue")
    assert isinstance(red, Text) and red.plain == "4102"
    assert red.spans == [Span(0, 4, "bold red")]
    assert red != blue  # a change of style alone is a changed cell


def test_matches_is_a_case_insensitive_substring_over_fields() -> None:
    assert matches("", ["anything"])
    assert matches("ORDERS", ["app", None, "orders_db"])
    assert not matches("payments", ["app", None, "orders"])


async def test_a_row_moved_by_a_resort_is_clicked_where_it_now_is() -> None:
    # cells are rendered once per content and reused; the row a click selects (the segments'
    # metadata) must follow the row to its new place
    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(KeyedTable)
        table.sync_rows(rows(("a", "1"), ("b", "2"), ("c", "3")))
        await pilot.pause()
        table.render_line(2)  # under the header: row index 1, "b" (the cursor is on "a")
        table.sync_rows(rows(("c", "3"), ("a", "1"), ("b", "2")))
        await pilot.pause()
        strip = table.render_line(3)  # row index 2, now "b"
        metas = [s.style.meta for s in strip if s.style and s.style.meta.get("column", -1) >= 0]
        assert "B" in strip.text
        assert metas and {meta["row"] for meta in metas} == {2}


class SpyTable(KeyedTable):
    """Notes the repaints asked for (a region each, or none for the whole table)."""

    def __init__(self) -> None:
        self.repaints: list[tuple[Region, ...]] = []  # first: DataTable's init repaints
        super().__init__(cursor_type="row", id="keyed")

    def refresh(self, *regions: Region, **options: bool) -> SpyTable:
        self.repaints.append(regions)
        return super().refresh(*regions, **options)


class TallApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SpyTable()

    def on_mount(self) -> None:
        table = self.query_one(SpyTable)
        table.add_column("name", key="name", width=10)
        table.styles.height = 12


def _lines(repaints: list[tuple[Region, ...]]) -> list[tuple[int, int]]:
    """The (first line, lines) of each region repainted; a whole-table repaint is (-1, -1)."""
    return [(r.y, r.height) for regions in repaints for r in regions] + [
        (-1, -1) for regions in repaints if not regions
    ]


async def test_rows_that_come_and_go_within_view_leave_the_layout_alone() -> None:
    """A session that starts or ends must not lay out the whole screen again: while the rows
    fit, the scrollable height stays the table's own; past it, the table scrolls as before."""
    app = TallApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(SpyTable)
        table.sync_rows([(f"k{i}", (f"k{i}",)) for i in range(3)])
        await pilot.pause()
        visible = table.scrollable_content_region.height
        padded = table.virtual_size
        assert padded.height == visible and table.max_scroll_y == 0
        table.repaints.clear()
        table.sync_rows([(f"k{i}", (f"k{i}",)) for i in range(6)])  # appended: painted
        assert _lines(table.repaints) == [(4, 3)]  # k3..k5 below the header, nothing else
        await pilot.pause()
        table.repaints.clear()
        table.sync_rows([(f"k{i}", (f"k{i}",)) for i in range(2)])
        lines = _lines(table.repaints)  # k2..k5's lines blanked; the cursor's line (k0) too
        assert (3, 4) in lines and set(lines) <= {(3, 4), (1, 1)}
        await pilot.pause()
        assert table.virtual_size == padded
        assert [row.key.value for row in table.ordered_rows] == ["k0", "k1"]

        table.sync_rows([(f"k{i}", (f"k{i}",)) for i in range(30)])
        await pilot.pause()
        assert table.virtual_size.height == 31  # 30 rows and the header
        assert table.max_scroll_y == 31 - visible


async def test_a_smaller_table_drops_the_old_padding() -> None:
    app = TallApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(SpyTable)
        table.sync_rows([(f"k{i}", (f"k{i}",)) for i in range(3)])
        await pilot.pause()
        table.styles.height = 6
        await pilot.pause()
        await pilot.pause()
        assert table.virtual_size.height == table.scrollable_content_region.height
        assert table.max_scroll_y == 0


async def test_a_moved_row_repaints_from_it_down_and_a_new_title_only_its_line() -> None:
    """What one poll repaints when a session starts in the middle, and when the idle count in
    the title changes: not the rows above, not the blank lines below, not the whole table."""
    app = TallApp()
    async with app.run_test(size=(40, 20)) as pilot:
        table = app.query_one(SpyTable)
        table.styles.border = ("round", "white")
        table.sync_rows([(k, (k,)) for k in ("a", "b", "c", "d")])
        await pilot.pause()
        table.repaints.clear()
        table.sync_rows([(k, (k,)) for k in ("a", "b", "new", "c", "d")])
        assert _lines(table.repaints) == [(3, 3)]  # lines of new, c, d (a and b stay)
        table.repaints.clear()
        table.sync_rows([(k, (k,)) for k in ("a", "b", "new", "c", "d")])
        assert table.repaints == []  # nothing moved, nothing changed
        await pilot.pause()
        assert not table._repaint_regions
        table._retitle(Text("sessions · + 3 idle hidden"))
        top_line = Region(0, 0, table.outer_size.width, 1)  # the border's line, title and all
        assert table._repaint_regions == {top_line}
        await pilot.pause()
        assert str(table.border_title) == "sessions · + 3 idle hidden"
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "sessions · + 3 idle hidden" in shown
