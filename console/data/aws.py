"""AWS through aioboto3: secrets for the credential resolver (more services come with issue 6).

aioboto3 costs ~0.4 s to import, so it is imported on the first AWS call only. The lab points
`endpoint_url` at moto's server; production uses the standard credential chain and region.
"""

from __future__ import annotations

from typing import Any


class AwsClients:
    """Lazily created aioboto3 session; one client per call (calls are rare)."""

    def __init__(self, region: str, endpoint_url: str | None) -> None:
        self._region = region
        self._endpoint_url = endpoint_url
        self._session: Any = None

    def _client(self, service: str) -> Any:
        if self._session is None:
            import aioboto3

            self._session = aioboto3.Session(region_name=self._region)
        return self._session.client(service, endpoint_url=self._endpoint_url)

    async def secret_value(self, secret_id: str) -> str:
        """A Secrets Manager secret's string value."""
        async with self._client("secretsmanager") as client:
            answer = await client.get_secret_value(SecretId=secret_id)
        return str(answer["SecretString"])

    async def rds_auth_token(self, host: str, port: int, user: str) -> str:
        """An RDS IAM authentication token (signed locally, valid 15 minutes)."""
        async with self._client("rds") as client:
            token = client.generate_db_auth_token(host, port, user, Region=self._region)
            if hasattr(token, "__await__"):
                token = await token
        return str(token)
