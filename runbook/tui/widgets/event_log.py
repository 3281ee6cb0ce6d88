"""The log tab: every event in force, oldest first, appended as they arrive."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable

from runbook.common.text import shown
from runbook.format.durations import clock
from runbook.weekend.events import Event
from runbook.weekend.replan import event_columns

COLUMNS = ("#", "When", "Task", "What", "By", "Note")


class EventLog(DataTable[Any]):
    """Appends only the events it has not shown; starts over when the events are folded again
    (a replay moved on: ``generation`` went up). Enter on a row shows that event in full."""

    # The live list of events in force grows in place: every assignment is looked at.
    events: reactive[Sequence[Event]] = reactive((), always_update=True, init=False)

    def __init__(self, *, id: str | None = None, zone: tzinfo = UTC) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.zone = zone
        self.generation = 0  # of the events given
        self._shown_generation = 0
        self._logged = 0
        self._by_key: dict[str, Event] = {}

    def on_mount(self) -> None:
        for label in COLUMNS:
            self.add_column(label, key=label)

    def watch_events(self, events: Sequence[Event]) -> None:
        if self.generation != self._shown_generation:
            self._shown_generation = self.generation
            self.clear()
            self._logged = 0
            self._by_key.clear()
        for event in events[self._logged :]:
            # A revision's summary can be long: it leads its note, as in `runbook log`.
            said, changed = event_columns(event, self.zone)
            what = Text(shown(said))
            note = Text(shown(event.note))
            if changed:
                note = Text(shown(changed), style="yellow")
                note.append(f" — {shown(event.note)}" if event.note else "")
            if event.against is not None:
                what.append(" AGAINST THE RULES", style="bold red")
            elif event.forced:
                what.append(" FORCED", style="bold yellow")
            self.add_row(
                str(event.seq),
                clock(event.at, self.zone),
                Text(shown(event.task) or "—"),
                what,
                Text(shown(event.by)),
                note,
                key=str(event.seq),
            )
            self._by_key[str(event.seq)] = event
        if len(events) > self._logged:
            self.move_cursor(row=self.row_count - 1, animate=False)
        self._logged = len(events)

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        from runbook.tui.screens import EventScreen

        event = self._by_key.get(str(message.row_key.value))
        if event is not None:
            self.app.push_screen(EventScreen(event, self.zone))
