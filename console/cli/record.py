"""`opsconsole record`: the incident flight recorder, long-running (or `--for S` seconds).

Every `[record] fleet_interval_s` the health of every instance, the firing alerts and the
CloudWatch alarms; every `[record] detail_interval_s` the processlist, lock waits and top-query
deltas (or Redis INFO, CLIENT LIST and SLOWLOG) of the instances in trouble and those named.
One file per hour in the output folder, pruned by `[record] keep_hours` and `max_bytes`, all
by the recording service (`console.services.recording`). Prints the folder first; SIGTERM or
Ctrl-C ends it after the interval being written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli.common import USAGE_ERROR, describe

if TYPE_CHECKING:
    from console.config import Settings
    from console.services.recording.recorder import Interval

HELP = "record the fleet and the instances in trouble, for replay (long-running)"
DESCRIPTION = (
    "The incident flight recorder: the health of every instance, the firing alerts and the "
    "CloudWatch alarms every [record] fleet_interval_s; every [record] detail_interval_s the "
    "processlist, lock waits and top-query deltas (Redis: INFO, CLIENT LIST, SLOWLOG) of the "
    "instances that are down, warn or alerting, and of those in [record] instances. Masked "
    "before it is written; credentials never in it. One file per hour in the output folder "
    "(default [record] output_dir, else recordings/ in the per-user state dir), the oldest "
    "deleted past [record] keep_hours or max_bytes. Replay it with `opsconsole --replay DIR`."
    "\n\n"
    "It runs until stopped (SIGTERM, Ctrl-C) or for --for seconds. --instance narrows the "
    "recording to the named instances, recorded in detail throughout. Prints the folder first; "
    "--json then prints one JSON line per interval."
)
EXIT_CODES: dict[int, str] = {
    0: "recorded until the end (--for, SIGTERM or Ctrl-C)",
    1: "recording stopped: the disk is full or refused a write (what was written is intact)",
    2: USAGE_ERROR + "; or an unknown --instance",
}
"""Exit status -> what it means for this verb (the help page lists them)."""


def configure(parser: argparse.ArgumentParser) -> None:
    describe(parser, DESCRIPTION, EXIT_CODES)
    parser.add_argument(
        "--for",
        dest="duration",
        metavar="S",
        type=_seconds,
        help="record for S seconds, then stop (default: until stopped)",
    )
    parser.add_argument(
        "--output",
        metavar="DIR",
        help="the folder of the hour files (default [record] output_dir, else recordings/ in "
        "the per-user state dir)",
    )
    parser.add_argument(
        "--instance",
        metavar="NAME",
        action="append",
        default=[],
        help="record only this instance, in detail throughout (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per interval")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def run(args: argparse.Namespace, load_settings: Callable[[], Settings]) -> int:
    import asyncio  # here, not at the top: `opsconsole --version` loads no event loop

    from console.cli.common import checked_settings

    settings = checked_settings(load_settings)
    folder = Path(args.output).expanduser().resolve() if args.output else settings.record_dir
    return asyncio.run(_record(settings, folder, args))


async def _record(settings: Settings, folder: Path, args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from console.data.layer import DataLayer
    from console.services.instances import find_instance
    from console.services.recording.recorder import Recorder
    from console.services.recording.store import RecordingStoppedError, RecordingWriter

    options = settings.record
    async with DataLayer(settings) as data:
        for name in args.instance:
            if await find_instance(data, name) is None:
                print(f"opsconsole: record: no instance named {name!r}", file=sys.stderr)
                return 2
        writer = RecordingWriter(folder, options.keep_hours, options.max_bytes)
        recorder = Recorder(data, writer, options, args.instance)
        print(folder, flush=True)
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None:
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
        report = _reporter(args.json)
        try:
            await recorder.run(args.duration, report)
        except RecordingStoppedError as stopped:
            print(f"opsconsole: record: {stopped.strerror or stopped}", file=sys.stderr)
            return 1
        except asyncio.CancelledError:
            if task is None or task.uncancel() > 0:
                raise  # not our SIGTERM: someone else's cancellation
        finally:
            loop.remove_signal_handler(signal.SIGTERM)
            writer.close()
        print(_summary(writer.written_bytes, folder), file=sys.stderr)
    return 0


def _reporter(as_json: bool) -> Callable[[Interval], None] | None:
    if not as_json:
        return None

    def report(interval: Interval) -> None:
        line = {
            "at": interval.at.isoformat(),
            "samples": interval.samples,
            "bytes": interval.bytes,
            "fleet": interval.fleet,
            "detailed": list(interval.detailed),
            "elapsed_s": round(interval.elapsed_s, 3),
        }
        print(json.dumps(line), flush=True)

    return report


def _summary(written: int, folder: Path) -> str:
    return f"opsconsole: record: {written / 1024:.1f} kB written to {folder}"
