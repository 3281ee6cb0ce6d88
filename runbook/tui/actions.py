"""The dashboard's keys that ask the core something (what if, recover, pull forward, go to)
or change what the table shows (filter, critical only, sort); the check-ins are in
``checkin``. What reads the store runs on the store's thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widgets import TabbedContent

from runbook.common.errors import RunbookError
from runbook.tui.base import DataApp
from runbook.tui.screens import AskScreen, HelpScreen, WhatIfScreen
from runbook.tui.widgets import SidePanels, TaskList, TaskTable
from runbook.tui.widgets.rows import SORT_NAMES
from runbook.tui.widgets.tasks import FILTER_HINT
from runbook.weekend.replan import GRAMMAR
from runbook.weekend.views.whatif import what_if_view

if TYPE_CHECKING:
    from runbook.tui.checkin import CheckInFlow
    from runbook.tui.store_io import StoreIO
    from runbook.usecases import Weekend
    from runbook.weekend.forecast import Snapshot


def said(exc: RunbookError) -> str:
    """An error as a toast says it, with its hint."""
    return exc.message + (f" ({exc.hint})" if exc.hint else "")


class Actions(DataApp):
    """The actions of ``MissionControl``'s keys (``keys.KEYS``), apart from the check-ins."""

    ACTIONS_THAT_WRITE = frozenset({"check", "revise"})

    weekend: Weekend
    io: StoreIO
    checkins: CheckInFlow
    snap: Snapshot | None
    read_only: bool

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.read_only and action in self.ACTIONS_THAT_WRITE)

    def _failed(self, exc: Exception) -> bool:
        """A refusal or bad input from the store's thread, said as a toast."""
        if not isinstance(exc, RunbookError):
            return False
        self.notify(said(exc), severity="error")
        return True

    def _push(self, screen: Screen[None]) -> None:
        self.push_screen(screen)

    def _selected(self) -> str | None:
        task_id = self.query_one(TaskTable).selected_task
        if task_id is None or self.snap is None:
            self.notify("select a task first", severity="warning")
            return None
        return task_id

    def action_check(self, kind: str) -> None:
        """Start, finish, fail, skip, undo or annotate the selected task, after confirming."""
        task_id = self._selected()
        if task_id is not None and self.snap is not None:
            self.checkins.begin(kind, task_id, self.snap)

    def action_revise(self, kind: str) -> None:
        """A new eta for the selected task, a new estimate, or pull it forward."""
        task_id = self._selected()
        if task_id is not None and self.snap is not None:
            self.checkins.revise(kind, task_id, self.snap)

    def action_what_if(self) -> None:
        """The forecast as it would be with some changes, recording nothing."""
        weekend = self.weekend

        def show(text: str | None) -> None:
            if not text:
                return
            specs = [part.strip() for part in text.split(";") if part.strip()]
            self.io.ask(
                lambda: what_if_view(weekend.what_if(specs)),
                lambda view: self._push(WhatIfScreen(view, weekend.plan)),
                self._failed,
            )

        task_id = self.query_one(TaskTable).selected_task
        self.push_screen(
            AskScreen(
                "What if… (nothing is recorded; separate changes with ;)",
                value=f"{task_id}+1h" if task_id else "",
                help_text=f"e.g. {GRAMMAR}",
                suggestions=list(weekend.plan.index),
            ),
            show,
        )

    def action_recover(self) -> None:
        """Which optional work to drop to land in time, from the core; recording nothing."""
        from runbook.tui.screens.recover import RecoverScreen
        from runbook.weekend.views.recover import recovery_lines

        weekend = self.weekend
        self.io.ask(
            lambda: recovery_lines(weekend.recover(), weekend.plan),
            lambda lines: self._push(RecoverScreen(lines)),
            self._failed,
        )

    def action_pull_candidates(self) -> None:
        """The tasks that could be pulled forward, what each brings closer first (the core's
        ranking); Enter goes to one in the table, p pulls it."""
        from runbook.tui.screens.pull import PULL, PullScreen

        if self.snap is None:
            return
        snap = self.snap

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            what, task_id = choice
            self.query_one(TabbedContent).active = "tasks"
            self.query_one(TaskList).go_to(task_id)
            if what == PULL:
                if self.read_only:
                    self.notify("read-only: nothing can be pulled here", severity="warning")
                    return
                self.checkins.revise("pull", task_id, snap)

        self.push_screen(PullScreen(self.weekend.pull_forward(snap), self.weekend.plan), chosen)

    def action_filter(self) -> None:
        tasks = self.query_one(TaskList)
        ask = AskScreen(
            "Filter tasks (empty: show all)", value=tasks.filter_text, help_text=FILTER_HINT
        )
        self.push_screen(ask, lambda text: None if text is None else tasks.apply_filter(text))

    def action_critical(self) -> None:
        self.query_one(TaskList).toggle_critical()

    def action_goto(self) -> None:
        weekend = self.weekend

        def found(task_id: str) -> None:
            self.query_one(TabbedContent).active = "tasks"
            self.query_one(TaskList).go_to(task_id)

        def jump(text: str | None) -> None:
            if text:  # an id no longer in the runbook is looked up in the log
                self.io.ask(lambda: weekend.resolve(text), found, self._failed)

        ids = list(weekend.plan.index)
        self.push_screen(AskScreen("Go to task (id or prefix)", suggestions=ids), jump)

    def action_sort(self) -> None:
        key = self.query_one(TaskList).next_sort()
        self.notify(f"sorted by {SORT_NAMES.get(key, key)}", timeout=2)

    def action_reverse(self) -> None:
        self.query_one(TaskList).reverse()

    def action_panels(self) -> None:
        """Below 160 columns, the strip beneath the table shows what matters now (failed,
        running, ready, late) or, at ``v``, the recent events and the teams' and phases'
        progress."""
        self.query_one(SidePanels).toggle_class("others")
        self.query_one(TabbedContent).active = "tasks"

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_help(self) -> None:
        self.push_screen(HelpScreen())
