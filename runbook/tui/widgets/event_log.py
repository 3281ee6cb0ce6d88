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
from runbook.planning.plan import Plan
from runbook.weekend.events import Event
from runbook.weekend.replan import event_columns
from runbook.weekend.views.rehearsal import runbook_clock

COLUMNS = ("#", "When", "Task", "What", "By", "Note")
CHUNK = 300  # events added at once; the rest follow a chunk at a time
CHUNK_PAUSE_S = 0.01


class EventLog(DataTable[Any]):
    """Appends only the events it has not shown; starts over when the events are folded again
    (a replay moved on: ``generation`` went up). Enter on a row shows that event in full."""

    # The live list of events in force grows in place: every assignment is looked at.
    events: reactive[Sequence[Event]] = reactive((), always_update=True, init=False)
    generation: reactive[int] = reactive(0, init=False)  # of the events given

    def __init__(
        self, *, id: str | None = None, zone: tzinfo = UTC, plan: Plan | None = None
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.zone = zone
        # On a rehearsal, each time with the runbook's beside it (``Tue 08:00 (Fri 08:00)``).
        self.plan = plan if plan is not None and plan.offset else None
        self._shown_generation = 0
        self._logged = 0
        self._later = False  # more events to add soon
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
        self._add_more()

    def _add_more(self) -> None:
        """Add the events not shown yet, ``CHUNK`` now and the rest soon after: a long log
        (20,000 events) added at once would hold the first screen for seconds."""
        events = self.events
        end = min(len(events), self._logged + CHUNK)
        for event in events[self._logged : end]:
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
                self._when(event.at),
                Text(shown(event.task) or "—"),
                what,
                Text(shown(event.by)),
                note,
                key=str(event.seq),
            )
            self._by_key[str(event.seq)] = event
        if end > self._logged:
            self.move_cursor(row=self.row_count - 1, animate=False)
        self._logged = end
        if end < len(events) and not self._later:
            self._later = True
            self.set_timer(CHUNK_PAUSE_S, self._add_later)

    def _when(self, moment: int) -> Text | str:
        """The event's time; on a rehearsal the runbook's time of it too."""
        own = clock(moment, self.zone)
        runbook = runbook_clock(self.plan, moment) if self.plan is not None else None
        if runbook is None:
            return own
        return Text(own).append(f" ({runbook})", style="yellow")

    @property
    def filling(self) -> bool:
        """Whether events given are still to be added."""
        return self._logged < len(self.events)

    def _add_later(self) -> None:
        self._later = False
        self._add_more()

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        from runbook.tui.screens import EventScreen

        event = self._by_key.get(str(message.row_key.value))
        if event is not None:
            self.app.push_screen(EventScreen(event, self.zone))
