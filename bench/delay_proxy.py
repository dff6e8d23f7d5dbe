"""A small delaying TCP proxy for benchmarks: each listener adds a fixed latency per chunk.

Run as a separate process so its work does not share the measured event loop. Reads a JSON
list of [target_host, target_port, delay_ms] on stdin (target_port 0 = a dead host that
accepts and never answers), prints the JSON list of the ports it listens on, one per route,
once every listener is bound, and runs until stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while chunk := await reader.read(65536):
            await asyncio.sleep(delay)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def _handler(host: str, port: int, delay: float):  # type: ignore[no-untyped-def]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if port == 0:  # dead host: accept, never answer
            await reader.read()
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pump(reader, up_writer, delay), _pump(up_reader, writer, delay))

    return handle


async def main() -> None:
    routes = json.loads(sys.stdin.readline())
    servers = [
        await asyncio.start_server(_handler(host, port, delay_ms / 1000), "127.0.0.1", 0)
        for host, port, delay_ms in routes
    ]
    print(json.dumps([s.sockets[0].getsockname()[1] for s in servers]), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for server in servers:
        server.close()


def start(routes: list[tuple[str, int, int]]) -> tuple[subprocess.Popen[str], list[int]]:
    """This proxy as a child process for `routes` (host, port, delay_ms); its ports, in order.

    The benchmarks call this; closing the child's stdin (or terminating it) stops it.
    """
    proxy = subprocess.Popen(
        [sys.executable, str(Path(__file__))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proxy.stdin is not None
    assert proxy.stdout is not None
    proxy.stdin.write(json.dumps(routes) + "\n")
    proxy.stdin.flush()
    return proxy, [int(port) for port in json.loads(proxy.stdout.readline())]


if __name__ == "__main__":
    asyncio.run(main())
