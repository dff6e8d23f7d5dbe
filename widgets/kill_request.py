"""KillRequested: the message a session or client table posts when the person presses `k`."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class KillRequested(Message):
    """End this session (process id, PostgreSQL pid or Redis client id) after confirmation.

    The table only asks; the screen builds the action, prompts and runs it through the data
    layer. `about` describes the session for the prompt (user, address, what it runs).
    """

    instance: str
    session: int
    about: str
