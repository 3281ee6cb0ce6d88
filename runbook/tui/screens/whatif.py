"""The what-if: the forecast and the points of no return as they would be with some changes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.views.briefing import Verdict
from runbook.weekend.views.whatif import WhatIfView


def _verdict(label: str, v: Verdict, plan: Plan) -> Text:
    style = {"AHEAD": "bold green", "BEHIND": "bold red"}.get(v.word, "bold")
    text = Text(f"{label:<9}")
    text.append(f"{v.word}{' ' + v.amount if v.amount else ''}", style=style)
    text.append(f"  finish {clock(v.forecast_finish, plan.zone)}")
    if v.spare is not None:
        spare = format_duration(abs(v.spare))
        text.append(
            f" ({spare} to spare)" if v.spare >= 0 else f" ({spare} PAST THE DEADLINE)",
            style="green" if v.spare >= 0 else "bold red",
        )
    return text


def what_if_text(view: WhatIfView, plan: Plan) -> Text:
    """The what-if in a few lines: the changes, now against what if, the points of no return,
    the tasks that move (the critical ones marked !)."""
    zone = plan.zone
    text = Text("What if ", style="bold")
    text.append(shown("; ".join(view.changes)), style="bold cyan")
    text.append("  (nothing recorded)\n\n", style="dim")
    text.append_text(_verdict("now", view.before, plan))
    text.append("\n")
    text.append_text(_verdict("what if", view.after, plan))
    for p in view.points:
        text.append(f"\n◆ {p.gate} ", style="bold magenta")
        if p.point is None:
            text.append("no point of no return")
            continue
        text.append(f"decide by {clock(p.point, zone)}")
        if p.before is not None and p.after is not None:
            text.append(f" · gate ~{clock(p.before, zone)} → ~{clock(p.after, zone)}")
        margin = p.margin_after
        if margin is not None and margin < 0:
            text.append(f" {format_duration(-margin)} AFTER IT", style="bold red")
    text.append(f"\n\nTasks that move ({len(view.moved)})", style="bold")
    for m in view.moved:
        text.append(f"\n{'!' if m.critical else ' '} ", style="bold red")
        text.append(m.id, style="bold")
        text.append(f" ~{clock(m.after_start, zone)}–{clock(m.after_finish, zone)[4:]} ")
        sign = "+" if m.shift > 0 else "-"
        text.append(
            f"{sign}{format_duration(abs(m.shift))}", style="red" if m.shift > 0 else "green"
        )
    if not view.moved:
        text.append("\nnone: the forecast stays as it is", style="dim")
    return text


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
