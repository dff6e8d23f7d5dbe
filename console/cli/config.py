"""`opsconsole config init [PATH]` and `opsconsole config check [--json]`.

`init` writes the commented template shipped in the package (production base, no lab; 0600;
never over an existing file). `check` says which file is in use and how it was found, validates
it, and resolves every secret reference without showing it (ok / missing / unreadable, per
instance kind and role). Exit 0 fine, 1 a secret not ok (check) or the file exists (init),
2 usage or config error (the "not found" message lists every place looked).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.common import USAGE_ERROR, describe
from console.formatting import text_table

if TYPE_CHECKING:
    from console.config import ConfigSource, Settings
    from console.services.secret_check import SecretCheck

HELP = "write a config template (init) or check the config in use and its secrets (check)"
DESCRIPTION = (
    "init writes a commented config template (production base, no lab); check says which "
    "config file is in use and how it was found, validates it and resolves every secret "
    "reference without showing it (--json: one JSON object). `opsconsole config ACTION "
    "--help` for each."
)
EXIT_CODES: dict[int, str] = {
    0: "fine",
    1: "check: a secret is missing or unreadable; init: the file exists",
    2: USAGE_ERROR + "; init: the file cannot be written",
}
"""Exit status -> what it means for this verb (the help page lists them)."""
TEMPLATE = "config_template.toml"


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    from console.cli import global_options

    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        help="write a commented template (production base); never over an existing file",
    )
    describe(init, "Write the commented config template to PATH (default --config, "
             "$OPSCONSOLE_CONFIG, else $XDG_CONFIG_HOME/opsconsole/config.toml), mode 0600.",
             {0: "written", 1: "the file exists (never overwritten)",
              2: "it cannot be written"})  # fmt: skip
    init.add_argument("path", nargs="?", metavar="PATH", help="where to write it")
    global_options(init, suppress=True)
    check = actions.add_parser(
        "check",
        help="which config is used, is it valid, can every secret be resolved",
    )
    describe(check, "Validate the config in use (say which file and how it was found) and "
             "resolve every secret reference without showing it (--json: one JSON object).",
             {0: "every secret is ok", 1: "a secret is missing or unreadable",
              2: "the config is missing or invalid"})  # fmt: skip
    check.add_argument("--json", action="store_true", help="one JSON object")
    global_options(check, suppress=True)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    if args.action == "init":
        return init(_init_path(args.path or args.config))
    import asyncio

    from console.config import find_config, with_read_only_flag
    from console.config import load_settings as load

    source = find_config(args.config)
    settings = load(source.path, args.profile)
    if getattr(args, "read_only", False):
        settings = with_read_only_flag(settings)
    return asyncio.run(_check(source, settings, args.json))


def _init_path(chosen: str | None) -> Path:
    import os

    from console.config import DEFAULT_CONFIG, xdg_dir

    explicit = chosen or os.environ.get("OPSCONSOLE_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return xdg_dir("XDG_CONFIG_HOME", ".config") / "opsconsole" / DEFAULT_CONFIG


def template_text() -> str:
    """The template shipped inside the package (a wheel carries it)."""
    from importlib.resources import files

    return files("console").joinpath(TEMPLATE).read_text(encoding="utf-8")


def init(path: Path) -> int:
    """Write the template to `path`, 0600 whatever the umask; refuse an existing file."""
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"opsconsole: config init: {path} exists; not overwritten", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"opsconsole: config init: {path}: {exc.strerror}", file=sys.stderr)
        return 2
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(template_text())
    print(f"opsconsole: wrote {path} (0600): fill in the fleet, then `opsconsole config check`")
    print(
        "opsconsole: for the whole team: /etc/opsconsole/config.toml, root:TEAMGROUP 0640",
        file=sys.stderr,
    )
    return 0


async def _check(source: ConfigSource, settings: Settings, as_json: bool) -> int:
    from console.services.secret_check import check_secrets

    checks = await check_secrets(settings)
    record = as_record(source, settings, checks)
    if as_json:
        print(json.dumps(record, indent=2))
    else:
        print("\n".join(render_text(record, checks)))
    return 0 if all(check.status == "ok" for check in checks) else 1


def as_record(
    source: ConfigSource, settings: Settings, checks: Sequence[SecretCheck]
) -> dict[str, Any]:
    return {
        "config": str(settings.path),
        "found_by": source.how,
        "profile": settings.profile,
        "instances": len(settings.fleet),
        "output_dir": str(settings.output_dir),
        "state_dir": str(settings.state_dir),
        "aws_cache_dir": str(settings.aws_cache_dir),
        "aws_cache": cache_note(settings.aws_cache_dir),
        "read_only": settings.read_only_reason,
        "secrets": [
            {
                "kinds": list(check.kinds),
                "role": check.role,
                "key": check.key,
                "reference": check.reference,
                "status": check.status,
                "detail": check.detail,
            }
            for check in checks
        ],
    }


def cache_note(folder: Path) -> str:
    """Whose budget the cost cache folder makes: the team's (group-writable), one person's,
    or nobody's yet."""
    import grp
    import os
    import stat

    try:
        info = folder.stat()
    except OSError:
        return (
            "not there yet: made on the first paid call; for one team budget, make it with "
            "install -d -m 2770 -g TEAMGROUP"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        return "not writable by you: paid calls will fail"
    if info.st_mode & stat.S_IWGRP:
        try:
            group = grp.getgrgid(info.st_gid).gr_name
        except KeyError:
            group = str(info.st_gid)
        return f"shared: one budget for group {group}"
    return "yours only: a budget per person"


def render_text(record: dict[str, Any], checks: Sequence[SecretCheck]) -> list[str]:
    bad = sum(check.status != "ok" for check in checks)
    head = [
        f"config: {record['config']} (from {record['found_by']})",
        f"profile: {record['profile']}, {record['instances']} instances configured: valid",
        f"your files: {record['output_dir']} (exports), {record['state_dir']} (state)",
        f"AWS cost cache and budget: {record['aws_cache_dir']} ({record['aws_cache']})",
        f"changes: {record['read_only'] or 'allowed after confirmation (not read-only)'}",
        "",
    ]
    rows = [
        [
            ",".join(check.kinds),
            check.role,
            check.key,
            check.reference,
            check.status.upper(),
            check.detail,
        ]
        for check in checks
    ]
    table = text_table(["KINDS", "ROLE", "KEY", "REFERENCE", "STATUS", "DETAIL"], rows)
    verdict = f"{len(checks)} secret references: " + (
        "all ok" if not bad else f"{bad} not ok (the console cannot use them)"
    )
    return [*head, *table, verdict]
