"""Throwaway copies of the lab's parts: own free port, own folder, a plain process per copy.

Why: the fault tests stop, freeze and kill servers, and the lab is shared with tests that run at
the same time; a copy started from the lab's own launchers and config generators (console/lab)
behaves like the lab's part, and only the test that started it ever sees it fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from console.lab import (
    clients,
    configs,
    health,
    layout,
    parts,
    procs,
    seed_mysql,
    seed_postgres,
    topology,
)
from console.lab.rules import rules_document

HOST = topology.HOST
REDIS_GROUP = "Sales/CRM"
REDIS_CLUSTER = "luckyus-isales-faults"  # a name the lab's Prometheus does not publish
READY_WITHIN_S = 60.0


def free_port() -> int:
    """A port nothing listens on now: the kernel's pick for a socket bound to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def copy_root() -> Path:
    """A fresh folder the `postgres` user can enter too (pytest's tmp_path is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="opsconsole-fault-"))
    root.chmod(0o755)
    return root


@dataclass(frozen=True, slots=True)
class Copy:
    """One throwaway part: the lab's launcher run on a tmp Layout with a free port."""

    kind: str
    layout: layout.Layout
    part: parts.Part

    @property
    def port(self) -> int:
        assert self.part.port is not None
        return self.part.port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def secret(self, name: str) -> Path:
        return self.layout.secret_path(name)

    def pid(self) -> int:
        tracked = procs.read_pidfile(self.layout.pid(self.part.name))
        assert tracked is not None and procs.is_running(tracked), f"{self.kind} copy is not running"
        return tracked.pid

    def start(self) -> None:
        """Launch (the first time: initialise) and wait until it answers as the lab's would."""
        parts.launch(self.layout, self.part)
        deadline = time.monotonic() + READY_WITHIN_S
        while not self.answers():
            if time.monotonic() > deadline:
                tail = procs.log_tail(self.layout.log(self.part.name))
                raise RuntimeError(f"{self.kind} copy did not come up:\n{tail}")
            procs.pause(0.1)

    def answers(self) -> bool:
        return _READY[self.kind](self)

    def stop(self) -> None:
        """Its own stop signal (SIGINT for PostgreSQL, SIGTERM otherwise), SIGKILL if it hangs."""
        with_signal = (self.layout.pid(self.part.name), self.part.stop_signal)
        procs.stop([with_signal], timeout_s=15.0)

    def kill(self) -> None:
        """SIGKILL, as a crash would; the pid file goes with the process."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        procs.stop([(self.layout.pid(self.part.name), signal.SIGKILL)], timeout_s=5.0)

    def freeze(self) -> None:
        os.kill(self.pid(), signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid(), signal.SIGCONT)


class StartCopy(Protocol):
    """The `start` fixture: start a copy of a lab part, stopped when the test ends."""

    def __call__(self, kind: str, secrets_from: Path | None = None) -> Copy: ...


def _http_ready(path: str) -> Callable[[Copy], bool]:
    return lambda copy: health.http_get(f"{copy.url}{path}", timeout_s=1.0)[0] == 200


def _redis_ready(copy: Copy) -> bool:
    return clients.text(clients.redis(copy.layout, copy.port, "PING", role="ro")) == "PONG"


def _mariadb_ready(copy: Copy) -> bool:
    return clients.mysql(copy.layout, "SELECT 1", role="root", timeout_s=5).returncode == 0


def _postgres_ready(copy: Copy) -> bool:
    done = clients.psql(copy.layout, "SELECT 1", role="postgres", timeout_s=5, port=copy.port)
    return done.returncode == 0


_READY: dict[str, Callable[[Copy], bool]] = {
    "prometheus": _http_ready("/-/ready"),
    "alertmanager": _http_ready("/-/ready"),
    "moto": _http_ready("/moto-api/"),
    "redis": _redis_ready,
    "mariadb": _mariadb_ready,
    "postgres": _postgres_ready,
}


def _part(kind: str, port: int) -> parts.Part:
    if kind == "redis":
        server = topology.RedisServer(REDIS_GROUP, port, (REDIS_CLUSTER,))
        return parts.Part(topology.redis_part(REDIS_GROUP), port, "redis-server", redis=server)
    lab_part = parts.BY_NAME[kind]
    return parts.Part(lab_part.name, port, lab_part.token, lab_part.stop_signal)


def _write_configs(copy: Copy) -> None:
    """The files the lab writes for this part, from the lab's generators, with the copy's port."""
    conf = copy.layout.conf
    if copy.part.redis is not None:
        text = configs.redis_conf(copy.layout, copy.part.redis)
        layout.write_private(configs.redis_conf_path(copy.layout, copy.part.redis), text)
    elif copy.kind == "prometheus":
        # its own port for its self-scrape and a port nothing listens on for alerts: the copy
        # scrapes the lab's exporters but never posts alerts to the shared Alertmanager
        document = configs.prometheus_document(copy.layout, copy.port, free_port())
        (conf / "prometheus.yml").write_text(document, encoding="utf-8")
        (conf / "rules.yml").write_text(rules_document(), encoding="utf-8")
    elif copy.kind == "alertmanager":
        (conf / "alertmanager.yml").write_text(configs.alertmanager_document(), encoding="utf-8")


def _seed(copy: Copy) -> None:
    """The console's read-only account (and the lab's others), as the lab's bootstrap makes them."""
    if copy.kind == "mariadb":
        error = seed_mysql.bootstrap(copy.layout)
    elif copy.kind == "postgres":
        error = seed_postgres.bootstrap(copy.layout, copy.port)
    else:
        return
    if error is not None:
        raise RuntimeError(f"{copy.kind} copy: {error}")


def start_copy(kind: str, root: Path, secrets_from: Path | None = None) -> Copy:
    """Initialise, launch and seed a copy of the lab part `kind` under `root`.

    `secrets_from`: a lab's secrets folder whose passwords the copy takes (so one [redis]
    secret serves both the copy and the lab clusters a Prometheus copy discovers).
    """
    copy_layout = layout.Layout(root / kind)
    if secrets_from is not None:
        shutil.copytree(secrets_from, copy_layout.secrets)
    layout.ensure(copy_layout)
    copy_layout.root.chmod(0o755)
    copy = Copy(kind, copy_layout, _part(kind, free_port()))
    _write_configs(copy)
    copy.start()
    _seed(copy)
    return copy


def running_sleeps(mariadb: Copy) -> int:
    """SLEEP statements the copy is running now (asked as root over its socket)."""
    sql = (
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
        "WHERE INFO LIKE '%SLEEP(30)%' AND INFO NOT LIKE '%PROCESSLIST%'"
    )
    done = clients.mysql(mariadb.layout, sql, role="root", timeout_s=5)
    return int(clients.text(done) or 0)


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
