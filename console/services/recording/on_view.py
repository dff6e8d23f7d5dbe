"""`[record] on_view = true`: the console records what it shows, for as long as it runs.

Why a hook the app calls rather than a second process: the console already holds the data
layer and knows which instances are open; it records the fleet's sweep (what the fleet screen
shows) and, in detail, the instances on its screens, into the same folder `opsconsole record`
uses ([record] output_dir), so one replay finds both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from console.data.layer import DataLayer
from console.services.recording.recorder import Recorder
from console.services.recording.store import RecordingStoppedError, RecordingWriter

Shown = Callable[[], Iterable[str]]
"""The names of the instances the console shows now (asked at every interval)."""


async def record_view(data: DataLayer, shown: Shown) -> str | None:
    """Record until cancelled (the console quits); the reason, when recording stopped early
    (a full disk: what was written is intact), else None. Does nothing unless
    `[record] on_view` is true."""
    settings = data.settings
    options = settings.record
    if not options.on_view:
        return None
    writer = RecordingWriter(settings.record_dir, options.keep_hours, options.max_bytes)
    try:
        await Recorder(data, writer, options, shown=shown).run()
    except RecordingStoppedError as stopped:
        return str(stopped.strerror or stopped)
    finally:
        writer.close()
    return None
