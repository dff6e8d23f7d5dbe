"""Raw redis-py clients: the one place a Redis connection is opened, and nobody's to hand out.

Why a module of its own: a raw client can send any command, past the Redis guard. The shared
read-only clients, the audit's client on a replica and the confirmed change's client on the
write credential are made here, and only the data layer holds this object (`RedisSource`, the
TTL audit, `console.data.changes`); the DataLayer hands out read-only protocols, never this.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from console.config import Timeouts
from console.data.credentials import Credentials
from console.inventory import Instance

if TYPE_CHECKING:
    # imported where used: redis-py costs ~20 MiB and ~0.15 s that a SQL view never needs
    from redis.asyncio import Redis

CLIENT_NAME = "opsconsole"
HANDSHAKE_COMMANDS = frozenset({"HELLO", "AUTH", "CLIENT|SETNAME"})
"""What redis-py sends on every new connection before any command of ours: HELLO with the
credentials (AUTH on older servers), then the name the console is known by in CLIENT LIST.
No CLIENT SETINFO (`driver_info=None`)."""


def _raw_text(response: Any, **_options: Any) -> str:
    """Response callback that keeps INFO as text.

    redis-py's own callback flattens INFO into one dict; the text keeps its sections.
    """
    return response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)


class RedisClients:
    """One lazily created read-only client per instance, plus clients of their own for a
    replica (the audit) and for the write credential (a confirmed change)."""

    def __init__(self, timeouts: Timeouts, credentials: Credentials) -> None:
        self._timeouts = timeouts
        self._credentials = credentials
        self._clients: dict[str, Redis] = {}
        self._creating: dict[str, asyncio.Lock] = {}

    async def shared(self, instance: Instance) -> Redis:
        """The instance's read-only client, created once (concurrent first calls share one)."""
        client = self._clients.get(instance.name)
        if client is not None:
            return client
        async with self._creating.setdefault(instance.name, asyncio.Lock()):
            client = self._clients.get(instance.name)
            if client is None:
                password = await self._credentials.password(instance)
                client = self._new(instance, instance.user, password)
                self._clients[instance.name] = client
        return client

    async def node(self, instance: Instance, host: str, port: int) -> Redis:
        """A new read-only client to another node of `instance` (a replica); caller closes it."""
        password = await self._credentials.password(instance)
        return self._new(replace(instance, host=host, port=port), instance.user, password)

    async def writer(self, instance: Instance) -> Redis:
        """A new client on the instance's write credential; caller closes it."""
        user, password = await self._credentials.write_login(instance)
        return self._new(instance, user, password)

    async def close(self) -> None:
        """Close every shared client and its connections."""
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()

    async def forget(self, instance: Instance) -> None:
        """Drop an instance's shared client (after a fault), so the next call reconnects."""
        client = self._clients.pop(instance.name, None)
        if client is not None:
            await client.aclose()

    def _new(self, instance: Instance, user: str | None, password: str | None) -> Redis:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        client = Redis(
            host=instance.host,
            port=instance.port,
            username=user,
            password=password,
            socket_connect_timeout=self._timeouts.connect_s,
            socket_timeout=self._timeouts.query_s,
            client_name=CLIENT_NAME,
            decode_responses=True,
            retry=Retry(NoBackoff(), 0),  # the poll loop retries; a call fails fast
            driver_info=None,  # no CLIENT SETINFO: a read-only ACL may refuse it
        )
        client.set_response_callback("INFO", _raw_text)
        return client
