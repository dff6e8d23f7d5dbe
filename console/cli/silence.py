"""`opsconsole silence add|list|expire`: Alertmanager silences, headless.

`add --alert FINGERPRINT --for 2h --comment TEXT` silences an alert (the matchers are its
labels, or the `--matcher`s given); `list` shows the silences in force; `expire ID` ends one.
`add` and `expire` are changes: they ask on a terminal, and without one they need `--yes`.
Each runs through the data layer's confirmed path (audited; refused in read-only mode).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings
    from console.data.layer import DataLayer
    from console.data.models import (
        Alert,
        Reading,
        Silence,
        SilenceChange,
        SourceError,
        WriteOutcome,
    )
    from console.safety.confirm import Action, Consent
    from console.services.silences import Preview

HELP = "add, list or expire Alertmanager silences"
DESCRIPTION = (
    "add silences an alert (--alert FINGERPRINT: its labels are the matchers, or the "
    "--matcher name=value given) for --for (default 2h) with a --comment, created by your "
    "Unix user; list shows the silences in force and pending; expire ID ends one. add and "
    "expire ask on a terminal and need --yes without one. Every change is written to the "
    "audit log; --read-only refuses them (--json: one JSON value)."
)
NOT_CONFIRMED = 4
EXIT_CODES: dict[int, str] = {
    0: "fine (the silence made, listed or expired)",
    1: "Alertmanager failed (down, or it answered an error), or no such alert or silence: "
    "nothing was changed",
    2: USAGE_ERROR + "; a duration or matcher that cannot be read",
    3: "refused (read-only mode, the audit log cannot be written)",
    NOT_CONFIRMED: "not confirmed: no terminal to ask on and no --yes, or the answer was not yes",
    130: "interrupted (Ctrl-C)",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    from console.cli import global_options

    describe(parser, DESCRIPTION, EXIT_CODES)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="silence an alert (its labels, or --matcher)")
    describe(add, "Silence the alert FINGERPRINT (or what the --matchers match) for a while, "
             "with a comment; asks first on a terminal, else needs --yes.", EXIT_CODES)  # fmt: skip
    add.add_argument("--alert", metavar="FINGERPRINT", help="the alert (a unique prefix will do)")
    add.add_argument("--for", dest="duration", default="2h", metavar="DURATION",
                     help="how long: 30m, 2h, 1d, 1h30m (default 2h, at most 30d)")  # fmt: skip
    add.add_argument("--comment", required=True, metavar="TEXT", help="why, and who to ask")
    add.add_argument("--matcher", action="append", default=[], metavar="NAME=VALUE",
                     help='instead of the alert\'s labels: name=value, name=~regex, name!=value '
                     "(repeat for more)")  # fmt: skip
    add.add_argument("--yes", action="store_true", help="confirmed: do not ask (no terminal)")
    add.add_argument("--json", action="store_true", help="one JSON object")
    global_options(add, suppress=True)
    listing = actions.add_parser("list", help="the silences in force and pending")
    describe(listing, "The silences in force and pending, ending soonest first.", EXIT_CODES)
    listing.add_argument("--json", action="store_true", help="one JSON array")
    global_options(listing, suppress=True)
    expire = actions.add_parser("expire", help="end a silence now")
    describe(expire, "End the silence ID (a unique prefix will do) now; asks first on a "
             "terminal, else needs --yes.", EXIT_CODES)  # fmt: skip
    expire.add_argument("silence_id", metavar="ID", help="the silence's id (`silence list`)")
    expire.add_argument("--yes", action="store_true", help="confirmed: do not ask (no terminal)")
    expire.add_argument("--json", action="store_true", help="one JSON object")
    global_options(expire, suppress=True)


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio

    from console.cli.common import checked_settings
    from console.data.layer import DataLayer

    settings = checked_settings(load_settings)
    if args.action != "list" and not args.yes and not sys.stdin.isatty():
        what = "create the silence" if args.action == "add" else "expire it"
        _say(f"no terminal to confirm on: add --yes to {what} (nothing was sent)")
        return NOT_CONFIRMED

    async def main() -> int:
        async with DataLayer(settings) as data:
            if args.action == "list":
                return await _list(data, args.json)
            if args.action == "expire":
                return await _expire(data, args)
            return await _add(data, args)

    return asyncio.run(main())


async def _add(data: DataLayer, args: argparse.Namespace) -> int:
    from console.services import silences as service

    try:
        typed = service.parse_matchers(args.matcher) if args.matcher else ()
        service.parse_duration(args.duration)
    except ValueError as exc:
        _say(str(exc))
        return 2
    if not typed and not args.alert:
        _say("which alert: give --alert FINGERPRINT (or --matcher name=value)")
        return 2
    alert: Alert | None = None
    if args.alert:
        found = await service.find_alert(data, args.alert)
        if found.error is not None:
            return _failed(found.error)
        if found.value is None:
            _say(f"no active alert with fingerprint {args.alert!r} (the alerts screen's detail "
                 "shows each alert's fingerprint)")  # fmt: skip
            return 1
        alert = found.value
    matchers = typed or service.matchers_from_labels(alert.labels if alert else ())
    preview = await service.preview(data, matchers)
    if preview.value is None:
        return _failed(preview.error)
    if alert is not None and alert.fingerprint not in {a.fingerprint for a in preview.value.alerts}:
        _say(f"the matchers do not match the alert {alert.fingerprint}: nothing was sent")
        return 2
    try:
        change = service.new_silence(matchers, args.duration, args.comment)
    except ValueError as exc:
        _say(str(exc))
        return 2
    done = await _confirmed(data, await service.offer(data, change, preview.value.text), args)
    if isinstance(done, int):
        return done
    made = service.created_id(done)
    if args.json:
        print(json.dumps(_added_json(made, preview.value, change), indent=2))
    else:
        print(f"silence {made} created: {done.text}")
        print(preview.value.text.replace("matches", "it matched", 1))
    return 0


async def _expire(data: DataLayer, args: argparse.Namespace) -> int:
    from console.services import silences as service

    listed = await data.alertmanager.silences()
    if listed.value is None:
        return _failed(listed.error)
    wanted = args.silence_id.strip()
    found = [s for s in listed.value if s.id == wanted] or [
        s for s in listed.value if s.id.startswith(wanted)
    ]
    if len(found) != 1:
        _say(f"no silence {'matches' if not found else 'is only'} {wanted!r}"
             + (f" ({len(found)} start with it)" if found else ""))  # fmt: skip
        return 1
    silence = found[0]
    if silence.state == "expired":
        _say(f"silence {silence.id} is already expired: nothing to do")
        return 0
    about = f"it silences {', '.join(silence.matchers)} · {silence.comment}"
    change = service.expiry(silence.id)
    done = await _confirmed(data, await service.offer(data, change, about), args)
    if isinstance(done, int):
        return done
    if args.json:
        print(json.dumps({"id": silence.id, "state": "expired"}, indent=2))
    else:
        print(f"silence {silence.id} expired")
    return 0


async def _confirmed(
    data: DataLayer, offered: Reading[Action], args: argparse.Namespace
) -> WriteOutcome | int:
    """The change sent once confirmed (--yes, or `yes` typed at the prompt); else the exit
    status, after one line on stderr saying why nothing was done."""
    from console.safety.confirm import YES, Consent
    from console.services import silences as service

    action = offered.value
    if action is None:
        return _refused(offered.error)
    consent: Consent | None = Consent(action, (YES,))
    if not args.yes:
        consent = await _ask(action)
    done = await service.settle(data, action, consent)
    if done is None:
        _say("not confirmed: nothing was sent")
        return NOT_CONFIRMED
    if done.value is not None:
        return done.value
    if done.error is not None and done.error.kind == "refused":
        return _refused(done.error)
    return _failed(done.error)


async def _ask(action: Action) -> Consent | None:
    """The prompt on the terminal: what will be sent, then `yes` to go on."""
    import asyncio

    from console.safety.confirm import YES, Consent

    print(f"{action.title} on {action.instance} ({action.env}) {action.endpoint}", file=sys.stderr)
    print(f"  {action.text}", file=sys.stderr)
    for reason in action.reasons:
        print(f"  · {reason}", file=sys.stderr)
    try:
        answer = await asyncio.to_thread(input, "type yes to send it: ")
    except EOFError:
        answer = ""
    return Consent(action, (YES,)) if answer.strip() == YES else None


async def _list(data: DataLayer, as_json: bool) -> int:
    from console.formatting import text_table
    from console.safety.confirm import utc_text
    from console.services import silences as service

    reading = await service.shown_silences(data)
    if reading.value is None:
        return _failed(reading.error, change=False)
    if as_json:
        print(json.dumps([_silence_json(s) for s in reading.value], indent=2, ensure_ascii=False))
        return 0
    rows = [
        [s.id, s.state, utc_text(s.ends_at), s.created_by, ", ".join(s.matchers), s.comment]
        for s in reading.value
    ]
    header = ["ID", "STATE", "ENDS", "BY", "MATCHERS", "COMMENT"]
    print("\n".join(text_table(header, rows)) if rows else "no silence in force")
    return 0


def _refused(error: SourceError | None) -> int:
    """Refused before anything was sent (read-only mode, the audit log, a change that cannot
    be sent): exit 3; anything else is a failure (exit 1)."""
    from console.safety.scrub import scrub

    if error is None or error.kind != "refused":
        return _failed(error)
    _say(scrub(f"refused: {error.message}"))
    return 3


def _failed(error: SourceError | None, *, change: bool = True) -> int:
    """Alertmanager could not answer: one line that says why, exit 1 (nothing was changed)."""
    from console.safety.scrub import scrub

    told = " (nothing was changed)" if change else ""
    if error is None:
        _say(f"no answer from Alertmanager{told}")
    else:
        _say(scrub(f"{error.source} {error.kind}: {error.message}{told}"))
    return 1


def _say(line: str) -> None:
    print(f"opsconsole: silence: {line}", file=sys.stderr)


def _added_json(made: str, preview: Preview, change: SilenceChange) -> dict[str, object]:
    from console.safety.confirm import matcher_text

    return {
        "id": made,
        "matchers": [matcher_text(m) for m in change.matchers],
        "starts_at": change.starts_at.isoformat() if change.starts_at else None,
        "ends_at": change.ends_at.isoformat() if change.ends_at else None,
        "created_by": change.created_by,
        "comment": change.comment,
        "matches_firing": preview.firing,
        "matches_silenced": preview.silenced,
    }


def _silence_json(silence: Silence) -> dict[str, object]:
    return {
        "id": silence.id,
        "state": silence.state,
        "starts_at": silence.starts_at.isoformat() if silence.starts_at else None,
        "ends_at": silence.ends_at.isoformat() if silence.ends_at else None,
        "created_by": silence.created_by,
        "comment": silence.comment,
        "matchers": list(silence.matchers),
    }
