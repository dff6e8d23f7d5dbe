"""Shared fixtures: the live lab (started once per session), lab settings, a fresh DataLayer."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import msgspec
import pytest
from hypothesis import settings as hypothesis_settings

from console.config import Settings, load_settings

if TYPE_CHECKING:
    from console.data.layer import DataLayer

# CI runs the property tests on a fixed seed (a landing must not depend on luck); locally they
# explore new examples each run. No deadline: the CI machine's speed is not under test.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

pytest_plugins = ("tests.users",)  # `team`: two real Unix users, for the jump-host tests

ROOT = Path(__file__).resolve().parents[1]
LAB_DIR = Path(os.environ.get("OPSCONSOLE_LAB_DIR", ROOT / ".lab"))


@pytest.fixture(scope="session")
def lab_dir() -> Path:
    """The local lab, brought up once for the whole test session (idempotent)."""
    from console.lab import manager

    if not manager.up(LAB_DIR, lambda line: print(line, file=sys.stderr)):
        pytest.fail("the lab did not come up: see the lines above")
    return LAB_DIR


@pytest.fixture(scope="session")
def settings(lab_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """config.toml with the lab profile, as `opsconsole --profile lab` loads it; kept
    discoveries go to a tmp state directory, never the user's own."""
    loaded = load_settings(ROOT / "config.toml", "lab")
    state = tmp_path_factory.mktemp("state")
    return replace(loaded, console=msgspec.structs.replace(loaded.console, state_dir=str(state)))


@pytest.fixture
async def data(settings: Settings) -> AsyncIterator[DataLayer]:
    """A DataLayer whose pools belong to this test's event loop."""
    from console.data.layer import DataLayer

    async with DataLayer(settings) as layer:
        yield layer


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


PostAlert = Callable[[str, str, str, str], Awaitable[dict[str, str]]]


@pytest.fixture
async def post_alert(settings: Settings) -> AsyncIterator[PostAlert]:
    """Post alerts to the lab's Alertmanager (test setup only); each is resolved afterwards.

    Labels get a unique `run` so test runs never see each other's alerts.
    """
    posted: list[dict[str, object]] = []
    async with httpx.AsyncClient(base_url=settings.monitoring.alertmanager, timeout=5) as client:

        async def post(name: str, severity: str, instance: str, summary: str) -> dict[str, str]:
            labels = {"alertname": name, "severity": severity, "instance": instance}
            labels["run"] = uuid.uuid4().hex
            now = datetime.now(UTC)
            alert: dict[str, object] = {
                "labels": labels,
                "annotations": {"summary": summary},
                "startsAt": iso(now),
                "endsAt": iso(now + timedelta(minutes=5)),
            }
            (await client.post("/api/v2/alerts", json=[alert])).raise_for_status()
            posted.append(alert)
            return labels

        yield post
        for alert in posted:  # resolved from now on (endsAt must be after startsAt)
            alert["endsAt"] = iso(datetime.now(UTC))
        if posted:
            (await client.post("/api/v2/alerts", json=posted)).raise_for_status()
