"""The help screen: the keys and the filter syntax."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runbook.weekend.views.filters import HELP as FILTER_HELP

HELP_TEXT = f"""\
[b]Mission control — keys[/b]

  [b]s[/b] start      [b]d[/b] done       [b]f[/b] fail (asks why)     [b]k[/b] skip (asks why)
  [b]u[/b] undo the task's last check-in     [b]n[/b] add a note
  Every action asks for confirmation and follows the same rules as the CLI;
  a refusal says why, and can be forced deliberately (the override is logged):
  [b]Ctrl+F[/b] in the dialog, even while typing a time or a reason.
  [b]e[/b] new eta (running task)   [b]t[/b] new estimate (not started)   [b]p[/b] pull forward
  [b]w[/b] what if: the forecast with changes such as [i]db+2h; app pull[/i], recording nothing
  [b]R[/b] recover: which optional work (nice, then should) to drop to land in time;
    [i]runbook drop ID --reason[/i] records the decision (the work goes to aftercare)
  [b]P[/b] what could be pulled forward (only its not_before holds it), what each brings
    closer first (the finish, the next gate or milestone); Enter goes to it, [b]p[/b] pulls it

  [b]/[/b] filter      [b]c[/b] critical only      [b]g[/b] go to a task by id
  [b]o[/b] sort: what matters now (failed, running, ready, late; the first order on a
    narrow terminal), then by each column   [b]O[/b] reverse   (or click a column header)
  [b]1[/b] tasks   [b]2[/b] timeline   [b]3[/b] event log (Enter: an event in full)
  [b]v[/b] beneath the table: recent events, teams, phases  (again: back)
  [b]?[/b] this help   [b]q[/b] quit

[b]A weekend played back[/b] (runbook control --replay): [b]space[/b] pause or go on
  [b].[/b] to the next event   [b]j[/b] jump to a time   [b]+[/b] / [b]-[/b] faster / slower

[b]Filter[/b]: {FILTER_HELP}.
  e.g. [i]team:dba status:running,ready[/i]   [i]phase:sat late[/i]   [i]priority:nice[/i]

[b]Reading the table[/b]: Plan = the baseline; Actual/~forecast are actual times, or
  ~forecast ones; Var = finish against the baseline; ! = on the remaining critical path;
  READY = may start now; scheduled = waits only for its not_before (up next, not yet);
  eta, pulled, revised = a revision in force (an eta, a pull, an estimate);
  nice, should = optional work; dropped = skipped as dropped for time (aftercare).

Arrows or the wheel scroll this help; Esc closes it.
"""


class HelpScreen(ModalScreen[None]):
    """The keys and the filter syntax."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="help"):
            yield Static(HELP_TEXT)

    def action_close(self) -> None:
        self.dismiss(None)
