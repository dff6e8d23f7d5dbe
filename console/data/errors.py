"""Map any driver exception to a SourceError kind, with a short, redacted, masked message.

Classification goes by exception class names and error codes, so this module imports no
driver: it serves asyncmy, asyncpg, redis-py, httpx and botocore alike.
"""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Iterator

from console.data.models import ErrorKind, Source, SourceError
from console.errors import SecretError
from console.safety.masking import mask_text
from console.safety.redact import redact

# MySQL/MariaDB error codes
_MYSQL_AUTH = {1045, 1698, 1251}
_MYSQL_DENIED = {1044, 1142, 1143, 1227, 1370, 1792, 1290, 1036}
_MYSQL_UNREACHABLE = {2002, 2003, 2005, 2006, 2013, 2055, 1040, 1053, 1927}
_MYSQL_TIMEOUT = {1969, 3024, 1317}

_NAME_KINDS: tuple[tuple[str, ErrorKind], ...] = (
    ("InvalidPassword", "auth"),
    ("InvalidAuthorization", "auth"),
    ("AuthenticationError", "auth"),
    ("AuthenticationWrongNumberOfArgs", "auth"),
    ("InsufficientPrivilege", "denied"),
    ("NoPermission", "denied"),
    ("ReadOnlySQLTransaction", "denied"),
    ("ReadOnlyError", "denied"),
    ("QueryCanceled", "timeout"),
    ("TimeoutError", "timeout"),
    ("TimeoutException", "timeout"),
    ("ConnectTimeout", "timeout"),
    ("ReadTimeout", "timeout"),
    ("ConnectionDoesNotExist", "unreachable"),
    ("CannotConnectNow", "unreachable"),
    ("TooManyConnections", "unreachable"),
    ("ConnectError", "unreachable"),
    ("ConnectionError", "unreachable"),
    ("RemoteProtocolError", "unreachable"),
    ("EndpointConnectionError", "unreachable"),
    ("InterfaceError", "unreachable"),
    ("ClientError", "query"),
    ("SyntaxError", "query"),
    ("ResponseError", "query"),
    ("ProgrammingError", "query"),
    ("DataError", "query"),
    ("HTTPStatusError", "query"),
    ("PostgresError", "query"),  # any other server-side error: the server answered
)


def _mysql_code(exc: BaseException) -> int | None:
    if type(exc).__module__.startswith("asyncmy") and exc.args and isinstance(exc.args[0], int):
        return exc.args[0]
    return None


def _kind(exc: BaseException) -> ErrorKind:
    if isinstance(exc, SecretError):
        return "auth"
    code = _mysql_code(exc)
    if code is not None:
        for codes, kind in (
            (_MYSQL_AUTH, "auth"),
            (_MYSQL_DENIED, "denied"),
            (_MYSQL_UNREACHABLE, "unreachable"),
            (_MYSQL_TIMEOUT, "timeout"),
        ):
            if code in codes:
                return kind  # type: ignore[return-value]
        return "query"
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status in (401, 407):
        return "auth"
    if status == 403:
        return "denied"
    names = [cls.__name__ for cls in type(exc).__mro__]
    for fragment, kind in _NAME_KINDS:
        if any(fragment in name for name in names):
            return kind
    if isinstance(exc, OSError):
        return "unreachable"
    return "internal"


_ADDRESS = re.compile(r"\('([^']+)', (\d+)\)")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the exceptions it was raised from (drivers wrap the socket error in their own)."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def _network_words(exc: BaseException) -> str | None:
    """What happened on the network, in the words an on-call reader expects, whichever driver
    wrapped it (httpx says "All connection attempts failed", botocore "Could not connect to the
    endpoint URL"): "host not found", "connection refused (127.0.0.1:9)", "host unreachable"."""
    for link in _chain(exc):
        if isinstance(link, socket.gaierror):
            return f"host not found ({link.strerror or 'the name does not resolve'})"
        if isinstance(link, OSError) and link.errno == errno.ECONNREFUSED:
            where = _ADDRESS.search(str(link))
            return f"connection refused ({where[1]}:{where[2]})" if where else "connection refused"
        if isinstance(link, OSError) and link.errno == errno.EHOSTUNREACH:
            return "host unreachable"
    if _mysql_code(exc) == 2013:
        return "server closed the connection during the query (2013)"
    return None


def _message(exc: BaseException) -> str:
    words = _network_words(exc)
    if words is not None:
        return mask_text(redact(words))
    code = _mysql_code(exc)
    if code is not None and len(exc.args) > 1:
        text = f"({code}) {exc.args[1]}"
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    return mask_text(redact(text))


def classify(exc: BaseException, instance: str, source: Source) -> SourceError:
    """A redacted, typed description of `exc` that is safe to show, log and export."""
    return SourceError(instance, source, _kind(exc), _message(exc))
