"""Lessons learned: what people record with ``runbook lesson`` (during the weekend or at the
review meeting), each placed by the task it names or the team it is about, and gathered per
phase and team for the review. Pure: events and a plan in, data out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runbook.planning.plan import Plan
from runbook.weekend.events import Event, EventKind

# The phase of a lesson about no task (or a task with no phase): the weekend as a whole.
WHOLE_WEEKEND = "the weekend as a whole"
NO_TEAM = "every team"


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson: the text, who recorded it and when, and where it belongs."""

    seq: int
    at: int
    text: str
    actor: str
    task: str | None
    team: str | None  # the team it names, or its task's team
    phase: str | None  # its task's phase

    @property
    def phase_text(self) -> str:
        """The phase in words."""
        return self.phase or WHOLE_WEEKEND


@dataclass(frozen=True, slots=True)
class LessonGroup:
    """The lessons of one phase and one team, in the order recorded."""

    phase: str | None
    team: str | None
    team_name: str
    lessons: tuple[Lesson, ...]

    @property
    def phase_text(self) -> str:
        """The phase in words."""
        return self.phase or WHOLE_WEEKEND


def lessons(events: Iterable[Event], plan: Plan) -> list[Lesson]:
    """Every lesson recorded, in order; a task no longer in ``plan`` keeps its id, without a
    phase."""
    teams, phases = plan.column("team"), plan.column("phase")
    found = []
    for event in events:
        if event.kind != EventKind.LESSON or not event.note:
            continue
        i = plan.index.get(event.task) if event.task is not None else None
        named = event.data.get("team")
        team = str(named) if named else (teams[i] if i is not None else None)
        phase = phases[i] if i is not None else None
        found.append(Lesson(event.seq, event.at, event.note, event.by, event.task, team, phase))
    return found


def by_phase_and_team(found: Iterable[Lesson], plan: Plan) -> list[LessonGroup]:
    """The lessons gathered per phase (in the runbook's order, the weekend as a whole last)
    and, within one, per team (in the order teams first appear in the runbook, lessons about
    every team last)."""
    phase_order = {p: i for i, p in enumerate(dict.fromkeys(plan.column("phase"))) if p}
    team_order = {t: i for i, t in enumerate(dict.fromkeys([*plan.teams, *plan.teams_in_use]))}
    groups: dict[tuple[str | None, str | None], list[Lesson]] = {}
    for lesson in found:
        groups.setdefault((lesson.phase, lesson.team), []).append(lesson)

    def order(key: tuple[str | None, str | None]) -> tuple[int, str, int, str]:
        phase, team = key
        return (
            phase_order.get(phase, len(phase_order)) if phase else len(phase_order) + 1,
            phase or "",
            team_order.get(team, len(team_order)) if team else len(team_order) + 1,
            team or "",
        )

    return [
        LessonGroup(
            phase,
            team,
            plan.team_name(team) if team else NO_TEAM,
            tuple(groups[(phase, team)]),
        )
        for phase, team in sorted(groups, key=order)
    ]
