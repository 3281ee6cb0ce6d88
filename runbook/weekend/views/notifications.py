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
MIN_REASON = 12  # a reason is never cut shorter than this to make room


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
        return self.detail_within(None)

    def detail_within(self, room: int | None) -> str:
        """The detail in ``room`` characters where it can be: the reasons cut short first
        (the command that shows them whole must stay in sight on an 80-column screen)."""
        reasons = list(dict.fromkeys(reason for _, reason in self.recipients))
        if len(reasons) == 1:
            names = ", ".join(who for who, _ in self.recipients)
            free = None if room is None else room - len(names) - 3
            return f"{names} ({_cut(reasons[0], free)})"
        names_len = sum(len(who) + 5 for who, _ in self.recipients)
        each = None if room is None else (room - names_len) // len(self.recipients)
        return ", ".join(f"{who} ({_cut(reason, each)})" for who, reason in self.recipients)

    def line_within(self, width: int) -> tuple[str, str, str]:
        """The line's three parts, headline, detail and command, to be written
        ``headline: detail — command`` in ``width`` characters where it can be."""
        room = width - len(self.headline) - len(": ") - len(" — ") - len(self.command)
        return self.headline, self.detail_within(room), self.command

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
    return _cut(shown(error) or "no reason given", REASON_LIMIT)


def _cut(text: str, room: int | None) -> str:
    """``text`` in ``room`` characters, cut with an ellipsis (at least its first few)."""
    if room is None or len(text) <= room:
        return text
    return text[: max(room, MIN_REASON) - 1] + "…"
