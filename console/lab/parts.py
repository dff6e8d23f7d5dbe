"""The lab's parts: what each one is, how it is initialised and launched as a plain process.

A part is one server process with one pid file. Launching never waits: the manager launches all
parts at once and then waits for each to become healthy.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from console.lab import procs, topology
from console.lab.clients import PG_BIN, PG_ROLES, mysql_cnf
from console.lab.configs import redis_conf_path
from console.lab.layout import Layout
from console.lab.procs import spawn

H = topology.HOST


class LaunchError(RuntimeError):
    """A part could not be initialised or launched (the message names what failed)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One process of the lab."""

    name: str
    port: int | None
    token: str
    stop_signal: int = signal.SIGTERM
    redis: topology.RedisServer | None = None


def _all_parts() -> tuple[Part, ...]:
    servers = [
        Part("mariadb", topology.MARIADB_PORT, "mariadbd"),
        Part("postgres", topology.POSTGRES_PORT, "postgres", signal.SIGINT),
    ]
    redis = [
        Part(topology.redis_part(s.group), s.port, "redis-server", redis=s)
        for s in topology.redis_servers()
    ]
    services = [
        Part("redis-exporter", topology.REDIS_EXPORTER_PORT, "redis-exporter"),
        Part("mysqld-exporter", topology.MYSQLD_EXPORTER_PORT, "mysqld-exporter"),
        Part("postgres-exporter", topology.POSTGRES_EXPORTER_PORT, "postgres-exporter"),
        Part("alertmanager", topology.ALERTMANAGER_PORT, "alertmanager"),
        Part("prometheus", topology.PROMETHEUS_PORT, "prometheus"),
        Part("moto", topology.MOTO_PORT, "moto_server"),
    ]
    return (*servers, *redis, *services)


ALL: tuple[Part, ...] = _all_parts()
BY_NAME: dict[str, Part] = {part.name: part for part in ALL}


def _start(layout: Layout, part: Part, argv: list[str], env: dict[str, str] | None = None) -> None:
    layout.data_dir(part.name).mkdir(parents=True, exist_ok=True)
    spawn(
        argv,
        log=layout.log(part.name),
        pidfile=layout.pid(part.name),
        token=part.token,
        env=env,
        cwd=layout.data_dir(part.name),
    )


def _init_step(layout: Layout, part: str, argv: list[str]) -> None:
    """Run a one-off initialisation command, its output appended to the part's log."""
    with layout.log(part).open("ab") as log:
        done = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise LaunchError(f"{part}: `{Path(argv[0]).name}` failed (exit {done.returncode})")


def _launch_mariadb(layout: Layout, part: Part) -> None:
    home = layout.data_dir(part.name)
    home.mkdir(parents=True, exist_ok=True)
    if not (layout.mysql_datadir / "mysql").is_dir():
        shutil.rmtree(layout.mysql_datadir, ignore_errors=True)
        _init_step(
            layout,
            part.name,
            [
                "mariadb-install-db",
                "--no-defaults",
                "--user=root",
                f"--datadir={layout.mysql_datadir}",
                "--skip-test-db",
                "--auth-root-authentication-method=socket",
            ],
        )
    layout.mysql_socket.unlink(missing_ok=True)
    procs.trim_log(layout.mysql_slow_log)  # mariadbd writes it itself, never through spawn
    argv = [
        "mariadbd",
        "--no-defaults",
        "--user=root",
        f"--datadir={layout.mysql_datadir}",
        f"--socket={layout.mysql_socket}",
        f"--pid-file={home / 'mariadbd.pid'}",
        f"--port={part.port}",
        f"--bind-address={H}",
        "--skip-name-resolve",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_general_ci",
        "--performance-schema=ON",
        "--slow-query-log=ON",
        f"--slow-query-log-file={layout.mysql_slow_log}",
        "--long-query-time=0.1",
        f"--max-connections={topology.MARIADB_MAX_CONNECTIONS}",
        "--innodb-buffer-pool-size=128M",
    ]
    _start(layout, part, argv)


def _as_postgres(*argv: str) -> list[str]:
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *argv]


def _launch_postgres(layout: Layout, part: Part) -> None:
    home = layout.data_dir(part.name)
    layout.pg_socket_dir.mkdir(parents=True, exist_ok=True)
    shutil.chown(home, "postgres", "postgres")
    shutil.chown(layout.pg_socket_dir, "postgres", "postgres")
    if not (layout.pg_datadir / "PG_VERSION").exists():
        shutil.rmtree(layout.pg_datadir, ignore_errors=True)
        initdb = [str(PG_BIN / "initdb"), "-D", str(layout.pg_datadir), "-U", "postgres"]
        initdb += ["--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8"]
        _init_step(layout, part.name, _as_postgres(*initdb, "--locale=C.UTF-8"))
    settings = {
        "port": str(part.port),
        "listen_addresses": H,
        "unix_socket_directories": str(layout.pg_socket_dir),
        "shared_preload_libraries": "pg_stat_statements",
        "pg_stat_statements.track": "all",
        "max_connections": "100",
        "track_io_timing": "on",
        "log_min_duration_statement": "200",
        "log_line_prefix": "%m [%p] %q%u@%d ",
    }
    options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
    argv = _as_postgres(str(PG_BIN / "postgres"), "-D", str(layout.pg_datadir), *options)
    _start(layout, part, argv)


def _launch_redis(layout: Layout, part: Part) -> None:
    assert part.redis is not None
    _start(layout, part, ["redis-server", str(redis_conf_path(layout, part.redis))])


def _listen(part: Part) -> str:
    return f"{H}:{part.port}"


def _launch_redis_exporter(layout: Layout, part: Part) -> None:
    argv = ["prometheus-redis-exporter", "-web.listen-address", _listen(part)]
    argv += ["-redis.addr", "", "-connection-timeout", "3s", "-redis-only-metrics"]
    env = {
        "REDIS_USER": topology.REDIS_ADMIN_USER,
        "REDIS_PASSWORD": layout.password("redis-admin.pass"),
    }
    _start(layout, part, argv, env)


def _launch_mysqld_exporter(layout: Layout, part: Part) -> None:
    argv = [
        "prometheus-mysqld-exporter",
        f"--web.listen-address={_listen(part)}",
        f"--config.my-cnf={mysql_cnf(layout, 'exporter')}",
        "--collect.info_schema.processlist",
        "--collect.info_schema.innodb_metrics",
        "--collect.perf_schema.eventsstatements",
    ]
    _start(layout, part, argv)


def _launch_postgres_exporter(layout: Layout, part: Part) -> None:
    user, secret = PG_ROLES["ro"]
    dsn = f"postgresql://{user}:{layout.password(secret)}@{H}:{topology.POSTGRES_PORT}"
    env = {"DATA_SOURCE_NAME": f"{dsn}/postgres?sslmode=disable"}
    argv = ["prometheus-postgres-exporter", f"--web.listen-address={_listen(part)}"]
    _start(layout, part, argv, env)


def _launch_alertmanager(layout: Layout, part: Part) -> None:
    argv = [
        "prometheus-alertmanager",
        f"--config.file={layout.conf / 'alertmanager.yml'}",
        f"--storage.path={layout.data_dir(part.name)}",
        f"--web.listen-address={_listen(part)}",
        "--cluster.listen-address=",
    ]
    _start(layout, part, argv)


def _launch_prometheus(layout: Layout, part: Part) -> None:
    argv = [
        "prometheus",
        f"--config.file={layout.conf / 'prometheus.yml'}",
        f"--storage.tsdb.path={layout.data_dir(part.name)}",
        f"--web.listen-address={_listen(part)}",
        "--web.enable-lifecycle",
        "--storage.tsdb.retention.time=3d",
    ]
    _start(layout, part, argv)


def _launch_moto(layout: Layout, part: Part) -> None:
    moto = Path(sys.executable).parent / "moto_server"
    if not os.access(moto, os.X_OK):
        raise LaunchError(f"moto: {moto} not found (pip install '.[lab]' in the venv)")
    _start(layout, part, [str(moto), "-H", H, "-p", str(part.port)])


def launch(layout: Layout, part: Part) -> None:
    """Initialise (first time only) and start one part, without waiting for it.

    A port already taken (an orphan of another lab, a service apt started) is a clear error:
    otherwise the part would die on bind while the other process answered its health probe.
    """
    if part.port is not None and procs.port_in_use(part.port):
        raise LaunchError(
            f"port {part.port} is already in use by {procs.port_holder(part.port)}; stop that "
            "process (`opsconsole lab down` stops only what this lab started), then `lab up`"
        )
    if part.redis is not None:
        _launch_redis(layout, part)
        return
    launchers = {
        "mariadb": _launch_mariadb,
        "postgres": _launch_postgres,
        "redis-exporter": _launch_redis_exporter,
        "mysqld-exporter": _launch_mysqld_exporter,
        "postgres-exporter": _launch_postgres_exporter,
        "alertmanager": _launch_alertmanager,
        "prometheus": _launch_prometheus,
        "moto": _launch_moto,
    }
    launchers[part.name](layout, part)
