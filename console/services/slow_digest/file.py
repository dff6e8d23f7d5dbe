"""The digest of a slow log file or stream: no event loop, no data layer, no data models.

Why apart from `logs`: `opsconsole digest FILE` starts in a fraction of pt-query-digest's time
only while it imports the parser and the aggregation alone (tests/test_startup_imports.py).
The file is read as a stream, so a log of any size is digested in bounded memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from console.analysis.digest import DigestReport, digest_lines
from console.analysis.slowlog import NotASlowLogError


class UnreadableFileError(Exception):
    """The file cannot be read (missing, a directory, no permission): the message says which."""


def digest_stream(stream: TextIO) -> DigestReport:
    """A slow log read from an open text stream (stdin), to its end.

    Raises NotASlowLogError when the first lines are text but no slow log.
    """
    return digest_lines(stream)


def digest_file(path: Path) -> DigestReport:
    """A slow log file digested; errors name the file and what is wrong with it.

    Raises UnreadableFileError, or NotASlowLogError (`PATH: not a MySQL/MariaDB slow log (...)`).
    """
    try:
        with path.open(encoding="utf-8", errors="replace") as log:
            return digest_lines(log)
    except NotASlowLogError as exc:
        raise NotASlowLogError(f"{path}: not a MySQL/MariaDB slow log ({exc})") from None
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"{path}: is a directory, expected a slow log file") from None
    except PermissionError:
        raise UnreadableFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
