"""Secret references: `env:VAR`, `file:PATH`, `secretsmanager:ID`, `rds-iam`, `none`.

config.toml never holds a password, only where to find one. Local references (env, file) are
resolved here; AWS ones (Secrets Manager, RDS IAM tokens) by the data layer when it connects.
Resolved values are `SecretStr` (never printed or repr'd) and registered for redaction.

Why our own `SecretStr`: it is all the console used of pydantic's besides the config, and a
dozen lines here spare every launch pydantic's import (see console/config.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

from console.errors import ConfigError, SecretError
from console.safety.redact import register_secret

Scheme = Literal["env", "file", "secretsmanager", "rds-iam", "none"]
SECRET_REF_HELP = "a secret reference: env:VAR, file:PATH, secretsmanager:ID, rds-iam or none"
MASK = "**********"


class SecretStr:
    """A resolved password or token: str(), repr() and f-strings show `**********`, never the
    value; only `get_secret_value()` gives it (to the driver that logs in with it)."""

    __slots__ = ("_value",)  # no __dict__ for vars() to show

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __str__(self) -> str:
        return MASK if self._value else ""

    def __repr__(self) -> str:
        return f"SecretStr({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def parse_reference(ref: str) -> tuple[Scheme, str]:
    """Split a reference into scheme and value; raise ValueError for anything else."""
    if ref in ("rds-iam", "none"):
        return ref, ""  # type: ignore[return-value]
    scheme, sep, value = ref.partition(":")
    if sep and value and scheme in ("env", "file", "secretsmanager"):
        return scheme, value  # type: ignore[return-value]
    raise ValueError(
        "is not a secret reference (an inline password is never accepted in config.toml)"
    )


def check_reference(ref: str) -> None:
    """Validate the shape of a reference (used by config validation)."""
    parse_reference(ref)


def is_local(ref: str) -> bool:
    return parse_reference(ref)[0] in ("env", "file", "none")


def resolve_local(ref: str) -> SecretStr | None:
    """Resolve env:/file:/none; None for `none`. Raise SecretError, never showing the value."""
    scheme, value = parse_reference(ref)
    if scheme == "none":
        return None
    if scheme == "env":
        secret = os.environ.get(value)
        if secret is None:
            raise SecretError(f"environment variable {value} is not set")
    elif scheme == "file":
        try:
            secret = Path(value).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretError(f"file {value} cannot be read ({exc.strerror})") from None
    else:
        raise SecretError(f"{scheme} secrets are resolved by the data layer, not locally")
    register_secret(secret)
    return SecretStr(secret)


def check_resolvable(refs_to_keys: dict[str, str], config_file: str) -> None:
    """Stop early, naming the config key, when a local secret reference cannot be resolved."""
    for ref, key in refs_to_keys.items():
        if not is_local(ref):
            continue
        try:
            resolve_local(ref)
        except SecretError as exc:
            hint = "the file or variable it names"
            if "/.lab/" in ref:
                hint += "; `opsconsole lab up` creates the lab's secrets"
            raise ConfigError(config_file, key, str(exc), hint) from None


def exposed_secret_files(refs: dict[str, str]) -> list[str]:
    """The file: secrets that every user of the machine may read (each deserves a chmod)."""
    exposed = []
    for ref in refs:
        scheme, value = parse_reference(ref)
        if scheme == "file" and readable_by_others(Path(value)):
            exposed.append(value)
    return exposed


def readable_by_others(path: Path) -> bool:
    """True when any user of the machine may read the file (a warning for config and secret
    files).

    Why not the group: on a jump host the team's config (/etc/opsconsole, root:TEAMGROUP 0640)
    and any secret the team shares are meant for the group; a warning on every run would teach
    the team to ignore it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH)
