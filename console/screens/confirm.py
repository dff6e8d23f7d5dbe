"""ConfirmScreen: the prompts of a change, and `run_confirmed`, the one way screens make one.

The first prompt shows exactly what will run (masked), where, and why it is a change; Cancel has
the focus, so Enter or Escape cancels. A change that needs two confirmations (destructive on
production: DROP, DELETE, KILL, CLIENT KILL...) then asks for the instance name, typed exactly.
The screen only collects the answers and shows the query service's prompt (its reasons and
warnings scrubbed there); the service runs or cancels the action, and the data layer checks the
answers before it sends anything.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.data.layer import DataLayer
from console.data.models import AlertmanagerTarget, Reading, WriteOutcome
from console.inventory import Instance
from console.safety.confirm import YES, Action, Consent
from console.services import query as query_service
from console.services.query import ChangePrompt
from widgets.bindings import bindings
from widgets.resilient import Resilient


class ConfirmScreen(Resilient, ModalScreen[Consent | None]):
    """Ask for a change's confirmations; dismiss with the answers, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm.cancel")
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmScreen.-destructive > Vertical { border: thick $error; }
    ConfirmScreen #where.-prod { background: $error 30%; text-style: bold; }
    ConfirmScreen #statement {
        height: auto; max-height: 10; background: $boost; padding: 0 1; margin: 1 0;
    }
    ConfirmScreen #warnings { color: $warning; height: auto; }
    ConfirmScreen #buttons { height: 3; align-horizontal: right; }
    ConfirmScreen #buttons Button { margin-left: 2; }
    ConfirmScreen #typed { display: none; }
    ConfirmScreen #mismatch { color: $error; height: auto; }
    """

    def __init__(self, prompt: ChangePrompt) -> None:
        super().__init__(classes=f"-{prompt.action.classification}")
        self.prompt = prompt
        self.action = prompt.action

    def compose(self) -> ComposeResult:
        a = self.action
        asks = "asks twice" if a.confirmations >= 2 else "asks once"
        with Vertical() as box:
            box.border_title = Text(a.title)  # holds data: never read as markup
            box.border_subtitle = Text(f"{a.classification} · {asks}")
            env = "PRODUCTION" if a.is_production else a.env
            yield Static(
                f"on {a.instance}  ({env})  {a.endpoint}",
                id="where",
                classes="-prod" if a.is_production else "",
                markup=False,
            )
            yield Static("will run, exactly:", id="will-run", markup=False)
            yield Static(a.text, id="statement", markup=False)
            reasons = "\n".join(f"· {reason}" for reason in self.prompt.reasons)
            yield Static(reasons, id="reasons", markup=False)
            warned = "\n".join(f"! {w}" for w in self.prompt.warnings)
            yield Static(warned, id="warnings", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button(self._verb(), id="go", variant="error")
            yield Input(placeholder=f"type {a.instance} to confirm", id="typed")
            yield Static("", id="mismatch")

    def _verb(self) -> str:
        silence = self.action.silence
        word = "Kill" if self.action.kill is not None else "Run"
        if silence is not None:
            word = "Silence" if silence.op == "create" else "Expire"
        return f"{word}…" if self.action.confirmations >= 2 else word

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#go")
    def first_confirmation(self) -> None:
        if self.action.confirmations < 2:
            self.dismiss(Consent(self.action, (YES,)))
            return
        self.query_one("#buttons").display = False
        self.query_one("#will-run", Static).update(
            f"second confirmation: type the instance name ({self.action.instance}) and Enter"
        )
        typed = self.query_one("#typed", Input)
        typed.display = True
        typed.focus()

    @on(Input.Submitted, "#typed")
    def second_confirmation(self, event: Input.Submitted) -> None:
        if event.value != self.action.instance:
            self.query_one("#mismatch", Static).update(
                "that is not the instance name; nothing was run (Escape cancels)"
            )
            return
        self.dismiss(Consent(self.action, (YES, event.value)))


async def run_confirmed(
    app: App[object],
    data: DataLayer,
    instance: Instance | AlertmanagerTarget,
    action: Action,
    warnings: tuple[str, ...] = (),
) -> Reading[WriteOutcome] | None:
    """Prompt for the action; run it if confirmed (None when cancelled). Call from a worker."""
    prompt = query_service.prompt(action, warnings)
    consent = await app.push_screen_wait(ConfirmScreen(prompt))
    return await query_service.settle(data, instance, action, consent)
