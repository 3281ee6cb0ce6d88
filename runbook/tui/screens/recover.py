"""The recovery options: which optional work to drop to land in time (`runbook recover`)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runbook.tui.widgets.rows import lines_text
from runbook.weekend.views.lines import Line


def recovery_text(lines: list[Line]) -> Text:
    """The lines of the core's recovery view, each in its tone (user text shown safely)."""
    text = Text("Recover: what to drop to land in time", style="bold")
    text.append("  (nothing recorded)\n\n", style="dim")
    return text.append_text(lines_text(lines))


class RecoverScreen(ModalScreen[None]):
    """The recovery options, computed by the core (``Weekend.recover``); Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q,R", "close", "Close")]

    def __init__(self, lines: list[Line]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="help"):
            yield Static(recovery_text(self.lines), id="detail")

    def action_close(self) -> None:
        self.dismiss(None)
