"""LogsView: the Logs Insights pane: saved queries, log groups, the query line, rows and figures.

On the left the saved queries (`[logs] queries`; Enter runs one) and the log groups to query
(Space ticks one); on the right the query line (Enter runs it), the figures of the last run
(status, rows, bytes scanned, records, the day's bytes against the budget) and its rows. The
rows arrive masked from the data layer; this only shows them. Below 120 columns the
rows take the whole width while they have the focus. Picking a saved query or pressing
Enter posts `RunRequested`; the screen runs it and assigns `reading`, `budget`, `note`, `state`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from console.data.aws_models import InsightsResult, ScanBudget
from console.data.models import Reading
from console.formatting.insights import budget_line, one_line, short_group, summary
from widgets.keyed_table import cell
from widgets.resilient import Resilient

CELL_WIDTH = 300  # a longer value is cut on screen (`opsconsole logs --json` has it whole)
NARROW_BELOW = 120
GROUP_WIDTHS = (22, 44)  # a longer group name shows its tail (`…-rw/slowquery`): narrow, wide


class LogsView(Resilient, Vertical):
    """The pane; the screen sets the groups and saved queries and assigns the readings."""

    DEFAULT_CSS = """
    LogsView { height: 1fr; }
    LogsView #logs-main { height: 1fr; }
    LogsView #logs-side { width: 54; height: 1fr; }
    LogsView.-narrow #logs-side { width: 32; }
    LogsView.-narrow.-reading #logs-side { display: none; }
    LogsView #logs-saved { height: auto; max-height: 40%; border: round $primary-darken-2; }
    LogsView #logs-groups { height: 1fr; border: round $primary-darken-2; }
    LogsView #logs-body { width: 1fr; height: 1fr; }
    LogsView #logs-summary { height: auto; padding: 0 1; }
    LogsView #logs-rows { height: 1fr; border: round $primary-darken-2; }
    LogsView OptionList:focus, LogsView SelectionList:focus, LogsView DataTable:focus {
        border: round $primary;
    }
    LogsView.-error #logs-summary { border-left: thick $error; }
    """

    class RunRequested(Message):
        """Run this query over the ticked groups (Enter on the line or on a saved query)."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    reading: reactive[Reading[InsightsResult] | None] = reactive(None, init=False, repaint=False)
    """The last run's results (masked), or why it failed or was refused."""
    budget: reactive[ScanBudget | None] = reactive(None, init=False, repaint=False)
    """Today's bytes scanned against the daily budget, after the last run."""
    note: reactive[str] = reactive("", init=False, repaint=False)
    """Said under the figures: stopped after the wait, stopped by the user, run past budget."""
    state: reactive[str] = reactive("", init=False, repaint=False)
    """While a query runs: 'Running · 3 s · 120 rows so far (F8 stops)'."""
    window: reactive[str] = reactive("", init=False, repaint=False)
    """'salesorder-rw · last 1h · limit 100': what the next run asks for."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="logs-main"):
            with Vertical(id="logs-side"):
                yield OptionList(id="logs-saved")
                yield SelectionList[str](id="logs-groups")
            with Vertical(id="logs-body"):
                yield Input(placeholder="Logs Insights query · Enter runs it", id="logs-query")
                yield Static(id="logs-summary")
                yield DataTable[str | Text](id="logs-rows", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#logs-saved", OptionList).border_title = "Saved queries"
        self.query_one("#logs-rows", DataTable).border_title = "Rows"
        self._retitle_groups()
        self._summarise()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._groups: tuple[str, ...] = ()

    def on_descendant_focus(self) -> None:
        """Narrow: reading the rows (they have the focus) takes the whole width; Shift+Tab
        back to the query line brings the saved queries and groups back."""
        self.set_class(self.screen.focused is self.query_one("#logs-rows"), "-reading")

    def show_rows(self) -> None:
        """Focus the rows (after a run: what the user came to read)."""
        self.query_one("#logs-rows", DataTable).focus()

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW_BELOW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.set_groups(self._groups, self.ticked_groups())  # labels cut to the new width

    # --- what the screen sets ---------------------------------------------------------------

    def set_saved(self, saved: tuple[tuple[str, str], ...]) -> None:
        """The saved queries: (name, query text)."""
        options = self.query_one("#logs-saved", OptionList)
        options.clear_options()
        options.add_options([Option(Text(name), id=query) for name, query in saved])
        if saved:
            options.highlighted = 0
        else:
            options.add_option(Option(Text("none: add [logs] queries", style="dim"), disabled=True))

    def set_groups(self, groups: tuple[str, ...], ticked: tuple[str, ...] = ()) -> None:
        """The log groups offered, those in `ticked` ticked."""
        self._groups = groups
        width = GROUP_WIDTHS[0 if self.has_class("-narrow") else 1]
        box = self.query_one("#logs-groups", SelectionList)
        box.clear_options()
        box.add_options([(Text(short_group(g, width)), g, g in ticked) for g in groups])
        self._retitle_groups()

    def set_query(self, text: str) -> None:
        self.query_one("#logs-query", Input).value = text

    def ticked_groups(self) -> tuple[str, ...]:
        return tuple(self.query_one("#logs-groups", SelectionList).selected)

    # --- what the user does -----------------------------------------------------------------

    @on(Input.Submitted, "#logs-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.RunRequested(event.value.strip()))

    @on(OptionList.OptionSelected, "#logs-saved")
    def _saved_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        query = event.option.id or ""
        if query:
            self.set_query(query)
            self.post_message(self.RunRequested(query))

    @on(SelectionList.SelectedChanged, "#logs-groups")
    def _groups_changed(self) -> None:
        self._retitle_groups()

    # --- showing ----------------------------------------------------------------------------

    def watch_reading(self, reading: Reading[InsightsResult] | None) -> None:
        if reading is not None and reading.value is not None:
            self._fill(reading.value)
        self.set_class(reading is not None and reading.error is not None, "-error")
        self._summarise()

    def watch_budget(self) -> None:
        self._summarise()

    def watch_note(self) -> None:
        self._summarise()

    def watch_state(self) -> None:
        self._summarise()

    def watch_window(self) -> None:
        self._summarise()

    def _retitle_groups(self) -> None:
        box = self.query_one("#logs-groups", SelectionList)
        box.border_title = f"Log groups · {len(box.selected)} of {box.option_count}"

    def _fill(self, result: InsightsResult) -> None:
        table = self.query_one("#logs-rows", DataTable)
        # the long text column last, whatever order the endpoint gave (moto's puts @log after it)
        order = sorted(range(len(result.fields)), key=lambda i: result.fields[i] == "@message")
        table.clear(columns=True)
        table.add_columns(*(result.fields[i] for i in order))
        for row in result.table():
            table.add_row(*(cell(one_line(row[i], CELL_WIDTH)) for i in order))
        count = len(result.rows)
        table.border_title = f"Rows · {count} · {result.status}"

    def _summarise(self) -> None:
        lines = [Text(self.window, style="dim")]
        reading = self.reading
        if self.state:
            lines.append(Text(self.state, style="bold yellow"))
        elif reading is not None and reading.error is not None:
            error = reading.error
            head = (
                "Refused, nothing scanned" if error.kind == "refused" else f"Failed ({error.kind})"
            )
            lines.append(Text(f"{head}: {error.message}", style="bold red"))
        elif reading is not None and reading.value is not None:
            done = reading.value.status == "Complete"
            lines.append(Text(summary(reading.value), style="" if done else "bold yellow"))
        else:
            lines.append(Text("pick a saved query, or type one and press Enter", style="dim"))
        if self.note:
            lines.append(Text(self.note, style="yellow"))
        if self.budget is not None:
            style = "bold red" if self.budget.spent else ""
            lines.append(Text(f"Scanned {budget_line(self.budget)}", style=style))
        self.query_one("#logs-summary", Static).update(Text("\n").join(lines))
