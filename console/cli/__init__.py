"""`opsconsole` verbs: one module per verb in this package, found through `VERBS`.

Every verb module defines `HELP` (one line), `configure(parser)` (its arguments) and
`run(args, load_settings) -> int`. Every verb takes --config PATH (else $OPSCONSOLE_CONFIG,
./config.toml, $XDG_CONFIG_HOME/opsconsole/config.toml, /etc/opsconsole/config.toml: the first
that exists), --profile NAME ($OPSCONSOLE_PROFILE, else the file's `profile`) and --read-only
(every change, kill and TTL fix refused, as `[console] read_only = true`). Exit status:
0 fine, 1 unhealthy or failed, 2 usage or config error, 3 refused (a write, a heavy statement).

Why a registry of modules: a newcomer finds a verb's help, arguments and run in one file, and
the verb calls its capability's service. Imports at a verb module's top stay light (argparse,
typing): building the parser imports every verb module, so drivers, the data layer and Textual
are imported inside `run` only, and `--version` and `digest FILE` load only what they use.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from console import __version__, startup
from console.errors import ConfigError, ConsoleError

VERBS: dict[str, str] = {
    "tui": "tui",
    "check": "check",
    "inventory": "inventory",
    "screenshot": "screenshot",
    "plan": "plan",
    "query": "query",
    "redis": "redis_command",
    "digest": "digest",
    "cost": "cost",
    "logs": "logs",
    "redis-audit": "redis_audit",
    "investigate": "investigate",
    "report": "report",
    "audit": "audit",
    "keys": "keys",
    "config": "config",
    "lab": "lab",
    "silence": "silence",
    "record": "record",
}
"""Verb name -> module in console/cli/ (in the order `opsconsole --help` lists them)."""


DESCRIPTION = (
    "The on-call console of the DBA team: `opsconsole` alone opens it. The verbs below run "
    "headless; `opsconsole VERB --help` says what each does, its options and what its exit "
    "codes mean."
)
"""What `opsconsole --help` says before the verbs."""


def verb_module(verb: str) -> ModuleType:
    """The module of one verb (imported when the parser is built or the verb runs)."""
    return importlib.import_module(f"console.cli.{VERBS[verb]}")


def global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--config, --profile and --read-only (suppress: a verb's copy leaves the top level's value
    alone; a verb with actions adds them to each action too, so they may follow it)."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (default $OPSCONSOLE_CONFIG, else the first of ./config.toml, "
        "$XDG_CONFIG_HOME/opsconsole/config.toml, /etc/opsconsole/config.toml)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        default=default,
        help="profile (default $OPSCONSOLE_PROFILE or the file's `profile`)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=default if suppress else False,
        help="refuse every change, kill and TTL fix, even with write credentials configured "
        "(as `[console] read_only = true`; the flag never turns it off)",
    )


def build_parser(*, verbs: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without `verbs`, only the top level (the console's options),
    which `main` tries first (see `parse`)."""
    from console.cli.common import COMMON_EXIT_CODES, describe

    parser = argparse.ArgumentParser(prog="opsconsole", exit_on_error=verbs)
    parser.add_argument("--version", action="version", version=f"opsconsole {__version__}")
    global_options(parser, suppress=False)
    verb_module("tui").configure(parser)  # `opsconsole` alone opens the console
    describe(parser, DESCRIPTION, COMMON_EXIT_CODES)  # after tui's: the top level's own
    if not verbs:
        parser.set_defaults(verb=None)
        return parser
    verbs_action = parser.add_subparsers(dest="verb", metavar="VERB")
    common = argparse.ArgumentParser(add_help=False)
    global_options(common, suppress=True)
    for name in VERBS:
        module = verb_module(name)
        module.configure(verbs_action.add_parser(name, parents=[common], help=module.HELP))
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line read: by the top level alone when it names no verb and asks no help,
    else by the whole parser (every verb's module imported, its options and help built).

    Why: building every verb's parser is ~0.07 s, and `opsconsole --instance NAME` (the console
    opened on an instance, what on-call people launch most) needs none of it. Anything the top
    level cannot take whole (a verb, a word it does not know, a bad option) goes to the whole
    parser, so errors and help read the same either way."""
    if not any(arg in ("-h", "--help") for arg in argv):
        try:
            args, rest = build_parser(verbs=False).parse_known_args(argv)
        except argparse.ArgumentError:
            rest = ["?"]
        if not rest:
            return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    startup.begin()  # the console turns it back on once it shows its first reading
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    finally:
        startup.done()  # start-up is over when main is: help, an error, a console never shown


def _run(argv: Sequence[str]) -> int:
    from console.cli.replaying import attached  # `--at -5m`: a TIME, not an option

    args = parse(attached(argv))
    from console.cli.common import settings_loader

    if args.verb not in (None, "tui"):
        startup.done()  # a headless verb: only the parse was start-up
    try:
        return int(verb_module(args.verb or "tui").run(args, settings_loader(args)))
    except ConsoleError as exc:
        from console.safety.scrub import scrub

        told = exc.told(scrub) if isinstance(exc, ConfigError) else scrub(str(exc))
        print(f"opsconsole: {told}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
