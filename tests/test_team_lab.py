"""Two members of the team on one jump host, as real Unix users (issue 13, "done means").

One shared config in /etc/opsconsole/config.toml (the lab profile, its secrets copied where the
team's group may read them, the AWS cost cache in a setgid group-writable folder), each member
with their own home and XDG folders, both running headless verbs from their home: each finds
the system config, keeps their files in their own XDG folders, and an identical Cost Explorer
request by the second member is answered from the first one's cache (moto serves Cost
Explorer; the paid-call counter does not move).

Why the real /etc path: the lookup order is the behaviour under test, so nothing stands in for
it. The test refuses to run over an existing /etc/opsconsole/config.toml and removes its own.
"""

from __future__ import annotations

import grp
import json
import os
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.config import SYSTEM_CONFIG
from tests.users import TEAM_GROUP, USERS_PYTHON, TeamUser

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[1]
LAB_SECRETS = (
    "mysql-ro",
    "mysql-admin",
    "postgres-ro",
    "postgres-admin",
    "redis-ro",
    "redis-admin",
)


@pytest.fixture
def shared(lab_dir: Path, team: tuple[TeamUser, TeamUser]) -> Iterator[Path]:
    """A folder of the team's group: the lab's secrets readable (0640, the lab's own are
    root's), and the AWS cost cache writable (2770, setgid); removed afterwards."""
    gid = grp.getgrnam(TEAM_GROUP).gr_gid
    root = Path(tempfile.mkdtemp(prefix="opsc-team-", dir="/tmp"))
    try:
        os.chown(root, 0, gid)
        root.chmod(0o750)
        secrets = root / "secrets"
        secrets.mkdir()
        os.chown(secrets, 0, gid)
        secrets.chmod(0o750)
        for name in LAB_SECRETS:
            copy = secrets / f"{name}.pass"
            shutil.copyfile(lab_dir / "secrets" / f"{name}.pass", copy)
            os.chown(copy, 0, gid)
            copy.chmod(0o640)
        cache = root / "aws-cache"
        cache.mkdir()
        os.chown(cache, 0, gid)
        cache.chmod(0o2770)  # as README says: install -d -m 2770 -g TEAMGROUP
        yield root
    finally:
        shutil.rmtree(root)


@pytest.fixture
def etc_config(shared: Path) -> Iterator[Path]:
    """The repository's config (lab profile) as the team's /etc/opsconsole/config.toml:
    no output_dir (each member's XDG folders), secrets and cost cache in `shared`."""
    if SYSTEM_CONFIG.exists():
        pytest.fail(f"{SYSTEM_CONFIG} exists: this test does not replace a real config")
    text = (ROOT / "config.toml").read_text()
    for old, new in (
        ('output_dir = "output"      # screenshots, exports, reports\n', ""),
        ("file:.lab/secrets/", f"file:{shared}/secrets/"),
        ('cache_dir = "output/aws-cache"', f'cache_dir = "{shared}/aws-cache"'),
    ):
        assert old in text
        text = text.replace(old, new)
    made = not SYSTEM_CONFIG.parent.exists()
    SYSTEM_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    SYSTEM_CONFIG.write_text(text)
    os.chown(SYSTEM_CONFIG, 0, grp.getgrnam(TEAM_GROUP).gr_gid)
    SYSTEM_CONFIG.chmod(0o640)
    try:
        yield SYSTEM_CONFIG
    finally:
        SYSTEM_CONFIG.unlink()
        if made:
            SYSTEM_CONFIG.parent.rmdir()


def _json(result: object) -> dict[str, object]:
    assert getattr(result, "returncode", None) == 0, getattr(result, "stderr", "")
    record = json.loads(getattr(result, "stdout", ""))
    assert isinstance(record, dict)
    return record


def _owned_by(folder: Path, user: TeamUser) -> list[Path]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert files, f"nothing in {folder}"
    assert {path.stat().st_uid for path in files} == {user.uid}
    return files


def test_two_members_share_one_config_keep_their_files_and_one_aws_budget(
    etc_config: Path, shared: Path, team: tuple[TeamUser, TeamUser]
) -> None:
    alice, bob = team
    bobs_xdg = {"XDG_STATE_HOME": str(bob.home / "state"), "XDG_DATA_HOME": str(bob.home / "data")}

    checked = alice.opsconsole("config", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"config: {etc_config} (from the system config)" in checked.stdout
    assert "6 secret references: all ok" in checked.stdout
    for name in LAB_SECRETS:  # named, never shown
        assert (shared / "secrets" / f"{name}.pass").read_text().strip() not in checked.stdout
    bobs = _json(bob.opsconsole("config", "check", "--json", env=bobs_xdg))
    assert (bobs["config"], bobs["found_by"]) == (str(etc_config), "the system config")
    assert bobs["state_dir"] == str(bob.home / "state" / "opsconsole")
    assert bobs["output_dir"] == str(bob.home / "data" / "opsconsole")
    assert bobs["aws_cache"] == f"shared: one budget for group {TEAM_GROUP}"

    for user, env in ((alice, None), (bob, bobs_xdg)):
        inventory = user.opsconsole("inventory", "--json", env=env)
        assert inventory.returncode == 0, inventory.stderr
        assert len(json.loads(inventory.stdout)) >= 142
        report = user.opsconsole("report", "health", env=env)
        assert report.returncode in (0, 1), report.stderr  # 1: the lab has a warning somewhere
    _owned_by(alice.home / ".local" / "state" / "opsconsole", alice)  # kept discoveries
    _owned_by(alice.home / ".local" / "share" / "opsconsole" / "reports", alice)
    _owned_by(bob.home / "state" / "opsconsole", bob)
    _owned_by(bob.home / "data" / "opsconsole" / "reports", bob)
    assert sorted(path.name for path in etc_config.parent.iterdir()) == ["config.toml"]

    first = _json(alice.opsconsole("cost", "--json"))
    assert (first["calls_made"], first["calls_from_cache"], first["today_calls"]) == (1, 0, 1)
    second = _json(bob.opsconsole("cost", "--json", env=bobs_xdg))
    assert (second["calls_made"], second["calls_from_cache"]) == (0, 1)
    assert second["today_calls"] == 1  # the team's counter, not moved by bob
    assert second["by_service"] == first["by_service"]
    cache = shared / "aws-cache"
    gid = grp.getgrnam(TEAM_GROUP).gr_gid
    made = {path.name: path.stat() for path in cache.iterdir()}
    assert {name.split("-")[0] for name in made} == {"ce", "paid"}
    assert {(stat.S_IMODE(info.st_mode), info.st_gid) for info in made.values()} == {(0o660, gid)}
    assert {info.st_uid for info in made.values()} == {alice.uid}  # bob wrote nothing: cached


def _tmux(socket_name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", socket_name, *args], capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_both_members_open_the_console_in_a_terminal_at_once(
    etc_config: Path, shared: Path, team: tuple[TeamUser, TeamUser], tmp_path: Path
) -> None:
    """Each member's own console, at 80x24, side by side on one host: both show the fleet
    from the one system config, and `q` ends each with status 0."""
    socket_name = f"opsc-team-{os.getpid()}"
    sessions = {}
    try:
        for user in team:
            status = tmp_path / f"{user.name}.status"
            env = " ".join(f"{key}={shlex.quote(value)}" for key, value in user.env().items())
            console = (
                f"env -i {env} setpriv --reuid={user.uid} --regid={user.gid} --init-groups "
                f"{USERS_PYTHON} -m console"
            )
            command = f"cd {shlex.quote(str(user.home))} && {console}; echo $? > {status}"
            made = _tmux(socket_name, "new-session", "-d", "-s", user.name, "-x", "80", "-y",
                         "24", command)  # fmt: skip
            assert made.returncode == 0, made.stderr
            sessions[user.name] = status
        for name in sessions:
            screen = _until_shown(socket_name, name, "Sales/CRM")
            assert "Sales/CRM" in screen and "Traceback" not in screen, screen
        for name, status in sessions.items():
            _tmux(socket_name, "send-keys", "-t", name, "q")
            deadline = time.monotonic() + 20
            while not status.exists() and time.monotonic() < deadline:
                time.sleep(0.2)  # noqa: TID251 - a test driving other processes
            assert status.exists() and status.read_text().strip() == "0", name
    finally:
        _tmux(socket_name, "kill-server")


def _until_shown(socket_name: str, session: str, wanted: str, within_s: float = 60.0) -> str:
    deadline = time.monotonic() + within_s
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux(socket_name, "capture-pane", "-p", "-t", session).stdout
        if wanted in screen:
            break
        time.sleep(0.3)  # noqa: TID251 - a test driving other processes
    return screen
