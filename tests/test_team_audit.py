"""Two real team members on one host share one audit trail: each writes only their own file in
the sticky group folder, both read the merged trail, neither can remove or rewrite the other's,
and `audit verify` names the line root edits."""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.users import TEAM_GROUP, USERS_PYTHON, TeamUser, team

__all__ = ["team"]  # the fixture of two real users

ROOT = Path(__file__).resolve().parents[1]
LAB_SECRETS = ROOT / ".lab" / "secrets"
READ_SECRETS = ("mysql-ro.pass", "postgres-ro.pass", "redis-ro.pass")
SALESORDER = "aws-luckyus-salesorder-rw"
MARKET = "luckyus-isales-market"

pytestmark = pytest.mark.lab

TAMPER = """
import json, os, sys
target, mine = sys.argv[1], sys.argv[2]
def attempt(action):
    try:
        action()
        return "done"
    except OSError as exc:
        return type(exc).__name__
print(json.dumps({
    "delete": attempt(lambda: os.unlink(target)),
    "truncate": attempt(lambda: os.truncate(target, 0)),
    "rewrite": attempt(lambda: open(target, "w").close()),
    "append": attempt(lambda: open(target, "a").write("{}\\n")),
    "replace": attempt(lambda: os.replace(mine, target)),
    "chmod": attempt(lambda: os.chmod(target, 0o666)),
}))
"""


@dataclass(frozen=True)
class Host:
    """The shared jump host's files: the team's config, its audit folder, a locked folder."""

    config: Path
    audit_dir: Path
    locked_config: Path
    locked_dir: Path


def _team_readable(path: Path, mode: int) -> None:
    os.chown(path, 0, grp.getgrnam(TEAM_GROUP).gr_gid)
    path.chmod(mode)


def _config(base: Path, name: str, audit_dir: Path) -> Path:
    """config.toml, lab profile, the read secrets from the team's copy, `audit_dir` set."""
    text = (ROOT / "config.toml").read_text().replace("file:.lab/secrets/", f"file:{base}/secrets/")
    text = text.replace("[console]\n", f'[console]\naudit_dir = "{audit_dir}"\n', 1)
    path = base / name
    path.write_text(text.replace('output_dir = "output"', f'output_dir = "{base}/output"', 1))
    _team_readable(path, 0o640)
    return path


@pytest.fixture
def host(team: tuple[TeamUser, TeamUser]) -> Iterator[Host]:
    base = Path(tempfile.mkdtemp(prefix="opsc-team-audit-"))
    try:
        base.chmod(0o755)
        secrets = base / "secrets"  # a copy for the team: .lab/secrets itself stays root's
        secrets.mkdir()
        for name in READ_SECRETS:
            shutil.copyfile(LAB_SECRETS / name, secrets / name)
            _team_readable(secrets / name, 0o640)
        _team_readable(secrets, 0o750)
        audit_dir = base / "audit"
        audit_dir.mkdir()
        _team_readable(audit_dir, 0o1770)  # what the admin runs: install -d -m 1770 -g ...
        locked_dir = base / "locked"
        locked_dir.mkdir(mode=0o755)  # root's own: no member may write there
        yield Host(
            _config(base, "config.toml", audit_dir),
            audit_dir,
            _config(base, "locked.toml", locked_dir),
            locked_dir,
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_two_members_share_one_verifiable_trail(
    team: tuple[TeamUser, TeamUser],
    host: Host,
) -> None:
    alice, bob = team
    cfg = ("--config", str(host.config), "--profile", "lab")
    first = alice.opsconsole(
        *cfg, "query", "--instance", SALESORDER, "--format", "json", "SELECT 1"
    )
    assert first.returncode == 0, first.stderr
    second = bob.opsconsole(*cfg, "redis", "--instance", MARKET, "GET", "customer:jane@example.com")
    assert second.returncode == 0, second.stderr
    third = alice.opsconsole(*cfg, "query", "--instance", SALESORDER, "DELETE FROM orders")
    assert third.returncode == 3  # refused, and audited as refused

    alice_file = host.audit_dir / "opsc-alice.jsonl"
    bob_file = host.audit_dir / "opsc-bob.jsonl"
    for user, path in ((alice, alice_file), (bob, bob_file)):
        status = path.stat()
        assert (status.st_uid, stat.S_IMODE(status.st_mode)) == (user.uid, 0o640)
        assert status.st_gid == grp.getgrnam(TEAM_GROUP).gr_gid  # the team reads it
    assert stat.S_IMODE(host.audit_dir.stat().st_mode) == 0o1770  # never chmodded

    shown = bob.opsconsole(*cfg, "audit", "tail", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert [(r["user"], r["instance"], r["outcome"]) for r in rows] == [
        ("opsc-alice", SALESORDER, "ok"),
        ("opsc-bob", MARKET, "ok"),
        ("opsc-alice", SALESORDER, "refused"),
    ]
    assert rows[1]["statement"] == "GET customer:***@example.com"
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    only_bob = alice.opsconsole(*cfg, "audit", "search", "--user", "opsc-bob", "--json")
    assert [r["instance"] for r in json.loads(only_bob.stdout)] == [MARKET]

    before = alice_file.read_bytes()
    tamper = bob.run([str(USERS_PYTHON), "-c", TAMPER, str(alice_file), str(bob_file)])
    assert tamper.returncode == 0, tamper.stderr
    assert json.loads(tamper.stdout) == {
        "delete": "PermissionError",
        "truncate": "PermissionError",
        "rewrite": "PermissionError",
        "append": "PermissionError",
        "replace": "PermissionError",
        "chmod": "PermissionError",
    }
    assert alice_file.read_bytes() == before and bob_file.exists()

    verified = bob.opsconsole(*cfg, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.splitlines() == [f"ok  {alice_file}: 2 lines", f"ok  {bob_file}: 1 line"]

    lines = before.splitlines(keepends=True)  # root, who can, removes the refusal's trace
    alice_file.write_bytes(lines[0] + lines[1].replace(b'"refused"', b'"ok"'))
    broken = bob.opsconsole(*cfg, "audit", "verify")
    assert broken.returncode == 1
    assert f"  {alice_file}:2: edited: its text no longer matches its hash" in broken.stdout
    assert f"ok  {bob_file}: 1 line" in broken.stdout


def test_a_folder_a_member_cannot_write_is_named_before_anything_runs(
    team: tuple[TeamUser, TeamUser],
    host: Host,
) -> None:
    alice, _ = team
    result = alice.opsconsole(
        "--config", str(host.locked_config), "--profile", "lab",
        "query", "--instance", SALESORDER, "SELECT 1",
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert (
        f"audit folder {host.locked_dir} (config [console] audit_dir) is not writable by you"
        in (result.stderr)
    )
    assert f"install -d -m 1770 -g TEAM_GROUP {host.locked_dir}" in result.stderr
    assert list(host.locked_dir.iterdir()) == []
