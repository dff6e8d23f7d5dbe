"""FleetScreen: the fleet tree with live health from the sweep, and the highlighted instance.

The sweep runs in one exclusive worker that waits the fleet interval after each sweep
completes (never overlapping), streams each result into the tree as it lands, and pauses
while the console is paused.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Tree

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import FleetHealth, InstanceRef
from console.inventory import Fleet
from console.screens.messages import FleetLoaded, OpenInstance
from console.screens.polling import PollingScreen
from console.screens.status import bind_status_bar
from widgets.fleet_tree import FleetTree
from widgets.health_detail import HealthDetail
from widgets.status_bar import StatusBar


def refs_of(fleet: Fleet) -> list[InstanceRef]:
    return [InstanceRef(i.kind, i.name, i.group, i.env, i.endpoint) for i in fleet.instances]


class FleetScreen(PollingScreen):
    """The whole inventory with its health; the console opens here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="fleet.refresh"),
        Binding("p", "pause", "Pause", id="fleet.pause"),
        Binding("slash", "filter", "Filter", id="fleet.filter"),
    ]

    def __init__(self, data: DataLayer, settings: Settings) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.fleet: Fleet = settings.fleet
        self.swept = False
        self._rediscover = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter instances by name or group (Enter: back to the tree)",
            id="fleet-filter",
        )
        with Horizontal():
            yield FleetTree(id="fleet-tree")
            yield HealthDetail(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.query_one("#fleet-filter", Input).display = False
        self.query_one(FleetTree).set_fleet(refs_of(self.fleet))
        self.query_one(FleetTree).focus()
        self.poll_fleet()

    @work(exclusive=True, group="fleet", exit_on_error=False)
    async def poll_fleet(self) -> None:
        status = self.query_one(StatusBar)
        await self._discover()

        async def once() -> None:
            if self._rediscover:
                await self._discover()
            results = await self.data.fleet_health(self.fleet.instances, self._on_health)
            status.touch()
            status.counts = _counts(results)
            self.swept = True

        await self.every(self.settings.console.fleet_refresh_s, once)

    async def _discover(self) -> None:
        """Discover the fleet; a failure is said once and in the status bar until it answers."""
        had_error = self.fleet.discovery_error
        discovered = await self.data.fleet()
        found_any = any(i.origin != "config" for i in discovered.instances)
        # after a failure, ask again each sweep until an answer lists something: a Prometheus
        # just back answers with no targets for its first seconds
        self._rediscover = bool(discovered.discovery_error) or (self._rediscover and not found_any)
        self.fleet = discovered
        self.query_one(FleetTree).set_fleet(refs_of(discovered))
        self.query_one(StatusBar).failing = _failing_discoveries(discovered.discovery_error)
        if discovered.discovery_error and not had_error:
            self.notify(discovered.discovery_error, title="Discovery", severity="warning")
        self.post_message(FleetLoaded(discovered))

    def _on_health(self, health: FleetHealth) -> None:
        self.query_one(FleetTree).set_health(health)
        detail = self.query_one(HealthDetail)
        if detail.instance is not None and detail.instance.name == health.name:
            detail.health = health

    @on(Tree.NodeHighlighted)
    def show_highlighted(self, event: Tree.NodeHighlighted[InstanceRef]) -> None:
        ref = event.node.data
        if ref is None:
            return
        detail = self.query_one(HealthDetail)
        detail.instance = ref
        detail.health = self.query_one(FleetTree).health_of(ref.name)

    def action_filter(self) -> None:
        box = self.query_one("#fleet-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#fleet-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_one(FleetTree).set_filter(event.value)

    @on(Input.Submitted, "#fleet-filter")
    def filter_done(self) -> None:
        self.query_one(FleetTree).focus()

    def has_data(self) -> bool:
        """One whole sweep has landed (for headless screenshots)."""
        return self.swept

    @on(FleetTree.InstanceSelected)
    def open_instance(self, message: FleetTree.InstanceSelected) -> None:
        instance = self.fleet.by_name(message.instance.name)
        if instance is not None:
            self.post_message(OpenInstance(instance))


def _failing_discoveries(error: str | None) -> tuple[str, ...]:
    """Which discoveries the status bar names as failing (`prometheus discovery`, `aws …`)."""
    if not error:
        return ()
    named = (("Prometheus", "prometheus discovery"), ("AWS discovery", "aws discovery"))
    return tuple(label for marker, label in named if marker in error) or ("discovery",)


def _counts(results: tuple[FleetHealth, ...]) -> str:
    states = [r.state for r in results]
    return f"{states.count('ok')} ok · {states.count('warn')} warn · {states.count('down')} down"
