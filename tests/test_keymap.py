"""The one keymap: the registry and the bindings the console declares are the same list, and
`[keymap]` is checked against it as the config loads."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import console.screens
import widgets
from console.cli import keys as keys_task
from console.config import load_settings
from console.errors import ConfigError
from console.formatting import table_markdown
from console.keymap import BY_ID, KEYS, RENAMED
from console.screens.alerts import AlertsScreen
from console.screens.cost import CostScreen
from console.screens.fleet import FleetScreen
from console.screens.instance import InstanceScreen
from console.screens.logs import LogsScreen
from console.screens.polling import ConsoleScreen, PollingScreen
from console.screens.slow_fleet import SlowFleetScreen

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config.toml"
FULL_SCREENS = (FleetScreen, InstanceScreen, AlertsScreen, CostScreen, SlowFleetScreen, LogsScreen)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def declared() -> dict[type, list[object]]:
    """Every class of the console (App, screens, panes, widgets) with the BINDINGS it declares."""
    importlib.import_module("console.app")
    for package in (console.screens, widgets):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    ours = [c for c in _subclasses(DOMNode) if c.__module__.startswith(("console.", "widgets."))]
    return {cls: list(cls.__dict__["BINDINGS"]) for cls in ours if "BINDINGS" in cls.__dict__}


def declared_ids() -> dict[str, set[type]]:
    by_id: dict[str, set[type]] = {}
    for cls, bindings in declared().items():
        for binding in bindings:
            assert isinstance(binding, Binding), f"{cls.__name__}: {binding!r} is not a Binding"
            assert binding.id is not None, f"{cls.__name__}: {binding.key} has no id"
            by_id.setdefault(binding.id, set()).add(cls)
    return by_id


def test_every_declared_binding_is_in_the_registry_and_every_id_is_declared() -> None:
    by_id = declared_ids()
    assert set(by_id) - set(BY_ID) == set(), "declared but not in console/keymap.py"
    assert set(BY_ID) - set(by_id) == set(), "in console/keymap.py but no class declares it"


def test_declared_bindings_are_the_registry_entries() -> None:
    for cls, bindings in declared().items():
        for binding in bindings:
            assert isinstance(binding, Binding) and binding.id is not None
            spec = BY_ID[binding.id]
            made = (binding.key, binding.action, binding.description, binding.show)
            assert made == (spec.key, spec.action, spec.description, spec.show), cls.__name__


def test_refresh_back_and_pause_are_declared_once_by_the_base_screens() -> None:
    by_id = declared_ids()
    assert by_id["screen.back"] == {ConsoleScreen}
    assert by_id["screen.refresh"] == {ConsoleScreen}
    assert by_id["screen.pause"] == {PollingScreen}
    for cls, bindings in declared().items():
        own = {b.id for b in bindings if isinstance(b, Binding)}
        for base in cls.__mro__[1:]:
            inherited = {b.id for b in base.__dict__.get("BINDINGS", []) if isinstance(b, Binding)}
            assert not own & inherited, f"{cls.__name__} redeclares {own & inherited}"


@pytest.mark.parametrize("screen", FULL_SCREENS, ids=lambda cls: cls.__name__)
def test_every_screen_has_back_and_refresh_and_an_action_for_each_key(screen: type) -> None:
    ids = {
        b.id: b.action
        for cls in screen.__mro__
        for b in cls.__dict__.get("BINDINGS", [])
        if isinstance(b, Binding) and b.id in BY_ID  # Textual's own (tab, copy) have no id
    }
    assert {"screen.back", "screen.refresh"} <= set(ids)
    for action in ids.values():
        name = action.split("(")[0]
        assert callable(getattr(screen, f"action_{name}", None)), f"{screen.__name__}: {name}"


def test_no_binding_is_written_outside_the_builder() -> None:
    builder = ROOT / "widgets" / "bindings.py"
    sources = [*(ROOT / "console").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]
    writers = [p.relative_to(ROOT) for p in sources if p != builder and "Binding(" in p.read_text()]
    assert writers == []


def test_ids_are_scope_dot_verb_and_the_renamed_ones_point_at_real_ids() -> None:
    assert len(BY_ID) == len(KEYS)
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", spec.id) for spec in KEYS)
    assert all(spec.help and spec.description and spec.where for spec in KEYS)
    assert not set(RENAMED) & set(BY_ID)
    assert set(RENAMED.values()) <= set(BY_ID)


# --- [keymap] in config.toml ----------------------------------------------------------------


def with_keymap(tmp_path: Path, lines: str) -> Path:
    """The shipped config.toml with these lines in its [keymap] table."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.read_text().replace("[keymap]\n", f"[keymap]\n{lines}\n", 1))
    return path


def keymap_error(tmp_path: Path, lines: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(with_keymap(tmp_path, lines), "lab")
    return str(caught.value)


def test_a_known_id_rebinds_quoted_or_dotted(tmp_path: Path) -> None:
    settings = load_settings(with_keymap(tmp_path, 'screen.pause = "P"\n"app.quit" = "Q"'))
    assert dict(settings.keymap) == {"screen.pause": "P", "app.quit": "Q"}


def test_an_unknown_id_is_named_with_the_closest_one(tmp_path: Path) -> None:
    message = keymap_error(tmp_path, '"screen.refersh" = "R"')
    assert message.startswith(f"{tmp_path / 'config.toml'}: keymap: ")
    assert "unknown binding id 'screen.refersh'" in message
    assert "the closest is 'screen.refresh'" in message


def test_an_id_of_before_the_one_keymap_names_its_new_id(tmp_path: Path) -> None:
    message = keymap_error(tmp_path, '"instance.refresh" = "R"')
    assert "unknown binding id 'instance.refresh'" in message
    assert "'screen.refresh'" in message


def test_an_id_like_no_other_lists_them_all(tmp_path: Path) -> None:
    message = keymap_error(tmp_path, '"zap" = "z"')
    assert "unknown binding id 'zap'" in message
    assert all(spec.id in message for spec in KEYS)


def test_an_unknown_id_in_a_profile_names_the_profile(tmp_path: Path) -> None:
    anchor = "[profiles.lab.monitoring]\n"
    path = tmp_path / "config.toml"
    path.write_text(
        CONFIG.read_text().replace(anchor, '[profiles.lab.keymap]\n"no.pe" = "n"\n' + anchor)
    )
    with pytest.raises(ConfigError, match=r"profiles\.lab\.keymap: unknown binding id 'no\.pe'"):
        load_settings(path, "lab")


def test_an_empty_key_is_refused(tmp_path: Path) -> None:
    message = keymap_error(tmp_path, '"screen.pause" = " "')
    assert "keymap: no key for 'screen.pause'" in message


# --- the README's key table -----------------------------------------------------------------


def test_the_readme_key_table_is_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    start, end = "<!-- keys: begin -->\n", "<!-- keys: end -->"
    assert start in readme and end in readme
    table = readme.split(start, 1)[1].split(end, 1)[0].strip("\n") + "\n"
    headers = list(keys_task.HEADERS)
    expected = table_markdown(headers, [[f"`{c}`" if i < 2 else c for i, c in enumerate(row)]
                                        for row in keys_task.rows({})])  # fmt: skip
    assert table == expected
