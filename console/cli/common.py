"""What several verbs share: settings on demand, the pre-flight warnings, how a refused
or failed reading is told on stderr, and how a verb's help says its exit codes."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.data.models import SourceError
    from console.inventory import Instance


def settings_loader(args: argparse.Namespace) -> Callable[[], Settings]:
    """The settings a verb asks for when it needs them (a file digest and the lab never do);
    `--read-only` makes them read-only whatever the file says."""

    def load() -> Settings:
        from console.config import config_path, load_settings, with_read_only_flag

        settings = load_settings(config_path(args.config), args.profile)
        return with_read_only_flag(settings) if getattr(args, "read_only", False) else settings

    return load


def checked_settings(load_settings: Callable[[], Settings]) -> Settings:
    """Settings for a verb that connects: every secret resolvable, the team's audit folder
    writable (AuditError otherwise), and a warning per file others may read (the config maps
    every production host and names each secret)."""
    from console.secrets import check_resolvable, exposed_secret_files, readable_by_others

    settings = load_settings()
    check_resolvable(dict(settings.secret_keys), str(settings.path))
    if readable_by_others(settings.path):
        print(
            f"opsconsole: warning: config file {settings.path} is readable by others "
            "(chmod 600 it, or 640 for the team's group: it maps every production host and names "
            "each secret)",
            file=sys.stderr,
        )
    for path in exposed_secret_files({**settings.secret_keys, **settings.write_secret_keys}):
        print(
            f"opsconsole: warning: secret file {path} is readable by others (chmod 600 it, or 640)",
            file=sys.stderr,
        )
    if settings.audit_dir is not None:  # the team's folder: missing or not writable, say so now
        from console.safety.audit import AuditLog

        AuditLog.for_console(settings.audit_path, settings.console).ready()
    return settings


def refused(error: SourceError | None) -> int:
    """Tell why nothing came back: exit 3 for a refused write, 1 for a failure."""
    from console.safety.scrub import scrub

    if error is None:
        print("opsconsole: no answer", file=sys.stderr)
        return 1
    if error.kind == "refused":
        print(scrub(f"opsconsole: refused: {error.message}"), file=sys.stderr)
        if not error.message.startswith("read-only:"):  # read-only: not from the console either
            print(
                "opsconsole: writes run only from the console, after confirmation", file=sys.stderr
            )
        return 3
    print(scrub(f"opsconsole: {error.kind}: {error.message}"), file=sys.stderr)
    return 1


async def instance_of_kind(
    data: DataLayer, verb: str, name: str, *, redis: bool
) -> Instance | None:
    """The named instance for plan/query (SQL) or redis, else None after one line on stderr
    that says what was wrong (no such name, an AWS kind nothing is sent to, or the wrong kind
    and which verb to use)."""
    from console.inventory import not_a_server
    from console.services.instances import find_instance

    instance = await find_instance(data, name)
    if instance is None:
        print(f"opsconsole: {verb}: no instance named {name!r}", file=sys.stderr)
    elif instance.is_aws:
        print(f"opsconsole: {verb}: refused: {not_a_server(instance)}", file=sys.stderr)
    elif redis and instance.kind != "redis":
        print(f"opsconsole: {verb}: needs a Redis instance and a command", file=sys.stderr)
    elif not redis and instance.kind == "redis":
        print(f"opsconsole: {verb}: a Redis instance; use `opsconsole redis`", file=sys.stderr)
    else:
        return instance
    return None


USAGE_ERROR = "usage or config error (a bad argument, a config or secret problem)"
"""Exit 2's meaning, the same for every verb."""

COMMON_EXIT_CODES: dict[int, str] = {
    0: "fine (healthy, nothing found that needs attention)",
    1: "unhealthy, something needs attention, or a source failed",
    2: USAGE_ERROR,
    3: "refused (a write, a heavy statement, past a budget)",
    130: "interrupted (Ctrl-C)",
}
"""What `opsconsole --help` says of the exit codes; each verb's help says what they mean there."""


def exit_codes_text(codes: Mapping[int, str]) -> str:
    """The `exit status:` block of a help page, one wrapped line per code."""
    lines = ["exit status:"]
    for code, meaning in sorted(codes.items()):
        lines += textwrap.wrap(meaning, HELP_WIDTH, initial_indent=f"  {code:<4} ",
                               subsequent_indent=" " * 7)  # fmt: skip
    return "\n".join(lines)


def describe(parser: argparse.ArgumentParser, description: str, codes: Mapping[int, str]) -> None:
    """A verb's help page: its description (wrapped, paragraphs kept) and its exit codes.

    Why one helper: every verb says its exit codes the same way, and a test reads them back.
    """
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = wrapped(description)
    parser.epilog = exit_codes_text(codes)


def wrapped(text: str) -> str:
    """Paragraphs (split on blank lines) each filled to the help's width, never cut."""
    return "\n\n".join(textwrap.fill(p, HELP_WIDTH) for p in text.split("\n\n"))


HELP_WIDTH = 78
"""The width help text is filled to (argparse's own is the terminal's, less 2)."""


def run_on_instance(
    args: argparse.Namespace,
    load_settings: Callable[[], Settings],
    verb: str,
    body: Callable[[DataLayer, Instance], Awaitable[int]],
    *,
    redis: bool,
) -> int:
    """The plan, query and redis verbs' frame: settings checked, the data layer opened, the
    `--instance` of the right kind found (exit 2 after one line saying why not), then `body`,
    whose exit status is the verb's."""
    import asyncio

    from console.data.layer import DataLayer

    settings = checked_settings(load_settings)

    async def main() -> int:
        async with DataLayer(settings) as data:
            instance = await instance_of_kind(data, verb, args.instance, redis=redis)
            return 2 if instance is None else await body(data, instance)

    return asyncio.run(main())
