"""The what-if: the forecast and the points of no return as they would be with some changes
(the core's lines, as `plan --what-if` shows them; a task that moves on one short line)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runbook.planning.plan import Plan
from runbook.tui.widgets.rows import lines_text
from runbook.weekend.views.whatif import WhatIfView, what_if_lines


def what_if_text(view: WhatIfView, plan: Plan) -> Text:
    """The what-if in a few lines: the changes, now against what if, the points of no return,
    the tasks that move (the critical ones marked !), the remaining critical path."""
    return lines_text(what_if_lines(view, plan, compact=True))


class WhatIfScreen(ModalScreen[None]):
    """A what-if, computed by the core (``Weekend.what_if``); Esc or Enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, view: WhatIfView, plan: Plan) -> None:
        super().__init__()
        self.view = view
        self.plan = plan

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="help"):
            yield Static(what_if_text(self.view, self.plan), id="detail")

    def action_close(self) -> None:
        self.dismiss(None)
