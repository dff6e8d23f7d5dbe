"""Resolve an instance's secret reference to a password, only inside the data layer.

env:/file: are read locally; secretsmanager: and rds-iam go to AWS (aioboto3, imported only
when first needed). Values are cached per reference for the process and registered for
redaction, so no error message or log line can show them.
"""

from __future__ import annotations

import asyncio
from typing import Literal, Protocol

from console.errors import SecretError
from console.inventory import Instance
from console.safety.redact import register_secret
from console.safety.scrub import scrub
from console.secrets import SecretStr, parse_reference, resolve_local


class AwsSecrets(Protocol):
    """What the credential resolver needs from AWS."""

    async def secret_value(self, secret_id: str) -> str: ...

    async def rds_auth_token(self, host: str, port: int, user: str) -> str: ...


class Credentials:
    """Password lookup for every instance; one resolution per reference (IAM tokens excepted)."""

    def __init__(self, aws: AwsSecrets | None) -> None:
        self._aws = aws
        self._cache: dict[str, SecretStr | None] = {}

    async def password(self, instance: Instance) -> str | None:
        """The instance's password (or IAM token); raises SecretError with no secret in it."""
        return await self._password(instance, instance.secret, instance.user)

    async def write_login(self, instance: Instance) -> tuple[str | None, str | None]:
        """The user and password of confirmed writes; SecretError when none is configured."""
        if instance.write_secret is None:
            raise SecretError(
                f"{instance.name}: no write credential is configured "
                f"({instance.kind}.write_user / write_secret in config.toml); "
                "the console stays read-only here"
            )
        user = instance.write_user
        return user, await self._password(instance, instance.write_secret, user)

    async def _password(self, instance: Instance, ref: str, user: str | None) -> str | None:
        scheme, value = parse_reference(ref)
        if scheme == "rds-iam":
            token = await self._require_aws("rds-iam").rds_auth_token(
                instance.host, instance.port, user or ""
            )
            register_secret(token)
            return token
        if ref not in self._cache:
            self._cache[ref] = await self._resolve(scheme, value, ref)
        cached = self._cache[ref]
        return None if cached is None else cached.get_secret_value()

    async def _resolve(self, scheme: str, value: str, ref: str) -> SecretStr | None:
        if scheme == "secretsmanager":
            secret = await self._require_aws(ref).secret_value(value)
            register_secret(secret)
            return SecretStr(secret)
        return resolve_local(ref)

    def _require_aws(self, what: str) -> AwsSecrets:
        if self._aws is None:
            raise SecretError(f"{what}: AWS is not configured for this profile")
        return self._aws


SecretState = tuple[Literal["ok", "missing", "unreadable"], str]
_MISSING_CODES = frozenset({"ResourceNotFoundException"})
_PLAIN = {
    "NoCredentialsError": "no AWS credentials for this user",
    "EndpointConnectionError": "AWS endpoint unreachable",
    "NoRegionError": "no AWS region",
}


async def aws_reference_state(
    aws: AwsSecrets, ref: str, login: tuple[str, int, str], timeout_s: float
) -> SecretState:
    """Whether AWS gives this user a secretsmanager: or rds-iam reference, within `timeout_s`:
    ok, missing (no such secret) or unreadable (no credentials, denied, no answer), with the
    reason. The value itself is dropped at once: `config check` must never show one."""
    from console.data.aws.clients import error_code  # deferred: botocore

    scheme, value = parse_reference(ref)
    try:
        async with asyncio.timeout(timeout_s):
            if scheme == "secretsmanager":
                await aws.secret_value(value)
            else:
                await aws.rds_auth_token(*login)
    except TimeoutError:
        return "unreadable", f"AWS did not answer within {timeout_s:g} s"
    except Exception as exc:  # any AWS failure (no credentials, denied...) is its state
        code = error_code(exc)
        status: Literal["missing", "unreadable"] = (
            "missing" if code in _MISSING_CODES else "unreadable"
        )
        name = type(exc).__name__
        return status, scrub(code or _PLAIN.get(name, name))
    return "ok", ""
