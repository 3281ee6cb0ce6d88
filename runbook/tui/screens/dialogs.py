"""Dialogs: confirm a check-in, show a refusal (and force it deliberately), ask for one line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from runbook.common.text import shown


class ConfirmScreen(ModalScreen[str | None]):
    """Ask before recording; with ``ask`` set, a text (reason or note) is required.
    Dismisses with the text ("" when none is asked for), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, detail: str = "", ask: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.ask = ask

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(shown(self.question)), id="question")
            if self.detail:
                yield Static(Text(shown(self.detail, one_line=False)), id="detail")
            if self.ask:
                yield Input(placeholder=self.ask, id="text")
            with Horizontal(id="buttons"):
                yield Button("Confirm (Enter)", variant="primary", id="confirm")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        if self.ask:
            self.query_one("#text", Input).focus()
        else:
            self.query_one("#confirm", Button).focus()

    def on_input_submitted(self) -> None:
        self._confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._confirm()
        else:
            self.dismiss(None)

    def _confirm(self) -> None:
        if self.ask:
            text = self.query_one("#text", Input).value.strip()
            if not text:
                self.notify(f"{self.ask}: please fill it in", severity="warning")
                return
            self.dismiss(text)
        else:
            self.dismiss("")

    def action_cancel(self) -> None:
        self.dismiss(None)


class RefusedScreen(ModalScreen[bool]):
    """A refusal, in plain words; ``f`` forces it (recorded as an override) when allowed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("f", "force", "Force it", show=False),
    ]

    def __init__(self, message: str, hint: str | None, forceable: bool) -> None:
        super().__init__()
        self.message = message
        self.hint = hint
        self.forceable = forceable

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="refused"):
            yield Label("REFUSED", id="question")
            yield Static(Text(shown(self.message, one_line=False)), id="detail")
            if self.hint:
                yield Static(Text(f"hint: {shown(self.hint)}"), classes="hint")
            with Horizontal(id="buttons"):
                if self.forceable:
                    yield Button("Force it (F)", variant="error", id="force")
                yield Button("Close (Esc)", variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "force")

    def action_force(self) -> None:
        if self.forceable:
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


class AskScreen(ModalScreen[str | None]):
    """One line of input (jump to a task, filter); None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        help_text: str = "",
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.help_text = help_text
        self.suggestions = suggestions or []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(shown(self.title_text)), id="question")
            suggester = SuggestFromList(self.suggestions) if self.suggestions else None
            yield Input(value=self.value, id="text", suggester=suggester)
            if self.help_text:
                yield Static(Text(shown(self.help_text, one_line=False)), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
