"""Recovery options when the weekend runs late: which optional work to drop to land in time.

Each option is a what-if of dropping a set of tasks: hypothetical skips (marked dropped) are
folded into a copy of the records and the forecast is run again, with the same rule as
everything else (``forecast.forward``); nothing is written. The search:

- the weekend needs recovering when its forecast finish is past the deadline, or a gate not yet
  passed is forecast to start after its point of no return (while that point is still ahead);
- candidates are tasks not yet started with priority ``nice`` (then ``should``) that take time;
- only those on a path that ends past the deadline (or that leads to a late gate) can gain
  anything: the others are set aside without a forecast, and said to gain nothing;
- sets are tried smallest first — single tasks, then pairs, … — nice-to-haves alone before
  sets with should-haves; a set containing one that already recovers is not tried; once a
  size gives options, larger sets are not tried;
- the number of forecasts is bounded (fewer for a larger plan), and the result says when the
  search was cut short;
- when no set recovers the weekend, dropping every candidate is the best there is: the result
  says so, and names the critical tasks ahead that still hold the finish.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from runbook.planning.plan import Plan
from runbook.weekend.events import NOT_STARTED, Event, EventKind
from runbook.weekend.forecast import Snapshot, TaskRecord, apply_event, forward, snapshot
from runbook.weekend.gates import GO, decision, points_of_no_return

# Forecasts the search may run, counted in task steps (one forecast of a 130-task plan is 130):
# about two thousand forecasts of the example, a handful of a plan of ten thousand tasks.
WORK_BOUND = 300_000
MIN_EVALUATIONS = 20
MAX_OPTIONS = 10
OPTIONAL = ("nice", "should")  # tried in this order
DROP_ACTOR = "recover"


@dataclass(frozen=True, slots=True)
class Option:
    """A set of tasks to drop, and what the weekend would be without them."""

    tasks: tuple[str, ...]
    forecast_finish: int
    gain: int  # seconds earlier than the forecast finish now
    meets_deadline: bool
    gates_in_time: bool  # every gate ahead starts by its point of no return

    @property
    def recovers(self) -> bool:
        """True when the weekend lands in time with this option."""
        return self.meets_deadline and self.gates_in_time


@dataclass(frozen=True, slots=True)
class LateGate:
    """A gate forecast to start after its point of no return."""

    gate: str
    point: int
    forecast: int
    passed: bool  # its point of no return is already behind us: no drop brings it back

    @property
    def late(self) -> int:
        """Seconds past its point of no return."""
        return self.forecast - self.point


@dataclass
class Recovery:
    """The recovery options at one moment (see the module)."""

    now: int
    deadline: int | None
    forecast_finish: int
    late_gates: list[LateGate] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    more_options: int = 0  # options of the same size left off the list
    candidates: list[str] = field(default_factory=list)  # optional work not started
    no_gain: list[str] = field(default_factory=list)  # candidates that gain nothing alone
    best: Option | None = None  # dropping every candidate, when no option recovers
    holding: list[str] = field(default_factory=list)  # critical tasks ahead that still hold
    evaluated: int = 0  # forecasts run
    cut_short: bool = False  # the bound on forecasts stopped the search
    untried: int = 0  # candidates on a late path the bound left untried even alone

    @property
    def behind(self) -> int:
        """Seconds the forecast finish is past the deadline (0 when in time or no deadline)."""
        return 0 if self.deadline is None else max(0, self.forecast_finish - self.deadline)

    @property
    def needed(self) -> bool:
        """True when the weekend is late: past the deadline or a gate's point of no return."""
        return self.behind > 0 or any(not g.passed for g in self.late_gates)

    @property
    def enough(self) -> bool:
        """True when some option brings the weekend back in time."""
        return any(o.recovers for o in self.options)


def recover(
    plan: Plan,
    baseline: Plan,
    records: dict[str, TaskRecord],
    now: int,
    *,
    work_bound: int = WORK_BOUND,
) -> Recovery:
    """The recovery options at ``now`` (see the module); ``records`` is left as it was."""
    snap = snapshot(plan, baseline, records, now)
    deadline = plan.deadline
    result = Recovery(now, deadline, snap.forecast_finish)
    if deadline is None:
        return result
    gates = _gates_ahead(snap)
    result.late_gates = [
        LateGate(g, point, snap.by_id(g).forecast_start, point < now)
        for g, point in gates
        if snap.by_id(g).forecast_start > point
    ]
    # A gate whose point of no return is behind us cannot be brought back by dropping work.
    targets = [(plan.index[g], point) for g, point in gates if point >= now]
    result.candidates = [
        plan.tasks[s.index].id
        for s in snap.tasks
        if s.status in NOT_STARTED
        and plan.tasks[s.index].priority in OPTIONAL
        and plan.tasks[s.index].duration > 0
    ]
    if not result.needed:
        return result

    search = _Search(plan, records, now, deadline, targets, snap.forecast_finish, work_bound)
    relevant = _relevant(plan, snap, deadline, [plan.index[g.gate] for g in result.late_gates])
    # The most promising alone first, so a bound that stops the search early has tried
    # them: a task on the remaining critical path (no float) can gain alone, and a longer
    # one more; file order on ties.
    states = snap.tasks
    pool = sorted(
        (c for c in result.candidates if plan.index[c] in relevant),
        key=lambda c: (
            states[plan.index[c]].float,
            -plan.tasks[plan.index[c]].duration,
            plan.index[c],
        ),
    )
    for task_id in pool:
        if search.evaluate((task_id,)) is None:
            break
    # Only a candidate tried alone (or set aside as on no late path) is said to gain nothing;
    # one the bound left untried is not known to.
    tried = {c for c in pool if (c,) in search.tried}
    result.untried = len(pool) - len(tried)
    in_pool = set(pool)
    result.no_gain = [
        c
        for c in result.candidates
        if c not in in_pool or (c in tried and not search.changes((c,), snap))
    ]
    priority = {c: plan.tasks[plan.index[c]].priority for c in pool}
    # A larger gain alone makes a smaller set more likely: the tried by their finish alone,
    # then the untried in the order above.
    rank = {c: r for r, c in enumerate(pool)}
    pool.sort(
        key=lambda c: (0, search.tried[(c,)].forecast_finish, c) if c in tried else (1, 0, rank[c])
    )
    found: list[Option] = []
    nice = [c for c in pool if priority[c] == "nice"]
    if nice:  # nice-to-haves alone first
        found = search.smallest(nice, needs=None)
    if not found and not search.cut_short and len(nice) < len(pool):
        found = search.smallest(pool, needs="should")  # then sets that hold a should-have
    found.sort(key=lambda o: (len(o.tasks), o.forecast_finish, o.tasks))
    result.options = found[:MAX_OPTIONS]
    result.more_options = max(0, len(found) - MAX_OPTIONS)
    if not found:
        everything = tuple(result.candidates)
        best = search.evaluate(everything, bounded=False) if everything else None
        if best is not None and best.recovers:
            result.options = [best]  # the search was cut short before it reached this set
        else:
            result.best = best
            result.holding = _holding(plan, baseline, search.records_with(everything), now)
    result.evaluated = search.evaluations
    result.cut_short = search.cut_short
    return result


def _gates_ahead(snap: Snapshot) -> list[tuple[str, int]]:
    """The gates not yet passed (no GO, not finished) with a point of no return."""
    out = []
    for p in points_of_no_return(snap.plan, snap):
        state = snap.by_id(p.gate)
        if p.point is None or state.status not in NOT_STARTED:
            continue
        if decision(snap.plan.gates[p.gate], snap.records.get(p.gate)) == GO:
            continue
        out.append((p.gate, p.point))
    return out


def _relevant(plan: Plan, snap: Snapshot, deadline: int, late_gates: Sequence[int]) -> set[int]:
    """Tasks whose drop may gain something: those on a path that ends past the deadline (the
    path through a task ends at forecast finish - its float), and those a late gate waits on."""
    end = snap.forecast_finish
    out = {s.index for s in snap.tasks if end - s.float > deadline}
    stack = list(late_gates)
    seen: set[int] = set()
    while stack:
        v = stack.pop()
        for p in plan.tasks[v].preds:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return out | seen


class _Search:
    """Forecasts of the weekend with sets of tasks dropped, counted and bounded."""

    def __init__(
        self,
        plan: Plan,
        records: dict[str, TaskRecord],
        now: int,
        deadline: int,
        targets: list[tuple[int, int]],
        finish_now: int,
        work_bound: int,
    ) -> None:
        self.plan, self.records, self.now = plan, records, now
        self.deadline, self.targets, self.finish_now = deadline, targets, finish_now
        self.limit = max(MIN_EVALUATIONS, work_bound // max(1, len(plan.tasks)))
        self.evaluations = 0
        self.cut_short = False
        self.tried: dict[tuple[str, ...], Option] = {}
        self.starts: dict[tuple[str, ...], list[int]] = {}

    def records_with(self, dropped: Iterable[str]) -> dict[str, TaskRecord]:
        """A copy of the records with ``dropped`` folded in as hypothetical drops."""
        working = dict(self.records)
        for seq, task_id in enumerate(dropped, 1):
            record = working.get(task_id) or TaskRecord()
            copy = replace(record, history=list(record.history))
            apply_event(copy, _drop(task_id, self.now, -seq))
            working[task_id] = copy
        return working

    def evaluate(self, tasks: tuple[str, ...], *, bounded: bool = True) -> Option | None:
        """The weekend with ``tasks`` dropped (None once the bound is reached)."""
        if tasks in self.tried:
            return self.tried[tasks]
        if bounded and self.evaluations >= self.limit:
            self.cut_short = True
            return None
        self.evaluations += 1
        starts, finishes, _ = forward(self.plan, self.records_with(tasks), self.now)
        finish = max(finishes, default=self.plan.start)
        option = Option(
            tasks,
            finish,
            self.finish_now - finish,
            finish <= self.deadline,
            all(starts[g] <= point for g, point in self.targets),
        )
        self.tried[tasks] = option
        self.starts[tasks] = starts
        return option

    def changes(self, tasks: tuple[str, ...], snap: Snapshot) -> bool:
        """Whether dropping ``tasks`` moves the finish or a gate ahead."""
        option = self.tried.get(tasks)
        if option is None:
            return False
        if option.gain > 0:
            return True
        starts = self.starts[tasks]
        return any(starts[g] < snap.tasks[g].forecast_start for g, _ in self.targets)

    def smallest(self, members: list[str], *, needs: str | None) -> list[Option]:
        """The sets of ``members`` of the smallest size that recover the weekend (``needs``: a
        priority each set must hold, so sets tried in an earlier tier are not tried again)."""
        found: list[Option] = []
        for size in range(1, len(members) + 1):
            for combo in combinations(members, size):
                if needs is not None and not any(
                    self.plan.tasks[self.plan.index[c]].priority == needs for c in combo
                ):
                    continue
                option = self.evaluate(tuple(sorted(combo)))
                if option is None:
                    return found
                if option.recovers:
                    found.append(option)
            if found:
                return found
        return found


def _drop(task_id: str, now: int, seq: int) -> Event:
    """The hypothetical drop a recovery option folds (never recorded)."""
    return Event(seq, now, now, task_id, EventKind.SKIP, DROP_ACTOR, "", None, {"dropped": True})


def _holding(plan: Plan, baseline: Plan, records: dict[str, TaskRecord], now: int) -> list[str]:
    """The critical tasks ahead that hold the finish with every candidate dropped."""
    snap = snapshot(plan, baseline, records, now)
    critical = sorted(
        (s for s in snap.tasks if s.critical), key=lambda s: (s.forecast_start, s.index)
    )
    return [s.id for s in critical]


def optional_work(plan: Plan) -> tuple[list[str], int, int]:
    """Before the weekend: the optional (should and nice) tasks that take time, their total
    duration, and how much earlier the plan would finish without them (buffer gained)."""
    ids = [t.id for t in plan.tasks if t.priority in OPTIONAL and t.duration > 0]
    if not ids:
        return [], 0, 0
    total = sum(plan.tasks[plan.index[i]].duration for i in ids)
    search = _Search(plan, {}, plan.start, plan.deadline or plan.finish, [], plan.finish, 0)
    records = search.records_with(ids)
    finishes = forward(plan, records, plan.start)[1]
    return ids, total, plan.finish - max(finishes, default=plan.start)
