"""AWS fixtures: the lab settings with AWS discovery on and a private paid-call cache per test."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest

from console.config import Settings
from console.data.layer import DataLayer


def with_aws(settings: Settings, cache_dir: Path, **options: Any) -> Settings:
    """`settings` with [aws] options changed and the paid-call cache in `cache_dir`."""
    update = {"discovery": True, "cache_dir": str(cache_dir), **options}
    return replace(settings, aws=msgspec.structs.replace(settings.aws, **update))


@pytest.fixture
def aws_settings(settings: Settings, tmp_path: Path) -> Settings:
    return with_aws(settings, tmp_path / "aws-cache")


@pytest.fixture
async def aws_data(aws_settings: Settings) -> AsyncIterator[DataLayer]:
    layer = DataLayer(aws_settings)
    try:
        yield layer
    finally:
        await layer.close()


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound once to find it, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CallCounter:
    """Counts the Cost Explorer requests that reach the AWS client (the paid boundary)."""

    def __init__(self, data: DataLayer) -> None:
        self.calls = 0
        original: Callable[[str], Any] = data._aws.client

        counter = self

        class Counted:
            def __init__(self, service: str) -> None:
                self._manager = original(service)

            async def __aenter__(self) -> Any:
                client = await self._manager.__aenter__()
                real = client.get_cost_and_usage

                async def counted(**params: Any) -> Any:
                    counter.calls += 1
                    return await real(**params)

                client.get_cost_and_usage = counted
                return client

            async def __aexit__(self, *exc: object) -> Any:
                return await self._manager.__aexit__(*exc)

        data._aws.client = Counted  # type: ignore[method-assign,assignment]


@pytest.fixture
def ce_calls(aws_data: DataLayer) -> CallCounter:
    return CallCounter(aws_data)
