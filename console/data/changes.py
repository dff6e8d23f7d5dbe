"""The one way a change reaches a server: a confirmed `Action`, on the write credential.

Why a module of its own: the sources only read (read-only account, read-only session), so no
object the DataLayer hands out can write. `QueryRunner.execute` holds the only `Changes`, and it
calls `apply` only after the consent check; each change gets a connection (or client) of its
own, single-statement, autocommit, closed right after.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from console.config import Timeouts
from console.data.calls import fetch, refused
from console.data.credentials import Credentials
from console.data.models import Reading, WriteOutcome
from console.data.sources.mysql import single_statements
from console.data.sources.postgres import APPLICATION_NAME
from console.data.sources.redis import reply_lines
from console.data.sources.redis_clients import RedisClients
from console.data.sqlrows import to_int
from console.inventory import Instance, not_a_server
from console.safety.confirm import Action
from console.safety.scrub import scrub

REPLY_SHOWN = 20
"""A change's reply is kept up to this many rows or replies."""


class Changes:
    """Runs confirmed actions: MySQL/MariaDB, PostgreSQL or Redis, by the instance's kind."""

    def __init__(self, timeouts: Timeouts, credentials: Credentials, redis: RedisClients) -> None:
        self._timeouts = timeouts
        self._credentials = credentials
        self._redis = redis

    async def apply(self, instance: Instance, action: Action) -> Reading[WriteOutcome]:
        """Run the action's statement (or Redis commands) once; the caller audits it. An AWS
        kind is refused: nothing is ever sent to one (`QueryRunner` refuses it first)."""
        if instance.is_aws:
            return refused(instance.name, "aws", not_a_server(instance))
        if instance.kind == "redis":
            commands = action.batch or (action.command,)
            return await fetch(
                instance.name,
                "redis",
                self._timeouts.query_s,
                lambda: self._redis_run(instance, commands),
            )
        if instance.kind == "postgres":
            return await fetch(
                instance.name,
                "postgres",
                self._timeouts.query_s,
                lambda: self._postgres(instance, action.statement),
            )
        return await fetch(
            instance.name,
            "mysql",
            self._timeouts.query_s,
            lambda: self._mysql(instance, action.statement),
        )

    async def _mysql(self, instance: Instance, statement: str) -> WriteOutcome:
        import asyncmy  # deferred, as in the MySQL source's pools

        user, password = await self._credentials.write_login(instance)
        conn = await asyncmy.connect(
            host=instance.host,
            port=instance.port,
            user=user,
            password=password or "",
            database=instance.database,
            connect_timeout=max(1, round(self._timeouts.connect_s)),
            autocommit=True,
        )
        try:
            await single_statements(conn)
            async with conn.cursor() as cursor:
                affected = await cursor.execute(statement)
        finally:
            conn.close()
        return WriteOutcome(scrub(statement), to_int(affected))

    async def _postgres(self, instance: Instance, statement: str) -> WriteOutcome:
        """A prepared statement (extended protocol) holds exactly one statement: stacked ones
        fail on the server."""
        import asyncpg

        user, password = await self._credentials.write_login(instance)
        conn = await asyncpg.connect(
            host=instance.host,
            port=instance.port,
            user=user,
            password=password,
            database=instance.database,
            timeout=self._timeouts.connect_s,
            command_timeout=self._timeouts.query_s,
            server_settings={"application_name": APPLICATION_NAME},
        )
        try:
            prepared = await conn.prepare(statement)
            records = await prepared.fetch()
            status = prepared.get_statusmsg() or ""
        finally:
            await conn.close()
        count = status.rsplit(" ", 1)[-1]
        reply = tuple(scrub(" ".join(str(v) for v in r.values())) for r in records[:REPLY_SHOWN])
        return WriteOutcome(
            scrub(statement), int(count) if count.isdigit() else None, (status, *reply)
        )

    async def _redis_run(
        self, instance: Instance, commands: Sequence[Sequence[str]]
    ) -> WriteOutcome:
        """One command, or a remediation plan's batch (one pipeline, no MULTI)."""
        client = await self._redis.writer(instance)
        try:
            async with client.pipeline(transaction=False) as pipe:
                for argv in commands:
                    pipe.execute_command(*argv)
                replies: list[Any] = await pipe.execute(raise_on_error=True)
        finally:
            await client.aclose()
        lines = [line for reply in replies[:REPLY_SHOWN] for line in reply_lines(reply)]
        text = " ; ".join(" ".join(argv) for argv in commands[:3])
        more = f" ; ... {len(commands) - 3} more" if len(commands) > 3 else ""
        return WriteOutcome(scrub(text + more), None, tuple(scrub(x) for x in lines))
