"""The lab itself: every part healthy, seeded as promised, scenarios visible and undone by clear.

These run against the live lab (the `lab_root` fixture starts it if needed) and leave it up,
with no scenario active, for the rest of the session. The last test stops and restarts the whole
lab; set OPSCONSOLE_LAB_NO_RESTART=1 when another test session shares the lab.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.lab import clients, fake, manager, topology
from console.lab.layout import Layout
from console.lab.procs import pause

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[1]
LAB_DIR = Path(os.environ.get("OPSCONSOLE_LAB_DIR", ROOT / ".lab"))
PROMETHEUS = f"http://{topology.HOST}:{topology.PROMETHEUS_PORT}"


def _emit(line: str) -> None:
    sys.stderr.write(line + "\n")


@pytest.fixture(scope="module")
def lab_root() -> Iterator[Path]:
    """The lab, up (idempotent: quick when it already runs); scenarios cleared afterwards."""
    if not manager.up(LAB_DIR, _emit):
        pytest.fail("the lab did not come up: see the lines above")
    yield LAB_DIR
    manager.scenario(LAB_DIR, "clear", _emit)


def _wait(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        pause(0.5)
    return predicate()


def _mysql(lab: Path, sql: str) -> list[str]:
    done = clients.mysql(Layout(lab.absolute()), sql, role="ro")
    assert done.returncode == 0, clients.errors(done)
    return clients.text(done).splitlines()


def _redis(lab: Path, port: int, *args: str) -> str:
    return clients.text(clients.redis(Layout(lab.absolute()), port, *args, role="ro"))


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.loads(response.read())
    assert isinstance(body, dict)
    return body


def _server(group: str) -> topology.RedisServer:
    return next(s for s in topology.redis_servers() if s.group == group)


def test_status_lists_every_part_healthy(lab_root: Path) -> None:
    parts = manager.status(lab_root)
    assert tuple(p.name for p in parts) == manager.PARTS
    assert len(parts) == 19
    unhealthy = [(p.name, p.detail) for p in parts if not p.healthy]
    assert unhealthy == []
    assert all(p.pid and p.port for p in parts)
    assert manager.is_up(lab_root)


def test_warm_up_is_quick(lab_root: Path) -> None:
    began = time.monotonic()
    assert manager.up(lab_root, _emit)
    assert time.monotonic() - began < 3.0


def test_secrets_are_private(lab_root: Path) -> None:
    secrets = lab_root / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    for name in topology.SECRET_FILES:
        path = secrets / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(path.read_text().strip()) >= 16


def test_mariadb_is_seeded_with_realistic_rows(lab_root: Path) -> None:
    names = {
        topology.mysql_database(s) for shorts in topology.MYSQL_DOMAINS.values() for s in shorts
    }
    databases = set(_mysql(lab_root, "SHOW DATABASES"))
    assert names <= databases
    assert int(_mysql(lab_root, "SELECT COUNT(*) FROM salesorder.orders")[0]) >= 1000
    emails = _mysql(lab_root, "SELECT email FROM isalesmembermarketing.members LIMIT 50")
    assert len(emails) == 50 and all("@" in email for email in emails)
    cards = _mysql(lab_root, "SELECT card_number FROM salespayment.payments LIMIT 200")
    assert cards and all(fake.luhn_valid(card) for card in cards)
    variables = dict(
        line.split("\t")
        for line in _mysql(
            lab_root,
            "SHOW GLOBAL VARIABLES WHERE variable_name IN"
            " ('performance_schema', 'slow_query_log', 'max_connections')",
        )
    )
    assert variables == {
        "performance_schema": "ON",
        "slow_query_log": "ON",
        "max_connections": "400",
    }


def test_read_only_accounts_cannot_write(lab_root: Path) -> None:
    lab = Layout(lab_root.absolute())
    denied = clients.mysql(lab, "DELETE FROM salesorder.orders WHERE id = 0", role="ro")
    assert denied.returncode != 0
    assert "denied" in clients.errors(denied)
    pg = clients.psql(lab, "CREATE TABLE nope (id int)", role="ro", database="dify")
    assert "read-only transaction" in clients.errors(pg)
    answer = _redis(lab_root, _server("Dify").port, "SET", "nope", "1")
    assert answer.startswith("NOPERM")


def test_prometheus_has_one_redis_target_per_cluster(lab_root: Path) -> None:
    body = _get_json(f"{PROMETHEUS}/api/v1/targets?state=active")
    data = body["data"]
    assert isinstance(data, dict)
    redis = [t for t in data["activeTargets"] if t["labels"]["job"] == "redis"]
    expected = {c for server in topology.redis_servers() for c in server.clusters}
    assert {t["labels"]["instance"] for t in redis} == expected
    ports = {server.port for server in topology.redis_servers()}
    for target in redis:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(target["scrapeUrl"]).query)
        assert query["target"][0].removeprefix("redis://127.0.0.1:").isdigit()
        assert int(query["target"][0].rsplit(":", 1)[1]) in ports


def test_lock_wait_forms_a_chain_and_clear_ends_it(lab_root: Path) -> None:
    # the scenario's table only: the lab's workload takes a row lock of its own now and then
    on_orders = "FROM sys.innodb_lock_waits WHERE locked_table LIKE '%`orders`'"
    waits = f"SELECT COUNT(*) {on_orders}"
    assert manager.scenario(lab_root, "lock-wait", _emit)
    assert _wait(lambda: int(_mysql(lab_root, waits)[0]) >= 3, 10)
    blockers = _mysql(lab_root, f"SELECT DISTINCT blocking_pid {on_orders}")
    assert len(blockers) == 2  # A blocks B and D, B blocks C
    assert manager.scenario(lab_root, "clear", _emit)
    assert _wait(lambda: int(_mysql(lab_root, waits)[0]) == 0, 10)
    sessions = "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'salesorder_app'"
    assert _wait(lambda: _mysql(lab_root, sessions)[0] == "0", 10)
    assert not list(lab_root.glob("run/scenario-*.pid"))


def _alert_states(name: str) -> set[tuple[str, str]]:
    alerts = _get_json(f"{PROMETHEUS}/api/v1/alerts")["data"]
    assert isinstance(alerts, dict)
    return {
        (a["labels"].get("instance", ""), a["state"])
        for a in alerts["alerts"]
        if a["labels"]["alertname"] == name
    }


def test_redis_no_ttl_trips_its_alert_and_clear_deletes_the_keys(lab_root: Path) -> None:
    port = _server("Sales/CRM").port
    before = int(_redis(lab_root, port, "DBSIZE"))
    assert manager.scenario(lab_root, "redis-no-ttl", _emit)
    assert int(_redis(lab_root, port, "DBSIZE")) == before + 6000
    market = topology.redis_cluster_name("isales-market")
    assert _wait(lambda: (market, "firing") in _alert_states("RedisKeysWithoutTTL"), 45)
    assert manager.scenario(lab_root, "clear", _emit)
    assert int(_redis(lab_root, port, "DBSIZE")) == before


def test_stopped_part_is_reported_and_restarted_by_up(lab_root: Path) -> None:
    manager.stop_part(lab_root, "redis-dify")
    dify = next(p for p in manager.status(lab_root) if p.name == "redis-dify")
    assert (dify.healthy, dify.pid) == (False, None)
    assert not manager.is_up(lab_root)
    assert manager.up(lab_root, _emit)
    assert int(_redis(lab_root, _server("Dify").port, "DBSIZE")) > 0  # re-seeded on start


def test_unknown_scenario_is_refused(lab_root: Path) -> None:
    lines: list[str] = []
    assert not manager.scenario(lab_root, "meteor-strike", lines.append)
    assert "lock-wait" in lines[0]


@pytest.mark.skipif(
    os.environ.get("OPSCONSOLE_LAB_NO_RESTART") == "1",
    reason="OPSCONSOLE_LAB_NO_RESTART=1: another test session shares the lab",
)
def test_down_then_up(lab_root: Path) -> None:
    assert manager.down(lab_root, _emit)
    assert not any(p.pid for p in manager.status(lab_root))
    began = time.monotonic()
    assert manager.up(lab_root, _emit)
    assert time.monotonic() - began < 30
    assert manager.is_up(lab_root)


def test_a_port_held_by_another_process_is_a_clear_failure(lab_root: Path) -> None:
    """An orphan on a part's port must not pass for the part (it would answer its probe)."""
    manager.stop_part(lab_root, "redis-dify")
    port = next(p.port for p in manager.status(lab_root) if p.name == "redis-dify")
    assert port is not None
    lines: list[str] = []
    with socket.socket() as squatter:
        # the stopped server's own connections may linger in TIME_WAIT on the port
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        assert not manager.up(lab_root, lines.append)
    report = "\n".join(lines)
    assert f"port {port} is already in use by pid {os.getpid()}" in report
    assert manager.up(lab_root, lines.append)
