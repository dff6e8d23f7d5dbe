"""`opsconsole audit tail|search|verify` as a user runs them, on a team folder of two members."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.config import load_settings
from console.safety.audit import AuditEntry, AuditLog, current_user
from console.services.audit_trail import TrailFilter, parse_since, read_trail, trail_files
from tests.helpers import run_opsconsole as opsconsole

ROOT = Path(__file__).resolve().parents[1]
MARKET = "luckyus-isales-market"
ISALES = "aws-luckyus-isales-rw"


def record(folder: Path, user: str, instance: str, statement: str, **extra: object) -> None:
    """One line in `user`'s file, written as that user's console writes it."""
    previous = os.environ.get("LOGNAME")
    os.environ["LOGNAME"] = user  # getpass.getuser reads LOGNAME first
    try:
        log = AuditLog(folder / f"{user}.jsonl", team=True)
    finally:
        if previous is None:
            del os.environ["LOGNAME"]
        else:
            os.environ["LOGNAME"] = previous
    fields: dict[str, object] = {
        "instance": instance,
        "env": "production",
        "statement": statement,
        "classification": "read_only",
        "confirmations": 0,
        "outcome": "ok",
    }
    log.record(AuditEntry(**(fields | extra)))  # type: ignore[arg-type]


@pytest.fixture
def team_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "audit"
    folder.mkdir()
    folder.chmod(0o1770)
    record(folder, "alice", ISALES, "SELECT 1")
    record(folder, "bob", MARKET, "GET customer:jane.doe@example.com")
    record(folder, "alice", MARKET, "TTL session:42")
    record(folder, "bob", ISALES, "SELECT count(*) FROM orders")
    return folder


@pytest.fixture
def config(tmp_path: Path, team_dir: Path) -> Path:
    path = tmp_path / "config.toml"
    text = (ROOT / "config.toml").read_text().replace("file:.lab/", f"file:{ROOT}/.lab/")
    path.write_text(text.replace("[console]\n", f'[console]\naudit_dir = "{team_dir}"\n', 1))
    path.chmod(0o600)
    return path


def test_all_members_merge_in_time_order(team_dir: Path) -> None:
    trail = read_trail(trail_files(team_dir, team_dir / "unused.jsonl"))
    assert [(r.user, r.fields["statement"]) for r in trail.records] == [
        ("alice", "SELECT 1"),
        ("bob", "GET customer:***@example.com"),
        ("alice", "TTL session:42"),
        ("bob", "SELECT count(*) FROM orders"),
    ]


def test_filters_by_user_instance_text_and_time(team_dir: Path) -> None:
    files = trail_files(team_dir, team_dir / "unused.jsonl")

    def statements(wanted: TrailFilter) -> list[object]:
        return [r.fields["statement"] for r in read_trail(files, wanted).records]

    assert statements(TrailFilter(user="bob")) == [
        "GET customer:***@example.com",
        "SELECT count(*) FROM orders",
    ]
    assert statements(TrailFilter(instance=MARKET)) == [
        "GET customer:***@example.com",
        "TTL session:42",
    ]
    assert statements(TrailFilter(user="alice", text="ttl")) == ["TTL session:42"]
    future = datetime.now(UTC) + timedelta(minutes=1)
    assert statements(TrailFilter(since=future)) == []


def test_since_takes_durations_and_times() -> None:
    now = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
    assert parse_since("1h", now) == now - timedelta(hours=1)
    assert parse_since("30m", now) == now - timedelta(minutes=30)
    assert parse_since("2d", now) == now - timedelta(days=2)
    assert parse_since("2026-12-05T06:00", now) == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"expected e\.g\. 1h"):
        parse_since("yesterday", now)


def test_tail_json_lists_both_members_in_time_order(config: Path) -> None:
    result = opsconsole("--config", str(config), "audit", "tail", "--json", "-n", "3")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["user"], r["instance"], r["line"]) for r in rows] == [
        ("bob", MARKET, 1),
        ("alice", MARKET, 2),
        ("bob", ISALES, 2),
    ]
    assert "prev" not in rows[0] and "hash" not in rows[0]


def test_search_prints_a_table(config: Path) -> None:
    wanted = ("--user", "bob", "--since", "1h", "--text", "CUSTOMER")
    result = opsconsole("--config", str(config), "audit", "search", *wanted)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["AT", "(UTC)", "USER", "INSTANCE", "CLASS", "OUTCOME", "STATEMENT"]
    assert row.split()[2:] == ["bob", MARKET, "read_only", "ok", "GET", "customer:***@example.com"]


def test_a_bad_since_is_a_usage_error(config: Path) -> None:
    result = opsconsole("--config", str(config), "audit", "search", "--since", "soon")
    assert result.returncode == 2 and "--since 'soon'" in result.stderr


def test_verify_passes_then_names_the_edited_line(config: Path, team_dir: Path) -> None:
    result = opsconsole("--config", str(config), "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"ok  {team_dir / 'alice.jsonl'}: 2 lines",
        f"ok  {team_dir / 'bob.jsonl'}: 2 lines",
    ]
    bob = team_dir / "bob.jsonl"
    bob.write_bytes(bob.read_bytes().replace(b"count(*)", b"count(1)"))
    result = opsconsole("--config", str(config), "audit", "verify", "--json")
    assert result.returncode == 1
    verdicts = {Path(v["file"]).name: v for v in json.loads(result.stdout)}
    assert verdicts["alice.jsonl"]["ok"] is True
    assert verdicts["bob.jsonl"]["problems"] == [
        {"line": 2, "message": "edited: its text no longer matches its hash"}
    ]
    alone = opsconsole("--config", str(config), "audit", "verify", "--user", "alice")
    assert alone.returncode == 0  # one member's file checked on its own
    assert alone.stdout.splitlines() == [f"ok  {team_dir / 'alice.jsonl'}: 2 lines"]


def test_a_folder_that_is_not_sticky_is_warned_about(config: Path, team_dir: Path) -> None:
    team_dir.chmod(0o770)
    result = opsconsole("--config", str(config), "audit", "verify")
    assert result.returncode == 0
    assert f"audit folder {team_dir} is not sticky" in result.stderr
    assert f"chmod +t {team_dir}" in result.stderr


def test_a_missing_folder_is_named(config: Path, team_dir: Path) -> None:
    for child in team_dir.iterdir():
        child.unlink()
    team_dir.rmdir()
    result = opsconsole("--config", str(config), "audit", "tail")
    assert result.returncode == 1
    assert f"no audit folder {team_dir} ([console] audit_dir)" in result.stderr


def test_a_verb_that_connects_refuses_to_start_without_the_folder(
    config: Path, team_dir: Path
) -> None:
    for child in team_dir.iterdir():
        child.unlink()
    team_dir.rmdir()
    result = opsconsole("--config", str(config), "plan", "--instance", ISALES, "SELECT 1")
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert f"audit folder {team_dir} (config [console] audit_dir) does not exist" in line
    assert f"install -d -m 1770 -g TEAM_GROUP {team_dir}" in line
    assert not team_dir.exists()


def test_the_team_folder_holds_this_users_file(tmp_path: Path) -> None:
    path = tmp_path / "etc" / "config.toml"
    path.parent.mkdir()
    text = (ROOT / "config.toml").read_text()
    path.write_text(text.replace("[console]\n", '[console]\naudit_dir = "../audit"\n', 1))
    settings = load_settings(path, "production")
    assert settings.audit_dir == tmp_path / "audit"  # relative to the config file
    assert settings.audit_path == tmp_path / "audit" / f"{current_user()}.jsonl"
    path.write_text(text)
    alone = load_settings(path, "production")
    assert alone.audit_dir is None and alone.audit_path == path.parent / "output" / "audit.jsonl"
