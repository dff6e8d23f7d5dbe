"""The Alertmanager source against the lab's Alertmanager: a posted alert, groups, a silence.

The test posts its own alert and silence (test setup only: the source itself is read-only) and
tags both with a run id, so runs never see each other's data and the lab is left clean.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx
import msgspec
import pytest

from console.config import Settings
from console.data.layer import DataLayer
from console.data.models import Alert
from console.data.sources.alertmanager import AlertmanagerSource, severity_rank
from console.data.sources.prometheus import label_fingerprint
from tests.conftest import PostAlert, iso

pytestmark = pytest.mark.lab
T = TypeVar("T")

NAME = "OpsconsoleTest"
CLUSTER = "luckyus-isales-market"


async def eventually(check: Callable[[], Awaitable[T | None]], timeout_s: float = 10.0) -> T:
    """Poll `check` until it returns a value (Alertmanager applies posts asynchronously)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await check()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"nothing within {timeout_s:g}s")
        await asyncio.sleep(0.2)


@pytest.fixture
async def admin(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client for the test's own setup (POSTing alerts and silences)."""
    async with httpx.AsyncClient(base_url=settings.monitoring.alertmanager, timeout=5) as client:
        yield client


@pytest.fixture
async def posted_alert(post_alert: PostAlert) -> dict[str, str]:
    """A warning alert for luckyus-isales-market, resolved again after the test."""
    return await post_alert(NAME, "warning", CLUSTER, "test alert, owner jane.doe@example.com")


@pytest.fixture
async def silence_id(admin: httpx.AsyncClient, posted_alert: dict[str, str]) -> AsyncIterator[str]:
    """A silence matching the posted alert (equal, regex and not-equal matchers); expired after."""
    now = datetime.now(UTC)
    silence = {
        "matchers": [
            {"name": "alertname", "value": NAME, "isRegex": False, "isEqual": True},
            {"name": "run", "value": posted_alert["run"], "isRegex": False, "isEqual": True},
            {"name": "instance", "value": "luckyus-isales-.*", "isRegex": True, "isEqual": True},
            {"name": "severity", "value": "critical", "isRegex": False, "isEqual": False},
        ],
        "startsAt": iso(now),
        "endsAt": iso(now + timedelta(minutes=10)),
        "createdBy": "opsconsole-tests",
        "comment": "test silence, ask jane.doe@example.com",
    }
    response = await admin.post("/api/v2/silences", json=silence)
    response.raise_for_status()
    found = str(response.json()["silenceID"])
    yield found
    (await admin.delete(f"/api/v2/silence/{found}")).raise_for_status()


def mine(alerts: tuple[Alert, ...] | None, run: str) -> Alert | None:
    return next((a for a in alerts or () if a.label("run") == run), None)


async def test_posted_alert_comes_back(data: DataLayer, posted_alert: dict[str, str]) -> None:
    async def find() -> Alert | None:
        reading = await data.alertmanager.alerts()
        assert reading.error is None, reading.error
        return mine(reading.value, posted_alert["run"])

    alert = await eventually(find)
    assert (alert.name, alert.severity, alert.label("instance")) == (NAME, "warning", CLUSTER)
    assert alert.state in ("active", "unprocessed")
    assert alert.summary == "test alert, owner ***@example.com"  # masked
    assert alert.fingerprint == label_fingerprint(alert.labels)
    assert alert.starts_at is not None and alert.starts_at.utcoffset() == timedelta(0)
    assert alert.silenced_by == ()


async def test_groups_hold_the_posted_alert_in_severity_order(
    data: DataLayer, posted_alert: dict[str, str]
) -> None:
    async def find() -> Alert | None:
        reading = await data.alertmanager.groups()
        assert reading.value is not None
        ranks = [severity_rank(g.severity) for g in reading.value]
        assert ranks == sorted(ranks)
        for group in reading.value:
            found = mine(group.alerts, posted_alert["run"])
            if found is not None:
                assert (group.severity, group.name) == ("warning", NAME)
                return found
        return None

    await eventually(find)


async def test_silence_is_listed_and_suppresses_the_alert(
    data: DataLayer, posted_alert: dict[str, str], silence_id: str
) -> None:
    reading = await data.alertmanager.silences()
    assert reading.value is not None
    [silence] = [s for s in reading.value if s.id == silence_id]
    assert silence.state == "active"
    assert silence.created_by == "opsconsole-tests"
    assert silence.comment == "test silence, ask ***@example.com"
    assert silence.matchers == (
        f'alertname="{NAME}"',
        f'run="{posted_alert["run"]}"',
        'instance=~"luckyus-isales-.*"',
        'severity!="critical"',
    )
    assert silence.starts_at is not None and silence.ends_at is not None
    assert silence.ends_at > silence.starts_at

    async def suppressed() -> Alert | None:
        alert = mine((await data.alertmanager.alerts()).value, posted_alert["run"])
        return alert if alert is not None and alert.state == "suppressed" else None

    alert = await eventually(suppressed)
    assert alert.silenced_by == (silence_id,)
    hidden = await data.alertmanager.alerts(include_silenced=False)
    assert hidden.value is not None
    assert mine(hidden.value, posted_alert["run"]) is None


async def test_closed_port_is_unreachable_fast(settings: Settings, closed_port: int) -> None:
    source = AlertmanagerSource(f"http://127.0.0.1:{closed_port}", settings.timeouts)
    try:
        started = time.monotonic()
        reading = await source.silences()
        elapsed = time.monotonic() - started
    finally:
        await source.close()
    assert reading.error is not None
    assert (reading.error.instance, reading.error.kind) == ("alertmanager", "unreachable")
    assert elapsed < 1.0


async def test_silent_server_times_out_within_the_http_timeout(
    settings: Settings, silent_port: int
) -> None:
    timeouts = msgspec.structs.replace(settings.timeouts, http_s=1.5)
    source = AlertmanagerSource(f"http://127.0.0.1:{silent_port}", timeouts)
    try:
        started = time.monotonic()
        reading = await source.groups()
        elapsed = time.monotonic() - started
    finally:
        await source.close()
    assert reading.error is not None
    assert reading.error.kind == "timeout"
    assert elapsed <= timeouts.http_s + 1.0
