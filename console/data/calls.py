"""fetch(): run one source call with a timeout and turn any failure into a typed Reading.

This is the data layer's boundary: every public call goes through it, so the UI never sees a
driver exception, and every error message is redacted and masked before it leaves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from console.data.errors import classify
from console.data.models import Reading, Source, SourceError

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


async def fetch(
    instance: str, source: Source, timeout_s: float, call: Callable[[], Awaitable[T]]
) -> Reading[T]:
    """Await `call()` within `timeout_s`; a failure becomes `Reading.error`, never an exception.

    `asyncio.CancelledError` is not caught: cancelling a poll still cancels it.
    """
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            value = await call()
    except TimeoutError:
        elapsed = time.monotonic() - started
        error = SourceError(instance, source, "timeout", f"no answer within {elapsed:.1f}s")
        return Reading(instance, source, utcnow(), elapsed, error=error)
    except Exception as exc:
        error = classify(exc, instance, source)
        return Reading(instance, source, utcnow(), time.monotonic() - started, error=error)
    return Reading(instance, source, utcnow(), time.monotonic() - started, value=value)


def refused(instance: str, source: Source, reason: str) -> Reading[T]:
    """A Reading for a call the safety rules refused before anything was sent."""
    return failed(instance, source, SourceError(instance, source, "refused", reason))


def failed(instance: str, source: Source, error: SourceError) -> Reading[T]:
    """A Reading for a call that could not even start (e.g. an unresolvable secret)."""
    return Reading(instance, source, utcnow(), 0.0, error=error)
