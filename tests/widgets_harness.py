"""Small harness apps that show one widget fed from factories (for widget and snapshot tests)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.containers import Horizontal

from console.data.models import FleetHealth, InstanceRef
from tests import factories
from widgets.fleet_tree import FleetTree
from widgets.health_detail import HealthDetail


class FleetHarness(App[None]):
    """The fleet tree and the detail pane, as the fleet screen lays them out.

    By default the factories' fleet with every instance's health and the second one in the
    detail; a test passes its own instances and health (the first instance goes to the detail).
    """

    def __init__(
        self,
        refs: Sequence[InstanceRef] | None = None,
        healths: Sequence[FleetHealth] | None = None,
    ) -> None:
        super().__init__()
        self.refs = tuple(refs) if refs is not None else factories.refs()
        self.healths = tuple(healths) if healths is not None else factories.fleet_health()
        self.shown = 1 if refs is None else 0

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield FleetTree(id="tree")
            yield HealthDetail(id="detail")

    def on_mount(self) -> None:
        tree = self.query_one(FleetTree)
        tree.set_fleet(self.refs)
        for result in self.healths:
            tree.set_health(result)
        tree.root.expand_all()
        detail = self.query_one(HealthDetail)
        detail.instance = self.refs[self.shown]
        detail.health = self.healths[self.shown]
        tree.focus()
