"""AlertsScreen: Alertmanager's alerts and CloudWatch's alarms; Enter jumps to the instance.

The alert's labels are matched to the inventory (by name, else by endpoint) and the instance
opens on the tab that shows the alert's cause: processes for connections, long queries and
locks; top queries for slow statements; the overview otherwise. A CloudWatch alarm opens the
instance its dimensions name on the Metrics tab (its CloudWatch charts).

Alertmanager is polled here every refresh_s; the alarms are the App's (asked every
fleet_refresh_s, since each is an AWS request), followed as they change; `r` asks both now.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal

from console.config import Settings
from console.data.aws_models import CloudWatchAlarm
from console.data.layer import DataLayer
from console.data.models import Alert, Reading
from console.inventory import Fleet
from console.screens.investigate import investigate_from
from console.screens.messages import AlarmsWanted, OpenInstance
from console.screens.polling import PollingScreen
from console.screens.replay import clock_of
from console.screens.shared_polls import SharedPolls
from console.screens.status import bind_status_bar
from widgets.alert_detail import AlertDetail
from widgets.alert_list import AlertList
from widgets.bindings import bindings
from widgets.footer import KeysFooter
from widgets.status_bar import StatusBar

PANE_BY_ALERT = (
    ("connection", "processes"),
    ("clients", "processes"),
    ("longrunning", "processes"),
    ("transaction", "processes"),
    ("lock", "processes"),
    ("slow", "queries"),
)


def pane_for(alert_name: str) -> str:
    """The instance tab that shows an alert's cause."""
    name = alert_name.lower()
    return next((pane for key, pane in PANE_BY_ALERT if key in name), "overview")


class AlertsScreen(PollingScreen):
    """Firing and silenced alerts; one key away from everywhere (`a`)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        "screen.investigate", "alert.silence", "alert.silences"
    )

    def __init__(self, data: DataLayer, settings: Settings, fleet: Fleet) -> None:
        super().__init__()
        self.data = data
        self.settings = settings
        self.fleet = fleet
        self.loaded = False

    @property
    def current_fleet(self) -> Fleet:
        """The app's fleet as it is now: discovery (AWS kinds, Redis clusters) may have
        answered since this screen opened with the fleet of that moment."""
        fleet = getattr(self.app, "fleet", None)
        return fleet if isinstance(fleet, Fleet) else self.fleet

    def compose(self) -> ComposeResult:
        with Horizontal():
            clock = clock_of(self.data)  # a replay's cursor, else the wall clock
            yield AlertList(id="alert-list", clock=clock)
            yield AlertDetail(id="alert-detail", clock=clock)
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        bind_status_bar(self, self.settings)
        alerts = self.query_one(AlertList)
        alerts.focus()

        def follow(reading: Reading[tuple[CloudWatchAlarm, ...]] | None) -> None:
            if reading is not None:
                alerts.alarms = reading
                self._show_failing()

        self.watch(self.app, "alarms", follow)
        self.poll()

    def on_screen_resume(self) -> None:
        self.post_message(AlarmsWanted())  # listed here: the App polls them from now on

    def action_refresh(self) -> None:
        super().action_refresh()
        polls = getattr(self.app, "polls", None)
        if isinstance(polls, SharedPolls):
            polls.wake_aws()

    @work(exclusive=True, group="alerts", exit_on_error=False)
    async def poll(self) -> None:
        alerts = self.query_one(AlertList)

        async def once() -> None:
            alerts.reading = await self.data.alertmanager.groups()
            if alerts.highlighted_alert() is None and alerts.highlighted_alarm() is None:
                self.query_one(AlertDetail).alert = None  # it resolved (or a replay moved on)
            self.loaded = True
            if alerts.reading.error is None:
                self.query_one(StatusBar).touch()
            self._show_failing()

        await self.every(self.settings.console.refresh_s, once)

    def _show_failing(self) -> None:
        """The status bar names what fails now (`alertmanager unreachable`, `aws timeout`)."""
        alerts = self.query_one(AlertList)
        readings = (alerts.reading, alerts.alarms)
        errors = [r.error for r in readings if r is not None and r.error is not None]
        errors = [e for e in errors if e.kind != "unrecorded"]  # a replay's gap, not a failure
        self.query_one(StatusBar).failing = tuple(f"{e.source} {e.kind}" for e in errors)

    def has_data(self) -> bool:
        """Alertmanager has answered once (for headless screenshots)."""
        return self.loaded

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "silence" and self.data.queries.read_only():
            return None  # read-only: shown disabled (the data layer refuses it anyway)
        return super().check_action(action, parameters)

    def action_silence(self) -> None:
        from console.screens.silence_form import SilenceForm

        alert = self.query_one(AlertList).highlighted_alert()
        if alert is None:
            self.notify("highlight an Alertmanager alert first", title="Silence", markup=False)
            return

        def made(silence_id: str | None) -> None:
            if silence_id:
                self.notify(f"silence {silence_id[:8]} created", title="Silence", markup=False)
                self.wake()  # the alert shows silenced, with its end, at once

        self.app.push_screen(SilenceForm(self.data, alert), made)

    def action_silences(self) -> None:
        from console.screens.silences import SilencesScreen

        self.app.push_screen(SilencesScreen(self.data, self.settings))

    def action_investigate(self) -> None:
        listing = self.query_one(AlertList)
        alert, alarm = listing.highlighted_alert(), listing.highlighted_alarm()
        key = alert.fingerprint if alert is not None else alarm.name if alarm else None
        if key is None:
            self.notify("highlight an alert first", title="Investigate", markup=False)
            return
        self.investigate(key)

    @work(group="investigate", exit_on_error=False)
    async def investigate(self, alert_key: str) -> None:
        await investigate_from(self, self.data, alert_key=alert_key)

    @on(AlertList.AlertHighlighted)
    def show_alert(self, message: AlertList.AlertHighlighted) -> None:
        self.query_one(AlertDetail).alert = message.alert

    @on(AlertList.AlarmHighlighted)
    def show_alarm(self, message: AlertList.AlarmHighlighted) -> None:
        self.query_one(AlertDetail).alert = message.alarm

    @on(AlertList.AlarmChosen)
    def jump_to_alarm(self, message: AlertList.AlarmChosen) -> None:
        alarm = message.alarm
        instance = self.current_fleet.by_name(alarm.instance) if alarm.instance else None
        if instance is None:
            where = alarm.instance or ", ".join(f"{k}={v}" for k, v in alarm.dimensions)
            self.notify(
                f"no inventory instance matches {where or alarm.name}",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(OpenInstance(instance, "metrics"))

    @on(AlertList.AlertChosen)
    def jump(self, message: AlertList.AlertChosen) -> None:
        targets = self.current_fleet.for_labels(message.alert.labels)
        if not targets:
            self.notify(
                f"no inventory instance matches {_where(message.alert)}",
                severity="warning",
                markup=False,
            )
            return
        if len(targets) > 1:
            self.notify(
                f"{_where(message.alert)} hosts {len(targets)} instances; opened {targets[0].name}",
                title="Alert",
                markup=False,
            )
        self.post_message(OpenInstance(targets[0], pane_for(message.alert.name)))


def _where(alert: Alert) -> str:
    return alert.label("instance") or alert.name
