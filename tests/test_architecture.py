"""Import hygiene at run time: what static contracts cannot see (deferred imports)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest


def _loaded(statement: str, modules: tuple[str, ...]) -> list[str]:
    probe = f"{statement}; import sys; print([m for m in {modules!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = eval(out.stdout.strip())
    return loaded


@pytest.mark.parametrize(
    "statement",
    [
        "import console.cli",
        "import console.data.layer",
        "import console.safety.masking",
        "import console.config",
        "import console.lab.topology",
    ],
)
def test_core_never_loads_the_ui(statement: str) -> None:
    assert _loaded(statement, ("textual", "widgets", "console.app", "console.screens")) == []


def test_models_load_no_driver() -> None:
    drivers = ("asyncmy", "asyncpg", "redis", "httpx", "aioboto3", "botocore")
    assert _loaded("import console.data.models", drivers) == []
    assert _loaded("import widgets.fleet_tree", drivers) == []
    # what screens type their data with: protocols over models, no source behind them
    assert _loaded("import console.data.reads", (*drivers, "console.data.sources")) == []


def test_aws_sdk_is_imported_only_when_first_used() -> None:
    assert _loaded("import console.data.layer", ("aioboto3", "botocore")) == []


# --- the floors, as written in pyproject.toml ------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MAY_IMPORT = ("console.data.models", "console.data.aws_models", "console.formatting",
                     "console.keymap")  # fmt: skip
"""What a widget may import from console/: models and formatting (and the keymap's plain data)."""


def _modules(package: str) -> list[str]:
    base = ROOT / package
    names = []
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _floors() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    return [name.strip() for layer in layers for name in re.split(r"[:|]", layer)]


def _covered(module: str, floors: list[str]) -> bool:
    return any(module == floor or module.startswith(floor + ".") for floor in floors)


def test_every_module_has_its_floor() -> None:
    floors = _floors()
    packages = {"console", "console.data"}  # containers of floors, not floors themselves
    loose = [
        module
        for module in _modules("console") + _modules("widgets")
        if module not in packages and not _covered(module, floors)
    ]
    assert loose == [], f"give these modules a floor in pyproject.toml's layers: {loose}"


def test_the_floors_name_only_modules_that_exist() -> None:
    present = set(_modules("console") + _modules("widgets"))
    assert [floor for floor in _floors() if floor not in present] == []


def test_widgets_import_only_models_and_formatting() -> None:
    strays = []
    for path in sorted((ROOT / "widgets").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("console") and not _covered(name, list(WIDGET_MAY_IMPORT)):
                    strays.append(f"{path.name}: {name}")
    assert strays == []
