"""Secret references resolved by the data layer: local ones, and AWS ones against moto's server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aioboto3
import pytest

from console.data.aws.clients import AwsClients
from console.data.credentials import Credentials
from console.errors import SecretError
from console.inventory import Instance
from console.lab import topology
from console.safety.redact import redact
from console.secrets import resolve_local

MOTO = f"http://{topology.HOST}:{topology.MOTO_PORT}"
BASE = Instance(
    "mysql",
    "aws-luckyus-fitax-rw",
    "Finance",
    "production",
    "db.example",
    3306,
    "opsconsole_ro",
    "none",
)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


async def test_env_and_file_references(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPSCONSOLE_TEST_PW", "env-Secret-1")
    secret_file = tmp_path / "pw"
    secret_file.write_text("file-Secret-2\n")
    credentials = Credentials(None)
    assert (
        await credentials.password(replace(BASE, secret="env:OPSCONSOLE_TEST_PW")) == "env-Secret-1"
    )
    assert (
        await credentials.password(replace(BASE, secret=f"file:{secret_file}")) == "file-Secret-2"
    )
    assert await credentials.password(BASE) is None
    assert "file-Secret-2" not in redact("login failed for file-Secret-2")


def test_a_resolved_secret_never_shows_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A password in a traceback, a log line or a debugger's repr is a leak: only the driver's
    login gets the value."""
    monkeypatch.setenv("OPSCONSOLE_TEST_PW", "env-Secret-1")
    secret = resolve_local("env:OPSCONSOLE_TEST_PW")
    assert secret is not None and secret.get_secret_value() == "env-Secret-1"
    logged = {"password": secret}
    shown = f"{secret} {secret!r} {[secret]} {logged}"
    assert "env-Secret-1" not in shown
    assert str(secret) == "**********" and repr(secret) == "SecretStr('**********')"
    assert resolve_local("none") is None


async def test_aws_reference_without_aws_is_a_clear_error() -> None:
    with pytest.raises(SecretError, match="AWS is not configured"):
        await Credentials(None).password(replace(BASE, secret="secretsmanager:x"))


@pytest.mark.lab
@pytest.mark.usefixtures("aws_env", "lab_dir")
async def test_secrets_manager_reference_resolves_through_moto() -> None:
    session = aioboto3.Session(region_name="us-east-1")
    async with session.client("secretsmanager", endpoint_url=MOTO) as client:
        await client.create_secret(Name="opsconsole/test-ro", SecretString="Sm-Secret-3")
    try:
        credentials = Credentials(AwsClients("us-east-1", MOTO))
        instance = replace(BASE, secret="secretsmanager:opsconsole/test-ro")
        assert await credentials.password(instance) == "Sm-Secret-3"
        assert "Sm-Secret-3" not in redact("token Sm-Secret-3 leaked")
    finally:
        async with session.client("secretsmanager", endpoint_url=MOTO) as client:
            await client.delete_secret(
                SecretId="opsconsole/test-ro", ForceDeleteWithoutRecovery=True
            )


@pytest.mark.usefixtures("aws_env")
async def test_rds_iam_reference_signs_a_token_locally() -> None:
    credentials = Credentials(AwsClients("us-east-1", None))
    token = await credentials.password(replace(BASE, secret="rds-iam"))
    assert token is not None
    assert token.startswith("db.example:3306/?Action=connect")
    assert "DBUser=opsconsole_ro" in token
    assert "X-Amz-Signature" not in redact(f"connect failed with {token}")
