"""What a revision of the runbook changes: the difference between two versions in words (the
deadline, tasks added and removed, their durations, dependencies, teams, priorities and
``not_before``, the gates and their rollback), and what it does to the forecast and the points
of no return. Pure: plans and snapshots in, data out; ``runbook revise`` records the summary
in its event, ``--dry-run`` shows it with the effect, and every face says an edit not yet
recorded in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from runbook.common.text import NOTE_LIMIT
from runbook.format.durations import clock, format_duration
from runbook.planning.plan import GateInfo, Plan
from runbook.weekend.forecast import Snapshot
from runbook.weekend.gates import points_of_no_return

# How many changes a one-line notice names before it says how many more there are.
SHOWN_IN_A_LINE = 3


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two versions: what (``deadline``, ``added``, ``removed``,
    ``duration``, ``depends_on``, ``team``, ``priority``, ``not_before``, ``gate``,
    ``rollback``, ``start``), of which task (None: the runbook), and its words."""

    what: str
    task: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Changes:
    """Every change from one version to the next, in the order a reader wants them: the
    runbook's own times first, then tasks added and removed, then each task's changes."""

    items: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def summary(self) -> str:
        """Every change in one text, as the revision's event records it (at most as long as a
        note may be)."""
        if not self.items:
            return "no change to the schedule (titles, notes or other text only)"
        return _bounded("; ".join(c.text for c in self.items), NOTE_LIMIT)

    def line(self, shown: int = SHOWN_IN_A_LINE) -> str:
        """The first few changes and how many more: one line for a notice."""
        if not self.items:
            return self.summary
        head = "; ".join(c.text for c in self.items[:shown])
        more = len(self.items) - shown
        return f"{head}; and {more} more" if more > 0 else head


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(seconds: int | None, zone: tzinfo, dated: bool) -> str:
    return "none" if seconds is None else clock(seconds, zone, with_date=dated)


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "none"


def changes(before: Plan, after: Plan) -> Changes:
    """What changed from ``before`` to ``after``, in words, times in ``after``'s zone."""
    zone = after.zone
    dated = before.needs_dates() or after.needs_dates()
    items: list[Change] = []
    if before.start != after.start:
        items.append(
            Change(
                "start",
                None,
                f"start {_when(before.start, zone, dated)} → {_when(after.start, zone, dated)}",
            )
        )
    if before.deadline != after.deadline:
        items.append(
            Change(
                "deadline",
                None,
                f"deadline {_when(before.deadline, zone, dated)} → "
                f"{_when(after.deadline, zone, dated)}",
            )
        )
    old_ids, new_ids = before.column("id"), after.column("id")
    added = [t for t in new_ids if t not in before.index]
    removed = [t for t in old_ids if t not in after.index]
    if added:
        items.append(Change("added", None, f"added {', '.join(added)}"))
    if removed:
        items.append(Change("removed", None, f"removed {', '.join(removed)}"))
    columns = ("duration", "depends_on", "team", "priority", "not_before")
    old = {name: before.column(name) for name in columns}
    new = {name: after.column(name) for name in columns}
    for task in new_ids:
        i = before.index.get(task)
        if i is None:
            continue
        j = after.index[task]
        was, now = old["duration"][i], new["duration"][j]
        if was != now:
            items.append(
                Change(
                    "duration",
                    task,
                    f"{task} takes {format_duration(now)} (was {format_duration(was)})",
                )
            )
        deps_was, deps_now = list(old["depends_on"][i]), list(new["depends_on"][j])
        if sorted(deps_was) != sorted(deps_now):
            gained = [d for d in deps_now if d not in deps_was]
            lost = [d for d in deps_was if d not in deps_now]
            parts = [*(f"+{d}" for d in gained), *(f"-{d}" for d in lost)]
            items.append(Change("depends_on", task, f"{task} depends on {' '.join(parts)}"))
        for name, words in (("team", "team"), ("priority", "priority")):
            a, b = old[name][i], new[name][j]
            if a != b:
                items.append(Change(name, task, f"{task} {words} {a or 'none'} → {b or 'none'}"))
        a, b = old["not_before"][i], new["not_before"][j]
        if a != b:
            items.append(
                Change(
                    "not_before",
                    task,
                    f"{task} not before {_when(a, zone, dated)} → {_when(b, zone, dated)}",
                )
            )
    items.extend(_gate_changes(before, after))
    return Changes(tuple(items))


def _gate_changes(before: Plan, after: Plan) -> list[Change]:
    """The gates added, no longer gates, and their criteria, deciders and rollback changed."""
    items: list[Change] = []
    for gate in after.gates:
        if gate not in before.gates:
            items.append(Change("gate", gate, f"{gate} is a go/no-go gate"))
    for gate in before.gates:
        if gate not in after.gates:
            items.append(Change("gate", gate, f"{gate} is no longer a go/no-go gate"))
    for gate, now in after.gates.items():
        was = before.gates.get(gate)
        if was is None:
            continue
        if was.criteria != now.criteria:
            items.append(Change("gate", gate, f"{gate} criteria changed"))
        if was.stages != now.stages:
            items.append(Change("gate", gate, f"{gate} deciders changed"))
        items.extend(_rollback_change(gate, was, now))
    return items


def _rollback_change(gate: str, was: GateInfo, now: GateInfo) -> list[Change]:
    items = []
    if was.rollback != now.rollback:
        a = "none" if was.rollback is None else format_duration(was.rollback)
        b = "none" if now.rollback is None else format_duration(now.rollback)
        items.append(Change("rollback", gate, f"{gate} rollback {a} → {b}"))
    if was.rollback_tasks != now.rollback_tasks:
        items.append(
            Change(
                "rollback",
                gate,
                f"{gate} rollback tasks {_ids(was.rollback_tasks)} → {_ids(now.rollback_tasks)}",
            )
        )
    return items


@dataclass(frozen=True, slots=True)
class PointMoved:
    """A gate's point of no return before and after a revision, and its forecast time."""

    gate: str
    before: int | None
    after: int | None
    forecast: int | None  # when the gate is forecast, under the new version

    @property
    def missed(self) -> bool:
        """True when, under the new version, the gate is forecast after its point."""
        return self.after is not None and self.forecast is not None and self.forecast > self.after


@dataclass(frozen=True, slots=True)
class Effect:
    """What a revision does to the weekend at a moment: the forecast finish and the time to
    spare before the deadline, before and after, and every point of no return that moves."""

    now: int
    finish_before: int
    finish_after: int
    spare_before: int | None
    spare_after: int | None
    points: tuple[PointMoved, ...] = field(default=())

    @property
    def finish_moved(self) -> int:
        """Seconds the forecast finish moves (positive: later)."""
        return self.finish_after - self.finish_before


def effect(before: Snapshot, after: Snapshot) -> Effect:
    """What changes from the weekend under the version in force (``before``) to the same
    weekend under the revised one (``after``), at the same moment."""
    was = {p.gate: p for p in points_of_no_return(before.plan, before)}
    points = []
    for p in points_of_no_return(after.plan, after):
        old = was.get(p.gate)
        old_point = old.point if old is not None else None
        if old is None or old_point != p.point:
            points.append(PointMoved(p.gate, old_point, p.point, p.forecast))
    for gate, old in was.items():
        if gate not in after.plan.gates:
            points.append(PointMoved(gate, old.point, None, None))
    return Effect(
        after.now,
        before.forecast_finish,
        after.forecast_finish,
        before.spare,
        after.spare,
        tuple(points),
    )
