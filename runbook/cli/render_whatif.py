"""Rich rendering of a what-if (`runbook plan --what-if`): before and after, side by side."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.views.briefing import Verdict
from runbook.weekend.views.whatif import WhatIfView

MOVED_LIMIT = 15


def _verdict(v: Verdict, plan: Plan) -> Text:
    """``BEHIND 2h, finish Mon 04:00 (2h to spare)``."""
    zone = plan.zone
    style = {"AHEAD": "green", "BEHIND": "red"}.get(v.word, "")
    text = Text(f"{v.word}{' ' + v.amount if v.amount else ''}", style=f"bold {style}".strip())
    text.append(f", finish {clock(v.forecast_finish, zone)}")
    if v.spare is not None:
        if v.spare >= 0:
            text.append(f" ({format_duration(v.spare)} to spare)", style="green")
        else:
            text.append(f" ({format_duration(-v.spare)} PAST THE DEADLINE)", style="bold red")
    return text


def what_if_summary(view: WhatIfView, plan: Plan, *, limit: int | None = MOVED_LIMIT) -> Group:
    """The changes, the verdict now and with them, the points of no return, what moves."""
    zone = plan.zone
    dated = plan.needs_dates(max(view.before.forecast_finish, view.after.forecast_finish))
    parts: list[RenderableType] = [
        Text("\nWhat if (nothing recorded): ", style="bold").append(
            shown("; ".join(view.changes)), style="bold cyan"
        )
    ]
    line = Text("  now:     ")
    line.append_text(_verdict(view.before, plan))
    parts.append(line)
    line = Text("  what if: ")
    line.append_text(_verdict(view.after, plan))
    parts.append(line)
    if view.points:
        parts.append(Text("\nPoints of no return (gate forecast now → what if)", style="bold"))
        for p in view.points:
            row = Text(f"  ◆ {p.gate}  ")
            row.append(
                "no point of no return"
                if p.point is None
                else f"must decide by {clock(p.point, zone, with_date=dated)}"
            )
            if p.before is not None and p.after is not None:
                row.append(
                    f" · gate ~{clock(p.before, zone, with_date=dated)} → "
                    f"~{clock(p.after, zone, with_date=dated)}"
                )
            margin = p.margin_after
            if margin is not None and margin < 0:
                row.append(f" — {format_duration(-margin)} AFTER IT", style="bold red")
            parts.append(row)
    moved = view.moved if limit is None else view.moved[:limit]
    parts.append(Text(f"\nTasks that move ({len(view.moved)})", style="bold"))
    if not view.moved:
        parts.append(Text("  none: the forecast stays as it is", style="dim"))
    width = max((len(m.id) for m in moved), default=0)
    for m in moved:
        row = Text(f"  {'!' if m.critical else ' '} ", style="bold red")
        row.append(m.id.ljust(width), style="bold")
        row.append(
            f"  ~{clock(m.before_start, zone, with_date=dated)}–"
            f"{clock(m.before_finish, zone, with_date=dated)} → "
            f"~{clock(m.after_start, zone, with_date=dated)}–"
            f"{clock(m.after_finish, zone, with_date=dated)}  "
        )
        sign = "+" if m.shift > 0 else "-"
        row.append(
            f"{sign}{format_duration(abs(m.shift))}", style="red" if m.shift > 0 else "green"
        )
        parts.append(row)
    if len(moved) < len(view.moved):
        parts.append(Text(f"  … and {len(view.moved) - len(moved)} more", style="dim"))
    path = Text("\nRemaining critical path, what if: ", style="bold")
    path.append(" → ".join(view.critical_path) or "none", style="red")
    parts.append(path)
    return Group(*parts)
