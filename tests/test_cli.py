"""The headless verbs as a user runs them: inventory, check, broken configs, exit statuses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import LAB_SERVERS, server_records
from tests.helpers import run_opsconsole as opsconsole

ROOT = Path(__file__).resolve().parents[1]


def test_broken_config_exits_2_with_one_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text((ROOT / "config.toml").read_text().replace("port = 3306", "port = 0", 1))
    result = opsconsole("--config", str(broken), "check")
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert str(broken) in line and "mysql.port: Expected `int` >= 1" in line


def test_unresolvable_secret_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.toml")
        .read_text()
        .replace(
            'secret = "file:.lab/secrets/mysql-ro.pass"', 'secret = "env:OPSCONSOLE_NO_SUCH_VAR"'
        )
    )
    result = opsconsole("--config", str(config), "--profile", "lab", "check")
    assert result.returncode == 2
    assert "profiles.lab.mysql.secret" in result.stderr
    assert "OPSCONSOLE_NO_SUCH_VAR is not set" in result.stderr


def test_an_inline_password_is_refused_by_its_key_and_never_echoed(tmp_path: Path) -> None:
    """The key (`...mysql.secret`) is the config's name, not a password: the problem after it
    reads whole, and the password written in its place is not in the message."""
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.toml")
        .read_text()
        .replace('secret = "file:.lab/secrets/mysql-ro.pass"', 'secret = "Hunter2-inline"')
    )
    result = opsconsole("--config", str(config), "--profile", "lab", "check")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "profiles.lab.mysql.secret: is not a secret reference" in line
    assert "Hunter2-inline" not in line and "expected a secret reference" in line


@pytest.mark.lab
def test_inventory_json_lists_the_whole_fleet(lab_dir: Path) -> None:
    result = opsconsole("inventory", "--json")
    assert result.returncode == 0, result.stderr
    fleet = json.loads(result.stdout)
    kinds = [item["kind"] for item in fleet]
    assert (kinds.count("mysql"), kinds.count("postgres"), kinds.count("redis")) == (61, 3, 78)
    market = next(item for item in fleet if item["name"] == "luckyus-isales-market")
    assert market["group"] == "Sales/CRM" and market["endpoint"].startswith("127.0.0.1:")
    assert {"name", "kind", "group", "env", "endpoint"} <= set(fleet[0])
    assert "pass" not in result.stdout.replace('"secret": "file"', "")


def test_inventory_survives_prometheus_down(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.toml").read_text().replace("http://127.0.0.1:19090", "http://127.0.0.1:9")
    )
    nothing_kept = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    result = opsconsole("--config", str(config), "inventory", "--json", env=nothing_kept)
    assert result.returncode == 0
    assert len(server_records(json.loads(result.stdout))) == 64
    assert "Redis discovery from Prometheus failed" in result.stderr


@pytest.mark.lab
def test_check_json_reports_every_instance(lab_dir: Path) -> None:
    result = opsconsole("check", "--json")
    records = json.loads(result.stdout)
    assert len(server_records(records)) == LAB_SERVERS
    for record in records:
        assert set(record) >= {"name", "kind", "group", "state", "latency_ms", "error"}
        assert record["state"] in ("ok", "warn", "down")
    by_name = {r["name"]: r for r in records}
    assert by_name["aws-luckyus-salesorder-rw"]["state"] in ("ok", "warn")
    assert by_name["luckyus-isales-market"]["error"] is None
    expected = 0 if all(r["state"] == "ok" for r in records) else 1
    assert result.returncode == expected
    text = opsconsole("check")
    assert "aws-luckyus-salesorder-rw" in text.stdout
    assert f"{len(records)} instances:" in text.stdout


def test_a_secret_file_readable_by_others_is_warned_about(tmp_path: Path) -> None:
    secret = tmp_path / "ro.pass"
    secret.write_text("x")
    secret.chmod(0o644)
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.toml")
        .read_text()
        .replace("file:.lab/secrets/mysql-ro.pass", f"file:{secret}")
        .replace("file:.lab/secrets/postgres-ro.pass", f"file:{secret}")
        .replace("file:.lab/secrets/redis-ro.pass", f"file:{secret}")
        .replace("http://127.0.0.1:19090", "http://127.0.0.1:9")
    )
    result = opsconsole(
        "--config",
        str(config),
        "--profile",
        "lab",
        "plan",
        "--instance",
        "aws-luckyus-fitax-rw",
        "SELECT 1",
    )
    assert f"secret file {secret} is readable by others" in result.stderr


@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o640, False), (0o600, False)])
def test_a_config_file_readable_by_others_is_warned_about(
    tmp_path: Path, mode: int, warned: bool
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        (ROOT / "config.toml").read_text().replace("file:.lab/", f"file:{ROOT}/.lab/")
    )
    config.chmod(mode)
    result = opsconsole(
        "--config", str(config), "--profile", "lab", "plan", "--instance",
        "aws-luckyus-fitax-rw", "SELECT 1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (f"config file {config} is readable by others" in result.stderr) is warned
