"""Every secret reference of a config, resolved without showing it: ok, missing or unreadable.

Why a check apart from start-up: on a jump host the config is the team's and the secrets are
each member's (an env var, a file only they may read, their AWS role); `opsconsole config check`
tells a member which ones they can use before the console needs them, per instance kind and
read or write, naming the config key. A resolved value is dropped at once, never printed.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from console.config import Settings
from console.data.layer import DataLayer
from console.secrets import parse_reference

Status = Literal["ok", "missing", "unreadable"]
Role = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class SecretCheck:
    """One reference of one role: who uses it, where it is configured, and its state."""

    kinds: tuple[str, ...]
    role: Role
    key: str
    reference: str
    status: Status
    detail: str = ""


@dataclass(frozen=True, slots=True)
class _Use:
    kind: str
    role: Role
    ref: str
    host: str
    port: int
    user: str


def _uses(settings: Settings) -> list[_Use]:
    """Every (kind, role, reference) the config holds: its instances' and the discovered
    Redis clusters' (the kind's own), each with one instance to sign an RDS IAM token for."""
    uses = []
    for i in settings.fleet.instances:
        uses.append(_Use(i.kind, "read", i.secret, i.host, i.port, i.user or ""))
        if i.write_secret is not None:
            uses.append(_Use(i.kind, "write", i.write_secret, i.host, i.port, i.write_user or ""))
    redis = settings.redis_defaults
    uses.append(_Use("redis", "read", settings.redis_secret, redis.host, redis.port, ""))
    if settings.redis_write_secret is not None:
        uses.append(_Use("redis", "write", settings.redis_write_secret, redis.host, redis.port, ""))
    return uses


def _key(settings: Settings, use: _Use) -> str:
    keys = settings.secret_keys if use.role == "read" else settings.write_secret_keys
    field = "secret" if use.role == "read" else "write_secret"
    return keys.get(use.ref, f"{use.kind}.{field}")


async def check_secrets(settings: Settings) -> list[SecretCheck]:
    """One SecretCheck per distinct (role, reference), in config order; AWS ones asked
    concurrently, each bounded by [aws] call_timeout_s."""
    groups: dict[tuple[Role, str], list[_Use]] = {}
    for use in _uses(settings):
        groups.setdefault((use.role, use.ref), []).append(use)
    async with DataLayer(settings) as data:
        states = await asyncio.gather(*(_state(data, uses[0]) for uses in groups.values()))
    return [
        SecretCheck(
            kinds=_distinct(use.kind for use in uses),
            role=role,
            key=_key(settings, uses[0]),
            reference=ref,
            status=status,
            detail=detail,
        )
        for ((role, ref), uses), (status, detail) in zip(groups.items(), states, strict=True)
    ]


def _distinct(kinds: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(kinds))


async def _state(data: DataLayer, use: _Use) -> tuple[Status, str]:
    scheme, _ = parse_reference(use.ref)
    if scheme == "none":
        return "ok", "no password"
    if scheme == "env":
        return local_state(use.ref)
    if scheme == "file":
        return await asyncio.to_thread(local_state, use.ref)
    return await data.aws_secret_state(use.ref, (use.host, use.port, use.user))


def local_state(ref: str) -> tuple[Status, str]:
    """env: and file: references, read here (a file read runs in a thread)."""
    scheme, value = parse_reference(ref)
    if scheme == "env":
        if os.environ.get(value) is None:
            return "missing", f"environment variable {value} is not set"
        return "ok", ""
    path = Path(value)
    try:
        with path.open("rb") as handle:
            empty = not handle.read().strip()
    except FileNotFoundError:
        return "missing", "no such file"
    except IsADirectoryError:
        return "unreadable", "is a folder"
    except OSError as exc:
        return "unreadable", str(exc.strerror or exc).lower()
    return ("missing", "the file is empty") if empty else ("ok", "")
