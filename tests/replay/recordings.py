"""A deterministic recording, written through the recorder's own writer (store.py), for the
replay tests that need no server: fixed times, a lock chain that forms at +25 s, a health that
turns `warn` and an alert that fires at +30 s.

Why not the live recorder here: the keys, the snapshots and the refusals must see the same
recording on every run; the lab tests (test_replay_lab.py) record the real fleet.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

from console.config import Settings, load_settings
from console.data.models import (
    Alert,
    Digest,
    FleetHealth,
    Health,
    HealthState,
    LockWait,
    Process,
    Reading,
    ServerStatus,
)
from console.inventory import Instance
from console.services.recording.store import RecordingWriter, Sample
from tests.conftest import ROOT

T0 = datetime(2026, 12, 5, 3, 10, 0, tzinfo=UTC)
STEP_S = 5
ROUNDS = 13
"""Samples at +0 s, +5 s, ... +60 s."""
SQL = Instance("mysql", "db-orders", "Sales", "production", "10.0.1.5", 3306, None, "")
PG = Instance("postgres", "pg-dify", "Dify", "production", "10.0.3.5", 5432, None, "")
REDIS = Instance("redis", "cache-market", "Sales", "production", "10.0.4.5", 6379, None, "")
FLEET = (SQL, PG, REDIS)
BLOCKER, WAITING = 501, 502
CHAIN_AT = 25
"""From +25 s, session 501 holds a row lock that 502 waits for."""
WARN_AT = 30
"""From +30 s, db-orders is `warn` and MySQLLockWait fires (the recording's one change)."""
PG_UNRECORDED_BEFORE = 20
"""pg-dify's health is recorded from +20 s only (before: not recorded, not down)."""


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _health(instance: Instance, state: HealthState, when: datetime) -> FleetHealth:
    reasons = ("lock waits: 1 session waiting 5s",) if state == "warn" else ()
    value = Health(state, 3.0, 42, 400, reasons=reasons)
    reading = Reading(instance.name, "mysql", when, 0.003, value=value)
    return FleetHealth(instance.name, instance.kind, instance.group, reading)


def _processes(seconds: int) -> tuple[Process, ...]:
    base = [
        Process(7, "app_orders", "10.0.9.1:51000", "orders", "Query", "executing", 0.2, 0.2,
                "SELECT id FROM orders WHERE store_id = ?"),
        Process(8, "report", "10.0.9.2:51002", "orders", "Sleep", None, 40.0, None, None),
    ]  # fmt: skip
    if seconds >= CHAIN_AT:
        held = float(seconds - CHAIN_AT + 10)
        base += [
            Process(BLOCKER, "app_orders", "10.0.9.1:51004", "orders", "Query", "User sleep",
                    held, held, "SELECT SLEEP(600)"),
            Process(WAITING, "app_orders", "10.0.9.1:51006", "orders", "Query", "updating",
                    float(seconds - CHAIN_AT), float(seconds - CHAIN_AT),
                    "UPDATE orders SET status = 'REFUNDED' WHERE id = 1", (BLOCKER,)),
        ]  # fmt: skip
    return tuple(base)


def _waits(seconds: int) -> tuple[LockWait, ...]:
    if seconds < CHAIN_AT:
        return ()
    return (LockWait(WAITING, BLOCKER, float(seconds - CHAIN_AT), "`orders`.`orders` PRIMARY"),)


def _alerts(seconds: int) -> tuple[Alert, ...]:
    if seconds < WARN_AT:
        return ()
    labels = (("alertname", "MySQLLockWait"), ("instance", SQL.name), ("severity", "critical"))
    summary = f"{SQL.name}: a session waits for a row lock"
    return (Alert("f1a2b3c4", "MySQLLockWait", "critical", "active", at(WARN_AT), summary, labels),)


def _round(seconds: int) -> list[Sample]:
    when = at(seconds)
    state: HealthState = "warn" if seconds >= WARN_AT else "ok"
    samples = [
        Sample(when, SQL.name, "health", _health(SQL, state, when), None),
        Sample(when, REDIS.name, "health", _health(REDIS, "ok", when), None),
        Sample(when, None, "alerts", _alerts(seconds), None),
        Sample(when, SQL.name, "status",
               ServerStatus("10.11.6-MariaDB", 86400.0, 42, 400, 3, 120.5, 0.99, None, False),
               None),
        Sample(when, SQL.name, "processlist", _processes(seconds), None),
        Sample(when, SQL.name, "lock_waits", _waits(seconds), None),
        Sample(when, SQL.name, "digests",
               (Digest("d1", "SELECT id FROM orders WHERE store_id = ?", "orders", 60, 1.2, 0.02,
                       0.1, 60, 600),), None),
    ]  # fmt: skip
    if seconds >= PG_UNRECORDED_BEFORE:
        samples.append(Sample(when, PG.name, "health", _health(PG, "ok", when), None))
    if seconds == 0:
        samples.insert(0, Sample(when, None, "fleet", FLEET, None))
        samples.append(Sample(when, None, "alarms", None, "cloudwatch (aws): timeout: 10 s"))
    return samples


def write_recording(folder: Path) -> Path:
    """The recording (13 samples, 5 s apart, from 03:10:00 UTC) in `folder`."""
    writer = RecordingWriter(folder, keep_hours=24 * 365 * 10, max_bytes=10**9)
    for index in range(ROUNDS):
        writer.write(at(index * STEP_S), _round(index * STEP_S))
    writer.close()
    return folder


def replay_settings(tmp_path: Path) -> Settings:
    """The repository's config (lab profile), its output and state in `tmp_path`: no user's
    theme or history reaches a snapshot."""
    loaded = load_settings(ROOT / "config.toml", "lab")
    update = {"output_dir": str(tmp_path / "out"), "state_dir": str(tmp_path / "state")}
    return replace(loaded, console=msgspec.structs.replace(loaded.console, **update))
