"""AwsResourceScreen: one MSK, EKS, DocumentDB, OpenSearch or EC2 resource.

Two tabs with the instance screen's keys: Overview (`1`: what the describe calls say, and the
CloudWatch alarms that name the resource, ALARM first) and Metrics (`4`: the CloudWatch charts
an on-call reads first for the kind, `t` for the range). `i` investigates it, like any
instance. AWS answers change by the minute and describe calls are rate-limited, so the
overview is asked every `[console] fleet_refresh_s` (and at once on `r`), not at the 2 s
pane rate; the charts keep their own CloudWatch pace (screens/cloudwatch_charts.py).
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.config import Settings
from console.data.aws_models import CLOUD_KIND_TITLES
from console.data.layer import DataLayer
from console.data.models import SourceError
from console.inventory import Instance
from console.screens.messages import FirstReadingShown
from console.screens.polling import PollingScreen
from console.screens.status import bind_status_bar
from widgets.aws_overview import ResourceAlarmsPanel, ResourceOverviewPanel
from widgets.bindings import bindings
from widgets.footer import KeysFooter
from widgets.pane_tabs import Pane, PaneTabs
from widgets.status_bar import StatusBar

PANES = ("overview", "metrics")
TITLES = {"overview": "Overview", "metrics": "Metrics"}


class AwsResourceScreen(PollingScreen):
    """Drilldown into one AWS resource; Escape goes back to where it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "instance.overview", "instance.metrics", "screen.investigate"
    )
    DEFAULT_CSS = """
    AwsResourceScreen #overview-scroll { height: 1fr; }
    AwsResourceScreen ResourceAlarmsPanel { margin-top: 0; }
    """

    def __init__(
        self, data: DataLayer, settings: Settings, instance: Instance, pane: str = "overview"
    ) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.instance = instance
        self.initial_pane = pane if pane in PANES else "overview"
        self.loaded: set[str] = set()
        self._metrics_built = asyncio.Event()

    def compose(self) -> ComposeResult:
        i = self.instance
        service = CLOUD_KIND_TITLES.get(i.kind, i.kind)
        yield Static(
            f" {i.name}  ·  {service}  ·  {i.group}  ·  {i.env}",
            id="instance-title",
            markup=False,  # names: data, never read as markup
            classes="-prod" if i.is_production else "",
        )
        with PaneTabs(initial=self.initial_pane, id="tabs"):
            with Pane(TITLES["overview"], id="overview"), VerticalScroll(id="overview-scroll"):
                yield ResourceAlarmsPanel(id="alarms")  # the firing alarm first: the page's reason
                yield ResourceOverviewPanel(id="info")
            yield Pane(TITLES["metrics"], id="metrics")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.poll()

    @property
    def pane(self) -> str:
        tabs = self.query(PaneTabs)
        return (tabs.first().active if tabs else "") or self.initial_pane

    def has_data(self) -> bool:
        """The visible tab has been filled at least once (for headless screenshots)."""
        return self.pane in self.loaded

    @work(exclusive=True, group="aws-resource", exit_on_error=False)
    async def poll(self) -> None:
        await self.every(self.settings.console.fleet_refresh_s, self._refresh_pane)

    async def _refresh_pane(self) -> None:
        pane = self.pane
        errors = await (self._overview() if pane == "overview" else self._metrics())
        status = self.query_one(StatusBar)
        status.failing = tuple(sorted({f"{e.source} {e.kind}" for e in errors}))
        if not errors:
            status.touch()
        if not self.loaded:
            self.post_message(FirstReadingShown())
        self.loaded.add(pane)

    async def _overview(self) -> list[SourceError]:
        from console.services.aws_resource import resource_view

        view = await resource_view(self.data, self.instance)
        self.query_one(ResourceOverviewPanel).reading = view.overview
        self.query_one(ResourceAlarmsPanel).reading = view.alarms
        return [r.error for r in (view.overview, view.alarms) if r.error is not None]

    async def _metrics(self) -> list[SourceError]:
        from console.screens.metrics_pane import MetricsPane

        await self._build_metrics()
        return await self.query_one(MetricsPane).refresh_charts()

    async def _build_metrics(self) -> None:
        """The Metrics tab's charts, mounted the first time it is shown."""
        from console.screens.metrics_pane import MetricsPane

        if self._metrics_built.is_set():
            return
        pane = MetricsPane(self.data, self.settings, self.instance, id="metrics-pane")
        await self.query_one("#metrics", Pane).mount(pane)
        self._metrics_built.set()
        self._focus_pane()

    async def action_back(self) -> None:
        await self.app.run_action("leave_instance")

    def action_show(self, pane: str) -> None:
        self.query_one(PaneTabs).active = pane

    @on(PaneTabs.TabActivated)
    def tab_changed(self) -> None:
        self._focus_pane()
        self.wake()

    def _focus_pane(self) -> None:
        """The charts take the focus with their tab, so `t` (range) and `e` act at once."""
        if self.pane == "metrics" and self._metrics_built.is_set():
            self.query_one("#metrics-pane").focus()

    @work(group="investigate", exit_on_error=False)
    async def action_investigate(self) -> None:
        """Gather this resource's evidence into a bundle (the `investigate` verb's)."""
        from console.screens.investigate import investigate_from  # on first `i`

        await investigate_from(self, self.data, instance_name=self.instance.name)
