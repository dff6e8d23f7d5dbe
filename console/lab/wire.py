"""Minimal stdlib sessions on the lab's MariaDB, PostgreSQL and Redis, for the lab's own workload.

Why: `console.lab` may not import the drivers (they live in `console/data` only), and a workload
that runs all day must cost little: one blocking socket per session, no event loop, no driver.
Only what the workload needs: log in, run one statement and drain its answer, pipeline Redis
commands. MariaDB logs in through `storm.login` (mysql_native_password); PostgreSQL through
SCRAM-SHA-256 (the lab's `--auth-host`); Redis through AUTH user password.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import socket
import struct
from typing import Protocol

from console.lab import storm


class SessionError(RuntimeError):
    """The server answered with an error (the session itself may still be usable)."""


class Session(Protocol):
    """One SQL session: run a statement, drain its answer; close."""

    def run(self, sql: str) -> None: ...

    def close(self) -> None: ...


def _close(sock: socket.socket) -> None:
    """Shut down, then close: shutdown also wakes a thread blocked in recv on this socket."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# --- MariaDB ---------------------------------------------------------------------------------


class MySQLSession:
    """A MariaDB session over the classic protocol (COM_QUERY, text results drained)."""

    def __init__(self, cnf: dict[str, str], database: str, timeout_s: float) -> None:
        host, port = cnf.get("host", "127.0.0.1"), int(cnf.get("port", "3306"))
        try:
            self._sock = storm.login(host, port, cnf["user"], cnf.get("password", ""), database)
        except storm.HandshakeError as exc:
            raise SessionError(str(exc)) from exc
        self._sock.settimeout(timeout_s)

    def run(self, sql: str) -> None:
        storm.send_packet(self._sock, 0, b"\x03" + sql.encode("utf-8"))
        _, first = storm.read_packet(self._sock)
        if first[:1] == b"\xff":
            raise SessionError(first[9:].decode("utf-8", errors="replace"))
        if first[:1] == b"\x00":
            return
        self._drain_until_eof()  # column definitions
        self._drain_until_eof()  # rows

    def _drain_until_eof(self) -> None:
        while True:
            _, packet = storm.read_packet(self._sock)
            if packet[:1] == b"\xfe" and len(packet) < 9:
                return
            if packet[:1] == b"\xff":
                raise SessionError(packet[9:].decode("utf-8", errors="replace"))

    def close(self) -> None:
        _close(self._sock)


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_error(payload: bytes) -> str:
    fields = {f[:1]: f[1:] for f in payload.split(b"\0") if f}
    return fields.get(b"M", b"error").decode("utf-8", errors="replace")


class PgSession:
    """A PostgreSQL session over protocol 3.0: SCRAM-SHA-256 login, simple queries."""

    def __init__(
        self,
        address: tuple[str, int],
        user: str,
        password: str,
        database: str,
        app: str,
        options: str = "",
    ) -> None:
        self._sock = socket.create_connection(address, timeout=60)
        params = {"user": user, "database": database, "application_name": app}
        if options:
            params["options"] = options
        body = struct.pack("!I", 196608)
        body += b"".join(f"{k}\0{v}\0".encode() for k, v in params.items()) + b"\0"
        self._sock.sendall(struct.pack("!I", len(body) + 4) + body)
        try:
            self._login(password)
            self._until_ready()
        except BaseException:
            _close(self._sock)
            raise

    def _read(self) -> tuple[bytes, bytes]:
        header = storm.recv_exact(self._sock, 5)
        (length,) = struct.unpack("!I", header[1:])
        return header[:1], storm.recv_exact(self._sock, length - 4)

    def _send(self, kind: bytes, payload: bytes) -> None:
        self._sock.sendall(kind + struct.pack("!I", len(payload) + 4) + payload)

    def _auth_message(self) -> tuple[int, bytes]:
        kind, payload = self._read()
        if kind == b"E":
            raise SessionError(_pg_error(payload))
        (code,) = struct.unpack("!I", payload[:4])
        return code, payload[4:]

    def _login(self, password: str) -> None:
        code, _ = self._auth_message()
        if code == 0:
            return
        if code != 10:  # only SASL (SCRAM-SHA-256), which the lab configures
            raise SessionError(f"unsupported authentication request {code}")
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n=,r={nonce}"
        initial = f"n,,{first_bare}".encode()
        self._send(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(initial)) + initial)
        _, server_first_raw = self._auth_message()
        server_first = server_first_raw.decode()
        attrs = dict(item.split("=", 1) for item in server_first.split(","))
        salt = base64.b64decode(attrs["s"])
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c=biws,r={attrs['r']}"
        message = f"{first_bare},{server_first},{without_proof}".encode()
        signature = hmac.new(stored_key, message, "sha256").digest()
        proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature, strict=True)))
        self._send(b"p", f"{without_proof},p={proof.decode()}".encode())
        self._auth_message()  # SASL final
        code, _ = self._auth_message()
        if code != 0:
            raise SessionError(f"login not accepted ({code})")

    def _until_ready(self) -> None:
        error: str | None = None
        while True:
            kind, payload = self._read()
            if kind == b"E":
                error = _pg_error(payload)
            elif kind == b"Z":
                break
        if error is not None:
            raise SessionError(error)

    def run(self, sql: str) -> None:
        self._send(b"Q", sql.encode("utf-8") + b"\0")
        self._until_ready()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send(b"X", b"")
        _close(self._sock)


# --- Redis -----------------------------------------------------------------------------------

Reply = bytes | int | None | list["Reply"] | SessionError


def command(*args: str | int) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = str(arg).encode("utf-8")
        parts.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(parts)


class RedisSession:
    """A Redis connection: AUTH, CLIENT SETNAME, then pipelines of commands."""

    def __init__(self, address: tuple[str, int], user: str, password: str, name: str) -> None:
        self._sock = socket.create_connection(address, timeout=10)
        self._reader = self._sock.makefile("rb")
        login = [command("AUTH", user, password), command("CLIENT", "SETNAME", name)]
        replies = self.pipeline(login)
        failed = [r for r in replies if isinstance(r, SessionError)]
        if failed:
            self.close()
            raise failed[0]

    def _reply(self) -> Reply:
        line = self._reader.readline()
        if not line:
            raise ConnectionError("connection closed by the server")
        kind, body = line[:1], line[1:-2]
        if kind == b"+":
            return body
        if kind == b"-":
            return SessionError(body.decode("utf-8", errors="replace"))
        if kind == b":":
            return int(body)
        if kind == b"$":
            size = int(body)
            return None if size < 0 else self._reader.read(size + 2)[:-2]
        if kind == b"*":
            size = int(body)
            return None if size < 0 else [self._reply() for _ in range(size)]
        raise ConnectionError(f"unexpected reply {line[:20]!r}")

    def pipeline(self, commands: list[bytes]) -> list[Reply]:
        """Send every command at once, then read one reply each (errors are values)."""
        self._sock.sendall(b"".join(commands))
        return [self._reply() for _ in commands]

    def close(self) -> None:
        self._reader.close()
        _close(self._sock)
