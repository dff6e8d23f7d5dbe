"""OpsConsoleApp: owns Settings and the DataLayer, navigation, global keys and exports.

Screens post intents (OpenInstance, FleetLoaded, AlarmsWanted); the App decides what to push.
The firing count (Alertmanager alerts plus CloudWatch alarms in ALARM), the alarms and the paid
AWS call counter are polled here, once (screens/shared_polls.py), so every screen's status bar
shows them; the alarms only from the first time a screen that lists them is shown.

Opened on an instance (`--instance`), the console shows that instance alone: the fleet screen is
built when the user goes back to it (Escape), and the fleet's list (kept, then discovered) is
loaded behind the instance for the palette. An on-call view costs what it shows.

On a recording (`opsconsole --replay DIR`, `replay=`), the data layer is the replay's: the same
screens read the recording at the App's `cursor`, which `[`, `]`, `{`, `}` and `g` move; no
shared poll runs (the firing count and the alarms are the recording's at the cursor), and the
screens that only live servers can answer (AWS cost, the fleet's slow logs) are not offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import RenderableType
from textual import on, work
from textual._compositor import CompositorUpdate
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState

from console import diagnostics, startup
from console.commands import FleetProvider, ScreensProvider
from console.config import Settings
from console.data.aws_models import CloudWatchAlarm, PaidCalls
from console.data.layer import DataLayer
from console.data.models import Reading
from console.inventory import Fleet, Instance
from console.safety.scrub import scrub
from console.screen_diff import ScreenDiff
from console.screens.fleet import FleetScreen
from console.screens.instance import InstanceScreen
from console.screens.messages import (
    AlarmsWanted,
    FirstReadingShown,
    FleetLoaded,
    OpenInstance,
    PaidCallsChanged,
)
from console.screens.polling import PollingScreen
from console.screens.shared_polls import SharedPolls
from console.screens.theme_memory import keep_theme, saved_theme
from widgets.bindings import bindings
from widgets.resilient import Resilient

if TYPE_CHECKING:
    from console.services.recording.replay import ReplayLayer

SHARED_POLLS_DELAY_S = 3.0
"""Opened on an instance: the firing count and the fleet's list are loaded once its first
reading is painted, or this long after it opened if none has come (a server down)."""


class OpsConsoleApp(Resilient, App[None]):
    """The on-call console: opens on the fleet; every source goes through one DataLayer."""

    TITLE = "opsconsole"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {FleetProvider, ScreensProvider}
    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "app.quit", "app.alerts", "app.cost", "app.slow_fleet", "app.help", "app.screenshot",
        "app.export", "app.copy", "replay.earlier", "replay.later", "replay.previous_change",
        "replay.next_change", "replay.goto",
    )  # fmt: skip
    LIVE_ONLY: ClassVar[frozenset[str]] = frozenset(("cost", "slow_fleet"))
    """Actions that only live servers answer: not offered on a replay."""

    firing: reactive[int] = reactive(0)
    """Alerts firing and not silenced (Alertmanager) plus CloudWatch alarms in ALARM."""
    alarms: reactive[Reading[tuple[CloudWatchAlarm, ...]] | None] = reactive(None)
    """The latest CloudWatch alarms (every fleet_refresh_s); None until AWS answers once."""
    paid: reactive[PaidCalls | None] = reactive(None)
    """The paid AWS call counter (today, every process), for every status bar."""
    cursor: reactive[datetime | None] = reactive(None)
    """On a replay, the moment of the recording the screens show (None: live)."""

    def __init__(
        self,
        settings: Settings,
        instance: str | None = None,
        pane: str | None = None,
        replay: ReplayLayer | None = None,
    ) -> None:
        super().__init__()
        self.replay = replay
        """The recording replayed (`--replay`), None when live."""
        if replay is not None:
            settings = replay.settings  # the recorded fleet
        self.settings = settings
        self.start = (instance, pane or "overview") if instance else None
        self.data: DataLayer = replay if replay is not None else DataLayer(settings)
        self.fleet: Fleet = settings.fleet
        self.worker_errors: list[str] = []
        """Failures reported in place (workers, widgets, handlers), redacted; tests read it."""
        self.up = False
        """True once the first screen is mounted: from then on a failure never ends the app."""
        self.polls = SharedPolls(self, self.data, settings)
        self.behind_started = False
        """True once the polls and the fleet's list deferred behind an instance have started."""
        self.alarms_polled = False
        """True once a screen that lists the CloudWatch alarms was shown (the SDK is loaded)."""
        self._screen_diff = ScreenDiff()
        self.chosen_theme = saved_theme(settings.state_dir)
        """The theme this user chose last time (state folder), applied on mount; None: default."""

    def _display(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        """Write only the cells that changed (console/screen_diff.py says why)."""
        update: object = renderable  # Textual passes CompositorUpdates here, typed as renderables
        writes = self._running and not self._batch_count and not self.is_headless
        if writes and not self.is_inline and isinstance(update, CompositorUpdate):
            renderable = cast("RenderableType | None", self._screen_diff.narrow(update, self.size))
        elif writes and renderable is not None:
            self._screen_diff.forget()  # written outside the record: the next frame goes whole
        super()._display(screen, renderable)

    def on_mount(self) -> None:
        if self.replay is not None:
            self.cursor = self.replay.cursor
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        if self.chosen_theme in self.available_themes:
            self.theme = self.chosen_theme
        self.theme_changed_signal.subscribe(self, self._keep_theme)
        diagnostics.start(self, lambda: self.worker_errors)  # OPSCONSOLE_DIAG=PATH: bench/soak.py
        if self.start is not None and self.fleet.by_name(self.start[0]) is not None:
            name, pane = self.start  # configured: no need to wait for discovery
            self.start = None
            self.open_instance(name, pane)
            # the instance asked for shows first: the app-wide polls and the fleet's discovery
            # (httpx alone is ~0.1 s of CPU) would compete with its first reading
            self.set_timer(SHARED_POLLS_DELAY_S, self._start_behind_instance)
        else:
            self.push_screen(FleetScreen(self.data, self.settings))
            startup.done()  # the fleet screen's work is its sweep: the collector runs through it
            self.behind_started = True  # nothing is deferred: the fleet screen loads the fleet
            self._start_shared_polls()
        self.up = True

    def _start_shared_polls(self) -> None:
        if self.replay is not None:  # the recording's firing count and alarms, at the cursor
            self.show_recorded_board()
            return
        for poll, group in ((self.polls.alertmanager, "app-alerts"), (self.polls.paid, "app-paid")):
            self.run_worker(poll(), group=group, exclusive=True, exit_on_error=False)
        if self.settings.record.on_view:
            self.record_view()

    @on(FirstReadingShown)
    def first_reading_shown(self) -> None:
        """The instance's first reading is in: once it is painted, start what waited for it."""
        self.call_after_refresh(self._start_behind_instance)

    def _start_behind_instance(self) -> None:
        startup.done()  # the instance's first reading is painted (or it is late): start-up over
        if self.behind_started:
            return
        self.behind_started = True
        self._start_shared_polls()
        self.load_fleet(aws=False)

    @work(group="app-fleet", exclusive=True, exit_on_error=False)
    async def load_fleet(self, aws: bool) -> None:
        """The fleet's list for the palette while no fleet screen runs: kept, then discovered;
        behind one instance (`aws=False`) AWS's parts as kept, until a screen that lists AWS
        (alerts, the fleet) is shown: the SDK and its clients are ~50 MiB of an instance view."""
        self.fleet = await self.data.kept_fleet()
        self.fleet = await self.data.fleet(aws=aws)

    @work(group="app-record", exclusive=True, exit_on_error=False)
    async def record_view(self) -> None:
        """[record] on_view: record the fleet and the instances on screen while the app runs."""
        from console.services.recording.on_view import record_view

        stopped = await record_view(self.data, self.instances_shown)
        if stopped is not None:
            self.notify(stopped, title="Recording stopped", severity="error", markup=False)

    def instances_shown(self) -> list[str]:
        return [s.instance.name for s in self.screen_stack if isinstance(s, InstanceScreen)]

    @on(AlarmsWanted)
    def start_alarms(self) -> None:
        """A screen that lists the CloudWatch alarms is shown: poll them from now on."""
        if not self.alarms_polled and self.replay is None:
            self.alarms_polled = True
            self.run_worker(
                self.polls.alarms(), group="app-aws", exclusive=True, exit_on_error=False
            )
            if not any(isinstance(s, FleetScreen) for s in self.screen_stack):
                self.load_fleet(aws=True)  # behind an instance: AWS's parts (Enter on alarms)

    # --- replay: the cursor's keys (console/screens/replay.py draws the time bar) -------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action.startswith("replay_"):
            return self.replay is not None  # hidden, and doing nothing, when live
        if action in self.LIVE_ONLY and self.replay is not None:
            return False
        return super().check_action(action, parameters)

    def action_replay_step(self, count: int) -> None:
        if self.replay is not None:
            self.replay_to(self.replay.timeline.step(self.replay.cursor, count))

    def action_replay_change(self, direction: int) -> None:
        if self.replay is None:
            return
        moment = self.replay.timeline.change(self.replay.cursor, direction)
        if moment is None:
            which = "later" if direction > 0 else "earlier"
            self.notify(f"no {which} change of health or alerts", title="Replay", markup=False)
            return
        self.replay_to(moment)

    def action_replay_goto(self) -> None:
        if self.replay is None:
            return
        from console.screens.replay import GoToTime

        def chosen(moment: datetime | None) -> None:
            if moment is not None:
                self.replay_to(moment)

        self.push_screen(GoToTime(self.replay), chosen)

    def replay_to(self, moment: datetime) -> None:
        """Move the replay's cursor: every screen reads the recording there (the shown one now,
        the others when shown again), and the firing count and alarms follow."""
        if self.replay is None:
            return
        self.cursor = self.replay.move(moment)
        for screen in self.screen_stack:
            if isinstance(screen, PollingScreen):
                screen.moved()
        self.show_recorded_board()

    @work(group="app-replay", exclusive=True, exit_on_error=False)
    async def show_recorded_board(self) -> None:
        """The firing count and the CloudWatch alarms as recorded at the cursor."""
        alerts = await self.data.alertmanager.alerts(include_silenced=False)
        alarms = await self.data.cloudwatch_alarms()
        self.alarms = alarms
        firing = sum(1 for alert in alerts.value or () if alert.state == "active")
        self.firing = firing + sum(1 for alarm in alarms.value or () if alarm.firing)

    def action_leave_instance(self) -> None:
        """Escape on an instance: the screen beneath, or the fleet if the console opened here."""
        if len(self.screen_stack) > 2:  # the default screen, the one beneath, this one
            self.pop_screen()
        else:
            self.switch_screen(FleetScreen(self.data, self.settings))

    def _handle_exception(self, error: Exception) -> None:
        """Report an error raised in a widget or handler in place and keep the console running.

        Why: Textual exits on any unhandled error (a render, a message handler); an on-call
        console must survive one bad value. Before the first screen is up there is nothing to
        keep: Textual exits, with status 1 (`run_app` returns it).
        """
        if not self.up:
            super()._handle_exception(error)
            return
        self.report_failure(f"{type(error).__name__}: {error}", "A widget failed")

    def report_failure(self, text: str, title: str) -> None:
        """One notification per distinct failure (a render error repeats at every refresh)."""
        message = scrub(text)
        if message not in self.worker_errors:
            self.worker_errors.append(message)
            self.notify(message, title=title, severity="error", markup=False)

    async def on_unmount(self) -> None:
        await self.data.close()

    @on(FleetLoaded)
    def keep_fleet(self, message: FleetLoaded) -> None:
        self.fleet = message.fleet
        if self.start is not None:
            name, pane = self.start
            self.start = None
            self.open_instance(name, pane)

    @on(OpenInstance)
    def open_from_message(self, message: OpenInstance) -> None:
        self.push_screen(self._instance_screen(message.instance, message.pane))

    def _instance_screen(self, instance: Instance, pane: str) -> Screen[None]:
        """The instance screen of a server; an AWS kind's own screen (MSK, EKS, DocumentDB,
        OpenSearch, EC2: never a connection; imported on first use)."""
        if instance.is_aws:
            from console.screens.aws_resource import AwsResourceScreen

            return AwsResourceScreen(self.data, self.settings, instance, pane)
        return InstanceScreen(self.data, self.settings, instance, pane)

    def open_instance(self, name: str, pane: str = "overview") -> None:
        """Open an instance by name (palette, --instance); say so when it is unknown."""
        instance = self.fleet.by_name(name)
        if instance is None:
            self.notify(
                f"no instance named {name!r} in the inventory", severity="error", markup=False
            )
            return
        self.push_screen(self._instance_screen(instance, pane))

    # The screens a key opens, and the exports, are imported on first use: an instance opened
    # from the command line shows sooner without them (the slow-log digest, Cost Explorer).

    def action_alerts(self) -> None:
        from console.screens.alerts import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen(self.data, self.settings, self.fleet))

    def action_cost(self) -> None:
        from console.screens.cost import CostScreen

        if not isinstance(self.screen, CostScreen):
            self.push_screen(CostScreen(self.data, self.settings))

    def action_slow_fleet(self) -> None:
        from console.screens.slow_fleet import SlowFleetScreen

        if not isinstance(self.screen, SlowFleetScreen):
            self.push_screen(SlowFleetScreen(self.data, self.settings, self.fleet))

    def action_logs(self) -> None:
        """Logs Insights over the region's log groups (the palette's "Logs Insights")."""
        from console.screens.logs import LogsScreen

        if not isinstance(self.screen, LogsScreen):
            self.push_screen(LogsScreen(self.data, self.settings))

    @on(PaidCallsChanged)
    def count_paid(self, message: PaidCallsChanged) -> None:
        self.paid = message.calls

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def _subject(self) -> str:
        instance = getattr(self.screen, "instance", None)
        name = getattr(instance, "name", None)
        return str(name) if name else type(self.screen).__name__.removesuffix("Screen").lower()

    def action_save_screenshot(self) -> None:
        self.deliver_screenshot()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Every screenshot the app takes (ctrl+s, the palette's Screenshot, Textual's own
        `screenshot` action) goes through the console's export path: masked and redacted, into
        the output folder, named for what is shown. Textual's arguments (a file name, a folder,
        ~/Downloads by default) are ignored on purpose: an unscrubbed SVG outside the output
        folder is what this replaces."""
        svg = self.save_screenshot()
        self.notify(f"saved {svg} (and .txt)", title="Screenshot", markup=False)
        return svg

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        """Textual's save_screenshot, through the console's export path (see deliver_screenshot)."""
        from console.screens.exports import save_screenshot

        return str(save_screenshot(self, self.settings.output_dir, self._subject()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, the Screenshot one saying where the file goes."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                help_text = f"Save the screen, masked and redacted, to {self.settings.output_dir}"
                # after the palette has closed, as Textual's own does
                command = command._replace(
                    help=help_text, callback=lambda: self.set_timer(0.1, self.deliver_screenshot)
                )
            yield command

    def _keep_theme(self, theme: Theme) -> None:
        """A theme chosen (palette "Theme"): remember it for this user's next start."""
        if theme.name != self.chosen_theme:
            self.chosen_theme = theme.name
            keep = partial(keep_theme, self.settings.state_dir, theme.name)
            self.run_worker(keep, thread=True, group="app-theme", exit_on_error=False)

    def _focused_table(self) -> DataTable[object] | None:
        focused = self.focused
        if isinstance(focused, DataTable):
            return focused
        tables = list(self.screen.query(DataTable))
        return tables[0] if tables else None

    def action_export_table(self) -> None:
        table = self._focused_table()
        if table is None:
            self.notify("no table on this screen to export", severity="warning")
            return
        from console.screens.exports import save_table

        csv_path, _md = save_table(table, self.settings.output_dir, self._subject())
        self.notify(f"saved {csv_path} (and .md)", title="Export", markup=False)

    def action_copy_row(self) -> None:
        table = self._focused_table()
        if table is None or table.row_count == 0:
            self.notify("nothing highlighted to copy", severity="warning")
            return
        from console.screens.exports import table_text

        self.copy_to_clipboard(table_text(table, table.cursor_row))
        self.notify("copied the highlighted row (OSC 52)", title="Copy")

    @on(Worker.StateChanged)
    def report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(f"{event.worker.name}: {event.worker.error}", "A pane failed")


def run_app(
    settings: Settings,
    instance: str | None = None,
    pane: str | None = None,
    replay: ReplayLayer | None = None,
) -> int:
    """Run the console full-screen until the user quits (on a recording with `replay`)."""
    app = OpsConsoleApp(settings, instance=instance, pane=pane, replay=replay)
    app.run()
    return app.return_code or 0
