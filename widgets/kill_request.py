"""KillRequested: the message a session or client table posts when the person presses `k`, and
KillKey, the key's gate (shown disabled when the console refuses kills)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    _Table = Widget
else:
    _Table = object  # a plain mixin: a DOMNode first among the bases hides DataTable's CSS


@dataclass
class KillRequested(Message):
    """End this session (process id, PostgreSQL pid or Redis client id) after confirmation.

    The table only asks; the screen builds the action, prompts and runs it through the data
    layer. `about` describes the session for the prompt (user, address, what it runs).
    """

    instance: str
    session: int
    about: str


class KillKey(_Table):
    """Put first among a session or client table's bases: its kill key, offered unless the
    screen set `kill_refused`.

    Why: a console that will refuse the kill (read-only mode) should not offer it; the key
    shows disabled and does nothing (the data layer refuses it anyway)."""

    kill_refused: str = ""
    """Why a kill would be refused ("read-only: ..."), set by the screen before mounting."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "kill" and self.kill_refused:
            # read-only: shown disabled, never run; a replay: hidden (no session to end there)
            return False if self.kill_refused.startswith("replay:") else None
        return super().check_action(action, parameters)
