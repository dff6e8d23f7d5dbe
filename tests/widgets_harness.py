"""Small harness apps that show one widget fed from factories (for widget and snapshot tests)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal

from tests import factories
from widgets.fleet_tree import FleetTree
from widgets.health_detail import HealthDetail


class FleetHarness(App[None]):
    """The fleet tree and the detail pane, as the fleet screen lays them out."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield FleetTree(id="tree")
            yield HealthDetail(id="detail")

    def on_mount(self) -> None:
        tree = self.query_one(FleetTree)
        tree.set_fleet(factories.refs())
        for result in factories.fleet_health():
            tree.set_health(result)
        tree.root.expand_all()
        detail = self.query_one(HealthDetail)
        detail.instance = factories.refs()[1]
        detail.health = factories.fleet_health()[1]
        tree.focus()
