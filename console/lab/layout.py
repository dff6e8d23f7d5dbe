"""Where the lab keeps things on disk, and its generated passwords.

One `Layout` per lab directory names every path, so no module builds paths of its own; secrets are
random, generated once and kept in `secrets/` (0700 dir, 0600 files) so a restarted lab reuses them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from console.lab import topology

# Lab-only accounts (application users the scenarios and the workload connect as, and the mysqld
# exporter's user).
APP_SECRET_FILES = ("mysql-app.pass", "mysql-exporter.pass", "postgres-app.pass", "redis-app.pass")


@dataclass(frozen=True, slots=True)
class Layout:
    """The paths of one lab directory."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def conf(self) -> Path:
        return self.root / "conf"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets"

    def data_dir(self, part: str) -> Path:
        return self.data / part

    def log(self, part: str) -> Path:
        return self.logs / f"{part}.log"

    def pid(self, part: str) -> Path:
        return self.run / f"{part}.pid"

    def secret_path(self, name: str) -> Path:
        return self.secrets / name

    def password(self, name: str) -> str:
        """The password stored in `secrets/<name>` (created by `ensure`)."""
        return self.secret_path(name).read_text(encoding="utf-8").strip()

    # MariaDB
    @property
    def mysql_socket(self) -> Path:
        return self.data_dir("mariadb") / "mariadb.sock"

    @property
    def mysql_datadir(self) -> Path:
        return self.data_dir("mariadb") / "datadir"

    @property
    def mysql_slow_log(self) -> Path:
        return self.logs / "mariadb-slow.log"

    # PostgreSQL
    @property
    def pg_datadir(self) -> Path:
        return self.data_dir("postgres") / "pgdata"

    @property
    def pg_socket_dir(self) -> Path:
        return self.data_dir("postgres") / "socket"

    def seeded_marker(self, part: str) -> Path:
        return self.data_dir(part) / ".lab-seeded"


def ensure(layout: Layout) -> None:
    """Create the directories and, on first use, the random passwords."""
    for directory in (layout.data, layout.logs, layout.run, layout.conf):
        directory.mkdir(parents=True, exist_ok=True)
    layout.secrets.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(layout.secrets, 0o700)
    for name in (*topology.SECRET_FILES, *APP_SECRET_FILES):
        path = layout.secret_path(name)
        if not path.exists():
            write_private(path, secrets.token_urlsafe(18) + "\n")


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read (mode 0600 from the start)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def write_if_changed(path: Path, text: str, *, private: bool = False) -> bool:
    """Write a generated file only when its content differs; True if it was written."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    if private:
        write_private(path, text)
    else:
        path.write_text(text, encoding="utf-8")
    return True
