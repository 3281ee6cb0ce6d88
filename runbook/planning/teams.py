"""Which team a name means: an id or a display name, in any case, or a unique prefix of
either, among the runbook's teams (``status --team``, ``signoff``, ``db grant --team``)."""

from __future__ import annotations

from runbook.common.errors import InputError
from runbook.common.problems import did_you_mean
from runbook.planning.plan import Plan


def resolve_team(plan: Plan, given: str) -> str:
    """The team meant by an id or a display name, in any case, or a unique prefix of
    either."""
    known = sorted(set(plan.teams) | set(plan.teams_in_use))
    return resolve_among({team: plan.team_name(team) for team in known}, given)


def resolve_among(teams: dict[str, str], given: str) -> str:
    """The team meant by ``given`` among ``teams`` (id -> display name), as
    ``resolve_team`` reads it (a database's team roles are resolved the same way)."""
    known = sorted(teams)
    if given in known:
        return given
    lowered = given.casefold()
    for team in known:
        if lowered in (team.casefold(), teams[team].casefold()):
            return team
    matches = [
        team
        for team in known
        if lowered
        and (team.casefold().startswith(lowered) or teams[team].casefold().startswith(lowered))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InputError(
            f"'{given}' matches {len(matches)} teams ({', '.join(matches)}); type more of "
            "its id or name"
        )
    raise InputError(f"unknown team '{given}'", hint=did_you_mean(given, known))
