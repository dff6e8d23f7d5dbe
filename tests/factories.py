"""Deterministic model builders for widget and snapshot tests (no servers, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime

from console.data.models import FleetHealth, Health, HealthState, InstanceRef, Reading, SourceError

AT = datetime(2026, 11, 25, 14, 30, 0, tzinfo=UTC)


def refs() -> list[InstanceRef]:
    return [
        InstanceRef(
            "mysql", "aws-luckyus-salesorder-rw", "Sales/CRM", "production", "10.0.1.5:3306"
        ),
        InstanceRef(
            "mysql", "aws-luckyus-salespayment-rw", "Sales/CRM", "production", "10.0.1.6:3306"
        ),
        InstanceRef("mysql", "aws-luckyus-devops-rw", "DevOps", "production", "10.0.2.5:3306"),
        InstanceRef("postgres", "aws-luckyus-dify-rw", "Dify", "production", "10.0.3.5:5432"),
        InstanceRef("redis", "luckyus-isales-market", "Sales/CRM", "production", "10.0.4.5:6379"),
        InstanceRef("redis", "luckyus-dify", "Dify", "production", "10.0.4.6:6379"),
    ]


def health(ref: InstanceRef, state: HealthState) -> FleetHealth:
    if state == "down":
        error = SourceError(ref.name, "redis", "unreachable", "connection refused")
        return FleetHealth(
            ref.name, ref.kind, ref.group, Reading(ref.name, "redis", AT, 0.01, error=error)
        )
    reasons = ("connections 342/400 (86%)",) if state == "warn" else ()
    if ref.kind == "redis":
        value = Health(state, 2.5, 12, None, 48 * 2**20, 64 * 2**20, reasons)
    else:
        value = Health(state, 4.0, 342 if state == "warn" else 12, 400, reasons=reasons)
    return FleetHealth(
        ref.name, ref.kind, ref.group, Reading(ref.name, "mysql", AT, 0.004, value=value)
    )


def fleet_health() -> list[FleetHealth]:
    states: list[HealthState] = ["ok", "warn", "ok", "ok", "ok", "down"]
    return [health(ref, state) for ref, state in zip(refs(), states, strict=True)]
