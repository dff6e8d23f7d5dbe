"""`opsconsole keys [--json]`: every key binding id, the key it answers to and what it does.

The keys are the registry's defaults (console/keymap.py) after the config's `[keymap]`, which
is checked as the config loads: an unknown id stops with exit 2 and a message naming it. The
ids listed are the ones `[keymap]` takes; the README's key table is this listing's defaults.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings

HELP = "every key binding: its id (for [keymap]), its key and what it does"
DESCRIPTION = (
    "Every key binding: its id (for the config's [keymap]), the key it answers to and "
    "what it does (--json: one JSON array)."
)
EXIT_CODES: dict[int, str] = {
    0: "the bindings were printed",
    2: USAGE_ERROR,
}
"""Exit status -> what it means for this verb (the help page lists them)."""
HEADERS = ("id", "key", "where", "what it does")


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument("--json", action="store_true", help="one JSON array, one object each")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    keymap = load_settings().keymap
    print(render_json(keymap) if args.json else "\n".join(render_text(keymap)))
    return 0


def rows(keymap: Mapping[str, str]) -> list[list[str]]:
    """One row per binding id: id, key (and its default when [keymap] changed it), where, what."""
    from console.keymap import effective

    shown = []
    for spec, key in effective(keymap):
        label = key if key == spec.key else f"{key} (default {spec.key})"
        shown.append([spec.id, label, spec.where, spec.help])
    return shown


def render_text(keymap: Mapping[str, str]) -> list[str]:
    from console.formatting import text_table

    return text_table([h.upper() for h in HEADERS], rows(keymap))


def render_json(keymap: Mapping[str, str]) -> str:
    from console.keymap import effective

    items = [
        {
            "id": spec.id,
            "key": key,
            "default": spec.key,
            "action": spec.action,
            "label": spec.description,
            "where": spec.where,
            "help": spec.help,
        }
        for spec, key in effective(keymap)
    ]
    return json.dumps(items, indent=2)
