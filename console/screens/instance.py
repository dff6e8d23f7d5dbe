"""InstanceScreen: one instance's Overview, Processes, Top queries and Metrics tabs.

One exclusive worker polls the visible tab only, waiting the refresh interval after each poll
completes, so an open instance costs its server one cheap query every few seconds and a hidden
tab costs nothing. A tab's widgets are built the first time it is shown (the tab asked for is
built with the screen): the others cost nothing before the user opens them either. MySQL and
PostgreSQL share one code path (DataLayer.sql); Redis shows INFO, CLIENT LIST and SLOWLOG in
the same places.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import Input, Static

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import Reading, SourceError
from console.inventory import Instance
from console.screens.messages import FirstReadingShown
from console.screens.polling import PollingScreen
from console.screens.replay import clock_of
from console.screens.status import bind_status_bar
from widgets.bindings import bindings
from widgets.client_table import RedisClientTable
from widgets.digest_table import DigestTable, SlowlogTable
from widgets.footer import KeysFooter
from widgets.keyed_table import ReadingTable
from widgets.kill_request import KillRequested
from widgets.pane_tabs import Pane, PaneTabs
from widgets.process_table import ProcessTable
from widgets.status_bar import StatusBar
from widgets.status_panel import ReadingPanel, RedisInfoPanel, ServerStatusPanel

PANES = ("overview", "processes", "queries", "metrics", "query", "keys", "slow")
TITLES = {
    "overview": "Overview",
    "processes": "Processes",
    "queries": "Top queries",
    "metrics": "Metrics",
    "query": "Query",
    "keys": "Keys",
    "slow": "Slow log",
}
PANE_WIDGETS = {
    "overview": "info",
    "processes": "processes-table",
    "queries": "queries-table",
    "metrics": "metrics-pane",
    "slow": "slow-pane",
}


class InstanceScreen(PollingScreen):
    """Drilldown into one instance; Escape goes back to where it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "instance.overview", "instance.processes", "instance.queries", "instance.metrics",
        "instance.query", "instance.keys", "instance.slow", "screen.filter",
        "screen.investigate", "instance.logs",
    )  # fmt: skip

    def __init__(
        self, data: DataLayer, settings: Settings, instance: Instance, pane: str = "overview"
    ) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.instance = instance
        self.initial_pane = pane if pane in self.panes else "overview"
        self.loaded: set[str] = set()
        self.built: set[str] = {self.initial_pane}
        self.polled_pane: str | None = None  # the tab the last round asked for
        """The tabs whose widgets are mounted (the others are built when first shown)."""
        self._builds: dict[str, asyncio.Future[None]] = {}
        self._mounted = asyncio.Event()
        self.now = clock_of(data)
        """What the widgets take for now: the wall clock, or the replay's cursor."""

    @property
    def panes(self) -> tuple[str, ...]:
        """The tabs this instance has (Keys: Redis only; Slow log: MySQL only; on a replay,
        only the recorded ones: no Query tab, no metrics, keys or slow logs)."""
        only = {"keys": "redis", "slow": "mysql"}
        kind = self.instance.kind
        offered: tuple[str, ...] = PANES
        if self.data.recorded_at() is not None:  # a replay: what a recording answers
            from console.services.recording.replay import PANES as RECORDED

            offered = RECORDED
        return tuple(p for p in offered if only.get(p, kind) == kind)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a tab this instance lacks: the key is hidden and does nothing
        if action == "show" and parameters and parameters[0] not in self.panes:
            return False
        if action == "logs" and self.data.recorded_at() is not None:
            return False  # a replay holds no logs: Logs Insights would ask live AWS
        return super().check_action(action, parameters)

    def compose(self) -> ComposeResult:
        self.poll()  # the first reading is asked for while the widgets are built
        i = self.instance
        yield Static(
            f" {i.name}  ·  {i.kind}  ·  {i.group}  ·  {i.env}  ·  {i.endpoint}",
            id="instance-title",
            markup=False,  # names and endpoints: data, never read as markup
            classes="-prod" if i.is_production else "",
        )
        with PaneTabs(initial=self.initial_pane, id="tabs"):
            for pane in self.panes:
                with Pane(TITLES[pane], id=pane):
                    if pane == self.initial_pane:
                        yield from self._pane_widgets(pane)
        yield StatusBar(id="status")
        yield KeysFooter()

    def _pane_widgets(self, pane: str) -> list[Widget]:
        """The widgets of one tab."""
        i, redis = self.instance, self.instance.kind == "redis"
        if pane == "overview":
            panel = RedisInfoPanel if redis else ServerStatusPanel
            return [panel(id="info", clock=self.now)]
        if pane == "processes":
            box = Input(placeholder="filter: user, host, db, state, query", id="filter")
            box.display = False  # `/` shows it
            table = (
                RedisClientTable(id="processes-table", clock=self.now)
                if redis
                else ProcessTable(id="processes-table", clock=self.now)
            )
            table.kill_refused = self.data.queries.read_only() or ""  # the key shows disabled
            return [box, table]
        if pane == "queries":
            queries = SlowlogTable if redis else DigestTable
            return [queries(id="queries-table", clock=self.now)]
        # the other tabs' modules are imported with them (the SQL guard, the digest, charts)
        if pane == "metrics":
            from console.screens.metrics_pane import MetricsPane

            return [MetricsPane(self.data, self.settings, i, id="metrics-pane")]
        if pane == "query":
            from console.screens.query_pane import QueryPane

            return [QueryPane(self.data, self.settings, i, id="query-pane")]
        if pane == "keys":
            from console.screens.keys_pane import KeysPane

            return [KeysPane(self.data, i, id="keys-pane")]
        from console.screens.slow_pane import SlowPane

        return [SlowPane(self.data, i, self.settings.console.row_limit, id="slow-pane")]

    async def _build(self, pane: str) -> None:
        """Mount a tab's widgets the first time it is shown; later calls wait for that one."""
        if pane in self.built:
            return
        if pane not in self._builds:
            tab = self.query_one(f"#{pane}", Pane)
            self._builds[pane] = asyncio.ensure_future(_mount(tab, self._pane_widgets(pane)))
        await self._builds[pane]
        self.built.add(pane)

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self._focus_pane()
        self._mounted.set()

    @property
    def pane(self) -> str:
        """The visible tab (the requested one until the tabs are mounted)."""
        tabs = self.query(PaneTabs)
        return (tabs.first().active if tabs else "") or self.initial_pane

    @work(exclusive=True, group="instance", exit_on_error=False)
    async def poll(self) -> None:
        """Refresh the visible tab, then wait the interval (or a key) before the next."""
        await self.every(self.settings.console.refresh_s, lambda: self._refresh_pane(self.pane))

    async def _refresh_pane(self, pane: str) -> None:
        if pane not in self.built:
            return  # shown this instant, its widgets still being mounted: the next round
        self.polled_pane = pane
        errors = [e for e in await self._fetch_pane(pane) if e.kind != "unrecorded"]
        status = self.query_one(StatusBar)
        status.failing = tuple(sorted({f"{e.source} {e.kind}" for e in errors}))
        if not errors:
            status.touch()
        if not self.loaded:
            self.post_message(FirstReadingShown())
        self.loaded.add(pane)

    async def _fetch_pane(self, pane: str) -> list[SourceError]:
        """Fill the pane's widget; the errors of the readings it got (shown in place too).

        The first poll starts with the screen (see compose), so the server is asked while the
        widgets are built: the reading waits for them, not they for the reading."""
        if pane not in PANE_WIDGETS:
            return []  # the query pane runs on demand, never on a timer
        if pane in ("metrics", "slow"):
            await self._mounted.wait()
            return await self._fetch_own(pane)
        reading = await self._reader(pane)()
        await self._mounted.wait()
        widget = self.query_one(f"#{PANE_WIDGETS[pane]}")
        if isinstance(widget, ReadingPanel | ReadingTable):
            widget.reading = reading
        return [] if reading.error is None else [reading.error]

    def _reader(self, pane: str) -> Callable[[], Awaitable[Reading[Any]]]:
        """The call that reads one of the overview, processes and queries tabs."""
        i, limit, data = self.instance, self.settings.console.row_limit, self.data
        if i.kind == "redis":
            redis = data.redis
            calls: dict[str, Callable[[], Awaitable[Reading[Any]]]] = {
                "overview": lambda: redis.info(i),
                "processes": lambda: redis.clients(i, limit),
                "queries": lambda: redis.slowlog(i, limit),
            }
        else:
            sql = data.sql(i)
            calls = {
                "overview": lambda: sql.status(i),
                "processes": lambda: sql.processlist(i, limit),
                "queries": lambda: sql.digests(i, limit),
            }
        return calls[pane]

    async def _fetch_own(self, pane: str) -> list[SourceError]:
        """The tabs whose widget asks its own sources (charts, the slow-log digest)."""
        if pane == "metrics":
            from console.screens.metrics_pane import MetricsPane  # loaded with the tab

            return await self.query_one("#metrics-pane", MetricsPane).refresh_charts()
        from console.screens.slow_pane import SlowPane  # loaded with the tab

        return await self.query_one("#slow-pane", SlowPane).refresh_digest()

    def has_data(self) -> bool:
        """The visible tab has been filled at least once (for headless screenshots)."""
        return self.pane in self.loaded

    async def action_back(self) -> None:
        """Escape: the screen beneath, or the fleet when the console opened on this instance
        (built only then: an on-call user opened straight here pays nothing for it)."""
        await self.app.run_action("leave_instance")

    def action_show(self, pane: str) -> None:
        self.query_one(PaneTabs).active = pane

    @on(PaneTabs.TabActivated)
    async def tab_changed(self) -> None:
        """Build the tab if new and poll it now, unless it is the tab just polled (the first
        tab is activated right after its first reading was asked for with the screen)."""
        await self._build(self.pane)
        self._focus_pane()
        if self.pane != self.polled_pane:
            self.wake()

    def _focus_pane(self) -> None:
        """The tabs whose keys act inside them get the focus: the query line, the key tables,
        the process list (its `h`, `s`, `k` and Enter act on the table, so it must hold the
        focus as soon as the tab shows, not after a Tab press).

        Focused at once where it can be (not on the next idle, as `focus()` does): the footer
        then shows the table's keys from its first build, not the tabs' keys and again."""
        target = {"processes": "#processes-table", "query": "#query-input", "keys": "#prefixes"}
        if self.pane not in target or self.pane not in self.built:
            return
        widget = self.query_one(target[self.pane])
        self.set_focus(widget)
        if self.focused is not widget:  # not focusable yet (its tab not shown yet): on idle
            widget.focus()

    async def action_filter(self) -> None:
        self.action_show("processes")
        await self._build("processes")
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        table = self.query_one("#processes-table")
        if isinstance(table, ProcessTable | RedisClientTable):
            table.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one("#processes-table").focus()

    @on(ProcessTable.ProcessChosen)
    def open_process(self, message: ProcessTable.ProcessChosen) -> None:
        table = self.query_one("#processes-table", ProcessTable)
        process = table.highlighted_process()
        if process is not None and process.id == message.process_id:
            from console.screens.process_detail import ProcessDetailScreen  # on first Enter

            self.app.push_screen(ProcessDetailScreen(self.data, self.instance, process))

    @work(group="investigate", exit_on_error=False)
    async def action_investigate(self) -> None:
        """Gather this instance's evidence into a bundle (the `investigate` verb's)."""
        from console.screens.investigate import investigate_from  # on first `i`

        await investigate_from(self, self.data, instance_name=self.instance.name)

    def action_logs(self) -> None:
        """Logs Insights on this instance's log groups."""
        from console.screens.logs import LogsScreen  # on first `l`

        self.app.push_screen(LogsScreen(self.data, self.settings, self.instance))

    @on(KillRequested)
    def kill_requested(self, message: KillRequested) -> None:
        self.kill(message.session, message.about)

    @work(group="kill", exclusive=True, exit_on_error=False)
    async def kill(self, session: int, about: str) -> None:
        """Prompt (twice on production), then end the session through the query service."""
        from console.services import query as query_service  # on first kill

        built = await query_service.kill_action(self.data, self.instance, session, about)
        if built.value is None:
            why = built.error.message if built.error else "no answer"
            self.notify(
                f"Cannot kill {session}: {why}", title="Kill", severity="error", markup=False
            )
            return
        from console.screens.confirm import run_confirmed  # on first kill

        done = await run_confirmed(self.app, self.data, self.instance, built.value)
        if done is None:
            self.notify(
                f"Kill of {session} cancelled; nothing was sent.", title="Kill", markup=False
            )
        elif done.error is not None:
            self.notify(
                f"{done.error.kind}: {done.error.message}",
                title="Kill",
                severity="error",
                markup=False,
            )
        else:
            self.notify(f"{built.value.text}: done.", title="Kill", markup=False)
        self.wake()


async def _mount(tab: Pane, widgets: list[Widget]) -> None:
    await tab.mount_all(widgets)
