"""The dashboard's base App: what every runbook screen shows of people's text is data."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from runbook.common.text import shown


class DataApp(App[None]):
    """An App whose toasts show their text literally."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is data: never markup (what it quotes may hold ``[/]``), and
        no control character in it reaches the terminal."""
        super().notify(
            shown(message, one_line=False),
            title=shown(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )
