"""`opsconsole config init` and `config check`, run as a user runs them (issue 13, item 1)."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest

from console.cli.config import template_text
from console.config import load_settings
from tests.helpers import run_opsconsole as opsconsole

ROOT = Path(__file__).resolve().parents[1]
SECRET = "Zq9-not-for-your-eyes"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test's own HOME and XDG folders, nothing of the caller's config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSCONSOLE_", "XDG_"))}
    return {**env, "HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT), **extra}


def test_init_writes_the_template_0600_and_never_over_a_file(tmp_path: Path) -> None:
    env = _env(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    written = opsconsole("config", "init", cwd=tmp_path, env=env)
    assert written.returncode == 0, written.stderr
    path = tmp_path / "xdg" / "opsconsole" / "config.toml"  # the user's, found from anywhere
    assert str(path) in written.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == template_text()
    path.write_text("# mine\n")
    again = opsconsole("config", "init", cwd=tmp_path, env=env)
    assert again.returncode == 1
    assert "exists; not overwritten" in again.stderr
    assert path.read_text() == "# mine\n"
    other = tmp_path / "elsewhere" / "team.toml"
    assert opsconsole("config", "init", str(other), cwd=tmp_path, env=env).returncode == 0
    assert other.read_text() == template_text()


def test_the_template_is_the_teams_production_fleet_with_no_lab() -> None:
    template = ROOT / "console" / "config_template.toml"
    settings = load_settings(template)
    assert settings.profile == "production"
    assert "profiles" not in tomllib.loads(template.read_text())  # no lab, no other profile
    assert "127.0.0.1" not in template.read_text()
    shipped = load_settings(ROOT / "config.toml", "production")
    assert settings.fleet == shipped.fleet  # the same servers as the repository's config
    assert settings.redis_rules == shipped.redis_rules
    assert settings.aws_cache_dir == Path("/var/cache/opsconsole")  # the team's one budget
    assert settings.console.output_dir == ""  # each member's XDG folders


def _config_with_local_secrets(tmp_path: Path) -> Path:
    text = template_text()
    for old, new in (
        ('secret = "rds-iam"\n# Confirmed', 'secret = "file:secrets/mysql.pass"\n# Confirmed'),
        ('write_secret = "rds-iam"', 'write_secret = "file:secrets/locked.pass"'),
        ('"secretsmanager:opsconsole/postgres-ro"', '"env:OPSC_TEST_PG"'),
        ('"secretsmanager:opsconsole/postgres-rw"', '"env:OPSC_TEST_PG_UNSET"'),
        ('"secretsmanager:opsconsole/redis-ro"', '"none"'),
        ('"secretsmanager:opsconsole/redis-rw"', '"file:secrets/absent.pass"'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    folder = tmp_path / "team"
    (folder / "secrets").mkdir(parents=True)
    (folder / "secrets" / "mysql.pass").write_text(SECRET)
    locked = folder / "secrets" / "locked.pass"
    locked.write_text(SECRET)
    locked.chmod(0)  # root reads anything: the test drops to nobody for this one
    path = folder / "config.toml"
    path.write_text(text)
    path.chmod(0o644)
    return path


def test_check_says_which_file_and_resolves_each_secret_without_showing_it(
    tmp_path: Path,
) -> None:
    path = _config_with_local_secrets(tmp_path)
    env = _env(tmp_path, OPSC_TEST_PG=SECRET)
    result = opsconsole("--config", str(path), "config", "check", "--json", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr  # some are not ok
    assert SECRET not in result.stdout + result.stderr
    record = json.loads(result.stdout)
    assert record["config"] == str(path) and record["found_by"] == "--config"
    assert record["profile"] == "production"
    states = {(tuple(s["kinds"]), s["role"]): (s["key"], s["status"]) for s in record["secrets"]}
    unreadable = "ok" if os.geteuid() == 0 else "unreadable"  # root reads a 0000 file
    assert states == {
        (("mysql",), "read"): ("mysql.secret", "ok"),
        (("mysql",), "write"): ("mysql.write_secret", unreadable),
        (("postgres",), "read"): ("postgres.secret", "ok"),
        (("postgres",), "write"): ("postgres.write_secret", "missing"),
        (("redis",), "read"): ("redis.secret", "ok"),
        (("redis",), "write"): ("redis.write_secret", "missing"),
    }
    text = opsconsole("config", "check", cwd=path.parent, env=env)  # found in the current folder
    assert text.returncode == 1
    assert f"config: {path} (from the current folder)" in text.stdout
    not_ok = sum(status != "ok" for _key, status in states.values())
    assert f"6 secret references: {not_ok} not ok" in text.stdout
    assert "environment variable OPSC_TEST_PG_UNSET is not set" in text.stdout
    assert SECRET not in text.stdout + text.stderr


def test_check_of_a_broken_or_absent_config_exits_2(tmp_path: Path) -> None:
    env = _env(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    broken = tmp_path / "config.toml"
    broken.write_text(template_text().replace("port = 3306", "port = 0", 1))
    result = opsconsole("config", "check", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "mysql.port" in result.stderr
    (tmp_path / "empty").mkdir()
    absent = opsconsole("config", "check", cwd=tmp_path / "empty", env=env)
    assert absent.returncode == 2
    assert str(tmp_path / "xdg" / "opsconsole" / "config.toml") in absent.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run as another user")
def test_a_secret_file_the_user_cannot_read_is_unreadable(tmp_path: Path) -> None:
    from console.services.secret_check import local_state

    path = tmp_path / "locked.pass"
    path.write_text(SECRET)
    path.chmod(0)
    child = os.fork()
    if child == 0:  # as nobody: a file only its owner may read
        os.setuid(65534)
        os._exit(0 if local_state(f"file:{path}") == ("unreadable", "permission denied") else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
