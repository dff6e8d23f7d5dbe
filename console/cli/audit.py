"""`opsconsole audit verify|tail|search`: the team's audit trail, read and checked.

`verify` walks every member's file's hash chain and names each broken line (file:line), exit 1
when any; `tail` shows the newest records and `search` every record matching, all members'
files merged in time order, filtered by --user, --instance, --since; --json for one JSON array.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings
    from console.services.audit_trail import AuditRecord, FileVerdict

HELP = "verify, tail or search the team's audit trail"
DESCRIPTION = (
    "The team's audit trail: verify walks every member's file's hash chain and names each "
    "broken line; tail shows the newest records and search every record matching, all "
    "members' files merged in time order (--json: one JSON array)."
)
EXIT_CODES: dict[int, str] = {
    0: "fine",
    1: "verify found a broken chain, or a file or the folder cannot be read",
    2: USAGE_ERROR,
}
"""Exit status -> what it means for this verb (the help page lists them)."""
ACTIONS = ("verify", "tail", "search")


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument(
        "action",
        choices=ACTIONS,
        help="verify: check every file's hash chain, name each broken line; tail: the newest "
        "records of all members, oldest first; search: every record matching, in time order",
    )
    parser.add_argument("--text", metavar="T", help="search: words in the statement or error")
    parser.add_argument("--user", metavar="U", help="only this Unix user's records (or file)")
    parser.add_argument("--instance", metavar="N", help="tail, search: only this instance")
    parser.add_argument("--since", metavar="WHEN", help="tail, search: e.g. 1h, 30m, 2d, ISO time")
    parser.add_argument("-n", "--lines", type=int, default=20, metavar="N", help="tail: (20)")
    parser.add_argument("--json", action="store_true", help="one JSON array")


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    from console.safety.audit import user_file_name
    from console.services.audit_trail import folder_warnings, trail_files

    settings = load_settings()
    folder = settings.audit_dir
    if folder is not None and not folder.is_dir():
        print(f"opsconsole: audit: no audit folder {folder} ([console] audit_dir)", file=sys.stderr)
        return 1
    for warning in folder_warnings(folder):
        print(f"opsconsole: warning: {warning}", file=sys.stderr)
    files = trail_files(folder, settings.audit_path)
    if args.action == "verify":
        if args.user is not None and folder is not None:
            files = [f for f in files if f.name == user_file_name(args.user)]
        return _verify(files, team=folder is not None, as_json=args.json)
    return _show(args, files)


def _verify(files: Sequence[Path], *, team: bool, as_json: bool) -> int:
    from console.services.audit_trail import verify_files

    verdicts = verify_files(files, allow_unchained=not team)
    if as_json:
        print(json.dumps([_verdict_json(v) for v in verdicts], indent=2))
    else:
        for verdict in verdicts:
            print("\n".join(_verdict_text(verdict)))
        if not verdicts:
            print("no audit file yet: nothing to verify")
    return 0 if all(v.ok for v in verdicts) else 1


def _verdict_text(verdict: FileVerdict) -> list[str]:
    if verdict.unreadable is not None:
        return [f"UNREADABLE {verdict.path}: {verdict.unreadable}"]
    if verdict.ok:
        note = f", {verdict.unchained} before the chain began" if verdict.unchained else ""
        return [f"ok  {verdict.path}: {_lines(verdict.lines)}{note}"]
    head = f"BROKEN {verdict.path}: {len(verdict.problems)} problem(s) in {_lines(verdict.lines)}"
    return [head, *(f"  {verdict.path}:{p.line}: {p.message}" for p in verdict.problems)]


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


def _verdict_json(verdict: FileVerdict) -> dict[str, object]:
    return {
        "file": str(verdict.path),
        "ok": verdict.ok,
        "lines": verdict.lines,
        "unchained": verdict.unchained,
        "unreadable": verdict.unreadable,
        "problems": [{"line": p.line, "message": p.message} for p in verdict.problems],
    }


def _show(args: argparse.Namespace, files: Sequence[Path]) -> int:
    from console.services.audit_trail import TrailFilter, parse_since, read_trail

    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as exc:
        print(f"opsconsole: audit: {exc}", file=sys.stderr)
        return 2
    text = args.text if args.action == "search" else None
    wanted = TrailFilter(args.user, args.instance, since, text)
    trail = read_trail(files, wanted)
    for skipped in trail.skipped:
        print(f"opsconsole: warning: cannot read {skipped}", file=sys.stderr)
    records = trail.records
    if args.action == "tail":
        records = records[-max(args.lines, 0) :] if args.lines > 0 else []
    print(render_json(records) if args.json else "\n".join(render_text(records)))
    return 1 if trail.skipped else 0


def render_json(records: Sequence[AuditRecord]) -> str:
    """One JSON array; every text scrubbed again (a line edited by hand may hold anything)."""
    from console.safety.scrub import scrub

    items = [
        {k: scrub(v) if isinstance(v, str) else v for k, v in r.as_json().items()} for r in records
    ]
    return json.dumps(items, indent=2, ensure_ascii=False)


def render_text(records: Sequence[AuditRecord]) -> list[str]:
    from console.formatting import text_table
    from console.safety.scrub import scrub

    rows = [
        [
            r.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            r.user,
            r.instance,
            str(r.fields.get("classification", "")),
            str(r.fields.get("outcome", "")),
            scrub(" ".join(str(r.fields.get("statement", "")).split())),
        ]
        for r in records
    ]
    return text_table(["AT (UTC)", "USER", "INSTANCE", "CLASS", "OUTCOME", "STATEMENT"], rows)
