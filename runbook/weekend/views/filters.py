"""Narrowing the task list: ``team:dba status:running,ready phase:sat critical late text``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from runbook.planning.plan import PRIORITIES, Plan
from runbook.weekend.forecast import STATUSES, TaskState

HELP = (
    "words match the id or title; team:ID-or-name, phase:NAME, status:running,ready "
    "(commas: any of), priority:nice,should, critical, late, dropped"
)


@dataclass(frozen=True)
class TaskFilter:
    """A parsed filter; an empty one lets everything through."""

    words: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    critical: bool = False
    late: bool = False
    problems: tuple[str, ...] = field(default=(), compare=False)
    priorities: tuple[str, ...] = ()
    dropped: bool = False

    @classmethod
    def parse(cls, text: str) -> TaskFilter:
        """Read a filter; unknown statuses are reported in ``problems``, not raised."""
        words: list[str] = []
        teams: list[str] = []
        phases: list[str] = []
        statuses: list[str] = []
        priorities: list[str] = []
        problems: list[str] = []
        critical = late = dropped = False
        for token in text.split():
            low = token.casefold()
            key, sep, value = low.partition(":")
            if sep and key == "priority" and value:
                for v in (v for v in value.split(",") if v):
                    match = [p for p in PRIORITIES if p.startswith(v)]
                    if match:
                        priorities += match
                    else:
                        problems.append(f"unknown priority '{v}' ({', '.join(PRIORITIES)})")
            elif sep and key in ("team", "phase", "status") and value:
                values = [v for v in value.split(",") if v]
                if key == "team":
                    teams += values
                elif key == "phase":
                    phases += values
                else:
                    for v in values:
                        match = [s for s in STATUSES if s.startswith(v)]
                        if match:
                            statuses += match
                        else:
                            problems.append(f"unknown status '{v}' ({', '.join(STATUSES)})")
            elif low in ("critical", "crit", "!"):
                critical = True
            elif low == "late":
                late = True
            elif low == "dropped":
                dropped = True
            else:
                words.append(low)
        return cls(
            tuple(words),
            tuple(teams),
            tuple(phases),
            tuple(statuses),
            critical,
            late,
            tuple(problems),
            tuple(priorities),
            dropped,
        )

    @property
    def empty(self) -> bool:
        """True when nothing is filtered out."""
        return not (
            self.words
            or self.teams
            or self.phases
            or self.statuses
            or self.critical
            or self.late
            or self.priorities
            or self.dropped
        )

    def with_critical(self, critical: bool) -> TaskFilter:
        """The same filter with critical-only switched on or off."""
        return replace(self, critical=critical)

    def matches(self, plan: Plan, state: TaskState) -> bool:
        """Does this task pass the filter?"""
        if self.critical and not state.critical:
            return False
        if self.late and not state.late:
            return False
        if self.dropped and not state.dropped:
            return False
        if self.priorities and plan.column("priority")[state.index] not in self.priorities:
            return False
        if self.statuses and state.status not in self.statuses:
            return False
        if not (self.teams or self.phases or self.words):
            return True  # without reading the task (a cached plan builds it when read)
        task = plan.tasks[state.index]
        if self.teams:
            team = (task.team or "").casefold()
            name = plan.team_name(task.team).casefold()
            if not any(t == team or t in name for t in self.teams):
                return False
        if self.phases:
            phase = (task.phase or "").casefold()
            if not any(p in phase for p in self.phases):
                return False
        if self.words:
            hay = f"{task.id} {task.title}".casefold()
            if not all(w in hay for w in self.words):
                return False
        return True
