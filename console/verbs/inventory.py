"""`opsconsole inventory`: the fleet (configured plus discovered), never a secret."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from console.formatting import human_age, text_table
from console.inventory import Fleet, Instance
from console.secrets import parse_reference


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
        "secret": parse_reference(instance.secret)[0],
        "origin": instance.origin,
        "discovered_at": None if found is None else found.isoformat(),
        "age_s": None if age_s is None else round(age_s, 1),
    }


def render_json(fleet: Fleet) -> str:
    return json.dumps([as_record(i) for i in fleet.instances], indent=2)


def render_text(fleet: Fleet) -> list[str]:
    rows = [
        [i.kind, i.group, i.name, i.env, i.endpoint, parse_reference(i.secret)[0], _origin(i)]
        for i in fleet.instances
    ]
    lines = text_table(["KIND", "GROUP", "NAME", "ENV", "ENDPOINT", "SECRET", "ORIGIN"], rows)
    counts = ", ".join(f"{len(fleet.of_kind(k))} {k}" for k in ("mysql", "postgres", "redis"))
    lines.append(f"{len(fleet)} instances: {counts}")
    return lines


def _origin(instance: Instance) -> str:
    """`kept (12m)`: a kept list's entries show how old they are."""
    found = instance.discovered_at
    if instance.origin != "kept" or found is None:
        return instance.origin
    return f"kept ({human_age((datetime.now(UTC) - found).total_seconds())})"
