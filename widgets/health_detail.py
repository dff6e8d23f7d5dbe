"""HealthDetail: the highlighted instance's latest probe, its figures and its error if any."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.data.models import FleetHealth, InstanceRef
from console.formatting import human_bytes


class HealthDetail(Static):
    """A view of one FleetHealth; shows 'not checked yet' until the sweep reaches it."""

    DEFAULT_CSS = """
    HealthDetail { width: 2fr; height: auto; border: round $primary; padding: 0 1; }
    """

    instance: reactive[InstanceRef | None] = reactive(None)
    health: reactive[FleetHealth | None] = reactive(None)

    def render(self) -> Table | Text:
        ref = self.instance
        if ref is None:
            return Text("Select an instance in the tree.", style="dim")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row("instance", Text(ref.name))  # data: never read as markup
        table.add_row("kind", Text(ref.kind))
        table.add_row("group", Text(ref.group))
        table.add_row("env", Text(ref.env))
        table.add_row("endpoint", Text(ref.endpoint))
        self._health_rows(table)
        return table

    def _health_rows(self, table: Table) -> None:
        health = self.health
        if health is None or health.name != (self.instance.name if self.instance else None):
            table.add_row("state", Text("not checked yet", style="dim"))
            return
        reading = health.reading
        style = {"ok": "green", "warn": "yellow", "down": "red"}[health.state]
        table.add_row("state", Text(health.state.upper(), style=f"bold {style}"))
        table.add_row(
            "checked", f"{reading.fetched_at:%H:%M:%S} UTC, {reading.elapsed_s * 1000:.0f} ms"
        )
        if reading.error is not None:
            table.add_row(
                "error", Text(f"{reading.error.kind}: {reading.error.message}", style="red")
            )
        value = reading.value
        if value is None:
            return
        if value.connections is not None:
            table.add_row("connections", f"{value.connections} / {value.max_connections or '-'}")
        if value.used_memory_bytes is not None:
            limit = (
                human_bytes(value.max_memory_bytes) if value.max_memory_bytes else "no maxmemory"
            )
            table.add_row("memory", f"{human_bytes(value.used_memory_bytes)} / {limit}")
        for reason in value.reasons:
            table.add_row("warning", Text(reason, style="yellow"))
