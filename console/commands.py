"""Command-palette providers (ctrl+p): jump to any instance by fuzzy name; open a screen."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

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
                # Textual reads a hit's prompt and help as markup: names are data, escaped
                yield Hit(
                    score,
                    matcher.highlight(escape(instance.name)),
                    partial(app.open_instance, instance.name),
                    help=escape(f"{instance.kind} · {instance.group} · {instance.env}"),
                )


class ScreensProvider(Provider):
    """The screens one key away from everywhere: alerts (`a`), AWS cost (`$`), slow log (`L`)."""

    SCREENS = (
        ("Alerts", "alerts", "Alertmanager alerts and CloudWatch alarms (a)"),
        ("AWS cost", "cost", "Cost Explorer: month to date, by service, daily trend ($)"),
        ("Slow queries (fleet)", "slow_fleet", "every MySQL slow log digested together (L)"),
        ("Logs Insights", "logs", "CloudWatch Logs Insights: saved queries over log groups"),
    )

    async def discover(self) -> Hits:
        app = cast("OpsConsoleApp", self.app)
        for title, action, help_text in self.SCREENS:
            yield DiscoveryHit(title, partial(app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        app = cast("OpsConsoleApp", self.app)
        matcher = self.matcher(query)
        for title, action, help_text in self.SCREENS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(app.run_action, action), help=help_text
                )
