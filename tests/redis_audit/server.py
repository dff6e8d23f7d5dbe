"""A throwaway `redis-server` (free port, temp dir) with the lab's accounts, for tests and bench.

The read-only account gets the lab's own ACL (`configs.REDIS_RO_COMMANDS`), so what passes here
passes on the lab. `replica_of` starts it as a replica of another one and waits for the sync.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis

from console.inventory import Instance
from console.lab import topology
from console.lab.configs import REDIS_RO_COMMANDS

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One running redis-server; `stop()` kills it."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes]
    admin_password: str

    def instance(self, name: str = "luckyus-audit-test", env: str = "production") -> Instance:
        """The server as the console sees a Redis cluster (read-only account, file: secret)."""
        return Instance(
            kind="redis",
            name=name,
            group="Sales/CRM",
            env=env,
            host=HOST,
            port=self.port,
            user=topology.REDIS_RO_USER,
            secret=f"file:{self.directory / 'ro.pass'}",
        )

    def admin(self) -> Redis:
        return Redis(
            host=HOST,
            port=self.port,
            username=topology.REDIS_ADMIN_USER,
            password=self.admin_password,
            decode_responses=True,
        )

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def _config(port: int, directory: Path, admin: str, ro: str, primary: Server | None) -> str:
    lines = [
        f"bind {HOST}",
        f"port {port}",
        f"dir {directory}",
        'save ""',
        "appendonly no",
        "daemonize no",
        f"logfile {directory / 'redis.log'}",
        "user default off",
        f"user {topology.REDIS_ADMIN_USER} on >{admin} ~* &* +@all",
        f"user {topology.REDIS_RO_USER} on >{ro} ~* &* {REDIS_RO_COMMANDS}",
    ]
    if primary is not None:
        lines += [
            f"replicaof {HOST} {primary.port}",
            f"masteruser {topology.REDIS_ADMIN_USER}",
            f"masterauth {primary.admin_password}",
        ]
    return "\n".join(lines) + "\n"


async def _ready(server: Server, replica: bool, timeout_s: float = 20.0) -> None:
    client = server.admin()
    try:
        for _ in range(int(timeout_s / 0.05)):
            try:
                info = await client.info("replication")
                if not replica or info.get("master_link_status") == "up":
                    return
            except (OSError, ConnectionError):
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError(f"redis-server on {server.port} not ready: see {server.directory}")
    finally:
        await client.aclose()


def launch(directory: Path, replica_of: Server | None = None) -> Server:
    """Write the config and start the process (not yet ready: see `start_server`)."""
    directory.mkdir(parents=True, exist_ok=True)
    # a replica shares its primary's accounts, as ElastiCache nodes do
    admin = replica_of.admin_password if replica_of else secrets.token_hex(12)
    ro = (
        (replica_of.directory / "ro.pass").read_text().strip()
        if replica_of
        else secrets.token_hex(12)
    )
    (directory / "ro.pass").write_text(ro + "\n")
    (directory / "ro.pass").chmod(0o600)
    port = free_port()
    conf = directory / "redis.conf"
    conf.write_text(_config(port, directory, admin, ro, replica_of))
    process = subprocess.Popen(
        ["redis-server", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return Server(port, directory, process, admin)


async def start_server(directory: Path, replica_of: Server | None = None) -> Server:
    """Start a redis-server in `directory` (a replica of `replica_of` if given), ready to use."""
    server = launch(directory, replica_of)
    try:
        await _ready(server, replica_of is not None)
    except BaseException:
        server.stop()
        raise
    return server


async def command_calls(client: Redis) -> dict[str, int]:
    """INFO commandstats as {command: calls} (`memory|usage` spelled as Redis 7 does)."""
    stats = await client.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
