"""`i`: investigate the highlighted alert or the open instance, from the console.

The same investigation service (`console.services.investigation`) as the headless verb: every
source at once, findings, a masked bundle with screenshots in the output folder. It runs in a
worker (a few seconds, the screenshots in child processes); the console stays usable meanwhile
and says where the bundle went and what it found first (the service's findings arrive masked:
this module only shows them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.screen import Screen

from console.data.layer import DataLayer
from console.services.investigation import SourceFailedError, UsageError, investigate

WINDOW = timedelta(hours=1)


async def investigate_from(
    screen: Screen[Any],
    data: DataLayer,
    *,
    alert_key: str | None = None,
    instance_name: str | None = None,
) -> None:
    """Run an investigation and report it as notifications (call from a worker)."""
    what = instance_name or alert_key or "?"
    screen.notify(
        f"Investigating {what}: gathering the evidence…", title="Investigate", markup=False
    )
    try:
        found = await investigate(data, WINDOW, alert_key=alert_key, instance_name=instance_name)
    except (UsageError, SourceFailedError) as exc:
        screen.notify(str(exc), title="Investigate", severity="error", markup=False)
        return
    first = found.findings[0].title if found.findings else "no findings"
    screen.notify(
        f"{first}\nbundle: {found.folder}",
        title=f"Investigated {what}",
        severity="warning" if found.attention else "information",
        timeout=20,
        markup=False,
    )
