"""Turning the lab's workload on and off: its accounts, its process, its sessions, its status.

Why apart from `workload`: that module is the process itself (threads and sockets); this one is
what `lab up`, `lab down`, `lab workload on|off` and `lab status` do about it, in the CLI process.
"""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import dataclass

from console.lab import clients, configs, layout, procs, topology, workload
from console.lab.layout import Layout
from console.lab.scenarios import PACKAGE_ROOT
from console.lab.seed_mysql import quote

PART = "workload"


@dataclass(frozen=True, slots=True)
class WorkloadStatus:
    """The workload as `lab status` shows it."""

    pid: int | None
    detail: str


def _mysql_accounts_sql(lab: Layout) -> str:
    user, secret = workload.MYSQL_ACCOUNT
    account, password = f"'{user}'@'%'", quote(lab.password(secret))
    return (
        f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY {password};\n"
        f"ALTER USER {account} IDENTIFIED BY {password} WITH MAX_USER_CONNECTIONS 40;\n"
        f"GRANT SELECT ON salesorder.* TO {account};\n"
        f"GRANT SELECT, UPDATE ON salespayment.* TO {account};\n"
    )


def _postgres_accounts_sql(lab: Layout) -> str:
    user, secret = workload.PG_ACCOUNT
    app = clients.PG_ROLES["app"][0]
    password = quote(lab.password(secret))
    return (
        f"SELECT 'CREATE ROLE {user}' WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT FROM pg_roles WHERE rolname = '{user}')\\gexec\n"
        f"ALTER ROLE {user} WITH LOGIN PASSWORD {password} CONNECTION LIMIT 40;\n"
        f"GRANT {app} TO {user};\n"
    )


def _redis_acl(lab: Layout) -> tuple[str, ...]:
    user, secret = workload.REDIS_ACCOUNT
    digest = configs.sha256(lab.password(secret))
    return ("ACL", "SETUSER", user, "reset", "on", f"#{digest}", "~*",
            *configs.REDIS_APP_COMMANDS.split())  # fmt: skip


def ensure_accounts(lab: Layout) -> str | None:
    """Create (or refresh) the workload's application accounts; an error message, or None.

    Idempotent, as admin: a lab seeded before the workload existed gets them too, and a Redis
    server started from an older config learns its ACL user at run time.
    """
    done = clients.mysql(lab, _mysql_accounts_sql(lab))
    if done.returncode != 0:
        return f"MariaDB account: {clients.errors(done)}"
    done = clients.psql(lab, _postgres_accounts_sql(lab))
    if done.returncode != 0:
        return f"PostgreSQL role: {clients.errors(done)}"
    for server in topology.redis_servers():
        if server.group in workload.REDIS_GROUPS:
            done = clients.redis(lab, server.port, *_redis_acl(lab))
            if done.returncode != 0 or clients.text(done) != "OK":
                return f"Redis {server.group} ACL: {clients.errors(done) or clients.text(done)}"
    return None


def running(lab: Layout) -> procs.Tracked | None:
    return procs.running(lab.pid(PART))


def start(lab: Layout) -> int | str:
    """Start the workload unless it runs: its pid, or an error message (`procs.spawn` returns
    once the child runs its own program, so its pid file may be probed at once)."""
    tracked = running(lab)
    if tracked is not None:
        return tracked.pid
    layout.ensure(lab)
    error = ensure_accounts(lab)
    if error is not None:
        return error
    argv = [sys.executable, "-m", "console.lab.workload", str(lab.root)]
    return procs.spawn(
        argv,
        log=lab.log(PART),
        pidfile=lab.pid(PART),
        token=workload.TOKEN,
        env={"PYTHONPATH": str(PACKAGE_ROOT)},
    )


def stop(lab: Layout) -> bool:
    """Stop the process and end the sessions it leaves behind; True if it was running.

    A closed MariaDB client does not interrupt its server-side SLEEP, so the sessions are
    killed as admin (the workload's own accounts only).
    """
    was_running = running(lab) is not None
    procs.stop([(lab.pid(PART), signal.SIGTERM)], timeout_s=10.0)
    (lab.run / workload.STATE_FILE).unlink(missing_ok=True)
    if procs.running(lab.pid("mariadb")) is not None:
        user = workload.MYSQL_ACCOUNT[0]
        ids = clients.text(
            clients.mysql(
                lab,
                f"SELECT id FROM information_schema.processlist WHERE user = '{user}'",  # noqa: S608
            )
        ).split()
        if ids:
            clients.mysql(lab, "".join(f"KILL {i};" for i in ids if i.isdigit()))
    if procs.running(lab.pid("postgres")) is not None:
        user = workload.PG_ACCOUNT[0]
        clients.psql(
            lab,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{user}'",  # noqa: S608
        )
    return was_running


def status(lab: Layout) -> WorkloadStatus:
    tracked = running(lab)
    if tracked is None:
        return WorkloadStatus(None, "off (`lab workload on` starts it)")
    try:
        state = json.loads((lab.run / workload.STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return WorkloadStatus(tracked.pid, "on, starting")
    groups = len(workload.REDIS_GROUPS)
    return WorkloadStatus(
        tracked.pid,
        f"on: {state.get('mariadb', 0)} MariaDB and {state.get('postgres', 0)} PostgreSQL "
        f"sessions, Redis traffic on {groups} servers ({state.get('redis_ops', 0)} ops so far)",
    )
