"""Which version of the runbook is in force: the versions a weekend's log records, and the rule
that every moment uses the one in force then.

The first version is the runbook the weekend began with: the one its first baseline was taken
of (the first check-in takes it). Every ``runbook revise`` records the next one (an event of
kind ``revise`` naming the new runbook's content hash, with who, when, why and what changed).
A baseline taken of another runbook than the one in force (a log from before revisions were
recorded, where the file was edited and the baseline reset) is read as a version too, so an
older log reads as it did.

At a moment ``t`` the version in force is the last one recorded at or before ``t``; before the
first one, the first one (the weekend began with it). A log with none has no version: the
runbook file is the plan. An edited file that is not recorded changes nothing; the faces say
so, once per command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from runbook.format.durations import clock
from runbook.weekend.events import Event, EventKind


@dataclass(frozen=True, slots=True)
class Version:
    """One recorded version of the runbook: its number (1: the one the weekend began with),
    its content hash, and the event that put it in force."""

    number: int
    digest: str
    event: Event

    @property
    def at(self) -> int:
        """When it came into force."""
        return self.event.at

    @property
    def revised(self) -> bool:
        """True for a version recorded by ``runbook revise`` (not the first one)."""
        return self.event.kind == EventKind.REVISE

    @property
    def reason(self) -> str | None:
        """Why it was recorded (``--reason``)."""
        return self.event.note if self.revised else None

    @property
    def summary(self) -> str | None:
        """What changed from the version before, in words (as recorded)."""
        said = self.event.data.get("summary") if self.revised else None
        return str(said) if said else None

    @property
    def replaced(self) -> str | None:
        """The content hash of the version it replaced, as recorded."""
        said = self.event.data.get("previous") if self.revised else None
        return str(said) if said else None


def versions(runbook_events: Iterable[Event]) -> list[Version]:
    """Every version the log records, oldest first: the first baseline's runbook, each
    revision, and a baseline taken of a runbook other than the one in force."""
    found: list[Version] = []
    for event in runbook_events:
        digest = event.data.get("digest") if event.data else None
        if not isinstance(digest, str) or not digest:
            continue
        if event.kind == EventKind.REVISE or (
            event.kind == EventKind.BASELINE and (not found or found[-1].digest != digest)
        ):
            found.append(Version(len(found) + 1, digest, event))
    return found


def in_force(recorded: Sequence[Version], at: int | None = None) -> Version | None:
    """The version in force at ``at`` (epoch seconds; None: the latest recorded): the last
    one recorded at or before it, else the first; None when the log records none."""
    if not recorded:
        return None
    if at is None:
        return recorded[-1]
    current = recorded[0]
    for version in recorded:
        if version.at <= at:
            current = version
    return current


def in_force_line(
    version: Version | None, zone: tzinfo, *, zone_name: str | None = None
) -> str | None:
    """Which version is in force, in one line (``runbook version 2 in force, revised Sat
    13:02 by ingrid: deadline Mon 06:00 → Mon 02:00``); None when the log records none.
    ``zone_name`` follows the time when the zone is not the runbook's (``UTC``)."""
    if version is None:
        return None
    if not version.revised:
        return f"runbook version {version.number} in force (the one the weekend began with)"
    said = f": {version.summary}" if version.summary else ""
    when = clock(version.at, zone, with_date=True) + (f" {zone_name}" if zone_name else "")
    return f"runbook version {version.number} in force, revised {when} by {version.event.by}{said}"


def revised_mark(version: Version | None) -> str | None:
    """The short mark a screen's header shows for a revised runbook in force (``v2``); None
    while the runbook in force is the one the weekend began with (or none is recorded)."""
    return f"v{version.number}" if version is not None and version.revised else None
