"""The tasks that could be pulled forward (`runbook pull` without ids): what each brings
closer, best first, as the core ranks them; Enter goes to the task, p pulls it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.forecast import PullForward
from runbook.weekend.views.pull import gain_words

# What the dismissal asks of the app: go to the task, or go to it and pull it.
GO, PULL = "go", "pull"


class PullScreen(ModalScreen[tuple[str, str] | None]):
    """The pull-forward candidates in a table; Esc closes it, Enter goes to the selected task
    in the task table, ``p`` goes there and pulls it (asking first, like every check-in)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,P", "close", "Close"),
        Binding("enter", "choose('go')", "Go to the task"),
        Binding("p", "choose('pull')", "Pull it forward"),
    ]

    def __init__(self, pull: list[PullForward], plan: Plan) -> None:
        super().__init__()
        self.pull = pull
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help pull"):
            head = Text("Could be pulled forward", style="bold")
            head.append(
                "  what each brings closer first; nothing is recorded "
                "(Enter: go to the task, p: pull it, Esc: close)",
                style="dim",
            )
            yield Static(head, id="question")
            if not self.pull:
                yield Static(
                    Text("Nothing: no task waits only for its not_before.", style="dim italic")
                )
                return
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="pull")
            yield table

    def on_mount(self) -> None:
        if not self.pull:
            return
        table = self.query_one("#pull", DataTable)
        zone = self.plan.zone
        # What it brings closer next to the id: that is what the list is ranked by.
        for label in ("Task", "Brings closer", "Could start", "Not before", "Earlier"):
            table.add_column(label, key=label)
        for p in self.pull:
            table.add_row(
                Text(p.id, style="bold"),
                Text(gain_words(p), style="bold green" if p.gains_anything else "dim"),
                Text(clock(p.could_start, zone), style="green"),
                Text(clock(p.not_before, zone)),
                Text(format_duration(p.gain)),
                key=p.id,
            )
        table.focus()

    @property
    def selected(self) -> str | None:
        """The id of the candidate under the cursor."""
        if not self.pull:
            return None
        row = self.query_one("#pull", DataTable).cursor_row
        return self.pull[row].id if 0 <= row < len(self.pull) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_choose(GO)  # Enter on a row (the table takes the key first)

    def action_choose(self, what: str) -> None:
        task = self.selected
        self.dismiss(None if task is None else (what, task))

    def action_close(self) -> None:
        self.dismiss(None)
