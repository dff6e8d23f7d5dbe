"""Resilient: a message pump whose handler failure is reported in place, not the end of it.

Why: Textual ends a widget's message loop at the first exception out of a handler (and the
App then exits). The on-call console must survive one bad value: a screen, pane or widget
with this mixin hands the error to the App (`App._handle_exception`, which OpsConsoleApp turns
into a redacted notification) and goes on processing its messages.
"""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump


class Resilient(MessagePump):
    """Put first among the bases: `class QueryPane(Resilient, Vertical)`."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:  # CancelledError is a BaseException: it still propagates
            self.app._handle_exception(error)
