"""Fault fixtures for the data-layer tests: a port that accepts and never answers, a closed port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest


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
def closed_port() -> int:
    """A port nothing listens on (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
