"""Which instances the recorder takes in detail: down, warn, alerting, alarmed, once each."""

from __future__ import annotations

from datetime import UTC, datetime

from console.data.aws_models import CloudWatchAlarm
from console.data.models import Alert, FleetHealth, Health, HealthState, Reading
from console.inventory import Fleet, Instance
from console.services.recording.recorder import troubled


def _db(name: str, port: int = 3306) -> Instance:
    return Instance("mysql", name, "Sales", "production", "10.0.0.1", port, "ro", "file:/x")


FLEET = Fleet((_db("a"), _db("b"), _db("c"), _db("d"), _db("e", 3307)))


def _health(name: str, state: HealthState) -> FleetHealth:
    reading = Reading(name, "mysql", datetime.now(UTC), 0.01, value=Health(state, 1.0))
    return FleetHealth(name, "mysql", "Sales", reading)


def _alert(instance: str, state: str = "active") -> Alert:
    return Alert("f", "Slow", "warning", state, None, "", (("instance", instance),))


def _alarm(instance: str, state: str = "ALARM") -> CloudWatchAlarm:
    return CloudWatchAlarm("cpu", state, "", None, None, None, (), instance)


def test_down_then_warn_then_alerting_then_alarmed_each_once() -> None:
    health = [_health("a", "warn"), _health("b", "down"), _health("c", "ok")]
    alerts = [_alert("d"), _alert("a")]
    alarms = [_alarm("e"), _alarm("c", "OK"), _alarm("not-in-fleet")]
    assert troubled(FLEET, health, alerts, alarms) == ("b", "a", "d", "e")


def test_a_silenced_alert_adds_nothing_and_a_shared_endpoint_adds_one_name() -> None:
    assert troubled(FLEET, [], [_alert("d", "suppressed")], []) == ()
    assert troubled(FLEET, [], [_alert("10.0.0.1:3306")], []) == ("a",)
