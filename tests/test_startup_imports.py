"""The headless verbs load only what they use: start-up is most of `--version` and of a small
`digest` (bench/startup.py times them; here, what they import, which a change can break)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.helpers import MYSQL80_LOG
from tests.helpers import fresh_python

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("msgspec", "asyncio", "textual", "console.config", "console.data.models")
PROBE = """
import sys
from console.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("\\nLOADED", " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*argv: str) -> set[str]:
    done = fresh_python(PROBE, *argv)
    assert done.stdout.strip(), done.stderr  # the verb did its work
    return set(done.stderr.rsplit("LOADED ", 1)[1].split())


@pytest.mark.parametrize(
    "argv", [("--version",), ("digest", str(MYSQL80_LOG))], ids=["version", "digest-file"]
)
def test_headless_verb_loads_no_heavy_module(argv: tuple[str, ...]) -> None:
    modules = loaded_by(*argv)
    assert "console.cli" in modules
    assert not [name for name in HEAVY if name in modules]


def test_a_verb_that_needs_the_settings_still_loads_them() -> None:
    """The probe sees imports: `inventory` does load the config (so the test above can fail)."""
    modules = loaded_by("--config", str(ROOT / "config.toml"), "inventory", "--json")
    assert {"console.config", "msgspec"} <= modules


LAUNCH = """
import sys
import console.app
import console.data.credentials
from console.cli import build_parser
from console.cli.common import settings_loader

args = build_parser().parse_args(sys.argv[1:])
settings_loader(args)()
print(" ".join(sorted(sys.modules)))
"""


def test_a_console_launch_loads_no_pydantic() -> None:
    """Issue 10: pydantic cost every launch ~70 ms and ~8 MiB; the config is checked by msgspec
    and secrets are our own SecretStr, so the console's start path must not bring it back."""
    argv = ["--config", str(ROOT / "config.toml"), "--read-only", "--instance", "x"]
    done = fresh_python(LAUNCH, *argv)
    modules = set(done.stdout.split())
    assert {"console.app", "console.config", "console.secrets", "msgspec"} <= modules
    assert [
        name for name in modules if name.partition(".")[0] in ("pydantic", "pydantic_core")
    ] == []
