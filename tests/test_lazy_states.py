"""The snapshot builds a task's state only when it is read: on random runbooks and logs, the
forward pass, the states, the remaining critical path, the tasks to pull forward and every
view's picks are those of the rule as it was written before (each task looked up the same
way, each task's state built in one pass, the slack taken over each task's successors)."""

from __future__ import annotations

import random
from dataclasses import astuple, replace

import pytest

from runbook.planning.plan import Plan
from runbook.validation.validate import validate_bytes
from runbook.weekend.events import FINISHED, NOT_STARTED, UNDER_WAY, Event, EventKind, Status
from runbook.weekend.forecast import (
    PullForward,
    TaskRecord,
    TaskState,
    fold,
    forward,
    late_tasks,
    pull_forward,
    ready_to_start,
    running_now,
    snapshot,
)

from .builders import runbook_yaml, task

START = 1_796_364_000  # 2026-12-04T06:00Z, the runbooks' start
DURATIONS = ["15m", "30m", "1h", "2h"]


def _random_runbook(rng: random.Random, size: int, *, drop: int = 0) -> bytes:
    """A runbook of ``size`` tasks (the last ``drop`` left out, e.g. for an older baseline):
    random dependencies on earlier tasks, some milestones and not_before times (some fixed),
    durations of its own per seed."""
    tasks = []
    for i in range(size - drop):
        deps = sorted(rng.sample(range(max(0, i - 8), i), k=min(i, rng.randint(0, 3))))
        more: dict[str, object] = {}
        roll = rng.random()
        if roll < 0.1:
            hhmm = f"{6 + rng.randint(0, 17):02d}:{rng.choice(['00', '30'])}"
            more["not_before"] = f"2026-12-04T{hhmm}Z"
        elif roll < 0.15:
            at = f"2026-12-04T{8 + rng.randint(0, 10):02d}:00Z"
            more["not_before"] = {"at": at, "fixed": True, "reason": "downtime"}
        depends = [f"t{d}" for d in deps] or None
        if rng.random() < 0.08:
            tasks.append(task(f"t{i}", team=f"team{i % 3}", depends_on=depends, milestone=True))
            tasks[-1] = tasks[-1].replace(", duration: 1h", "")
        else:
            duration = rng.choice(DURATIONS)
            tasks.append(task(f"t{i}", duration, team=f"team{i % 3}", depends_on=depends, **more))
    text = runbook_yaml("Random", "2026-12-04T06:00Z", tasks, deadline="2026-12-06T06:00Z")
    return text.encode()


def _plan(data: bytes, *, cached: bool) -> Plan:
    plan = validate_bytes(data, source="random.yaml", warnings=False).plan
    assert plan is not None, validate_bytes(data, source="random.yaml").problems
    if cached:  # as a command reads it: columns decoded when first read
        loaded = Plan.loads(plan.dumps())
        assert loaded is not None
        return loaded
    return plan


def _random_log(rng: random.Random, ids: list[str], length: int) -> list[Event]:
    """Starts, finishes, failures, skips (some dropped), revisions, undos, notes: not a
    weekend the rules would allow, which the forecast must take as recorded."""
    events = []
    for seq in range(1, length + 1):
        at = START + seq * 300
        tid = rng.choice(ids[: max(3, len(ids) * seq // length)])
        roll = rng.random()
        data: dict[str, object] = {}
        if roll < 0.4:
            kind = EventKind.START
        elif roll < 0.65:
            kind = EventKind.DONE
        elif roll < 0.7:
            kind = EventKind.FAIL
        elif roll < 0.75:
            kind, data = EventKind.SKIP, {"dropped": rng.random() < 0.5}
        elif roll < 0.8:
            kind, data = EventKind.ETA, {"eta": at + rng.randint(0, 7200)}
        elif roll < 0.85:
            kind, data = EventKind.ESTIMATE, {"duration": rng.choice([600, 3600, 9000])}
        elif roll < 0.9:
            kind, data = EventKind.PULL, {"to": rng.choice([None, at + 600])}
        elif roll < 0.95:
            kind = EventKind.UNDO
        else:
            kind = EventKind.NOTE
        events.append(Event(seq, at, at, tid, kind, "ingrid", "h", "why", data))
    return events


# --- The rule as it was written before the states were built lazily ---------------------


def _eager_forward(plan: Plan, records: dict[str, TaskRecord], now: int):
    ids, durations = plan.column("id"), plan.column("duration")
    preds_of, not_before = plan.column("preds"), plan.column("not_before")
    n = len(ids)
    starts, finishes, statuses = [0] * n, [0] * n, [Status.PENDING] * n
    empty = TaskRecord()
    for v in plan.order:
        record = records.get(ids[v], empty)
        state = record.state
        if state == Status.DONE:
            start, finish = record.actual_start or now, record.actual_finish or now
        elif state in UNDER_WAY:
            start = record.actual_start if record.actual_start is not None else now
            # A failed task's work stopped when it failed; the time since is lost.
            failed = state == Status.FAILED and record.failed_at is not None
            stopped = record.failed_at if failed else now
            lost = record.lost + (max(0, now - stopped) if failed else 0)
            if record.eta is not None:
                finish = max(record.eta + lost - record.eta_lost, now)
            else:
                duration = durations[v] if record.estimate is None else record.estimate
                worked = 0 if record.actual_start is None else max(0, stopped - start - record.lost)
                finish = now + max(0, duration - worked)
        elif state == Status.SKIPPED:
            finish = max((finishes[p] for p in preds_of[v]), default=plan.start)
            start = finish
        else:
            start = max(now, plan.start)
            held = record.pull_to if record.pulled else not_before[v]
            if held is not None and held > start:
                start = held
            blocked = False
            for p in preds_of[v]:
                start = max(start, finishes[p])
                if statuses[p] not in FINISHED:
                    blocked = True
            finish = start + (durations[v] if record.estimate is None else record.estimate)
            if blocked:
                state = Status.PENDING
            elif held is not None and held > now:
                state = Status.SCHEDULED  # may start only at its not_before
            else:
                state = Status.READY
        starts[v], finishes[v], statuses[v] = start, finish, state
    return starts, finishes, statuses


def _eager(plan: Plan, baseline: Plan, records: dict[str, TaskRecord], now: int):
    ids, preds_of = plan.column("id"), plan.column("preds")
    n = len(ids)
    empty = TaskRecord()
    starts, finishes, statuses = _eager_forward(plan, records, now)
    end = max(finishes, default=plan.start)
    succ: list[list[int]] = [[] for _ in range(n)]
    for i, preds in enumerate(preds_of):
        for p in preds:
            succ[p].append(i)
    latest = [end] * n
    for v in reversed(plan.order):
        lf = end
        for s in succ[v]:
            lf = min(lf, latest[s] - (finishes[s] - starts[s]))
        latest[v] = lf
    states = []
    for i, tid in enumerate(ids):
        record = records.get(tid, empty)
        status = statuses[i]
        b = baseline.index.get(tid)
        planned_start = baseline.column("es")[b] if b is not None else None
        planned_finish = baseline.column("ef")[b] if b is not None else None
        slack = latest[i] - finishes[i]
        open_ = status not in FINISHED
        states.append(
            TaskState(
                i,
                tid,
                status,
                planned_start,
                planned_finish,
                record.actual_start,
                record.actual_finish,
                starts[i],
                finishes[i],
                status in NOT_STARTED and planned_start is not None and now > planned_start,
                open_ and slack <= 0,
                slack,
                record.reason,
                record.forced,
                [ids[p] for p in preds_of[i] if statuses[p] not in FINISHED]
                if status == Status.PENDING
                else [],
                len(record.notes),
                record.lost_by(now),
                record.resumed > 0,
                record.eta if status in UNDER_WAY else None,
                record.estimate,
                record.pulled,
                record.pull_to if record.pulled else None,
                record.dropped and status == Status.SKIPPED,
                record.worked_by(now),
            )
        )
    return states, _eager_path(plan, states, succ, end)


def _eager_path(plan: Plan, states: list[TaskState], succ: list[list[int]], end: int):
    ends = [s.index for s in states if s.critical and s.forecast_finish == end]
    if not ends:
        return []
    current = ends[0]
    while follow := [
        s
        for s in sorted(succ[current])
        if states[s].critical and states[s].forecast_start == states[current].forecast_finish
    ]:
        current = follow[0]
    path = [current]
    while True:
        here = states[path[-1]]
        drivers = [
            p
            for p in sorted(plan.column("preds")[here.index])
            if states[p].critical and states[p].forecast_finish == here.forecast_start
        ]
        if not drivers:
            break
        path.append(drivers[0])
    path.reverse()
    return path


def _eager_pull(
    plan: Plan, states: list[TaskState], records: dict[str, TaskRecord], now: int
) -> list[PullForward]:
    """The tasks only their not_before holds back, each with what pulling it gains, found by
    the whole forward pass again with that task pulled (no shortcut)."""
    ids, marked = (
        plan.column("id"),
        [m or g for m, g in zip(plan.column("milestone"), plan.column("gate"), strict=True)],
    )
    position = {v: k for k, v in enumerate(plan.order)}
    starts, finishes, statuses = _eager_forward(plan, records, now)
    out = []
    for state in states:
        i = state.index
        held = state.pulled_to if state.pulled else plan.column("not_before")[i]
        if state.status not in NOT_STARTED or held is None or plan.column("not_before_fixed")[i]:
            continue
        could = max(now, plan.start)
        for p in plan.column("preds")[i]:
            could = max(could, states[p].forecast_finish)
        if could < held:
            pulled = dict(records)
            pulled[ids[i]] = replace(records.get(ids[i], TaskRecord()), pulled=True, pull_to=None)
            _, after, _ = _eager_forward(plan, pulled, now)
            moved = [
                v
                for v in range(len(ids))
                if marked[v] and statuses[v] not in FINISHED and after[v] < finishes[v]
            ]
            first = min(moved, key=lambda v: (starts[v], position[v]), default=None)
            out.append(
                PullForward(
                    state.id,
                    held,
                    could,
                    max(finishes) - max(after),
                    None if first is None else ids[first],
                    0 if first is None else finishes[first] - after[first],
                )
            )
    out.sort(key=lambda p: (-p.finish_gain, -p.milestone_gain, -p.gain, p.id))
    return out


# --- The comparisons -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_lazily_built_states_equal_the_eager_rule_on_a_random_weekend(seed):
    rng = random.Random(seed)
    size = rng.randint(5, 60)
    data = _random_runbook(random.Random(seed), size)
    plan = _plan(data, cached=seed % 2 == 0)
    # Half the weekends measure against an older version of the runbook (tasks added since).
    older = seed % 4 >= 2
    baseline = _plan(_random_runbook(random.Random(seed), size, drop=2), cached=False)
    baseline = baseline if older else plan
    records, _ = fold(_random_log(rng, plan.column("id"), rng.randint(0, 3 * size)))
    now = START + rng.randint(-3600, 40 * 3600)

    states, path = _eager(plan, baseline, records, now)
    snap = snapshot(plan, baseline, records, now)
    assert forward(plan, records, now) == _eager_forward(plan, records, now)

    # Read a few by index first (each built alone), then all of them (the rest at once).
    for i in rng.sample(range(size), k=min(size, 5)):
        assert astuple(snap.tasks[i]) == astuple(states[i])
    assert snap.tasks[-1] == states[-1]
    assert [astuple(s) for s in snap.tasks] == [astuple(s) for s in states]
    assert list(snap.tasks) == states and len(snap.tasks) == size
    assert snap.tasks[1:4] == states[1:4]
    assert snap.critical_path == path
    assert pull_forward(snap) == _eager_pull(plan, states, records, now)


@pytest.mark.parametrize("seed", range(30, 230))
def test_what_a_pull_gains_is_the_whole_forward_pass_again_with_that_task_pulled(seed):
    """The gains follow only the tasks that move; the rule is the forward pass's."""
    rng = random.Random(seed)
    size = rng.randint(5, 60)
    plan = _plan(_random_runbook(random.Random(seed), size), cached=seed % 2 == 0)
    records, _ = fold(_random_log(rng, plan.column("id"), rng.randint(0, 3 * size)))
    now = START + rng.randint(-3600, 40 * 3600)
    states, _ = _eager(plan, plan, records, now)
    assert pull_forward(snapshot(plan, plan, records, now)) == _eager_pull(
        plan, states, records, now
    )


@pytest.mark.parametrize("seed", range(30))
def test_the_briefing_picks_the_same_tasks_from_the_figures_as_from_every_state(seed):
    rng = random.Random(seed)
    size = rng.randint(5, 60)
    plan = _plan(_random_runbook(random.Random(seed), size), cached=True)
    records, _ = fold(_random_log(rng, plan.column("id"), rng.randint(0, 3 * size)))
    now = START + rng.randint(-3600, 40 * 3600)
    states, _ = _eager(plan, plan, records, now)

    snap = snapshot(plan, plan, records, now)
    assert snap.where(UNDER_WAY) == running_now(states)
    assert ready_to_start(snap.where((Status.READY,))) == ready_to_start(states)
    for limit in (None, 0, 1, 3, 8):
        assert snap.most_late(limit) == late_tasks(states, limit)
    assert snap.late_count == sum(1 for s in states if s.late)
    assert snap.dropped == sum(1 for s in states if s.dropped)
    assert snap.counts == {s: sum(1 for t in states if t.status == s) for s in Status}


def test_a_state_read_twice_is_the_same_object():
    plan = _plan(_random_runbook(random.Random(1), 10), cached=True)
    snap = snapshot(plan, plan, {}, START)
    first = snap.tasks[3]
    assert snap.tasks[3] is first
    assert list(snap.tasks)[3] is first


def test_reading_past_the_last_task_is_an_index_error_as_for_a_list():
    plan = _plan(_random_runbook(random.Random(2), 4), cached=True)
    snap = snapshot(plan, plan, {}, START)
    with pytest.raises(IndexError):
        snap.tasks[4]
    assert snap.tasks[-4] == snap.tasks[0]
