"""The dashboard's modal screens: confirm, refusal, one-line question, help."""

from __future__ import annotations

from runbook.tui.screens.dialogs import AskScreen, ConfirmScreen, RefusedScreen
from runbook.tui.screens.help import HelpScreen

__all__ = ["AskScreen", "ConfirmScreen", "HelpScreen", "RefusedScreen"]
