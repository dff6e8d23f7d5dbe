"""`opsconsole` verbs: tui (default), check, inventory, screenshot, plan, query, redis, lab, and
the tasks of `console/tasks/` (digest, cost, redis-audit, investigate, report).

Every verb takes --config PATH ($OPSCONSOLE_CONFIG, ./config.toml) and --profile NAME
($OPSCONSOLE_PROFILE, else the file's `profile`). Exit status: 0 fine, 1 unhealthy or failed,
2 usage or config error. The Textual app is imported only for the TUI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console import __version__
from console.errors import ConsoleError

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.models import FleetHealth, SourceError
    from console.lab.manager import PartStatus

# Imports sit inside the verbs that need them (pydantic, asyncio, the data layer), so that
# `--version` and `digest FILE` load only what they use: start-up is most of a small digest.

LAB_ACTIONS = ("up", "down", "status", "scenario", "workload")
SCREENSHOT_PANES = ("fleet", "alerts", "overview", "processes", "queries", "metrics")
TASKS = ("digest", "cost", "redis-audit", "investigate", "report", "keys")
"""Verbs whose parser and run live in `console.tasks.<name>` (HELP, configure, run)."""


def _task(name: str) -> Any:
    return importlib.import_module(f"console.tasks.{name.replace('-', '_')}")


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default $OPSCONSOLE_CONFIG or ./config.toml)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        default=default,
        help="profile (default $OPSCONSOLE_PROFILE or the file's `profile`)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opsconsole", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"opsconsole {__version__}")
    _global_options(parser, suppress=False)
    parser.add_argument("--instance", metavar="NAME", help="open straight on this instance")
    parser.add_argument(
        "--pane", metavar="PANE", help="overview, processes, queries, metrics, query, keys (Redis)"
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    verbs.add_parser("tui", parents=[common], help="open the console (the default)")
    check = verbs.add_parser("check", parents=[common], help="health of the whole fleet")
    check.add_argument("--json", action="store_true", help="one JSON array, one object each")
    inventory = verbs.add_parser("inventory", parents=[common], help="print the fleet")
    inventory.add_argument("--json", action="store_true", help="one JSON array")
    shot = verbs.add_parser(
        "screenshot", parents=[common], help="save a pane's screenshot headless"
    )
    shot.add_argument("--instance", metavar="NAME", help="the instance (for its panes)")
    shot.add_argument("--pane", default="fleet", choices=SCREENSHOT_PANES)
    shot.add_argument("-o", "--output", metavar="FILE", required=True, help="the .svg to write")
    shot.add_argument("--size", default="160x50", help="terminal size, COLSxROWS")
    plan = verbs.add_parser("plan", parents=[common], help="the SQL guard's verdict, nothing run")
    plan.add_argument("--instance", metavar="NAME", required=True)
    plan.add_argument("--json", action="store_true", help="one JSON object")
    plan.add_argument("sql", metavar="SQL")
    query = verbs.add_parser("query", parents=[common], help="run a read-only statement")
    query.add_argument("--instance", metavar="NAME", required=True)
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument(
        "--heavy-ok",
        action="store_true",
        help="run even when production looks busy or EXPLAIN estimates a big scan",
    )
    query.add_argument("sql", metavar="SQL")
    redis = verbs.add_parser("redis", parents=[common], help="run a read-only Redis command")
    redis.add_argument("--instance", metavar="NAME", required=True)
    redis.add_argument("command", metavar="CMD", nargs=argparse.REMAINDER)
    for name in TASKS:
        task = _task(name)
        task.configure(verbs.add_parser(name, parents=[common], help=task.HELP))
    lab = verbs.add_parser("lab", parents=[common], help="the local lab of real servers")
    lab.add_argument("action", choices=LAB_ACTIONS)
    lab.add_argument(
        "scenario",
        nargs="?",
        help="for `scenario`: the incident to inject; for `workload`: on or off",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConsoleError as exc:
        from console.safety.scrub import scrub

        print(scrub(f"opsconsole: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.verb in TASKS:
        return int(_task(args.verb).run(args, lambda: _settings(args)))
    import asyncio

    from console.config import config_path, load_settings
    from console.secrets import check_resolvable

    path = config_path(args.config)
    if args.verb == "lab":
        return _lab(args, path)
    settings = load_settings(path, args.profile)
    if args.verb == "inventory":
        return asyncio.run(_inventory(settings, args.json))
    check_resolvable(dict(settings.secret_keys), str(settings.path))
    _warn_exposed(settings)
    if args.verb == "check":
        return asyncio.run(_check(settings, args.json))
    if args.verb == "screenshot":
        return _screenshot(settings, args)
    if args.verb in ("plan", "query", "redis"):
        return asyncio.run(_guarded(settings, args))
    from console.app import run_app  # deferred: the headless verbs never load Textual

    return run_app(settings, instance=args.instance, pane=args.pane)


def _settings(args: argparse.Namespace) -> Settings:
    """The settings a task asks for when it needs them (a file digest never does)."""
    from console.config import config_path, load_settings

    return load_settings(config_path(args.config), args.profile)


def _warn_exposed(settings: Settings) -> None:
    """One warning per file others may read: the config (it maps every production host and
    names each secret) and every file: secret."""
    from console.secrets import exposed_secret_files, readable_by_others

    exposed = exposed_secret_files({**settings.secret_keys, **settings.write_secret_keys})
    if readable_by_others(settings.path):
        print(
            f"opsconsole: warning: config file {settings.path} is readable by others "
            "(chmod 600 it: it maps every production host and names each secret)",
            file=sys.stderr,
        )
    for path in exposed:
        print(
            f"opsconsole: warning: secret file {path} is readable by others (chmod 600 it)",
            file=sys.stderr,
        )


async def _inventory(settings: Settings, as_json: bool) -> int:
    from console.data.layer import DataLayer
    from console.verbs import inventory as inventory_verb

    data = DataLayer(settings)
    try:
        fleet = await data.fleet()
    finally:
        await data.close()
    if fleet.discovery_error:
        print(f"opsconsole: warning: {fleet.discovery_error}", file=sys.stderr)
    if as_json:
        print(inventory_verb.render_json(fleet))
    else:
        print("\n".join(inventory_verb.render_text(fleet)))
    return 0


async def _check(settings: Settings, as_json: bool) -> int:
    from console.data.layer import DataLayer
    from console.verbs import check as check_verb

    data = DataLayer(settings)
    try:
        fleet = await data.fleet()
        if fleet.discovery_error:
            print(f"opsconsole: warning: {fleet.discovery_error}", file=sys.stderr)
        progress = _Progress(len(fleet)) if sys.stderr.isatty() else None
        results = await data.sweep(fleet.instances, progress.step if progress else None)
        busy = data.console_busy()
    finally:
        await data.close()
    if progress is not None:
        progress.done()
    if busy is not None:
        print(f"opsconsole: {busy} (this machine, not the servers)", file=sys.stderr)
    if as_json:
        print(check_verb.render_json(results))
    else:
        print("\n".join(check_verb.render_text(results)))
        print(check_verb.summary(results))
    return check_verb.exit_status(results)


def _screenshot(settings: Settings, args: argparse.Namespace) -> int:
    instance_panes = SCREENSHOT_PANES[2:]
    if (args.pane in instance_panes) != (args.instance is not None):
        print(
            "opsconsole: screenshot: --pane overview|processes|queries|metrics needs "
            "--instance NAME; fleet and alerts take none",
            file=sys.stderr,
        )
        return 2
    try:
        cols, rows = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        print(f"opsconsole: screenshot: --size {args.size!r}: expected COLSxROWS", file=sys.stderr)
        return 2
    from console.headless import capture  # deferred: loads Textual

    path, ready = capture(settings, args.pane, Path(args.output), args.instance, (cols, rows))
    print(path)
    if not ready:
        print(
            "opsconsole: warning: the pane had no data yet when the screenshot was taken",
            file=sys.stderr,
        )
    return 0 if ready else 1


async def _guarded(settings: Settings, args: argparse.Namespace) -> int:
    """plan, query and redis: the same guard, timeouts, masking and audit as the console."""
    from console.data.layer import DataLayer
    from console.verbs import query as query_verb

    data = DataLayer(settings)
    try:
        fleet = await data.fleet() if args.instance not in settings.fleet else settings.fleet
        instance = fleet.by_name(args.instance)
        if instance is None:
            print(f"opsconsole: {args.verb}: no instance named {args.instance!r}", file=sys.stderr)
            return 2
        if args.verb == "plan":
            if instance.kind == "redis":
                print("opsconsole: plan: a Redis instance; use `opsconsole redis`", file=sys.stderr)
                return 2
            print(query_verb.render_plan(data.queries.shown_plan(instance, args.sql), args.json))
            return 0
        if args.verb == "redis":
            if instance.kind != "redis" or not args.command:
                print("opsconsole: redis: needs a Redis instance and a command", file=sys.stderr)
                return 2
            reply = await data.queries.redis(instance, list(args.command))
            if reply.value is None:
                return _refused(reply.error)
            print(query_verb.render_reply(reply.value))
            return 0
        if instance.kind == "redis":
            print("opsconsole: query: a Redis instance; use `opsconsole redis`", file=sys.stderr)
            return 2
        if not args.heavy_ok:
            warnings = await data.queries.heavy(instance, args.sql)
            for warning in warnings:
                print(f"opsconsole: heavy: {warning}", file=sys.stderr)
            if warnings:
                print("opsconsole: not run; add --heavy-ok to run it anyway", file=sys.stderr)
                return 3
        result = await data.queries.query(instance, args.sql)
        if result.value is None:
            return _refused(result.error)
        print(query_verb.render_result(result.value, args.format))
        if result.value.truncated:
            print("opsconsole: result cut at the row limit or the size cap", file=sys.stderr)
        return 0
    finally:
        await data.close()


def _refused(error: SourceError | None) -> int:
    if error is None:
        print("opsconsole: no answer", file=sys.stderr)
        return 1
    from console.safety.scrub import scrub

    if error.kind == "refused":
        print(scrub(f"opsconsole: refused: {error.message}"), file=sys.stderr)
        print("opsconsole: writes run only from the console, after confirmation", file=sys.stderr)
        return 3
    print(scrub(f"opsconsole: {error.kind}: {error.message}"), file=sys.stderr)
    return 1


class _Progress:
    """`checked 37/142` on the terminal's stderr while the sweep runs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0

    def step(self, result: FleetHealth) -> None:
        self.count += 1
        sys.stderr.write(f"\rchecked {self.count}/{self.total}: {result.name:<40.40}")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()


def lab_dir_for(path: Path) -> Path:
    """$OPSCONSOLE_LAB_DIR, else `.lab` beside the config file."""
    env = os.environ.get("OPSCONSOLE_LAB_DIR")
    return Path(env) if env else path.resolve().parent / ".lab"


def _lab(args: argparse.Namespace, path: Path) -> int:
    from console.lab import manager

    lab_dir = lab_dir_for(path)

    def emit(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.action == "up":
        return 0 if manager.up(lab_dir, emit) else 1
    if args.action == "down":
        return 0 if manager.down(lab_dir, emit) else 1
    if args.action == "scenario":
        if args.scenario not in manager.SCENARIOS:
            emit(f"opsconsole: lab scenario: expected one of {', '.join(manager.SCENARIOS)}")
            return 2
        return 0 if manager.scenario(lab_dir, args.scenario, emit) else 1
    if args.action == "workload":
        if args.scenario not in ("on", "off"):
            emit("opsconsole: lab workload: expected on or off")
            return 2
        return 0 if manager.workload(lab_dir, args.scenario == "on", emit) else 1
    return _lab_status(manager.status(lab_dir), manager.workload_status(lab_dir))


def _lab_status(parts: Sequence[PartStatus], workload: PartStatus) -> int:
    """One row per part, then the workload's (which being off does not make the lab unhealthy)."""
    from console.formatting import text_table

    rows = [
        [
            part.name,
            "up" if part.healthy else "DOWN",
            str(part.pid or "-"),
            str(part.port or "-"),
            part.detail,
        ]
        for part in parts
    ]
    rows.append(["workload", "on" if workload.healthy else "off", str(workload.pid or "-"), "-",
                 workload.detail])  # fmt: skip
    print("\n".join(text_table(["PART", "STATE", "PID", "PORT", "DETAIL"], rows)))
    return 0 if all(part.healthy for part in parts) else 1
