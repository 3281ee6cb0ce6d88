"""What both faces show, as plain data: the briefing's rows, whom to call, the verdict and
the headline it leads with, gates waiting for a decision, an open NO-GO, the line after a
check-in, one team's share, the alerts, progress and the task filter."""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Each name and the module it comes from, imported when first asked for: the line after a
# check-in needs one of these modules, not the briefing and all it imports.
_FROM = {
    "Briefing": "briefing",
    "LateRow": "briefing",
    "ReadyRow": "briefing",
    "RunningRow": "briefing",
    "UpNextRow": "briefing",
    "Verdict": "briefing",
    "briefing": "briefing",
    "late_rows": "briefing",
    "ready_rows": "briefing",
    "recent_events": "briefing",
    "resumed_note": "briefing",
    "running_rows": "briefing",
    "up_next_rows": "briefing",
    "verdict": "briefing",
    "DecisionNeeded": "decisions",
    "OpenNoGo": "decisions",
    "gate_waits": "decisions",
    "needs_decision": "decisions",
    "open_no_gos": "decisions",
    "split_ready": "decisions",
    "Headline": "verdict",
    "HeldFinish": "verdict",
    "Lead": "verdict",
    "lead": "verdict",
    "Contact": "whom",
    "contact": "whom",
    "mission_control": "whom",
    "whom_to_call": "whom",
}


def __getattr__(name: str) -> object:
    module = _FROM.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


class _Views(types.ModuleType):
    """This package, whose ``briefing`` and ``verdict`` are functions named as the modules
    that hold them: importing such a module does not put the module in the function's
    place (Python sets a package's attribute to each submodule it imports)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and name in _FROM:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Views


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
