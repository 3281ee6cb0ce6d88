"""The compiled plan: a runbook with its critical-path schedule, as plain fast data.

Everything after validation works on a ``Plan``: the plan command, the forecast, the
check-in rules. It holds no pydantic or networkx objects, so it can be cached in the state
database (keyed by the runbook's content hash) and loaded by a check-in in milliseconds.
Times are whole seconds since the Unix epoch (UTC); durations are seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter
from zoneinfo import ZoneInfo

# Bumped when a field keeps its name but changes meaning; the header of field names (below)
# catches every other change.
CACHE_FORMAT = 5


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
    priority: str = "must"  # must | should | nice: optional work may be dropped when late

    @property
    def optional(self) -> bool:
        """A should-have or nice-to-have: work ``runbook recover`` may propose to drop."""
        return self.priority != "must"


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
        """A compact serialisation for the plan cache: a header naming every field, then the
        plan's values by name and each row as a list in the header's order."""
        data: dict[str, object] = {"format": CACHE_FORMAT, "fields": _FIELDS}
        for name in _FIELDS["plan"]:
            data[name] = getattr(self, name)
        for name, rows in (
            ("teams", self.teams.values()),
            ("gates", self.gates.values()),
            ("readiness", self.readiness),
            ("tasks", self.tasks),
        ):
            row = _ROW[name]
            data[name] = [row(item) for item in rows]
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> Plan | None:
        """Read a cached plan; None when it was written by another cache format or with other
        fields (the plan is then compiled again, never misread)."""
        raw = json.loads(text)
        if raw.get("format") != CACHE_FORMAT or raw.get("fields") != _FIELDS:
            return None
        # The header equals this version's fields, in order: positional rows are safe.
        return cls(
            **{name: raw[name] for name in _FIELDS["plan"]},
            teams={t[0]: TeamInfo(*t) for t in raw["teams"]},
            gates={g[0]: GateInfo(*g) for g in raw["gates"]},
            readiness=[CheckItem(*r) for r in raw["readiness"]],
            tasks=[PlannedTask(*row) for row in raw["tasks"]],
        )


_NESTED = {"teams": TeamInfo, "gates": GateInfo, "readiness": CheckItem, "tasks": PlannedTask}
# What the cache holds, by name and in order: derived from the dataclasses, so moving,
# adding or renaming a field makes older caches unreadable (recompiled) instead of misread.
_FIELDS: dict[str, list[str]] = {
    "plan": [f.name for f in fields(Plan) if f.name not in _NESTED],
    **{name: [f.name for f in fields(kind)] for name, kind in _NESTED.items()},
}
# Each row as a tuple of its fields in the header's order (json writes a tuple as a list).
_ROW = {name: attrgetter(*columns) for name, columns in _FIELDS.items() if name in _NESTED}
