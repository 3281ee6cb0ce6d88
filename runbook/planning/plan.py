"""The compiled plan: a runbook with its critical-path schedule, as plain fast data.

Everything after validation works on a ``Plan``: the plan command, the forecast, the
check-in rules. It holds no pydantic or networkx objects, so it can be cached in the state
database (keyed by the runbook's content hash) and loaded by a check-in in milliseconds.
Times are whole seconds since the Unix epoch (UTC); durations are seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

CACHE_FORMAT = 3


@dataclass(slots=True)
class PlannedTask:
    """One task with its place in the critical-path schedule."""

    id: str
    title: str
    team: str | None
    phase: str | None
    duration: int
    depends_on: list[str]
    preds: list[int]
    not_before: int | None = None
    milestone: bool = False
    notes: str | None = None
    es: int = 0
    ef: int = 0
    ls: int = 0
    lf: int = 0
    total_float: int = 0
    free_float: int = 0
    critical: bool = False
    gate: bool = False
    optimistic: int | None = None  # three-point estimate, seconds (duration is most likely)
    pessimistic: int | None = None
    not_before_fixed: bool = False  # the not_before cannot move (an announced downtime)
    not_before_reason: str | None = None


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """Who to call for a team."""

    id: str
    name: str
    lead: str | None = None
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class GateInfo:
    """A go/no-go checkpoint: what must hold, who decides, and how long rolling back takes."""

    id: str
    criteria: list[str]
    approvers: list[str]
    rollback: int | None  # seconds, None when not given
    rollback_tasks: list[str]  # when the rollback was given as tasks


@dataclass(frozen=True, slots=True)
class CheckItem:
    """A readiness item for the days before the weekend."""

    id: str
    title: str
    owner: str | None
    due: int | None


@dataclass
class Plan:
    """A scheduled runbook; ``order`` is a topological order of task indices."""

    name: str
    timezone: str
    start: int
    deadline: int | None
    tasks: list[PlannedTask]
    order: list[int]
    finish: int
    critical_path: list[int]
    teams: dict[str, TeamInfo] = field(default_factory=dict)
    teams_declared: bool = False
    digest: str = ""
    gates: dict[str, GateInfo] = field(default_factory=dict)
    readiness: list[CheckItem] = field(default_factory=list)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The runbook's time zone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def index(self) -> dict[str, int]:
        """Task index by id."""
        return {t.id: i for i, t in enumerate(self.tasks)}

    @cached_property
    def successors(self) -> list[list[int]]:
        """Task indices that depend on each task."""
        succ: list[list[int]] = [[] for _ in self.tasks]
        for i, task in enumerate(self.tasks):
            for p in task.preds:
                succ[p].append(i)
        return succ

    @cached_property
    def teams_in_use(self) -> list[str]:
        """The team ids tasks are assigned to, in the order they first appear."""
        return list(dict.fromkeys(t.team for t in self.tasks if t.team))

    @property
    def buffer(self) -> int | None:
        """Seconds between the planned finish and the deadline (negative: too late)."""
        return None if self.deadline is None else self.deadline - self.finish

    def needs_dates(self, until: int | None = None) -> bool:
        """Whether times must carry a date: the weekend (to the deadline, the finish or
        ``until``, whichever is latest) spans about a week or more, so a weekday is ambiguous."""
        end = max(self.finish, self.deadline or self.finish, until or self.finish)
        return end - self.start >= 6 * 86400

    def team_name(self, team: str | None) -> str:
        """The display name of a team id."""
        if team is None:
            return "—"
        info = self.teams.get(team)
        return info.name if info else team

    def dumps(self) -> str:
        """A compact serialisation for the plan cache."""
        return json.dumps(
            {
                "format": CACHE_FORMAT,
                "name": self.name,
                "timezone": self.timezone,
                "start": self.start,
                "deadline": self.deadline,
                "finish": self.finish,
                "order": self.order,
                "critical_path": self.critical_path,
                "digest": self.digest,
                "teams_declared": self.teams_declared,
                "teams": [[t.id, t.name, t.lead, t.contact] for t in self.teams.values()],
                "gates": [
                    [g.id, g.criteria, g.approvers, g.rollback, g.rollback_tasks]
                    for g in self.gates.values()
                ],
                "readiness": [[r.id, r.title, r.owner, r.due] for r in self.readiness],
                "tasks": [
                    [
                        t.id,
                        t.title,
                        t.team,
                        t.phase,
                        t.duration,
                        t.depends_on,
                        t.preds,
                        t.not_before,
                        t.milestone,
                        t.notes,
                        t.es,
                        t.ef,
                        t.ls,
                        t.lf,
                        t.total_float,
                        t.free_float,
                        t.critical,
                        t.gate,
                        t.optimistic,
                        t.pessimistic,
                        t.not_before_fixed,
                        t.not_before_reason,
                    ]
                    for t in self.tasks
                ],
            },
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, text: str) -> Plan | None:
        """Read a cached plan; None when it was written by another cache format."""
        raw = json.loads(text)
        if raw.get("format") != CACHE_FORMAT:
            return None
        return cls(
            name=raw["name"],
            timezone=raw["timezone"],
            start=raw["start"],
            deadline=raw["deadline"],
            finish=raw["finish"],
            order=raw["order"],
            critical_path=raw["critical_path"],
            digest=raw["digest"],
            teams_declared=raw["teams_declared"],
            teams={t[0]: TeamInfo(*t) for t in raw["teams"]},
            gates={g[0]: GateInfo(*g) for g in raw["gates"]},
            readiness=[CheckItem(*r) for r in raw["readiness"]],
            tasks=[PlannedTask(*row) for row in raw["tasks"]],
        )
