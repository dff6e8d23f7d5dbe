"""OpsConsoleApp: owns Settings and the DataLayer, global keys, screenshots, worker errors."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.console import Console
from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from console.config import Settings
from console.data.layer import DataLayer
from console.safety.redact import redact
from console.screens.fleet import FleetScreen


class OpsConsoleApp(App[None]):
    """The on-call console: opens on the fleet; every source goes through one DataLayer."""

    TITLE = "opsconsole"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("ctrl+s", "save_screenshot", "Screenshot", id="app.screenshot"),
    ]

    def __init__(self, settings: Settings, instance: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.start_instance = instance
        self.data = DataLayer(settings)
        self.worker_errors: list[str] = []

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        self.push_screen(FleetScreen(self.data, self.settings, self.start_instance))

    async def on_unmount(self) -> None:
        await self.data.close()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_save_screenshot(self) -> None:
        path = self.save_screenshot_files()
        self.notify(f"saved {path} (and .txt)", title="Screenshot")

    def save_screenshot_files(self) -> Path:
        """SVG and plain text of the current screen, named by time, in the output folder."""
        folder = self.settings.output_dir
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"opsconsole-{datetime.now().astimezone():%Y%m%d-%H%M%S}-fleet"
        svg = self.save_screenshot(filename=f"{stem}.svg", path=str(folder))
        (folder / f"{stem}.txt").write_text(self.export_text(), "utf-8")
        return Path(svg)

    def export_text(self) -> str:
        """The current screen as plain text (what export_screenshot draws, without styles)."""
        width, height = self.size
        console = Console(width=width, height=height, file=io.StringIO(), record=True)
        console.print(self.screen._compositor.render_update(full=True))
        return console.export_text(styles=False)

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            message = redact(f"{event.worker.name}: {event.worker.error}")
            self.worker_errors.append(message)
            self.notify(message, title="A pane failed", severity="error")


def run_app(settings: Settings, instance: str | None = None, pane: str | None = None) -> int:
    """Run the console full-screen until the user quits."""
    OpsConsoleApp(settings, instance=instance).run()
    return 0
