"""A config that does not hold: msgspec's error, or a check its types cannot make, as one
ConfigError naming the file, the dotted key (`console.row_limit`, `instances.2.secret`,
`profiles.lab.monitoring.prometheus`) and what is expected there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

import msgspec

from console.config.tables import Connection, InstanceBlock, KindName, RawConfig, flat_ids
from console.errors import ConfigError
from console.secrets import SECRET_REF_HELP, check_reference


def validate(
    path: Path, data: dict[str, Any], overlay: Mapping[str, Any], profile: str
) -> RawConfig:
    """The file's data (the profile merged in) as checked tables; else one ConfigError, its key
    under `profiles.NAME.` when the profile's overlay holds the value that fails."""
    if isinstance(data.get("keymap"), dict):
        data = {**data, "keymap": flat_ids(data["keymap"])}
    try:
        return _checked(msgspec.convert(data, RawConfig))  # strict: no "true" for a bool
    except msgspec.ValidationError as exc:
        invalid = _explained(str(exc), data)
    except _InvalidError as exc:
        invalid = exc
    raise _config_error(path, invalid, overlay, profile)


class _InvalidError(Exception):
    """One config problem: where (msgspec's path as parts: ["instances", "2", "secret"]), what
    is wrong, and what is expected instead."""

    def __init__(self, loc: list[str], problem: str, expected: str = "") -> None:
        super().__init__(problem)
        self.loc = loc
        self.problem = problem
        self.expected = expected


URL_FIELDS = ("prometheus", "alertmanager", "aws_endpoint")


SECRET_FIELDS = ("secret", "write_secret")


def _checked(raw: RawConfig) -> RawConfig:
    """What the types cannot say, each under its own key: the monitoring URLs are http(s) (kept
    without a trailing /), and every secret is a reference, never a password.

    Why here and not in `__post_init__`: an error raised there loses its path in msgspec."""
    urls: dict[str, str] = {}
    for name in URL_FIELDS:
        value = getattr(raw.monitoring, name)
        if value is None:
            continue
        if not value.startswith(("http://", "https://")):
            raise _InvalidError(["monitoring", name], "must be an http:// or https:// URL")
        urls[name] = value.rstrip("/")
    sections: list[tuple[list[str], Connection | InstanceBlock]] = [
        ([kind], getattr(raw, kind)) for kind in ("mysql", "postgres", "redis")
    ]
    sections += [(["instances", str(i)], block) for i, block in enumerate(raw.instances)]
    for loc, section in sections:
        for name in SECRET_FIELDS:
            ref = getattr(section, name)
            try:
                if ref is not None:
                    check_reference(ref)
            except ValueError as exc:
                raise _InvalidError([*loc, name], str(exc), SECRET_REF_HELP) from None
    return msgspec.structs.replace(raw, monitoring=msgspec.structs.replace(raw.monitoring, **urls))


def _config_error(
    path: Path, invalid: _InvalidError, overlay: Mapping[str, Any], profile: str
) -> ConfigError:
    key = ".".join(invalid.loc) or "(top level)"
    if isinstance(overlay.get("keymap"), dict):  # its ids dotted, as the failing path has them
        overlay = {**overlay, "keymap": flat_ids(overlay["keymap"])}
    if _has_path(overlay, invalid.loc):
        key = f"profiles.{profile}.{key}"
    return ConfigError(str(path), key, invalid.problem, invalid.expected)


def _has_path(tree: Mapping[str, Any], loc: list[str]) -> bool:
    node: Any = tree
    for part in loc:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")  # .name, [2] or a table's [...]


_NAMED_FIELD = re.compile(r"Object (contains unknown|missing required) field `(.+)`")


def _explained(message: str, data: dict[str, Any]) -> _InvalidError:
    """msgspec's "Expected `int` >= 1 - at `$.console.row_limit`" as an `_InvalidError`.

    A wrong table key reads "... - at `key` in `$.metrics`"; an unknown or missing key is named
    in the text, not the path, and joins the path (`console.row_limt`, `postgres.host`)."""
    text, at, where = message.rpartition(" - at `")  # the last: a value may hold the words
    if not at:  # at the top level
        text, where = message, ""
    path = where.partition(" in `")[2] if where.startswith("key`") else where
    loc = _loc(path.rstrip("`").removeprefix("$"), data, message)
    named = _NAMED_FIELD.fullmatch(text)
    if named and named[1] == "contains unknown":
        expected = "only the keys documented in config.toml"
        return _InvalidError([*loc, named[2]], "unknown key", expected)
    if named:
        return _InvalidError([*loc, named[2]], "is missing", "a value")
    if text.startswith("Invalid enum value"):  # the kinds are the config's only Literal
        return _InvalidError(loc, text, "one of: " + ", ".join(get_args(KindName)))
    return _InvalidError(loc, text, SECRET_REF_HELP if loc and "secret" in loc[-1] else "")


def _loc(path: str, data: dict[str, Any], message: str) -> list[str]:
    """ ".instances[2].secret" -> ["instances", "2", "secret"]; msgspec writes a table's key
    as [...], so that one is found again in `data` (keymap.screen.refresh, metrics.mysql)."""
    loc: list[str] = []
    for name, index in _PATH_PART.findall(path):
        loc.append(name or (index if index != "..." else _failing_key(data, loc, message)))
    return loc


def _failing_key(data: dict[str, Any], loc: list[str], message: str) -> str:
    """The key of the table at `loc` whose entry alone fails with the same message (msgspec
    stops at the first failing entry, in the file's order)."""
    table: Any = data
    for part in loc:
        table = table[int(part)] if isinstance(table, list) else table[part]
    for key in table:
        try:
            msgspec.convert(_narrowed(data, loc, key), RawConfig)
        except msgspec.ValidationError as exc:
            if str(exc) == message:
                return str(key)
    return "[...]"


def _narrowed(tree: Any, loc: list[str], key: str) -> Any:
    """`tree` with the table at `loc` cut down to its one entry `key`."""
    if not loc:
        return {key: tree[key]}
    if isinstance(tree, list):
        index = int(loc[0])
        return [*tree[:index], _narrowed(tree[index], loc[1:], key), *tree[index + 1 :]]
    return {**tree, loc[0]: _narrowed(tree[loc[0]], loc[1:], key)}
