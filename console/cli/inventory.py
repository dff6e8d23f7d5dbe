"""`opsconsole inventory [--json]`: the fleet (configured plus discovered), never a secret."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.cli.common import USAGE_ERROR, describe
from console.formatting import human_age, text_table
from console.inventory import DB_KINDS, KINDS, Fleet, Instance

if TYPE_CHECKING:
    from console.config import Settings

HELP = "print the fleet"
DESCRIPTION = (
    "Print the fleet: the configured instances and those Prometheus and AWS discovery "
    "found, with their kind, group and origin; never a secret."
)
EXIT_CODES: dict[int, str] = {
    0: "the fleet was printed",
    2: USAGE_ERROR,
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--json", action="store_true", help="one JSON array")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio

    return asyncio.run(_inventory(load_settings(), args.json))


async def _inventory(settings: Settings, as_json: bool) -> int:
    from console.data.layer import DataLayer

    async with DataLayer(settings) as data:
        fleet = await data.fleet()
    if fleet.discovery_error:
        print(f"opsconsole: warning: {fleet.discovery_error}", file=sys.stderr)
    if as_json:
        print(render_json(fleet))
    else:
        print("\n".join(render_text(fleet)))
    return 0


def _secret_kind(reference: str) -> str:
    from console.secrets import parse_reference  # here: not imported for `--version`

    return parse_reference(reference)[0]


def as_record(instance: Instance, now: datetime | None = None) -> dict[str, Any]:
    """One instance as JSON-ready values; the secret shows only its kind (env, file, ...).

    `origin` says where it came from ("config", "prometheus", "aws", or "kept": an earlier
    discovery's list, kept on disk, standing in for a discovery that failed); `discovered_at`
    when discovery found it and `age_s` how long ago (both None for configured instances).
    """
    found = instance.discovered_at
    age_s = (
        None if found is None else max(0.0, ((now or datetime.now(UTC)) - found).total_seconds())
    )
    return {
        "name": instance.name,
        "kind": instance.kind,
        "group": instance.group,
        "env": instance.env,
        "endpoint": instance.endpoint,
        "database": instance.database,
        "secret": _secret_kind(instance.secret),
        "origin": instance.origin,
        "discovered_at": None if found is None else found.isoformat(),
        "age_s": None if age_s is None else round(age_s, 1),
    }


def render_json(fleet: Fleet) -> str:
    return json.dumps([as_record(i) for i in fleet.instances], indent=2)


def render_text(fleet: Fleet) -> list[str]:
    rows = [
        [i.kind, i.group, i.name, i.env, i.endpoint, _secret_kind(i.secret), _origin(i)]
        for i in fleet.instances
    ]
    lines = text_table(["KIND", "GROUP", "NAME", "ENV", "ENDPOINT", "SECRET", "ORIGIN"], rows)
    shown = [k for k in KINDS if k in DB_KINDS or fleet.of_kind(k)]  # AWS kinds when listed
    counts = ", ".join(f"{len(fleet.of_kind(k))} {k}" for k in shown)
    lines.append(f"{len(fleet)} instances: {counts}")
    return lines


def _origin(instance: Instance) -> str:
    """`kept (12m)`: a kept list's entries show how old they are."""
    found = instance.discovered_at
    if instance.origin != "kept" or found is None:
        return instance.origin
    return f"kept ({human_age((datetime.now(UTC) - found).total_seconds())})"
