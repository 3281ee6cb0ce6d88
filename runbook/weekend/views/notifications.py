"""Notifications that keep failing, in one line for mission control: how many, to whom, why.

``runbook notify`` retries a failed delivery with a growing pause; meanwhile a team is not
told it is up. The dashboard says so without a key press, and points to the command that
shows every entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runbook.common.text import shown
from runbook.weekend.outbox import OutboxEntry, summary

STATUS_COMMAND = "runbook notify --status"
REASON_LIMIT = 80  # characters of a failure's reason in the line (the command shows it all)


@dataclass(frozen=True, slots=True)
class FailingNotifications:
    """Entries whose last try failed: ``recipients`` each with the reason of their latest
    failure (``dba``, ``coordinator``), in the outbox's order; shown text."""

    count: int
    recipients: tuple[tuple[str, str], ...]
    command: str = STATUS_COMMAND

    @property
    def headline(self) -> str:
        """``2 notifications failing``."""
        return f"{self.count} notification{'s' if self.count != 1 else ''} failing"

    @property
    def detail(self) -> str:
        """``dba (Connection refused)``; one reason for all when they share it
        (``dba, coordinator (Connection refused)``)."""
        reasons = {reason for _, reason in self.recipients}
        if len(reasons) == 1:
            names = ", ".join(who for who, _ in self.recipients)
            return f"{names} ({reasons.pop()})"
        return ", ".join(f"{who} ({reason})" for who, reason in self.recipients)

    @property
    def text(self) -> str:
        """The whole line: ``2 notifications failing: dba (Connection refused) — runbook
        notify --status``."""
        return f"{self.headline}: {self.detail} — {self.command}"


def failing_notifications(entries: Sequence[OutboxEntry]) -> FailingNotifications | None:
    """What the dashboard says of the outbox: None while no delivery is failing."""
    failing = summary(entries).failing
    if not failing:
        return None
    latest: dict[str, tuple[int, str]] = {}
    for entry in failing:
        who = shown(entry.recipient.removeprefix("team:"))
        reason = _reason(entry.error)
        tried = entry.next_try  # the latest try is the one with the latest next try
        if who not in latest or tried >= latest[who][0]:
            latest[who] = (tried, reason)
    return FailingNotifications(
        count=len(failing),
        recipients=tuple((who, reason) for who, (_, reason) in latest.items()),
    )


def _reason(error: str | None) -> str:
    text = shown(error) or "no reason given"
    if len(text) > REASON_LIMIT:
        text = text[: REASON_LIMIT - 1] + "…"
    return text
