"""Keyed tables: rows updated in place from each Reading, never cleared and re-added.

`KeyedTable.sync_rows` diffs the wanted rows against the table by row key: it adds new keys,
removes gone ones, updates only the cells whose text changed, puts the rows in order, and keeps
the cursor on the same row. Clearing and re-adding 500 rows costs ~165 ms and loses the cursor;
a diff of 2,000 rows where a tenth of the cells change takes ~35 ms (bench/process_table.py).
`ReadingTable` is the plumbing every table of readings shares: the `reading` reactive, the last
good value kept on screen when a read fails, a text filter, and the highlighted item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Generic, Self, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from console.data.models import Reading
from widgets.reading_view import Clock, show_reading_state, utcnow
from widgets.resilient import Resilient

ItemT = TypeVar("ItemT")

Cell = str | Text
"""A table cell: a str only when DataTable cannot misread it (see `cell`), else rich Text."""

KeyedRow = tuple[str, tuple[Cell, ...]]
"""A row key and its cells."""

ColumnSpec = tuple[str, str, int]
"""Column key, header label and fixed width: fixed, so updates never re-measure a column."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one `sync_rows` call changed."""

    added: int
    removed: int
    updated_cells: int
    reordered: bool


def cell(text: str | None, style: str = "") -> Cell:
    """A cell that shows `text` exactly, in `style` if given.

    DataTable reads a str cell as Rich markup with emoji codes, so 'HGETALL cart:100:items'
    would show as 'HGETALL cart💯items' and '[/]' would raise; such text goes in a Text, which
    is shown as is. Plain text stays a str, which is cheaper to build and compare per poll, and
    `str(cell)` is the shown text either way (exports rely on it).
    """
    body = text or ""
    if style and body:
        return Text.styled(body, style)  # the style as a span, so == sees a change of style
    if "[" in body or ":" in body or "\\" in body:
        return Text(body)
    return body


def _content_key(value: object) -> object:
    """A hashable stand-in for a cell's value (rich Text is not hashable)."""
    if isinstance(value, Text):
        return (value.plain, str(value.style), tuple(value.spans))
    return value


class KeyedTable(Resilient, DataTable[Cell]):
    """A DataTable whose rows are kept in sync with a keyed list by `sync_rows`, in place."""

    _title_only = False
    """Set by `_retitle` while a new title is stored: its refresh repaints the title line only."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # rendered cells by what they show (not by row and update count): see _render_cell
        self._by_content: LRUCache[object, tuple[int, list[list[Segment]]]] = LRUCache(1024)
        # DataTable keys these by its update count, which every poll bumps: past one poll an
        # entry is never read again. Textual's sizes (1,000 rows, 10,000 cells) filled over
        # ~20 minutes of 1 s polls and held ~14 MiB more than these (bench/soak.py's slow
        # growth); two screens' worth serve the scrolling within one poll as well.
        self._row_render_cache = LRUCache(256)
        self._row_renderable_cache = LRUCache(256)
        self._line_cache = LRUCache(256)
        self._cell_render_cache = LRUCache(2048)
        self._style_in_render: Style | None = None
        self._metas: LRUCache[tuple[int, int], Style] = LRUCache(8192)

    def _retitle(self, title: Text) -> None:
        """Show a new border title, repainting only the top border line.

        Why: Textual repaints the whole widget for a new title, and the title counts sessions
        ("+ 17 idle hidden"), which under a living workload changes on most polls.
        """
        self._title_only = True
        try:
            self.border_title = title
        finally:
            self._title_only = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if self._title_only and not (regions or layout or recompose) and self.is_mounted:
            offset = self.content_offset  # regions are content-relative: the border is above
            regions = (Region(-offset.x, -offset.y, self.outer_size.width, 1),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._by_content.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Render with the widget's style worked out once for the pass, not twice a line.

        Why: DataTable asks `rich_style` (a walk over every ancestor's styles) for each line it
        renders, twice; with a re-sorted table that was the largest single cost of a poll.
        Nothing can change a style in the middle of this synchronous call.
        """
        self._style_in_render = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._style_in_render = None

    @property
    def rich_style(self) -> Style:
        return self._style_in_render or super().rich_style

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """A cell rendered once per content, reused wherever and whenever it shows again.

        Why: DataTable caches a rendered cell by row key and its update count, and any change
        (a ticking `time`, a re-sort) bumps the count, so every visible cell of every row was
        rendered again on each poll (~0.4 ms a cell: most of the console's CPU under load).
        The one row-dependent part, the click metadata (row, column), is stamped again when a
        cell moves to another row.
        """
        if row_index < 0 or column_index < 0:  # header and row labels: DataTable's own way
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self.rows[row_key].height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (
            _content_key(self._data[row_key].get(column_key)),
            column_index,
            width,
            base_style,
            cursor,
            hover,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
        )
        cached = self._by_content.get(key)
        if cached is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        elif cached[0] != row_index:
            meta = self._metas.get((row_index, column_index))
            if meta is None:  # one Style per place, so Style.__add__'s own cache serves
                meta = Style.from_meta({"row": row_index, "column": column_index})
                self._metas[(row_index, column_index)] = meta
            lines = [
                [
                    Segment(text, style + meta if style else meta, control)
                    for text, style, control in line
                ]
                for line in cached[1]
            ]
        else:
            return cached[1]
        self._by_content[key] = (row_index, lines)
        return lines

    def validate_virtual_size(self, size: Size) -> Size:
        """The rows' size, its height padded up to the table's own visible height.

        Why: `virtual_size` is a layout reactive, so each row added or removed (a session that
        starts or ends, idle ones hidden) made Textual lay out and repaint the whole screen:
        half the polls of a process list under the lab's workload. While the rows fit, the
        padded height stays the same and only the table's own lines are repainted; the blank
        lines below the last row were painted blank anyway, and nothing scrolls.
        """
        return Size(size.width, max(size.height, self.scrollable_content_region.height))

    def on_resize(self, event: events.Resize) -> None:
        """Pad to the new height (a smaller window must not keep the old padding's scroll)."""
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(self.virtual_size.width, self._total_row_height + header)

    def sync_rows(self, rows: Sequence[KeyedRow]) -> SyncResult:
        """Show `rows`, in this order, touching only what changed; the cursor stays on its row."""
        cursor_key = self.cursor_key()
        before = [row.key for row in self.ordered_rows]
        wanted = {key for key, _ in rows}
        gone = [row_key for row_key in self.rows if row_key.value not in wanted]
        self._remove_rows(gone)
        added, updated = self._upsert(rows)
        reordered = self._place_rows([key for key, _ in rows])
        if gone or added or reordered:
            self._refresh_moved(before, [RowKey(key) for key, _ in rows])
        if cursor_key is not None and cursor_key in self.rows:
            index = self.get_row_index(cursor_key)
            if index != self.cursor_row:
                self.move_cursor(row=index)
        return SyncResult(added, len(gone), updated, reordered)

    def _refresh_moved(self, before: Sequence[RowKey], after: Sequence[RowKey]) -> None:
        """Repaint the lines from the first row that moved (came, went) to the last one shown
        before or after; the rows above it and the blank lines below both lists stay.

        Why: under a living workload a session comes or goes on most polls, and a whole-table
        repaint rendered every line of the pane again, the blank lines below the rows too
        (~35 lines a poll at 200x50 for three rows), which was most of a poll's CPU.
        """
        first = next(
            (at for at, (old, new) in enumerate(zip(before, after, strict=False)) if old != new),
            min(len(before), len(after)),
        )
        end = max(len(before), len(after))
        if first >= end:
            return
        top = self.header_height if self.show_header else 0
        width = max(self.virtual_size.width, self.size.width + self.scroll_offset.x)
        self._refresh_region(Region(0, top + first, width, end - first))

    def cursor_key(self) -> RowKey | None:
        if self.row_count == 0 or not self.is_valid_row_index(self.cursor_row):
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key

    def _upsert(self, rows: Sequence[KeyedRow]) -> tuple[int, int]:
        added = 0
        changed: list[tuple[RowKey, list[int]]] = []  # a row and the indexes of its new cells
        for key, cells in rows:
            row_key = RowKey(key)
            shown = self._data.get(row_key)  # the cells by column key, in column order
            if shown is None:
                self.add_row(*cells, key=key)
                added += 1
            elif tuple(shown.values()) != cells:
                columns = []
                for index, (column_key, old) in enumerate(shown.items()):
                    if cells[index] != old:
                        shown[column_key] = cells[index]
                        columns.append(index)
                changed.append((row_key, columns))
        if changed:
            self._update_count += 1  # DataTable's render caches are keyed by it
            self._refresh_cells(changed)
        return added, sum(len(columns) for _, columns in changed)

    def _refresh_cells(self, changed: Sequence[tuple[RowKey, Sequence[int]]]) -> None:
        """Repaint only the changed cells.

        Why: DataTable.update_cell repaints the whole table, and Textual writes every line of a
        repainted region: with a `time` cell ticking in each row, that was the full table sent
        to the terminal every poll (~24 kB a second at 200x50, bench/vs_anchors.py). A cell's
        region is its column's offset and its row's index (every row here is one line high:
        rows are added with DataTable's default height).
        """
        edges = [self._row_label_column_width]
        for column in self.ordered_columns:
            edges.append(edges[-1] + column.get_render_width(self))
        top = self.header_height if self.show_header else 0
        for row_key, columns in changed:
            index = self._row_locations.get(row_key)
            if index is None:
                continue
            for at in columns:
                left, right = edges[at], edges[at + 1]
                self._refresh_region(Region(left, top + index, right - left, 1))

    # _upsert reads DataTable._data (get_row re-derives the column order for every row) and
    # the two methods below write DataTable's row index directly (textual is pinned). Its
    # remove_row rebuilds that index for every row removed: 200 gone of 2,000 cost ~270 ms
    # one by one, and a filter that narrows 2,000 rows to 20 would cost seconds. These do one
    # pass, exactly what remove_row and sort do for one row or one key function;
    # tests/widgets/test_keyed_table.py checks them against remove_row and sort.

    def _remove_rows(self, keys: Sequence[RowKey]) -> None:
        if not keys:
            return
        gone = set(keys)
        kept = [row.key for row in self.ordered_rows if row.key not in gone]
        for key in gone:
            del self.rows[key]
            del self._data[key]
        self._updated_cells = {cell for cell in self._updated_cells if cell.row_key not in gone}
        self._new_rows -= gone
        self._row_locations = TwoWayDict({key: index for index, key in enumerate(kept)})
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate  # clamp to the rows left
        self.hover_coordinate = self.hover_coordinate
        self.check_idle()  # the lines below moved up: sync_rows repaints them

    def _place_rows(self, keys: Sequence[str]) -> bool:
        """Put the rows in the order of `keys` (all present); False if they already were."""
        if all(self.get_row_index(key) == index for index, key in enumerate(keys)):
            return False
        self._row_locations = TwoWayDict({RowKey(key): index for index, key in enumerate(keys)})
        self._update_count += 1  # sync_rows repaints the lines that moved
        return True


def matches(needle: str, fields: Iterable[str | None]) -> bool:
    """Case-insensitive substring filter over some fields; an empty needle matches all."""
    if not needle:
        return True
    folded = needle.casefold()
    return any(folded in field.casefold() for field in fields if field)


class ReadingTable(KeyedTable, Generic[ItemT]):
    """A DataTable of keyed items from a `Reading[tuple[ItemT, ...]]`, updated in place.

    Subclasses give the columns, a row key and cells per item, the filter fields and the order.
    """

    DEFAULT_CSS = """
    ReadingTable { height: 1fr; border: round $primary-darken-2; }
    ReadingTable:focus { border: round $primary; }
    ReadingTable.-stale { opacity: 70%; }
    ReadingTable.-error { border: round $error; }
    """
    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = ()
    TITLE: ClassVar[str] = ""

    reading: reactive[Reading[tuple[ItemT, ...]] | None] = reactive(None, init=False, repaint=False)
    """The latest reading; screens assign it, the table keeps the last good value on error."""

    def __init__(
        self,
        *,
        clock: Clock = utcnow,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(cursor_type="row", name=name, id=id, classes=classes)
        self._clock = clock
        self._items: tuple[ItemT, ...] = ()
        self._by_key: dict[str, ItemT] = {}
        self._good_at: datetime | None = None
        self._filter = ""
        self.last_sync = SyncResult(0, 0, 0, False)
        self.show_idle = False
        """Idle rows (pooled sessions at rest) shown too; tables that have them bind a key."""
        self.idle_hidden = 0
        """Idle rows left out of the last refresh, before the filter (the title says how many)."""
        self.idle_count = 0
        """Idle rows in the last reading, shown or not."""

    def on_mount(self) -> None:
        self._ensure_columns()
        if self.reading is None:
            self.border_title = Text(self.TITLE)
        show_reading_state(self, self.reading, last_good_at=self._good_at, now=self._clock())

    def watch_reading(self, reading: Reading[tuple[ItemT, ...]] | None) -> None:
        if reading is not None and reading.value is not None:
            self._items, self._good_at = reading.value, reading.fetched_at
        show_reading_state(self, reading, last_good_at=self._good_at, now=self._clock())
        if reading is not None and reading.value is not None:
            self.refresh_rows()

    def set_filter(self, text: str) -> None:
        """Show only the items whose filter fields contain `text` (any case)."""
        self._filter = text.strip()
        self.refresh_rows()

    def highlighted_item(self) -> ItemT | None:
        key = self.cursor_key()
        return None if key is None or key.value is None else self._by_key.get(key.value)

    def refresh_rows(self) -> None:
        """Re-derive the rows from the items on screen (after a reading, filter or sort)."""
        self._ensure_columns()
        shown = [item for item in self._ordered(self._items) if self._matches(item)]
        unique: dict[str, tuple[KeyedRow, ItemT]] = {}
        for row, item in zip(self._rows(shown), shown, strict=True):
            unique.setdefault(row[0], (row, item))  # a repeated key would break the table
        self._by_key = {key: item for key, (_, item) in unique.items()}
        self.last_sync = self.sync_rows([row for row, _ in unique.values()])
        title = " · ".join(self._title_parts(len(unique)))
        if str(self.border_title or "") != title:
            self._retitle(Text(title))

    def _ensure_columns(self) -> None:
        if not self.columns:
            for key, label, width in self.COLUMNS:
                self.add_column(label, key=key, width=width)

    def _title_parts(self, shown: int) -> list[str]:
        total = len(self._items) - self.idle_hidden
        parts = [self.TITLE, f"{shown} of {total}" if shown != total else str(total)]
        if self._filter:
            parts.append(f'filter "{self._filter}"')
        if self.idle_hidden:
            parts.append(f"+ {self.idle_hidden} idle hidden · h shows them")
        elif self.show_idle and self.idle_count:
            parts.append(f"{self.idle_count} idle shown · h hides them")
        return parts

    def action_toggle_idle(self) -> None:
        """Show or hide the idle rows (for tables whose `_ordered` sets them apart)."""
        self.show_idle = not self.show_idle
        self.refresh_rows()

    def _matches(self, item: ItemT) -> bool:
        return matches(self._filter, self._filter_fields(item))

    def _ordered(self, items: Sequence[ItemT]) -> list[ItemT]:
        return list(items)

    def _filter_fields(self, item: ItemT) -> tuple[str | None, ...]:
        raise NotImplementedError

    def _rows(self, items: Sequence[ItemT]) -> list[KeyedRow]:
        raise NotImplementedError
