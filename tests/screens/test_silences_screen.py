"""Silences pressed through real keys on the lab's Alertmanager: `s` on an alert (the form, its
preview, the prompt, the silenced mark with its end), `S` (the list, Enter, `x` expire), an
Alertmanager that is down (the form keeps its input) and read-only mode (nothing offered).

Every test silences only its own posted alert (a unique `run` label), with the comment prefix
`opsconsole-test`, and expires what it made before it ends.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from console.app import OpsConsoleApp
from console.config import Settings, with_read_only_flag
from console.data.models import Alert
from console.screens.alerts import AlertsScreen
from console.screens.confirm import ConfirmScreen
from console.screens.silence_form import SilenceForm
from console.screens.silences import SilenceDetailScreen, SilencesScreen
from tests.conftest import PostAlert, iso
from tests.helpers import mounted, screen_text, wait_until
from tests.screens.conftest import app_for, audit_of
from widgets.alert_list import AlertList
from widgets.silence_table import SilenceTable

pytestmark = pytest.mark.lab
NAME = "OpsconsoleSilenceScreen"
COMMENT = "opsconsole-test screen"


@pytest.fixture
async def admin(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The test's own client, for setup and checks."""
    async with httpx.AsyncClient(base_url=settings.monitoring.alertmanager, timeout=5) as client:
        yield client


@pytest.fixture
async def alert(post_alert: PostAlert, admin: httpx.AsyncClient) -> AsyncIterator[dict[str, str]]:
    """The test's own alert (labels with a unique `run`); every silence naming its run is
    expired afterwards, whatever the test did."""
    labels = await post_alert(NAME, "warning", "aws-luckyus-salesorder-rw", "silence screen test")
    yield labels
    for row in await silences_of(admin, labels["run"]):
        if row["status"]["state"] != "expired":  # type: ignore[index]
            await admin.delete(f"/api/v2/silence/{row['id']}")


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def silences_of(admin: httpx.AsyncClient, run: str) -> list[dict[str, object]]:
    rows = (await admin.get("/api/v2/silences")).json()
    return [r for r in rows if any(m["value"] == run for m in r["matchers"])]


def audit(tmp_path: Path) -> list[dict[str, object]]:
    log = audit_of(tmp_path)
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def on_alert(pilot: Pilot[None], app: OpsConsoleApp, run: str) -> AlertList:
    """The alerts screen with the posted alert highlighted."""
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
    alerts = await mounted(pilot, AlertList)

    def posted() -> bool:
        return any(a.label("run") == run for g in alerts.groups for a in g.alerts)

    await wait_until(pilot, posted)
    alerts.focus()
    for _ in range(alerts.option_count + 1):
        shown = alerts.highlighted_alert()
        if shown is not None and shown.label("run") == run:
            return alerts
        await pilot.press("down")
    raise AssertionError("the posted alert could not be highlighted")


def text_of(app: OpsConsoleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_s_previews_asks_and_marks_the_alert_silenced_with_its_end(
    settings: Settings, tmp_path: Path, alert: dict[str, str], admin: httpx.AsyncClient
) -> None:
    app = app_for(settings, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        alerts = await on_alert(pilot, app, alert["run"])
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SilenceForm))
        form = app.screen
        matchers = await mounted(pilot, Input, "matchers")
        assert f'run="{alert["run"]}"' in matchers.value and f'alertname="{NAME}"' in matchers.value
        await wait_until(pilot, lambda: text_of(app, "#preview") == "matches 1 firing alert now")
        matchers.value = 'run="opsconsole-test-no-such-run"'
        await wait_until(pilot, lambda: text_of(app, "#preview") == "matches 0 firing alerts now")
        matchers.value = f'alertname="{NAME}", run="{alert["run"]}"'
        await wait_until(pilot, lambda: "matches 1 firing" in text_of(app, "#preview"))
        assert text_of(app, "#ends").startswith("ends ")  # 2h from now, by default
        form.query_one("#comment", Input).focus()
        await pilot.press(*COMMENT, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        prompt = screen_text(app.export_screenshot())
        assert "silence create:" in prompt and COMMENT in prompt and "asks once" in prompt
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))

        def silenced() -> Alert | None:
            for group in alerts.groups:
                for shown in group.alerts:
                    if shown.label("run") == alert["run"] and shown.silenced_until:
                        return shown
            return None

        await wait_until(pilot, lambda: silenced() is not None)
        muted = silenced()
        assert muted is not None and muted.silenced_until is not None
        until = muted.silenced_until.astimezone(UTC)
        assert timedelta(hours=1, minutes=58) < until - datetime.now(UTC) <= timedelta(hours=2)
        assert f"silenced until {until:%H:%M}" in screen_text(app.export_screenshot())
        assert app.worker_errors == []
    [made] = await silences_of(admin, alert["run"])
    assert made["comment"] == COMMENT and made["status"]["state"] == "active"  # type: ignore[index]
    [line] = audit(tmp_path)
    assert line["outcome"] == "ok" and str(line["statement"]).startswith("silence create:")


async def test_big_s_lists_enter_shows_and_x_expires_after_the_prompt(
    settings: Settings, tmp_path: Path, alert: dict[str, str], admin: httpx.AsyncClient
) -> None:
    now = datetime.now(UTC)
    body = {
        "matchers": [{"name": "run", "value": alert["run"], "isRegex": False, "isEqual": True}],
        "startsAt": iso(now),
        "endsAt": iso(now + timedelta(minutes=30)),
        "createdBy": "opsconsole-tests",
        "comment": f"{COMMENT} list",
    }
    made = (await admin.post("/api/v2/silences", json=body)).json()["silenceID"]
    app = app_for(settings, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await on_alert(pilot, app, alert["run"])
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SilencesScreen))
        table = await mounted(pilot, SilenceTable)
        await wait_until(pilot, lambda: made in {key.value for key in table.rows})
        table.move_cursor(row=table.get_row_index(made))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SilenceDetailScreen))
        detail = screen_text(app.export_screenshot())
        assert made in detail and f"{COMMENT} list" in detail and f'run="{alert["run"]}"' in detail
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SilencesScreen))
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"silence expire: {made}" in screen_text(app.export_screenshot())
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: made not in {key.value for key in table.rows})
        assert app.worker_errors == []
    state = (await admin.get(f"/api/v2/silence/{made}")).json()["status"]["state"]
    assert state == "expired"
    [line] = audit(tmp_path)
    assert line["outcome"] == "ok" and line["statement"] == f"silence expire: {made} · by " + str(
        line["user"]
    )


async def test_an_alertmanager_that_is_down_keeps_the_form_and_its_input(
    settings: Settings, tmp_path: Path, alert: dict[str, str], closed_port: int
) -> None:
    """A real unreachable server (a port nothing listens on); the form is opened on an alert
    as the alerts screen would (the alerts themselves cannot be listed from a dead server)."""
    monitoring = msgspec.structs.replace(
        settings.monitoring, alertmanager=f"http://127.0.0.1:{closed_port}"
    )
    app = app_for(replace(settings, monitoring=monitoring), tmp_path)
    labels = tuple(sorted(alert.items()))
    shown = Alert("f" * 16, NAME, "warning", "active", None, "down test", labels)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(SilenceForm(app.data, shown))
        await wait_until(pilot, lambda: "unreachable" in text_of(app, "#preview"))
        await pilot.press(*COMMENT, "enter")
        await wait_until(pilot, lambda: "unreachable" in text_of(app, "#problem"))
        problem = text_of(app, "#problem")
        assert "nothing was sent" in problem and "your input is kept" in problem
        assert isinstance(app.screen, SilenceForm)
        assert app.screen.query_one("#comment", Input).value == COMMENT
        assert app.screen.query_one("#duration", Input).value == "2h"
        assert app.worker_errors == []
    assert audit(tmp_path) == []


async def test_read_only_offers_no_silence(
    settings: Settings, tmp_path: Path, alert: dict[str, str], admin: httpx.AsyncClient
) -> None:
    app = app_for(with_read_only_flag(settings), tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await on_alert(pilot, app, alert["run"])
        offered = [b for b in app.screen.active_bindings.values() if b.binding.action == "silence"]
        assert [b.enabled for b in offered] == [False]
        await pilot.press("s")
        await pilot.pause(0.3)
        assert isinstance(app.screen, AlertsScreen)
        assert app.worker_errors == []
    assert await silences_of(admin, alert["run"]) == []
