"""The dashboard's modal screens: confirm, refusal, one-line question, one event, help."""

from __future__ import annotations

from runbook.tui.screens.dialogs import Answer, AskScreen, ConfirmScreen, RefusedScreen, Verdict
from runbook.tui.screens.event import EventScreen
from runbook.tui.screens.help import HelpScreen

__all__ = [
    "Answer",
    "AskScreen",
    "ConfirmScreen",
    "EventScreen",
    "HelpScreen",
    "RefusedScreen",
    "Verdict",
]
