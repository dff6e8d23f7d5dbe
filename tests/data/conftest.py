"""Data-layer fixtures: fault ports (silent, closed) and the lab's Sales/CRM Redis (isales-market)
as the console reaches it (read-only account) and as test setup does (admin)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest
from redis.asyncio import Redis

from console.config import Settings, load_settings
from console.inventory import Instance
from console.lab import topology
from tests.conftest import ROOT


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never writes a byte."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    try:
        yield port
    finally:
        for writer in held:
            writer.close()
        server.close()


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    """The lab profile loaded without the lab (for what never connects); state and audit log
    in tmp."""
    loaded = load_settings(ROOT / "config.toml", "lab")
    console = msgspec.structs.replace(
        loaded.console, state_dir=str(tmp_path / "state"), audit_log=str(tmp_path / "audit.jsonl")
    )
    return replace(loaded, console=console)


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sales_port() -> int:
    """The lab Redis server of the Sales/CRM group (it serves luckyus-isales-market)."""
    return next(s.port for s in topology.redis_servers() if s.group == "Sales/CRM")


@pytest.fixture
def market(lab_dir: Path) -> Instance:
    """luckyus-isales-market as the lab profile names it (read-only account)."""
    return Instance(
        kind="redis",
        name="luckyus-isales-market",
        group="Sales/CRM",
        env="production",
        host=topology.HOST,
        port=sales_port(),
        user=topology.REDIS_RO_USER,
        secret=f"file:{lab_dir}/secrets/redis-ro.pass",
    )


@pytest.fixture
async def lab_admin(lab_dir: Path) -> AsyncIterator[Redis]:
    """An admin client on the lab's Sales/CRM server, for test setup only (the console only
    ever uses the read-only account)."""
    client = Redis(
        host=topology.HOST,
        port=sales_port(),
        username=topology.REDIS_ADMIN_USER,
        password=(lab_dir / "secrets" / "redis-admin.pass").read_text().strip(),
        decode_responses=True,
    )
    yield client
    await client.aclose()
