"""Resilient: a message pump whose handler failure is reported in place, not the end of it.

Why: Textual ends a widget's message loop at the first exception out of a handler (and the
App then exits). The on-call console must survive one bad value: a screen, pane or widget
with this mixin hands the error to the App (`App._handle_exception`, which OpsConsoleApp turns
into a redacted notification) and goes on processing its messages.
"""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState


class Resilient(MessagePump):
    """Put first among the bases: `class QueryPane(Resilient, Vertical)`."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:  # CancelledError is a BaseException: it still propagates
            self.app._handle_exception(error)
        if isinstance(message, Worker.StateChanged):
            _report_failed_worker(self, message)


def _report_failed_worker(pump: MessagePump, message: Worker.StateChanged) -> None:
    """A worker of this pump that failed is reported by the App like a handler's error.

    Why: Textual posts a worker's state only to the widget that started it (the message does
    not bubble), so a failed pane worker (`exit_on_error=False`) vanished without a word.
    """
    worker = message.worker
    report = getattr(pump.app, "report_failure", None)
    if message.state is WorkerState.ERROR and worker.error is not None and callable(report):
        report(f"{worker.name}: {worker.error}", "A pane failed")
