"""Whom to call, once: a team's name, its lead and their number (or address), as the runbook
gives them, and the team that coordinates the weekend (mission control).

Every face says it from a ``Contact``: the briefing and the dashboard (``Sanne Bakker +31 20
555 0120``, ``☎ ...`` where room is short), the notifications (``Call: Sanne Bakker - +31
...``) and the calendar (``Team: Database Administration (dba): Sanne Bakker, +31 ...``). The
parts and their order live here; a face joins them as its medium reads (a table cell, a
message line, a calendar description) and shows them through ``shown()``, as they are user
text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runbook.planning.plan import Plan, TeamInfo

# Team ids (or a word in a team's name) that say "this team is mission control".
MISSION_CONTROL_IDS = ("pmo", "mission-control", "mission_control")
_MISSION_CONTROL_NAME = re.compile(r"mission[\s_-]*control", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Contact:
    """Whom to call about a team's work (raw text from the runbook: a face shows it)."""

    team: str | None  # the team's id; None: the task has no team
    name: str  # the team's name (its id when the runbook does not list the team)
    lead: str = ""  # "" when not given
    number: str = ""  # a phone number or an address; "" when not given
    listed: bool = False  # the runbook lists the team under teams:

    @property
    def label(self) -> str:
        """``Database Administration (dba)``: the team by name with its id (the name alone
        when it is the id; the id for a team the runbook does not list; ``none``)."""
        if self.team is None:
            return "none"
        if not self.listed or self.name == self.team:
            return self.name
        return f"{self.name} ({self.team})"

    @property
    def parts(self) -> tuple[str, ...]:
        """The lead and the number, those given, in that order."""
        return tuple(p for p in (self.lead, self.number) if p)

    def who(self, sep: str = " ") -> str:
        """``Sanne Bakker +31 20 555 0120``: the lead and the number joined by ``sep``
        ("" when the runbook gives neither)."""
        return sep.join(self.parts)


def call(lead: str, number: str, *, room: int) -> str:
    """``☎ Sanne Bakker +31 20 555 0120`` (a contact's lead and number, as a face shows them)
    in at most ``room`` cells where it fits; else the number alone (``☎ +31 20 555 0120``),
    which is never cut; "" with neither."""
    if not (lead or number):
        return ""
    whole = f"☎ {Contact(None, '', lead, number).who()}"
    if len(whole) + 1 <= room or not number:
        return whole
    return f"☎ {number}"


def of_team(info: TeamInfo) -> Contact:
    """The contact of a team the runbook lists."""
    return Contact(info.id, info.name, info.lead or "", info.contact or "", listed=True)


def whom_to_call(plan: Plan, team: str | None) -> Contact:
    """Whom to call about ``team``'s work (a team the runbook does not list: its id, no one
    named)."""
    info = plan.teams.get(team or "")
    if info is None:
        return Contact(team, team or "")
    return of_team(info)


def contact(plan: Plan, team: str | None) -> str:
    """``Sanne Bakker +31 20 555 0120``: the lead and number of the team to call ("" when
    the runbook names neither)."""
    return whom_to_call(plan, team).who()


def mission_control(plan: Plan) -> Contact | None:
    """The team that coordinates the weekend: one whose id is ``pmo``, ``mission-control``
    or ``mission_control``, else one whose name says "mission control"; None without."""
    for team_id in MISSION_CONTROL_IDS:
        if team_id in plan.teams:
            return of_team(plan.teams[team_id])
    for team in plan.teams.values():
        if _MISSION_CONTROL_NAME.search(team.name):
            return of_team(team)
    return None
