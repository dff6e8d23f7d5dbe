"""Command-palette providers: jump to any instance by fuzzy name (ctrl+p)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider

if TYPE_CHECKING:
    from console.app import OpsConsoleApp


class FleetProvider(Provider):
    """Every instance of the inventory (discovery included), by name, kind and group."""

    async def search(self, query: str) -> Hits:
        app = cast("OpsConsoleApp", self.app)
        matcher = self.matcher(query)
        for instance in app.fleet.instances:
            score = matcher.match(instance.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(instance.name),
                    partial(app.open_instance, instance.name),
                    help=f"{instance.kind} · {instance.group} · {instance.env}",
                )
