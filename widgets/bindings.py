"""Textual `Binding`s built from the one keymap registry (console/keymap.py).

Why: a class names the ids it offers and nothing else; the key, the action, the footer label
and the tooltip come from the registry, so the footer, `[keymap]` and `opsconsole keys` can
never disagree. This is the only place a `Binding` is made (tests/test_keymap.py checks).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from console.keymap import spec


def bindings(*ids: str) -> list[BindingType]:
    """The bindings of these registry ids, in this order."""
    made: list[BindingType] = []
    for binding_id in ids:
        entry = spec(binding_id)
        made.append(
            Binding(
                entry.key,
                entry.action,
                entry.description,
                show=entry.show,
                id=entry.id,
                tooltip=entry.help,
            )
        )
    return made
