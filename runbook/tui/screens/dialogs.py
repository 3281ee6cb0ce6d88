"""Dialogs: confirm a check-in, show a refusal (and force it deliberately), ask for one line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from runbook.common.text import shown


@dataclass(frozen=True)
class Verdict:
    """What the core says of a check-in at the time typed: a time it cannot take
    (``problem``), a refusal (its reason, hint and whether it may be forced), or neither."""

    at: datetime | None = None
    problem: str | None = None
    refused: str | None = None
    hint: str | None = None
    forceable: bool = True


@dataclass(frozen=True)
class Answer:
    """A confirmed check-in: the reason or note typed, the time told (None: now), forced."""

    text: str = ""
    at: datetime | None = None
    force: bool = False


# Asks the core what it says of a check-in at the time typed; the verdict comes back later,
# to the callable given (the store is read on its own thread).
Check = Callable[[str, Callable[[Verdict], None]], None]


class ConfirmScreen(ModalScreen[Answer | None]):
    """Ask before recording; with ``ask`` set, a text (reason or note) is required (or, with
    ``optional``, may be left empty); with ``when``, a time told by phone may be typed.
    ``check`` asks the core, before anything is recorded, what it would refuse: at once for
    now (the dialog is there at once, so keys typed meanwhile land in it; the answer follows),
    and again at Enter for the time typed. A refusal is shown here, with Force and Cancel
    instead of Confirm. Dismisses with the Answer, or None when cancelled.

    Ctrl+F forces a refusal from anywhere in the dialog, also while typing a reason or a
    time (where ``f`` is a letter typed); ``f`` forces it when no text field has the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+f", "force", "Force it", show=False),
        Binding("f", "force_by_letter", "Force it", show=False),
    ]

    def __init__(
        self,
        question: str,
        detail: str = "",
        ask: str | None = None,
        *,
        when: bool = False,
        check: Check | None = None,
        optional: bool = False,
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.ask = ask
        self.optional = optional  # the text asked for may be left empty (a revision's reason)
        self.when = when
        self.check: Check = check or (lambda _, answer: answer(Verdict()))
        self.verdict = Verdict()
        self.answered = False  # the first verdict (for now) has come
        self.asking = False  # a verdict asked at Enter has not come back yet

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(shown(self.question)), id="question")
            if self.detail:
                yield Static(Text(shown(self.detail, one_line=False)), id="detail")
            yield Static(id="refusal")
            if self.ask:
                yield Input(placeholder=self.ask, id="text")
            if self.when:
                yield Input(placeholder="When (blank: now): 10:05 or 2026-12-05T10:05", id="when")
            yield Static(id="problem", classes="problem")
            with Horizontal(id="buttons"):
                yield Button("Confirm (Enter)", variant="primary", id="confirm")
                yield Button("Force (Ctrl+F)", variant="error", id="force")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self._show(self.verdict)
        if self.ask:
            self.query_one("#text", Input).focus()
        elif self.when:
            self.query_one("#when", Input).focus()
        else:
            self.query_one("#confirm", Button).focus()
        self.check("", self._first)

    def _first(self, verdict: Verdict) -> None:
        """What the core says of the check-in now, as the dialog opened."""
        self.answered = True
        if not self.is_attached:  # cancelled meanwhile
            return
        self._show(verdict)
        if verdict.refused and not self.ask and not self.asking:
            # Enter must not record a refused check-in: it lands on Cancel, F forces.
            self.query_one("#cancel", Button).focus()

    def _show(self, verdict: Verdict) -> None:
        """Show the refusal (or none) and the problem with the time (or none)."""
        self.verdict = verdict
        refusal = self.query_one("#refusal", Static)
        refused = verdict.refused is not None
        if refused:
            text = Text(f"REFUSED: {shown(verdict.refused or '', one_line=False)}")
            if verdict.hint:
                text.append(f"\nhint: {shown(verdict.hint)}")
            refusal.update(text)
        refusal.display = refused
        self.query_one("#dialog").set_class(refused, "refused")
        self.query_one("#confirm", Button).display = not refused
        self.query_one("#force", Button).display = refused and verdict.forceable
        problem = self.query_one("#problem", Static)
        problem.update(Text(shown(verdict.problem or "", one_line=False)))
        problem.display = verdict.problem is not None

    def on_input_submitted(self) -> None:
        self._confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._confirm()
        elif event.button.id == "force":
            self._confirm(force=True)
        else:
            self.dismiss(None)

    def _confirm(self, force: bool = False) -> None:
        text = ""
        if self.ask:
            text = self.query_one("#text", Input).value.strip()
            if not text and not self.optional:
                self.notify(f"{self.ask}: please fill it in", severity="warning")
                return
        told = self.query_one("#when", Input).value if self.when else ""
        if self.asking:  # Enter again before the answer: it is on its way
            return
        self.asking = True

        def answered(verdict: Verdict) -> None:
            self.asking = False
            if not self.is_attached or self.app.screen is not self:  # cancelled meanwhile
                return
            self._show(verdict)
            if verdict.problem is not None:
                return
            if verdict.refused is not None and not (force and verdict.forceable):
                return  # the refusal is on screen: only Force records it
            self.dismiss(Answer(text, verdict.at, force=verdict.refused is not None))

        self.check(told, answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A letter typed into a text field is text; only Ctrl+F forces from there.
        return not (action == "force_by_letter" and isinstance(self.focused, Input))

    def action_force_by_letter(self) -> None:
        self.action_force()

    def action_force(self) -> None:
        if self.verdict.refused is not None and self.verdict.forceable:
            self._confirm(force=True)

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
