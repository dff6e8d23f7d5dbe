"""The servers' own CLI clients (`mariadb`, `psql`, `redis-cli`), run with passwords kept off argv.

MariaDB reads a 0600 defaults file, psql gets PGPASSWORD and redis-cli REDISCLI_AUTH in its
environment, so `ps` never shows a password.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from console.lab import topology
from console.lab.layout import Layout, write_if_changed

PG_BIN = Path("/usr/lib/postgresql/15/bin")

# MariaDB accounts: role -> (user, secret file). "root" is the socket-authenticated superuser.
MYSQL_ROLES: dict[str, tuple[str, str]] = {
    "admin": (topology.MYSQL_ADMIN_USER, "mysql-admin.pass"),
    "ro": (topology.MYSQL_RO_USER, "mysql-ro.pass"),
    "app": ("salesorder_app", "mysql-app.pass"),
    "report": ("bi_report", "mysql-app.pass"),
    "storm": ("member_api", "mysql-app.pass"),
    "exporter": ("mysqld_exporter", "mysql-exporter.pass"),
}
PG_ROLES: dict[str, tuple[str, str]] = {
    "admin": (topology.POSTGRES_ADMIN_USER, "postgres-admin.pass"),
    "ro": (topology.POSTGRES_RO_USER, "postgres-ro.pass"),
    "app": ("dify_app", "postgres-app.pass"),
}
REDIS_ROLES: dict[str, tuple[str, str]] = {
    "admin": (topology.REDIS_ADMIN_USER, "redis-admin.pass"),
    "ro": (topology.REDIS_RO_USER, "redis-ro.pass"),
}


def run(
    argv: Sequence[str],
    *,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
) -> subprocess.CompletedProcess[bytes]:
    """Run a client to completion; output is captured, never raised on a non-zero exit."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    try:
        return subprocess.run(
            list(argv),
            input=data,
            capture_output=True,
            env={**os.environ, **(env or {})},
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        message = f"timed out after {timeout_s:g}s: {argv[0]}".encode()
        return subprocess.CompletedProcess(list(argv), 124, exc.stdout or b"", message)


def text(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", errors="replace").strip()


def errors(result: subprocess.CompletedProcess[bytes]) -> str:
    return (result.stderr or result.stdout).decode("utf-8", errors="replace").strip()


# --- MariaDB ---------------------------------------------------------------------------------


def mysql_cnf(layout: Layout, role: str) -> Path:
    """A 0600 client defaults file for `role` (written on demand, in secrets/)."""
    user, secret = MYSQL_ROLES[role]
    path = layout.secret_path(f"mysql-{role}.cnf")
    body = (
        f"[client]\nuser={user}\npassword={layout.password(secret)}\n"
        f"host={topology.HOST}\nport={topology.MARIADB_PORT}\nprotocol=TCP\n"
    )
    write_if_changed(path, body, private=True)
    return path


def mysql_argv(layout: Layout, role: str, *extra: str) -> list[str]:
    """argv for the `mariadb` client as `role` ("root" uses the unix socket)."""
    if role == "root":
        head = ["mariadb", "--no-defaults", f"--socket={layout.mysql_socket}", "-uroot"]
    else:
        head = ["mariadb", f"--defaults-file={mysql_cnf(layout, role)}"]
    return [*head, "--batch", "--skip-column-names", *extra]


def mysql(
    layout: Layout, sql: str, *, role: str = "admin", timeout_s: float = 60.0
) -> subprocess.CompletedProcess[bytes]:
    return run(mysql_argv(layout, role), stdin=sql, timeout_s=timeout_s)


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_env(layout: Layout, role: str) -> dict[str, str]:
    user, secret = PG_ROLES[role]
    return {"PGUSER": user, "PGPASSWORD": layout.password(secret), "PGCONNECT_TIMEOUT": "3"}


def psql_argv(
    layout: Layout, role: str, database: str, port: int = topology.POSTGRES_PORT
) -> list[str]:
    """argv for `psql` as `role` over TCP ("postgres" is the trusted socket superuser).

    `port`: the lab's server by default; a fault test's throwaway copy passes its own.
    """
    host = str(layout.pg_socket_dir) if role == "postgres" else topology.HOST
    argv = [str(PG_BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
    argv += ["-h", host, "-p", str(port), "-d", database]
    return [*argv, "-U", "postgres"] if role == "postgres" else argv


def psql(
    layout: Layout,
    sql: str,
    *,
    role: str = "admin",
    database: str = "postgres",
    timeout_s: float = 60.0,
    port: int = topology.POSTGRES_PORT,
) -> subprocess.CompletedProcess[bytes]:
    env = {} if role == "postgres" else pg_env(layout, role)
    argv = psql_argv(layout, role, database, port)
    return run(argv, stdin=sql, env=env, timeout_s=timeout_s)


# --- Redis -----------------------------------------------------------------------------------


def redis_argv(port: int, role: str, *args: str) -> list[str]:
    user = REDIS_ROLES[role][0]
    head = ["redis-cli", "-h", topology.HOST, "-p", str(port), "--user", user]
    return [*head, "--no-auth-warning", *args]


def redis_env(layout: Layout, role: str) -> dict[str, str]:
    return {"REDISCLI_AUTH": layout.password(REDIS_ROLES[role][1])}


def redis(
    layout: Layout,
    port: int,
    *args: str,
    role: str = "admin",
    stdin: bytes | None = None,
    timeout_s: float = 30.0,
) -> subprocess.CompletedProcess[bytes]:
    argv = redis_argv(port, role, *args)
    return run(argv, stdin=stdin, env=redis_env(layout, role), timeout_s=timeout_s)


def redis_pipe(layout: Layout, port: int, payload: bytes) -> subprocess.CompletedProcess[bytes]:
    """Mass-insert RESP commands with `redis-cli --pipe` as admin."""
    return redis(layout, port, "--pipe", stdin=payload, timeout_s=120.0)


def resp(*args: str | bytes | int) -> bytes:
    """One command in the Redis protocol, for `--pipe`."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = arg if isinstance(arg, bytes) else str(arg).encode("utf-8")
        parts.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(parts)
