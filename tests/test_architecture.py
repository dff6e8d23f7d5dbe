"""Import hygiene at run time: what static contracts cannot see (deferred imports)."""

from __future__ import annotations

import subprocess
import sys

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
