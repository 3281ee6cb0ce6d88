"""One event in full: what the log tab's one-line row cannot show (a long note, the host, what
a forced check-in overrode)."""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runbook.common.text import shown
from runbook.format.durations import clock
from runbook.weekend.events import Event
from runbook.weekend.replan import event_summary


def event_detail(event: Event, zone: tzinfo) -> Text:
    """Every field of an event, people's text shown literally (a note keeps its lines)."""
    text = Text(f"Event {event.seq}: ", style="bold")
    text.append(shown(event_summary(event, zone)), style="bold")
    if event.against is not None:
        text.append("  AGAINST THE RULES", style="bold red")
    elif event.forced:
        text.append("  FORCED", style="bold yellow")
    rows = [
        ("task", shown(event.task) if event.task else "— (the whole runbook)"),
        ("when", clock(event.at, zone, with_date=True)),
        ("recorded", clock(event.recorded, zone, with_date=True)),
        ("by", f"{shown(event.by)} on {shown(event.host)}"),
    ]
    if event.against is not None:
        rows.append(("broke", shown(event.against) + " (recorded without --force)"))
    elif event.forced:
        rows.append(("overrode", shown(event.overrode or "")))
    for label, value in rows:
        text.append(f"\n{label:>9}  ", style="dim")
        text.append(value)
    if event.note:
        text.append("\n\n")
        text.append(shown(event.note, one_line=False))
    return text


class EventScreen(ModalScreen[None]):
    """One event of the log, in full; Esc or Enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, event: Event, zone: tzinfo) -> None:
        super().__init__()
        self.event = event
        self.zone = zone

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(event_detail(self.event, self.zone), id="detail")

    def action_close(self) -> None:
        self.dismiss(None)
