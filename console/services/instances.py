"""Which instance a name means: the one lookup every verb and service uses."""

from __future__ import annotations

from console.data.layer import DataLayer
from console.inventory import Instance


async def find_instance(data: DataLayer, name: str) -> Instance | None:
    """The configured instance of that name, else one discovery found (discovery is asked only
    when the configuration has no such name: it may wait on Prometheus or AWS)."""
    settings = data.settings
    fleet = settings.fleet if name in settings.fleet else await data.fleet()
    return fleet.by_name(name)
