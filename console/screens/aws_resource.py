"""AwsResourceScreen: a placeholder view of one MSK, EKS, DocumentDB, OpenSearch or EC2 resource.

Why a screen of its own: these kinds are never connected to, so the SQL/Redis instance screen
(processes, queries, a query pane) means nothing for them. This one shows what the free describe
calls say and the health the fleet shows (status and alarms in ALARM), polled at the fleet's
pace. The per-kind views (charts, alarms, investigations) replace it (issue 15, item 2).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from console.config import Settings
from console.data.aws_models import CLOUD_KIND_TITLES, CloudResource
from console.data.layer import DataLayer
from console.data.models import Health, Reading
from console.inventory import Instance
from console.screens.polling import PollingScreen
from console.screens.status import bind_status_bar
from widgets.footer import KeysFooter
from widgets.status_bar import StatusBar


def overview_lines(resource: CloudResource | None, health: Reading[Health] | None) -> list[str]:
    """The overview's lines: health and why, then the describe fields in order."""
    lines: list[str] = []
    if health is not None and health.value is not None:
        lines.append(f"health: {health.value.state}")
        lines += [f"  {reason}" for reason in health.value.reasons]
    elif health is not None and health.error is not None:
        lines.append(f"health: {health.error.kind}: {health.error.message}")
    if resource is None:
        return [*lines, "", "not listed by AWS now"]
    width = max((len(key) for key, _ in resource.facts), default=0)
    return [*lines, "", *(f"{key:<{width}}  {value}" for key, value in resource.facts)]


class AwsResourceScreen(PollingScreen):
    """One AWS-kind resource: its describe fields and its health (a placeholder view)."""

    DEFAULT_CSS = """
    AwsResourceScreen #aws-title { background: $boost; padding: 0 1; }
    AwsResourceScreen #aws-overview { padding: 1 2; height: 1fr; }
    """

    def __init__(self, data: DataLayer, settings: Settings, instance: Instance) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.instance = instance
        self.loaded = False

    def compose(self) -> ComposeResult:
        i = self.instance
        title = CLOUD_KIND_TITLES.get(i.kind, i.kind)
        yield Static(f" {i.name}  ·  {title}  ·  {i.group}  ·  {i.env}", id="aws-title",
                     markup=False)  # fmt: skip
        yield Static("asking AWS…", id="aws-overview", markup=False)
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        self.poll()

    @work(exclusive=True, group="aws-resource", exit_on_error=False)
    async def poll(self) -> None:
        async def once() -> None:
            listed = await self.data.aws_kinds()
            health = await self.data.health(self.instance)
            found = listed.value.resources if listed.value is not None else ()
            resource = next((r for r in found if r.name == self.instance.name), None)
            lines = overview_lines(resource, health)
            if listed.error is not None:
                lines.append(f"AWS: {listed.error.kind}: {listed.error.message}")
            self.query_one("#aws-overview", Static).update("\n".join(lines))
            self.query_one(StatusBar).touch()
            self.loaded = True

        await self.every(self.settings.console.fleet_refresh_s, once)

    def has_data(self) -> bool:
        return self.loaded
