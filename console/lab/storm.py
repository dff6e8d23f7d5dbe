"""A connection storm: one process that opens N idle MariaDB sessions and holds them.

`python -m console.lab.storm COUNT CNF DATABASE` logs in COUNT times as the account in the 0600
client file CNF (mysql_native_password, the lab's default), then sleeps until it is signalled.
The sessions show as `Sleep` in the processlist, like a leaking application pool, and cost one
socket each instead of one client process each. Stdlib only (no driver outside console/data).
"""

from __future__ import annotations

import configparser
import hashlib
import signal
import socket
import struct
import sys
from pathlib import Path

CAPABILITIES = 1 | 8 | 512 | 32768 | (1 << 19)  # long password, db, 4.1, secure conn, plugin auth
NATIVE = b"mysql_native_password"


class HandshakeError(RuntimeError):
    """The server refused the login."""


def read_cnf(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return dict(parser["client"])


def scramble(password: str, salt: bytes) -> bytes:
    """mysql_native_password: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw)))."""
    if not password:
        return b""
    stage1 = hashlib.sha1(password.encode("utf-8")).digest()
    stage2 = hashlib.sha1(stage1).digest()
    mix = hashlib.sha1(salt + stage2).digest()
    return bytes(a ^ b for a, b in zip(stage1, mix, strict=True))


def recv_exact(sock: socket.socket, size: int) -> bytes:
    """Exactly `size` bytes from a blocking socket (the MySQL and PostgreSQL wire both frame by
    length); ConnectionError when the server closes first."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        data += chunk
    return data


def read_packet(sock: socket.socket) -> tuple[int, bytes]:
    header = recv_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], recv_exact(sock, length)


def send_packet(sock: socket.socket, sequence: int, payload: bytes) -> None:
    sock.sendall(struct.pack("<I", len(payload))[:3] + bytes([sequence & 0xFF]) + payload)


def _salt(greeting: bytes) -> bytes:
    """The 20-byte auth salt of a protocol-10 greeting."""
    rest = greeting[greeting.index(b"\0", 1) + 1 :]
    part1 = rest[4:12]
    part2 = rest[31:43]
    return part1 + part2


def _handle_reply(sock: socket.socket, sequence: int, reply: bytes, password: str) -> None:
    if reply[:1] == b"\xfe":  # auth switch: plugin name, then a new salt
        plugin, _, salt = reply[1:].partition(b"\0")
        if plugin != NATIVE:
            raise HandshakeError(f"unsupported auth plugin {plugin!r}")
        send_packet(sock, sequence + 1, scramble(password, salt.rstrip(b"\0")))
        sequence, reply = read_packet(sock)
    if reply[:1] == b"\xff":
        raise HandshakeError(reply[9:].decode("utf-8", errors="replace"))


def login(host: str, port: int, user: str, password: str, database: str) -> socket.socket:
    """An authenticated, idle connection."""
    sock = socket.create_connection((host, port), timeout=10)
    _, greeting = read_packet(sock)
    auth = scramble(password, _salt(greeting))
    payload = struct.pack("<IIB23x", CAPABILITIES, 1 << 24, 45)
    payload += user.encode() + b"\0" + bytes([len(auth)]) + auth
    payload += database.encode() + b"\0" + NATIVE + b"\0"
    send_packet(sock, 1, payload)
    sequence, reply = read_packet(sock)
    _handle_reply(sock, sequence, reply, password)
    sock.settimeout(None)
    return sock


def main(argv: list[str]) -> int:
    count, cnf, database = int(argv[0]), read_cnf(Path(argv[1])), argv[2]
    host, port = cnf.get("host", "127.0.0.1"), int(cnf.get("port", "3306"))
    held: list[socket.socket] = []
    for _ in range(count):
        try:
            held.append(login(host, port, cnf["user"], cnf.get("password", ""), database))
        except (OSError, HandshakeError) as exc:
            sys.stderr.write(f"storm: connection {len(held) + 1} failed: {exc}\n")
            break
    sys.stderr.write(f"storm: holding {len(held)} idle connections\n")
    sys.stderr.flush()
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
