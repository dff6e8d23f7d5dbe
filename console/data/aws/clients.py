"""AWS through aioboto3: the lazy session, client settings, secrets, and AWS error readings.

aioboto3 (and botocore) cost ~0.4 s to import, so they are imported on the first AWS call only.
The lab points `endpoint_url` at moto's server (with static test keys); production uses the
standard credential chain and the configured region. The AWS modules (`discovery`,
`cloudwatch`, `logs`, `cost`) open their clients here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from typing import Any, TypeVar

from console.data.calls import fetch
from console.data.errors import classify
from console.data.models import ErrorKind, Reading, SourceError

T = TypeVar("T")

_AUTH_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "AuthFailure",
    }
)
_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
_BUSY_CODES = frozenset({"Throttling", "ThrottlingException", "LimitExceededException"})


class AwsClients:
    """Lazily created aioboto3 session; one client per call (AWS calls are rare)."""

    def __init__(
        self,
        region: str,
        endpoint_url: str | None,
        *,
        connect_timeout_s: float = 3.0,
        read_timeout_s: float = 10.0,
        test_credentials: bool = False,
    ) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._test_credentials = test_credentials
        self._session: Any = None
        self._config: Any = None
        self._creating = asyncio.Lock()
        self._shared: dict[str, Any] = {}
        self._open = AsyncExitStack()

    @asynccontextmanager
    async def client(self, service: str) -> AsyncIterator[Any]:
        """An async client (`async with aws.client("rds") as rds:`); the first one imports
        aioboto3 in a worker thread, so the event loop never waits on the import."""
        if self._session is None:
            async with self._creating:
                if self._session is None:
                    self._session, self._config = await asyncio.to_thread(self._new_session)
        async with self._session.client(
            service, endpoint_url=self.endpoint_url, config=self._config
        ) as client:
            yield client

    async def shared(self, service: str) -> Any:
        """One long-lived client of `service`, made on first use and closed by `close()`.

        Why: the AWS kinds are listed every fleet sweep, and making a client runs on the event
        loop (an EC2 client ~0.25 s: its model has hundreds of operations); made once per data
        layer, the sweep's probes are not held up by it each time."""
        client = self._shared.get(service)
        if client is None:
            async with self._creating:
                if self._session is None:
                    self._session, self._config = await asyncio.to_thread(self._new_session)
                client = self._shared.get(service)
                if client is None:
                    made = self._session.client(
                        service, endpoint_url=self.endpoint_url, config=self._config
                    )
                    client = self._shared[service] = await self._open.enter_async_context(made)
        return client

    async def close(self) -> None:
        """Close the shared clients (their connection pools belong to this loop)."""
        self._shared.clear()
        await self._open.aclose()

    def _new_session(self) -> tuple[Any, Any]:
        import aioboto3
        from botocore.config import Config  # type: ignore[import-untyped]

        keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        session = aioboto3.Session(
            region_name=self.region, **(keys if self._test_credentials else {})
        )
        config = Config(
            connect_timeout=self._connect_timeout_s,
            read_timeout=self._read_timeout_s,
            retries={"total_max_attempts": 2, "mode": "standard"},
        )
        return session, config

    async def secret_value(self, secret_id: str) -> str:
        """A Secrets Manager secret's string value."""
        async with self.client("secretsmanager") as client:
            answer = await client.get_secret_value(SecretId=secret_id)
        return str(answer["SecretString"])

    async def rds_auth_token(self, host: str, port: int, user: str) -> str:
        """An RDS IAM authentication token (signed locally, valid 15 minutes)."""
        async with self.client("rds") as client:
            token = client.generate_db_auth_token(host, port, user, Region=self.region)
            if hasattr(token, "__await__"):
                token = await token
        return str(token)


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError (None for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def _aws_kind(exc: BaseException) -> ErrorKind | None:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "BudgetExceededError" in names:
        return "refused"
    if names & {"NoCredentialsError", "PartialCredentialsError", "NoRegionError"}:
        return "auth"
    code = error_code(exc)
    if code in _AUTH_CODES:
        return "auth"
    if code in _DENIED_CODES:
        return "denied"
    if code in _BUSY_CODES:
        return "timeout"
    return None


def aws_error(exc: BaseException, instance: str) -> SourceError:
    """A redacted SourceError for an AWS failure, with the AWS-specific kind where known."""
    error = classify(exc, instance, "aws")
    kind = _aws_kind(exc)
    if kind == "auth" and error_code(exc) is None:
        message = f"no AWS credentials ({error.message}); set up the standard credential chain"
        return replace(error, kind=kind, message=message)
    return replace(error, kind=kind) if kind is not None else error


async def aws_fetch(
    instance: str, timeout_s: float, call: Callable[[], Awaitable[T]]
) -> Reading[T]:
    """fetch() for AWS calls: the same timeout and boundary, with AWS error kinds."""
    seen: list[BaseException] = []

    async def watched() -> T:
        try:
            return await call()
        except Exception as exc:
            seen.append(exc)
            raise

    reading = await fetch(instance, "aws", timeout_s, watched)
    if reading.error is not None and seen:
        return replace(reading, error=aws_error(seen[0], instance))
    return reading
