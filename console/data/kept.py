"""KeptDiscovery: the last list each discovery returned, kept on disk per user with its time.

Why: with Prometheus (or AWS) not answering, the console used to lose every discovered server
(0 of 78 Redis clusters) exactly when the on-call person needed the list. Each successful
discovery is written here (XDG state directory, one file per profile and source, 0600 in a
0700 directory, replaced atomically); when a discovery fails, or before it has answered, the
kept list stands in, marked with its age. Only what discovery found is kept (names and
endpoints), never a credential: instances are rebuilt from the current config on load.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Kept(Generic[T]):
    """A kept discovery: what it found, and when."""

    found_at: datetime
    items: tuple[T, ...]

    def age_s(self, now: datetime | None = None) -> float:
        return max(0.0, ((now or datetime.now(UTC)) - self.found_at).total_seconds())


class KeptDiscovery:
    """The kept lists of one profile, in `directory` (files `{profile}-{source}.json`)."""

    def __init__(self, directory: Path, profile: str) -> None:
        self.directory = directory
        self.profile = profile

    def path(self, source: str) -> Path:
        return self.directory / f"{self.profile}-{source}.json"

    async def save(self, source: str, items: Sequence[Any], found_at: datetime) -> None:
        """Keep `items` (dataclasses) as found at `found_at`; a disk error is not fatal."""
        rows = [dataclasses.asdict(item) for item in items]
        body = {"format": FORMAT, "found_at": found_at.isoformat(), "items": rows}
        with contextlib.suppress(OSError):
            await asyncio.to_thread(_write_private, self.path(source), json.dumps(body, indent=1))

    async def load(self, source: str, build: Callable[..., T]) -> Kept[T] | None:
        """The kept list of `source`, items rebuilt by `build(**fields)`; None when there is
        none, or it cannot be read (a corrupt or foreign file is ignored, never trusted)."""
        try:
            text = await asyncio.to_thread(self.path(source).read_text, encoding="utf-8")
            body = json.loads(text)
            found_at = datetime.fromisoformat(str(body["found_at"]))
            if body.get("format") != FORMAT or found_at.tzinfo is None:
                return None
            items = tuple(build(**_known(build, row)) for row in body["items"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Kept(found_at, items)


def _known(build: Callable[..., Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's fields that `build` (a dataclass) takes: a newer file's extra keys are dropped."""
    names = {field.name for field in dataclasses.fields(build)}  # type: ignore[arg-type]
    return {key: value for key, value in row.items() if key in names}


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by its owner only, replacing it in one step."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
