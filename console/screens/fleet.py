"""FleetScreen: the fleet tree with live health from the sweep, and the highlighted instance.

The sweep runs in one exclusive worker that waits the fleet interval after each sweep
completes (never overlapping), streams each result into the tree as it lands, and pauses
while the console is paused.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static, Tree

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import FleetHealth, InstanceRef
from console.inventory import Fleet
from console.screens.messages import AlarmsWanted, FleetLoaded, OpenInstance
from console.screens.polling import PollingScreen
from console.screens.status import bind_status_bar
from widgets.bindings import bindings
from widgets.fleet_tree import FleetTree
from widgets.footer import KeysFooter
from widgets.health_detail import HealthDetail
from widgets.status_bar import StatusBar


def refs_of(fleet: Fleet) -> list[InstanceRef]:
    return [
        InstanceRef(i.kind, i.name, i.group, i.env, i.endpoint, i.origin, i.discovered_at)
        for i in fleet.instances
    ]


class FleetScreen(PollingScreen):
    """The whole inventory with its health; the console opens here."""

    DEFAULT_CSS = """
    FleetScreen #fleet-notice { color: $warning; padding: 0 1; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("screen.filter")
    ROOT = True

    def __init__(self, data: DataLayer, settings: Settings) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.fleet: Fleet = settings.fleet
        self.swept = False
        self.discovered = False
        self._rediscover = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter instances by name or group (Enter: back to the tree)",
            id="fleet-filter",
        )
        yield Static(id="fleet-notice")
        with Horizontal():
            yield FleetTree(id="fleet-tree")
            yield HealthDetail(id="detail")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.query_one("#fleet-filter", Input).display = False
        self._show_fleet(self.fleet)
        self.query_one(FleetTree).focus()
        self.set_interval(1.0, self._show_busy)
        self.poll_fleet()

    def on_screen_resume(self) -> None:
        self.post_message(AlarmsWanted())  # the status bar counts them: the App polls them now

    def _show_busy(self) -> None:
        """Say when the console itself runs late (its figures late, not the servers slow)."""
        window = 2 * self.settings.console.fleet_refresh_s
        self.query_one(StatusBar).busy = self.data.console_busy(window) or ""

    @work(exclusive=True, group="fleet", exit_on_error=False)
    async def poll_fleet(self) -> None:
        """The kept list at once (disk only), discovery behind it, then sweeps every interval."""
        self._show_fleet(await self.data.kept_fleet())
        self.discover()

        async def once() -> None:
            if self._rediscover:
                self.discover()
            await self.data.fleet_health(self.fleet.instances, self._on_health)
            self._count()
            self.swept = True

        await self.every(self.settings.console.fleet_refresh_s, once)

    @work(exclusive=True, group="fleet-discovery", exit_on_error=False)
    async def discover(self) -> None:
        """Ask Prometheus (and AWS); the tree keeps showing the kept list until they answer,
        and keeps it (marked, with the reason) if they fail. New instances are probed now.

        After a failure it is asked again each sweep until an answer lists something: a
        Prometheus just back answers with no targets for its first seconds.
        """
        had_error = self.fleet.discovery_error
        before = {i.name for i in self.fleet.instances}
        discovered = await self.data.fleet()
        found_any = any(i.origin not in ("config", "kept") for i in discovered.instances)
        failing = discovered.discovery_error
        self._rediscover = bool(failing) or (self._rediscover and not found_any)
        self._show_fleet(discovered)
        self.discovered = True
        self.query_one(StatusBar).failing = _failing_discoveries(failing)
        if failing and not had_error:
            self.notify(failing, title="Discovery", severity="warning", markup=False)
        self.post_message(FleetLoaded(discovered))
        new = [i for i in discovered.instances if i.name not in before]
        if new:
            await self.data.fleet_health(new, self._on_health)
            self._count()

    def _show_fleet(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self.query_one(FleetTree).set_fleet(refs_of(fleet))
        notice = self.query_one("#fleet-notice", Static)
        notice.update(fleet.discovery_error or "")
        notice.display = bool(fleet.discovery_error)

    def _count(self) -> None:
        """The status bar's counts over the fleet shown, from the latest health of each."""
        tree = self.query_one(FleetTree)
        known = [h for i in self.fleet.instances if (h := tree.health_of(i.name)) is not None]
        status = self.query_one(StatusBar)
        status.touch()
        status.counts = _counts(tuple(known))

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
        """Discovery answered (or failed) and one whole sweep has landed (headless screenshots)."""
        return self.swept and self.discovered

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
    states = [r.state for r in results if not r.unrecorded]
    return f"{states.count('ok')} ok · {states.count('warn')} warn · {states.count('down')} down"
