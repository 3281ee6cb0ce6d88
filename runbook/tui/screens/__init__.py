"""The dashboard's modal screens: confirm, refusal, one-line question, one event, help,
what-if."""

from __future__ import annotations

from runbook.tui.screens.dialogs import Answer, AskScreen, ConfirmScreen, RefusedScreen, Verdict
from runbook.tui.screens.event import EventScreen
from runbook.tui.screens.help import HelpScreen
from runbook.tui.screens.whatif import WhatIfScreen

__all__ = [
    "Answer",
    "AskScreen",
    "ConfirmScreen",
    "EventScreen",
    "HelpScreen",
    "RefusedScreen",
    "Verdict",
    "WhatIfScreen",
]
