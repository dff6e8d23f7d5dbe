"""The words a failing call is shown with, whichever driver wrapped the socket error.

Why a unit test beside the lab ones: the lab tests see these words for the drivers the lab
exercises; these pin each branch (refused, host not found, unreachable, lost mid-query) alone.
"""

from __future__ import annotations

import errno
import socket

import httpx
from asyncmy.errors import OperationalError

from console.data.errors import classify


def raised_from(outer: Exception, inner: BaseException) -> Exception:
    """`outer` as a driver raises it: `raise outer from inner`."""
    try:
        raise outer from inner
    except Exception as exc:
        return exc


def test_a_refused_connection_names_the_address_through_the_drivers_wrapping() -> None:
    cause = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 9)")
    wrapped = raised_from(httpx.ConnectError("All connection attempts failed"), cause)
    error = classify(wrapped, "alertmanager", "alertmanager")
    assert (error.kind, error.message) == ("unreachable", "connection refused (127.0.0.1:9)")


def test_a_name_that_does_not_resolve_is_host_not_found() -> None:
    cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    text = "Can't connect to MySQL server on 'no-such-host.invalid' ([Errno -2] ...)"
    wrapped = raised_from(OperationalError(2003, text), cause)
    error = classify(wrapped, "aws-luckyus-x-rw", "mysql")
    assert (error.kind, error.message) == (
        "unreachable",
        "host not found (Name or service not known)",
    )


def test_a_connection_lost_mid_query_says_the_server_closed_it() -> None:
    lost = OperationalError(2013, "Lost connection to MySQL server during query")
    error = classify(lost, "aws-luckyus-x-rw", "mysql")
    assert (error.kind, error.message) == (
        "unreachable",
        "server closed the connection during the query (2013)",
    )


def test_an_unreachable_network_and_other_errors_keep_their_own_text() -> None:
    unreachable = OSError(errno.EHOSTUNREACH, "No route to host")
    assert classify(unreachable, "x", "redis").message == "host unreachable"
    denied = OperationalError(1142, "SELECT command denied to user 'ro'")
    error = classify(denied, "x", "mysql")
    assert (error.kind, error.message) == ("denied", "(1142) SELECT command denied to user 'ro'")
