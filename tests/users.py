"""Real Unix users for the tests of a team sharing one jump host.

Why real users: what breaks when several people share a bastion (a file the first user created
0600, a folder only its owner can write, a cache each one keeps apart) only shows with distinct
uids. The users are created for the test session (`useradd`, home under /home) and removed at its
end; commands run as them through `setpriv`, with the environment `.ci/setup` builds from
Debian's /usr/bin/python3 (`.venv-users`: root's own Python may live under /root, which other
users cannot run) and this checkout first on PYTHONPATH.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
USERS_PYTHON = ROOT / ".venv-users" / "bin" / "python"
TEAM_GROUP = "opsconsole-test"
NAMES = ("opsc-alice", "opsc-bob")


@dataclass(frozen=True)
class TeamUser:
    """One test member of the team: a real uid, its home and XDG folders."""

    name: str
    uid: int
    gid: int
    home: Path

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A clean login-like environment: HOME, USER, the XDG defaults under HOME, this
        checkout first on PYTHONPATH, 256 colours; nothing of root's inherited."""
        return {
            "HOME": str(self.home),
            "USER": self.name,
            "LOGNAME": self.name,
            "PATH": f"{USERS_PYTHON.parent}:/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            **(extra or {}),
        }

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 120.0,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run `argv` as this user (its uid, gid and supplementary groups)."""
        setpriv = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups"]
        return subprocess.run(
            [*setpriv, *argv],
            cwd=cwd or self.home,
            env=self.env(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def opsconsole(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 120.0,
    ) -> subprocess.CompletedProcess[str]:
        """`opsconsole ARGS` as this user."""
        argv = [str(USERS_PYTHON), "-m", "console", *args]
        return self.run(argv, cwd=cwd, env=env, timeout_s=timeout_s)


def _ensure(name: str) -> TeamUser:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--groups", TEAM_GROUP, name], check=True)
        entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    return TeamUser(name, entry.pw_uid, entry.pw_gid, home)


def _remove(user: TeamUser) -> None:
    subprocess.run(["pkill", "-KILL", "-u", user.name], check=False)
    subprocess.run(["userdel", "--remove", user.name], check=False, capture_output=True)
    shutil.rmtree(user.home, ignore_errors=True)


@pytest.fixture(scope="session")
def team() -> Iterator[tuple[TeamUser, TeamUser]]:
    """Two members of the team (`opsc-alice`, `opsc-bob`), both in the group `opsconsole-test`,
    with empty homes; removed again at the end of the session."""
    if os.geteuid() != 0:
        pytest.skip("creating Unix users needs root")  # the CI and the lab run as root
    if not USERS_PYTHON.exists():
        pytest.fail(f"{USERS_PYTHON} is missing: run `bash .ci/setup`")
    subprocess.run(["groupadd", "--force", TEAM_GROUP], check=True)
    users = [_ensure(name) for name in NAMES]
    for user in users:  # a fresh home each session: no state left from an earlier run
        for child in user.home.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    try:
        yield users[0], users[1]
    finally:
        for user in users:
            _remove(user)
        subprocess.run(["groupdel", TEAM_GROUP], check=False, capture_output=True)
