"""A config.toml pointing the console at throwaway copies, for the app and `opsconsole check`.

Why a file and not a Settings built in code: `opsconsole check --json` reads the same file in a
subprocess, so the console and the headless verb see one fleet with one set of timeouts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from console.config import Settings, load_settings
from tests.faults.copies import HOST, REDIS_CLUSTER, Copy

PROFILE = "fault"
PROJECT_CONFIG = Path(__file__).resolve().parents[2] / "config.toml"
MYSQL_NAME = "aws-luckyus-salesorder-rw"
POSTGRES_NAME = "aws-luckyus-dify-rw"
REDIS_NAME = REDIS_CLUSTER
UNRESOLVABLE_NAME = "aws-luckyus-nosuchhost-rw"
UNRESOLVABLE_HOST = "no-such-host.invalid"
CLOSED_URL = f"http://{HOST}:9"

# Short timeouts, so a frozen part shows as one within seconds; refreshes fast for the same reason.
TIMEOUTS = {"connect_s": 2.0, "query_s": 3.0, "probe_s": 2.0, "http_s": 2.0}
AWS_CALL_TIMEOUT_S = 3.0


@dataclass(frozen=True, slots=True)
class Parts:
    """What the fault config points at: a copy each, or None (that kind left out)."""

    prometheus: Copy | None = None
    alertmanager: Copy | None = None
    moto: Copy | None = None
    mariadb: Copy | None = None
    postgres: Copy | None = None
    redis: Copy | None = None
    unresolvable_mysql: bool = False
    aws_discovery: bool = False
    timeouts: Mapping[str, float] = field(default_factory=lambda: dict(TIMEOUTS))
    """[timeouts]: the tests' short ones by default; the fault bench passes the shipped ones."""
    aws_call_timeout_s: float = AWS_CALL_TIMEOUT_S


def _value(value: object) -> str:
    return json.dumps(value)  # a TOML basic string, number or boolean has JSON's spelling


def _table(name: str, values: Mapping[str, object]) -> list[str]:
    return [f"[{name}]", *(f"{_value(key)} = {_value(item)}" for key, item in values.items()), ""]


def _kind(copy: Copy | None, user: str, secret: str, **extra: object) -> dict[str, object]:
    if copy is None:
        return {"host": HOST, "port": 9, "secret": "none", "env": "lab", **extra}
    return {
        "host": HOST,
        "port": copy.port,
        "user": user,
        "secret": f"file:{copy.secret(secret)}",
        "env": "lab",
        **extra,
    }


def _instances(chosen: Parts) -> list[str]:
    lines: list[str] = []
    if chosen.mariadb is not None:
        lines += _table("mysql.domains", {"Sales/CRM": ["salesorder"]})
    if chosen.postgres is not None:
        lines += _table("postgres.domains", {"Dify": ["dify"]})
    if chosen.redis is not None:
        short = REDIS_CLUSTER.removeprefix("luckyus-")
        lines += _table("redis.clusters", {"Sales/CRM": [short]})
    if chosen.unresolvable_mysql:
        block: dict[str, object] = {"kind": "mysql", "name": UNRESOLVABLE_NAME}
        block |= {"domain": "DevOps", "host": UNRESOLVABLE_HOST, "port": 3306, "env": "lab"}
        lines += ["[[instances]]", *(f"{k} = {_value(v)}" for k, v in block.items()), ""]
    return lines


def _metrics() -> list[str]:
    """The Metrics tab's charts of the project's config.toml (what a user's Metrics tab shows)."""
    lines: list[str] = []
    for kind, queries in load_settings(PROJECT_CONFIG, "lab").metrics.items():
        for query in queries:
            lines += _table(f"[metrics.{kind}]", msgspec.structs.asdict(query))
    return lines


def config_text(root: Path, chosen: Parts) -> str:
    """The whole file: base tables only, plus an empty profile of its own."""
    url = {
        name: copy.url if copy is not None else CLOSED_URL
        for name, copy in (
            ("prometheus", chosen.prometheus),
            ("alertmanager", chosen.alertmanager),
            ("aws_endpoint", chosen.moto),
        )
    }
    lines = [f"profile = {_value(PROFILE)}", ""]
    lines += _table(
        "console",
        {
            "output_dir": str(root / "output"),
            "state_dir": str(root / "state"),  # kept discoveries: this test's, not the user's
            "audit_log": str(root / "audit.jsonl"),
            "refresh_s": 0.5,
            "fleet_refresh_s": 1.0,
        },
    )
    lines += _table("timeouts", dict(chosen.timeouts))
    lines += _table("monitoring", url)
    lines += _table("monitoring.redis_discovery", {"enabled": chosen.prometheus is not None})
    mysql_extra = {"database": "mysql"}
    lines += _table("mysql", _kind(chosen.mariadb, "opsconsole_ro", "mysql-ro.pass", **mysql_extra))
    pg_extra = {"database": "postgres"}
    lines += _table(
        "postgres", _kind(chosen.postgres, "opsconsole_ro", "postgres-ro.pass", **pg_extra)
    )
    lines += _table("redis", _kind(chosen.redis, "opsconsole", "redis-ro.pass"))
    lines += _table(
        "aws",
        {
            "test_credentials": True,
            "discovery": chosen.aws_discovery,
            "call_timeout_s": chosen.aws_call_timeout_s,
            "cache_dir": str(root / "aws-cache"),
        },
    )
    lines += _instances(chosen)
    lines += _metrics()
    lines += _table(f"profiles.{PROFILE}.console", {})
    return "\n".join(lines)


def write_settings(root: Path, chosen: Parts) -> Settings:
    """Write `root/config.toml` (0600, as the console asks) and load it as the console does."""
    path = root / "config.toml"
    path.write_text(config_text(root, chosen), encoding="utf-8")
    path.chmod(0o600)
    return load_settings(path, PROFILE)
