"""The compiled plan: a runbook with its critical-path schedule, as plain fast data.

Everything after validation works on a ``Plan``: the plan command, the forecast, the
check-in rules. It holds no pydantic or networkx objects, so it can be cached in the state
database (keyed by the runbook's content hash) and loaded by a check-in in milliseconds.
Times are whole seconds since the Unix epoch (UTC); durations are seconds.
"""

from __future__ import annotations

import base64
import json
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from itertools import accumulate
from operator import attrgetter
from typing import Any, overload
from zoneinfo import ZoneInfo

# Bumped when a field keeps its name but changes meaning; the header of field names (below)
# catches every other change. 5: a header line, then one line per task field (columnar);
# 6: the same, after a format 5 of rows with a task's priority that never shipped; 7: a
# gate's row holds its stages (rows of their own) where it held its approvers; 8: the
# rollback tasks (rows in the header), and a gate whose rollback is a duration names its one
# rollback task.
CACHE_FORMAT = 8


# How much a task is needed, most first: optional work (should, nice) may be dropped.
PRIORITIES = ("must", "should", "nice")


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
class GateStage:
    """One stage of a gate's decision: its name, who decides in it, and how many distinct
    approvers of it must say GO (``all`` in the runbook: as many as it names)."""

    name: str
    approvers: tuple[str, ...]
    needs: int

    @property
    def everyone(self) -> bool:
        """True when every approver of the stage must say GO."""
        return self.needs >= len(self.approvers)


@dataclass(frozen=True, slots=True)
class GateInfo:
    """A go/no-go checkpoint: what must hold, who decides (stages that decide in order; none
    when the runbook names nobody), and how long rolling back takes."""

    id: str
    criteria: list[str]
    stages: tuple[GateStage, ...]
    rollback: int | None  # seconds, None when not given
    rollback_tasks: list[str]  # when the rollback was given as tasks

    @property
    def approvers(self) -> list[str]:
        """Everyone who decides, stage by stage, each once."""
        return list(dict.fromkeys(name for stage in self.stages for name in stage.approvers))

    def stage(self, name: str) -> GateStage | None:
        """The stage of that name, or None."""
        return next((s for s in self.stages if s.name == name), None)


@dataclass(frozen=True, slots=True)
class RollingBack:
    """What makes a plan the plan in force during a rollback: the gate rolled back, when
    the rollback started, and how many of the plan's tasks are the forward work (the rest,
    after them, are the rollback's)."""

    gate: str
    start: int
    forward: int


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
    tasks: Sequence[PlannedTask]  # a list, or from the cache a LazyTasks (built when read)
    order: list[int]
    finish: int
    critical_path: list[int]
    teams: dict[str, TeamInfo] = field(default_factory=dict)
    teams_declared: bool = False
    digest: str = ""
    gates: dict[str, GateInfo] = field(default_factory=dict)
    readiness: list[CheckItem] = field(default_factory=list)
    heads_up: int = 30 * 60  # seconds before a task's start its team is told (notify.heads_up)
    # Seconds this plan's clock is moved from the runbook's: a dress rehearsal on its own
    # date (``shifted``). Never cached: the cache keeps the runbook's own plan.
    offset: int = 0
    # Every rollback task (``rollback_tasks``, and ``<gate>.rollback`` for a gate whose
    # rollback is a duration), not scheduled: ``preds`` index this list. A rollback started
    # after a NO-GO appends its gate's to the plan in force (``planning.rollback``).
    rollback: list[PlannedTask] = field(default_factory=list)
    rolling_back: RollingBack | None = None  # the plan in force of a rollback (never cached)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The runbook's time zone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def index(self) -> dict[str, int]:
        """Task index by id."""
        ids = self.column("id")
        return dict(zip(ids, range(len(ids)), strict=True))

    @cached_property
    def successors(self) -> list[list[int]]:
        """Task indices that depend on each task."""
        preds_of = self.column("preds")
        succ: list[list[int]] = [[] for _ in preds_of]
        for i, preds in enumerate(preds_of):
            for p in preds:
                succ[p].append(i)
        return succ

    @cached_property
    def teams_in_use(self) -> list[str]:
        """The team ids tasks are assigned to, in the order they first appear."""
        return list(dict.fromkeys(t for t in self.column("team") if t))

    def column(self, name: str) -> list[Any]:
        """One field of every task, in task order (``column("duration")``): what a pass over
        all tasks reads, without building a task object each (a cached plan has none yet)."""
        tasks = self.tasks
        if isinstance(tasks, (LazyTasks, Appended)):
            return tasks.column(name)
        # A plan moved to a rehearsal's date (``planning.shifted``) reads its tasks' columns.
        moved: Callable[[str], list[Any]] | None = getattr(tasks, "column", None)
        if moved is not None:
            return moved(name)
        cache = self._columns
        if name not in cache:
            cache[name] = [getattr(t, name) for t in tasks]
        return cache[name]

    @cached_property
    def _columns(self) -> dict[str, list[Any]]:
        return {}

    @property
    def buffer(self) -> int | None:
        """Seconds between the planned finish and the deadline (negative: too late)."""
        return None if self.deadline is None else self.deadline - self.finish

    def needs_dates(self, until: int | None = None) -> bool:
        """Whether times must carry a date: the weekend (to the deadline, the finish or
        ``until``, whichever is latest) spans about a week or more, so a weekday is ambiguous."""
        end = max(self.finish, self.deadline or self.finish, until or self.finish)
        return end - self.start >= 6 * 86400

    @property
    def own(self) -> Plan:
        """The runbook's own plan, on its own date (what the cache keeps): this one, or the
        one a rehearsal's was shifted from (``planning.shifted``)."""
        own = self.__dict__.get("_own") if self.offset else None
        return own if isinstance(own, Plan) else self

    def team_name(self, team: str | None) -> str:
        """The display name of a team id."""
        if team is None:
            return "—"
        info = self.teams.get(team)
        return info.name if info else team

    def dumps(self) -> str:
        """The plan cache's text, in lines: the format and a CRC-32 of the rest (JSON), a
        header (JSON: every field's name, the plan's values, its teams, gates and readiness
        items as rows), then one line per task field, in the header's order, holding that
        field of every task. Whole numbers are packed as base64 int64 in this machine's byte
        order (said in the header); the rest is JSON. A task field's line is decoded when a
        command first reads that field; the checksum catches damage before that. Only the
        runbook's own plan is cached, never one shifted to a rehearsal's date."""
        if self.offset:
            raise ValueError("a plan shifted to a rehearsal's date is never cached")
        header: dict[str, object] = {
            "fields": _FIELDS,
            "byteorder": sys.byteorder,
            "count": len(self.tasks),
        }
        for name in _FIELDS["plan"]:
            value = getattr(self, name)
            header[name] = _pack(value) if name in _PACKED_PLAN else value
        for name, rows in (
            ("teams", self.teams.values()),
            ("gates", self.gates.values()),
            ("readiness", self.readiness),
            ("rollback", self.rollback),
        ):
            header[name] = [_ROW[name](item) for item in rows]
        lines: list[str] = []
        ids = self.column("id")
        for name in _FIELDS["tasks"]:
            values = self.column(name)
            if name in _PACKED:
                lines.append(_pack(values))
            elif name == "preds":
                lines.append(_pack([len(p) for p in values]) + " " + _pack(_flat(values)))
            elif name == "depends_on":  # only where it is not the predecessors' ids
                preds = self.column("preds")
                lines.append(
                    _json(
                        [
                            d if d != [ids[p] for p in preds[i]] else None
                            for i, d in enumerate(values)
                        ]
                    )
                )
            else:
                lines.append(_json(values))
        rest = "\n".join([json.dumps(header, separators=(",", ":")), *lines])
        check = {"format": CACHE_FORMAT, "crc": zlib.crc32(rest.encode())}
        return json.dumps(check) + "\n" + rest

    @classmethod
    def loads(cls, text: str) -> Plan | None:
        """Read a cached plan; None when it was written by another cache format, with other
        fields or on a machine of the other byte order (the plan is then compiled again, never
        misread). Only the header is parsed here; the tasks' fields when first read."""
        first, _, rest = text.partition("\n")
        check = json.loads(first)
        if check.get("format") != CACHE_FORMAT:
            return None
        if zlib.crc32(rest.encode()) != check["crc"]:
            raise ValueError("the cached plan does not match its checksum")
        # Where each line starts: the lines are sliced out when decoded, not copied here.
        starts = [0]
        while (found := rest.find("\n", starts[-1])) != -1:
            starts.append(found + 1)
        ends = [start - 1 for start in starts[1:]] + [len(rest)]
        raw = json.loads(rest[: ends[0]])
        if raw.get("fields") != _FIELDS or raw.get("byteorder") != sys.byteorder:
            return None
        count = raw["count"]
        lines = list(zip(starts[1:], ends[1:], strict=True))
        if len(lines) != len(_FIELDS["tasks"]) or not isinstance(count, int) or count < 0:
            raise ValueError("the cached plan's task fields do not match its header")
        # The header equals this version's fields, in order: positional rows are safe.
        return cls(
            **{name: _plan_value(name, raw[name]) for name in _FIELDS["plan"]},
            teams={t[0]: TeamInfo(*t) for t in raw["teams"]},
            gates={g[0]: _gate(g) for g in raw["gates"]},
            readiness=[CheckItem(*r) for r in raw["readiness"]],
            rollback=[PlannedTask(*r) for r in raw["rollback"]],
            tasks=LazyTasks(count, rest, dict(zip(_FIELDS["tasks"], lines, strict=True))),
        )


class LazyTasks(Sequence[PlannedTask]):
    """The tasks of a cached plan: each field decoded when first read (``column``), each task
    object built when first asked for; a check-in folds thousands of tasks by their
    columns and builds the few it shows."""

    def __init__(self, count: int, text: str, lines: dict[str, tuple[int, int]]) -> None:
        self._count = count
        self._text = text
        self._lines = lines  # each field's line: where it starts and ends in ``text``
        self._columns: dict[str, list[Any]] = {}
        self._built: list[PlannedTask | None] = [None] * count

    def column(self, name: str) -> list[Any]:
        """Every task's ``name`` field, decoded from its line once."""
        found = self._columns.get(name)
        if found is None:
            start, end = self._lines[name]
            found = self._columns[name] = self._decode(name, self._text[start:end])
            if len(found) != self._count:
                raise ValueError(f"the cached plan has {len(found)} values of {name}")
        return found

    def _decode(self, name: str, line: str) -> list[Any]:
        if name in _PACKED:
            return _unpack(line)
        if name == "preds":
            counts, _, flat = line.partition(" ")
            values, ends = _unpack(flat), list(accumulate(_unpack(counts)))
            # Sliced by C, not by a loop of ours: 10,000 lists in about a millisecond.
            return list(map(values.__getitem__, map(slice, [0, *ends[:-1]], ends)))
        decoded = json.loads(line)
        if not isinstance(decoded, list):
            raise ValueError(f"the cached plan's {name} is not a list")
        if name == "depends_on":
            ids, preds = self.column("id"), self.column("preds")
            return [
                d if d is not None else [ids[p] for p in preds[i]] for i, d in enumerate(decoded)
            ]
        return decoded

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> PlannedTask: ...
    @overload
    def __getitem__(self, i: slice) -> list[PlannedTask]: ...
    def __getitem__(self, i: int | slice) -> PlannedTask | list[PlannedTask]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        task = self._built[i]
        if task is None:
            decoded = self._columns
            task = self._built[i] = PlannedTask(
                *[(decoded.get(n) or self.column(n))[i] for n in _FIELDS["tasks"]]
            )
        return task

    def __iter__(self) -> Iterator[PlannedTask]:
        if None in self._built:  # all at once: one pass over the columns
            columns = [self.column(n) for n in _FIELDS["tasks"]]
            self._built = [
                t if t is not None else PlannedTask(*row)
                for t, row in zip(self._built, zip(*columns, strict=True), strict=True)
            ]
        return iter(self._built)  # type: ignore[arg-type]  # every one built now

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list


class Appended(Sequence[PlannedTask]):
    """A plan's tasks with more appended (a rollback's, after the forward work), without
    building the base's task objects: a column is the base's column and the extra's."""

    def __init__(self, base: Sequence[PlannedTask], extra: list[PlannedTask]) -> None:
        self._base = base
        self._extra = extra
        self._columns: dict[str, list[Any]] = {}

    def column(self, name: str) -> list[Any]:
        """Every task's ``name`` field: the base's, then the appended tasks'."""
        found = self._columns.get(name)
        if found is None:
            base = self._base
            head = (
                base.column(name)
                if isinstance(base, (LazyTasks, Appended))
                else [getattr(t, name) for t in base]
            )
            found = self._columns[name] = [*head, *(getattr(t, name) for t in self._extra)]
        return found

    def __len__(self) -> int:
        return len(self._base) + len(self._extra)

    @overload
    def __getitem__(self, i: int) -> PlannedTask: ...
    @overload
    def __getitem__(self, i: slice) -> list[PlannedTask]: ...
    def __getitem__(self, i: int | slice) -> PlannedTask | list[PlannedTask]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self._base)
        if i < 0:
            i += len(self)
        return self._base[i] if i < n else self._extra[i - n]

    def __iter__(self) -> Iterator[PlannedTask]:
        yield from self._base
        yield from self._extra


def _gate(row: list[Any]) -> GateInfo:
    """A gate read back from its cached row, its stages from theirs."""
    values = dict(zip(_FIELDS["gates"], row, strict=True))
    stages = [dict(zip(_FIELDS["stages"], s, strict=True)) for s in values["stages"]]
    values["stages"] = tuple(GateStage(**{**s, "approvers": tuple(s["approvers"])}) for s in stages)
    return GateInfo(**values)


def _gate_row(gate: GateInfo) -> tuple[Any, ...]:
    """A gate as a cached row: its fields in the header's order, each stage a row too."""
    row = _ROWS["gates"](gate)
    at = _FIELDS["gates"].index("stages")
    stages = [_ROWS["stages"](stage) for stage in gate.stages]
    return (*row[:at], stages, *row[at + 1 :])


def _plan_value(name: str, value: Any) -> Any:
    return _unpack(value) if name in _PACKED_PLAN else value


def _json(values: list[Any]) -> str:
    return json.dumps(values, separators=(",", ":"))


def _flat(lists: list[list[int]]) -> list[int]:
    return [x for inner in lists for x in inner]


def _pack(values: list[int]) -> str:
    return base64.b64encode(array("q", values).tobytes()).decode("ascii")


def _unpack(text: str) -> list[int]:
    packed = array("q")
    packed.frombytes(base64.b64decode(text, validate=True))
    return packed.tolist()


_NESTED = {"teams": TeamInfo, "gates": GateInfo, "readiness": CheckItem, "tasks": PlannedTask}
_NOT_CACHED = frozenset({"offset"})  # a rehearsal's shift: the cache keeps the runbook's plan
_ROLLBACK = "rollback"  # rows of task fields, in the header
# What the cache holds, by name and in order: derived from the dataclasses, so moving,
# adding or renaming a field makes older caches unreadable (recompiled) instead of misread.
# A gate's stages are rows inside its row, with fields of their own.
_FIELDS: dict[str, list[str]] = {
    "plan": [
        f.name
        for f in fields(Plan)
        if f.name not in _NESTED and f.name not in (_ROLLBACK, "rolling_back", *_NOT_CACHED)
    ],
    **{name: [f.name for f in fields(kind)] for name, kind in _NESTED.items()},
    "stages": [f.name for f in fields(GateStage)],
}
# Each row as a tuple of its fields in the header's order (json writes a tuple as a list).
_ROWS = {name: attrgetter(*columns) for name, columns in _FIELDS.items() if name != "plan"}
_ROW: dict[str, Any] = {**_ROWS, "gates": _gate_row, _ROLLBACK: _ROWS["tasks"]}
# Task fields that are always whole numbers: packed, not JSON.
_PACKED = frozenset({"duration", "es", "ef", "ls", "lf", "total_float", "free_float"})
_PACKED_PLAN = frozenset({"order", "critical_path"})  # the plan's lists of task indices
