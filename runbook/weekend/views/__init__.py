"""What both faces show, as plain data: the briefing's rows, whom to call, the verdict and
the headline it leads with, gates waiting for a decision, an open NO-GO, the line after a
check-in, one team's share, the alerts, progress and the task filter."""

from __future__ import annotations

from runbook.weekend.views.briefing import (
    Briefing,
    LateRow,
    ReadyRow,
    RunningRow,
    UpNextRow,
    Verdict,
    briefing,
    late_rows,
    ready_rows,
    recent_events,
    resumed_note,
    running_rows,
    up_next_rows,
    verdict,
)
from runbook.weekend.views.decisions import (
    DecisionNeeded,
    OpenNoGo,
    gate_waits,
    needs_decision,
    open_no_gos,
    split_ready,
)
from runbook.weekend.views.verdict import Headline, HeldFinish, Lead, lead
from runbook.weekend.views.whom import Contact, contact, mission_control, whom_to_call

__all__ = [
    "Briefing",
    "Contact",
    "DecisionNeeded",
    "Headline",
    "HeldFinish",
    "LateRow",
    "Lead",
    "OpenNoGo",
    "ReadyRow",
    "RunningRow",
    "UpNextRow",
    "Verdict",
    "briefing",
    "contact",
    "gate_waits",
    "late_rows",
    "lead",
    "mission_control",
    "needs_decision",
    "open_no_gos",
    "ready_rows",
    "recent_events",
    "resumed_note",
    "running_rows",
    "split_ready",
    "up_next_rows",
    "verdict",
    "whom_to_call",
]
