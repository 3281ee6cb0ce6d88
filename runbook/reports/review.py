"""The post-weekend review: planned against actual, the root causes of the lateness, the
biggest slips and where they came from, what is left for aftercare, and the notes.

Root causes. The weekend's lateness (its actual finish, or the forecast one while work is
open, against the baseline finish) is attributed along the chain that drove the finish: from
the task that finished last, back through the predecessor that finished last, to the start.
Walking that chain forward, each task adds its *own* contribution: its overrun (actual
duration beyond the baseline duration) plus its own late start (the time between the later of
its planned start and its predecessor's finish, and its actual start: a team not ready, a
decision taken late). A task that started late only because its predecessor finished late
inherits that slip and gets no blame. Where the chain had slack (a later planned start, a
not_before) or won time back (a task done faster than planned, or skipped), the lateness
carried so far shrinks, and each cause's share shrinks in proportion; the slack between the
last task and the baseline finish does the same. So the shares add up to the weekend's
lateness, and one cause upstream with many tasks inheriting its slip is one row.

A task's own part is told in the same figures as the dashboard's: its overrun is the work it
did beyond its planned duration, and the time it stood failed (lost) is counted apart, so
planned + overrun + lost is its actual duration (first start to finish).

Every override is listed (``forced``): who recorded what, when, the refusal it overrode, as
recorded in the event, and the reason given. A task that ran keeps its actual start and the
time it worked, also when it was dropped or skipped while under way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.planning.rollback import rollback_plan
from runbook.reports.accuracy import Measured, TeamAccuracy, accuracy
from runbook.usecases import Weekend
from runbook.weekend.aftercare import Handover, handovers
from runbook.weekend.events import REVISION_KINDS, Event, EventKind
from runbook.weekend.forecast import DONE, FINISHED, SKIPPED, SUSPENDED, Snapshot, TaskRecord
from runbook.weekend.gates import NO_GO
from runbook.weekend.lessons import LessonGroup, by_phase_and_team, lessons
from runbook.weekend.replan import event_summary
from runbook.weekend.versions import Version, versions
from runbook.weekend.views.progress import Progress, empty, progress

SLIPS = 10


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One task, planned (baseline) against actual."""

    id: str
    title: str
    team: str | None
    status: str
    planned_start: int | None
    planned_finish: int | None
    actual_start: int | None
    actual_finish: int | None
    planned: int
    actual: int | None
    reason: str | None
    came_from: str | None = None
    priority: str = "must"
    dropped: bool = False  # optional work dropped for time (`runbook drop`): aftercare
    worked: int | None = None  # seconds it worked; None: it never ran
    lost: int = 0  # seconds it stood failed (worked + lost: first start to its end)
    carried: bool = False  # open when the weekend was closed (`runbook close`): aftercare
    rollback: bool = False  # a rollback task (planned: the rollback from its start)
    started_by: str | None = None  # who checked it in (the start in force)
    finished_by: str | None = None  # who checked it out (done, or skipped)

    @property
    def shown_status(self) -> str:
        """The status as people read it: ``dropped`` for work dropped for time, ``running at
        the close`` (``pending``, ...) for work carried over by a close."""
        if self.dropped:
            return "dropped"
        return f"{self.status} at the close" if self.carried else self.status

    @property
    def finish_slip(self) -> int | None:
        """Seconds it finished after its planned finish."""
        if self.actual_finish is None or self.planned_finish is None:
            return None
        return self.actual_finish - self.planned_finish

    @property
    def own_overrun(self) -> int | None:
        """Seconds it worked longer than planned itself (the time it stood failed is
        ``lost``, apart)."""
        return None if self.actual is None else self.actual - self.lost - self.planned

    @property
    def inherited(self) -> int | None:
        """Seconds it started late (what it inherited from before it)."""
        if self.actual_start is None or self.planned_start is None:
            return None
        return self.actual_start - self.planned_start

    @property
    def own_cause(self) -> bool:
        """Its slip came from itself: no predecessor passed one on, and it overran or lost
        time to a failure."""
        return self.came_from is None and ((self.own_overrun or 0) > 0 or self.lost > 0)

    @property
    def came_from_text(self) -> str:
        """Where its slip came from, in words: a task's id, ``its own duration``, ``its
        failure`` (time lost), both, or ``—``."""
        if self.came_from:
            return self.came_from
        if not self.own_cause:
            return "—"
        causes = [
            *(["its own duration"] if (self.own_overrun or 0) > 0 else []),
            *(["its failure"] if self.lost > 0 else []),
        ]
        return " and ".join(causes)


@dataclass(frozen=True, slots=True)
class TeamRow:
    """A team's weekend in figures: its tasks done, dropped and skipped counted apart (the
    core's rule), and the planned against the actual time of the ones done."""

    team: str
    name: str
    tasks: int
    done: int
    planned: int
    actual: int
    lost: int = 0  # seconds its finished tasks stood failed
    dropped: int = 0  # dropped for time (`runbook drop`)
    dropped_must: int = 0  # of which must-haves (dropped only by force)
    skipped: int = 0  # skipped as not needed

    @property
    def overrun(self) -> int:
        """Seconds worked over plan on the tasks it finished (the time lost apart)."""
        return self.actual - self.lost - self.planned


@dataclass(frozen=True, slots=True)
class RootCause:
    """A task whose own overrun or own late start made the weekend late, and by how much."""

    id: str
    title: str
    team: str | None
    caused: int  # seconds of the weekend's lateness attributed to it
    overrun: int  # seconds it worked beyond its planned duration (negative: faster)
    late_start: int  # seconds it started after its planned start and its predecessor's finish
    lost: int = 0  # seconds it stood failed


@dataclass(frozen=True, slots=True)
class Revision:
    """A revision made during the weekend (an eta, an estimate, a pull), and whether it was
    withdrawn (undone) later."""

    at: int
    task: str
    kind: str  # eta | estimate | pull
    what: str  # ``eta Sat 16:00``, ``estimate 3h``, ``pull``, ``pull to Sat 12:00``
    actor: str
    reason: str | None
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class Override:
    """An event recorded with ``--force``, or against the rules without it (a raw insert):
    who overrode which rule, when, and why."""

    at: int
    task: str | None
    what: str  # ``start``, ``drop``, ``decide GO``: the event in a few words
    actor: str  # the --by name, and the database login beside it when they differ
    overrode: str | None  # the refusal it overrode; None: not recorded (an older event)
    reason: str | None  # the reason (or note) given with it
    withdrawn: bool  # undone later
    against: bool = False  # recorded against the rules without force: not an override given
    login: str | None = None  # the database login that recorded it (PostgreSQL)


# The kinds whose notes the review shows in a section of their own, not among the notes.
_OWN_SECTION = frozenset(
    {EventKind.BASELINE, EventKind.REVISE, EventKind.LESSON, EventKind.AFTERCARE}
)

NOT_RECORDED = "not recorded (the event was forced before runbook kept the refusal)"


@dataclass
class Review:
    """Everything the review shows."""

    now: int
    plan: Plan
    baseline_finish: int
    actual_finish: int | None
    rows: list[ReviewRow] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)
    notes: list[Event] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)  # in the order recorded
    forced: list[Override] = field(default_factory=list)  # every override, in the order recorded
    lateness: int = 0  # seconds the (actual or forecast) finish lies after the baseline's
    root_causes: list[RootCause] = field(default_factory=list)
    closed: Event | None = None  # the close (`runbook close`): the actual finish is its time
    # Every task counted by the core's rule: done, dropped and skipped apart, the work done
    # over the work still wanted, a dropped must-have counted.
    progress: Progress = field(default_factory=empty)
    # Every version of the runbook the log records (the first, then each `runbook revise`).
    versions: list[Version] = field(default_factory=list)
    lessons: list[LessonGroup] = field(default_factory=list)  # per phase, then per team
    accuracy: list[TeamAccuracy] = field(default_factory=list)  # the estimates, per team
    nogos: list[Event] = field(default_factory=list)  # every NO-GO decided, in order
    handovers: dict[str, Handover] = field(default_factory=dict)  # aftercare, by task

    @property
    def runbook_revisions(self) -> list[Version]:
        """The versions recorded by `runbook revise` during the weekend, in order."""
        return [v for v in self.versions if v.revised]

    @property
    def pulls(self) -> list[Revision]:
        """The tasks pulled forward (`runbook pull`), in order."""
        return [r for r in self.revisions if r.kind == EventKind.PULL]

    @property
    def aftercare_items(self) -> list[tuple[ReviewRow, Handover]]:
        """The aftercare list, each item with its handover as recorded so far."""
        return [(r, self.handovers.get(r.id) or Handover()) for r in self.aftercare]

    @property
    def unowned(self) -> list[str]:
        """The aftercare items no owner team was given yet."""
        return [r.id for r, handover in self.aftercare_items if not handover.owned]

    @property
    def slip(self) -> int | None:
        """Seconds the weekend ended after the baseline finish (None while work is open)."""
        return None if self.actual_finish is None else self.actual_finish - self.baseline_finish

    @property
    def lateness_line(self) -> str:
        """What the root causes explain: ``The weekend finished 2h late ...``."""
        verb = "finished" if self.actual_finish is not None else "is forecast to finish"
        if self.lateness < 60:
            return f"The weekend {verb} on time or early: no lateness to attribute."
        return (
            f"The weekend {verb} {format_duration(self.lateness)} after the baseline finish. "
            "Each task below caused its share through its own overrun, the time it lost to "
            "a failure or its own late start, along the chain that drove the finish; tasks "
            "that only inherited a slip are not listed."
        )

    @property
    def counts(self) -> dict[str, int]:
        """Tasks per status, the dropped ones apart from the skipped ones."""
        return self.progress.counts

    @property
    def slips(self) -> list[ReviewRow]:
        """The tasks that finished latest against plan, worst first."""
        late = [r for r in self.rows if (r.finish_slip or 0) > 0]
        return sorted(late, key=lambda r: -(r.finish_slip or 0))[:SLIPS]

    @property
    def aftercare(self) -> list[ReviewRow]:
        """The work still to do after the weekend, where the aftercare track starts: tasks
        not finished, and the ones dropped for time, each with its team and reason."""
        return [r for r in self.rows if r.status not in FINISHED or r.dropped]

    @property
    def carried(self) -> list[ReviewRow]:
        """The work open when the weekend was closed (running, failed or not started), carried
        to aftercare apart from the work dropped for time."""
        return [r for r in self.rows if r.carried]

    @property
    def rollback(self) -> list[ReviewRow]:
        """The rollback's tasks, planned (from the rollback's start) against actual."""
        return [r for r in self.rows if r.rollback]

    @property
    def suspended(self) -> list[ReviewRow]:
        """The forward work the rollback stopped: not done, with why."""
        return [r for r in self.rows if r.status == SUSPENDED]

    @property
    def dropped(self) -> list[ReviewRow]:
        """Optional work dropped for time (`runbook drop`), with the reasons."""
        return [r for r in self.rows if r.dropped]

    @property
    def skipped(self) -> list[ReviewRow]:
        """Work skipped as not needed this time (not dropped), with the reasons."""
        return [r for r in self.rows if r.status == SKIPPED and not r.dropped]


def _came_from(snap: Snapshot, index: int) -> str | None:
    """For a task that started late: follow the predecessor that finished last back to the
    task whose own overrun (or late start with no predecessor) caused the delay."""
    plan = snap.plan
    seen = set()
    current = index
    while current not in seen:
        seen.add(current)
        state = snap.tasks[current]
        own = state.duration_variance or 0
        inherited = state.start_variance or 0
        preds = [p for p in plan.tasks[current].preds if snap.tasks[p].actual_finish is not None]
        if own >= inherited or not preds or inherited <= 0:
            return None if current == index else plan.tasks[current].id
        current = max(preds, key=lambda p: snap.tasks[p].actual_finish or 0)
    return None


def driving_chain(snap: Snapshot) -> list[int]:
    """The chain that drove the (actual or forecast) finish, first task first: from the task
    that finished last, back through the predecessor that finished last each time."""
    tasks = snap.tasks
    if not tasks:
        return []
    current = max(range(len(tasks)), key=lambda i: (tasks[i].forecast_finish, -i))
    chain = [current]
    while preds := snap.plan.tasks[current].preds:
        current = max(sorted(preds), key=lambda p: tasks[p].forecast_finish)
        chain.append(current)
    chain.reverse()
    return chain


def root_causes(snap: Snapshot, finish: int | None = None) -> tuple[int, list[RootCause]]:
    """The weekend's lateness, and the tasks that caused it with their shares, largest first
    (the method is in the module's docstring); ``finish``: the weekend's end when it is not
    the forecast finish (a close), to which the shares are scaled."""
    plan, tasks = snap.plan, snap.tasks
    shares: dict[int, float] = {}
    own: dict[int, tuple[int, int, int]] = {}

    def shrink_to(total: float) -> None:
        carried, total = sum(shares.values()), max(total, 0)
        if carried <= total:
            return
        factor = total / carried
        for k in shares:
            shares[k] *= factor

    previous: int | None = None
    for i in driving_chain(snap):
        state = tasks[i]
        if state.planned_start is None or state.planned_finish is None:
            previous = i  # new since the baseline: nothing to measure it against
            continue
        ready = state.planned_start
        if previous is not None:
            pred_finish = tasks[previous].forecast_finish
            shrink_to(max(0, pred_finish - state.planned_start))  # slack absorbs
            ready = max(ready, pred_finish)
        late_start = state.forecast_start - ready
        # Its own part: the work beyond plan, and the time it stood failed, apart.
        lost = state.lost if state.actual_start is not None else 0
        overrun = (state.forecast_finish - state.forecast_start) - (
            state.planned_finish - state.planned_start
        )
        contribution = late_start + overrun
        if contribution > 0:
            shares[i] = shares.get(i, 0) + contribution
            own[i] = (overrun - lost, late_start, lost)
        elif contribution < 0:
            shrink_to(sum(shares.values()) + contribution)  # time won back
        previous = i
    lateness = (snap.forecast_finish if finish is None else finish) - snap.baseline_finish
    shrink_to(max(0, lateness))
    causes = [
        RootCause(
            plan.tasks[i].id,
            plan.tasks[i].title,
            plan.tasks[i].team,
            round(share / 60) * 60,  # shares of a proportion: whole minutes read better
            own[i][0],
            own[i][1],
            own[i][2],
        )
        for i, share in shares.items()
        if round(share / 60) >= 1
    ]
    causes.sort(key=lambda c: (-c.caused, c.id))
    return lateness, causes


def revisions(events: Sequence[Event], plan: Plan) -> list[Revision]:
    """The revisions recorded, in order, each marked withdrawn when an undo revoked it."""
    undone = {e.data.get("undoes") for e in events if e.kind == EventKind.UNDO and e.data}
    return [
        Revision(
            e.at,
            e.task or "",
            e.kind,
            event_summary(e, plan.zone),
            e.actor,
            e.note,
            e.seq in undone,
        )
        for e in events
        if e.kind in REVISION_KINDS and e.task is not None
    ]


def overrides(events: Sequence[Event]) -> list[Override]:
    """Every event recorded with ``--force`` or against the rules (``rules.audit``), in
    order, each marked withdrawn when an undo revoked it later."""
    undone = {e.data.get("undoes") for e in events if e.kind == EventKind.UNDO and e.data}
    return [
        Override(
            e.at,
            e.task,
            e.summary,
            e.by,
            e.overrode,
            e.note,
            e.seq in undone,
            e.against is not None,
            e.login,
        )
        for e in events
        if e.overridden
    ]


def checked_by(record: TaskRecord | None) -> tuple[str | None, str | None]:
    """Who checked a task in (its start in force) and out (its done or skip in force): the
    ``--by`` names, as a spreadsheet wants them (the database login stays in the log)."""
    if record is None:
        return None, None
    started = finished = None
    for event in record.history:
        if event.kind in (EventKind.START, EventKind.DONE, EventKind.FAIL) and started is None:
            started = event.actor
        if event.kind in (EventKind.DONE, EventKind.SKIP):
            finished = event.actor
        elif event.kind == EventKind.START and record.actual_start == event.at:
            started, finished = event.actor, None  # a fresh run: checked in again
    return started, finished


def measured(rows: Sequence[ReviewRow], plan: Plan) -> list[Measured]:
    """The tasks done, as the accuracy figures measure them (``runbook.reports.accuracy``)."""
    pessimistic = plan.column("pessimistic")
    out = []
    for r in rows:
        if r.status != DONE or r.actual is None:
            continue
        i = plan.index.get(r.id)
        out.append(
            Measured(
                r.id,
                r.team,
                r.planned,
                r.actual - r.lost,
                pessimistic[i] if i is not None else None,
            )
        )
    return out


def review(weekend: Weekend) -> Review:
    """The review of a weekend at the clock's moment (usually after it ended). Once closed
    (`runbook close`), its actual finish is the close, and what was open then is carried to
    aftercare with its actual start and the work done on it."""
    snap = weekend.snapshot()
    plan, closed = snap.plan, snap.closed
    rolling = plan.rolling_back
    # Rolled back, the weekend ends with the rollback: the suspended work stays undone.
    ended = [s for s in snap.tasks if rolling is None or s.status != SUSPENDED]
    finished = all(s.status in FINISHED for s in ended)
    actual_finish = max((s.actual_finish or 0 for s in ended), default=None) if finished else None
    # The rollback planned from its start, each task against it; why the suspended stopped.
    rollback_planned: dict[str, tuple[int, int]] = {}
    stopped = ""
    if rolling is not None:
        alone = rollback_plan(weekend.plan, rolling.gate, rolling.start)
        rollback_planned = {t.id: (t.es, t.ef) for t in alone.tasks}
        stopped = f"not done: rolled back at {rolling.gate} ({clock(rolling.start, plan.zone)})"
    if closed is not None:
        actual_finish = closed.at
    result = Review(
        now=snap.clock,
        plan=plan,
        baseline_finish=snap.baseline_finish,
        actual_finish=actual_finish,
        closed=closed,
    )
    for state in snap.tasks:
        task = plan.tasks[state.index]
        actual = None
        if (
            state.status == DONE
            and state.actual_start is not None
            and state.actual_finish is not None
        ):
            actual = state.actual_finish - state.actual_start
        planned_start, planned_finish = state.planned_start, state.planned_finish
        in_rollback = task.id in rollback_planned
        if in_rollback:
            planned_start, planned_finish = rollback_planned[task.id]
        started_by, finished_by = checked_by(snap.records.get(task.id))
        planned = (
            planned_finish - planned_start
            if planned_start is not None and planned_finish is not None
            else task.duration
        )
        result.rows.append(
            ReviewRow(
                task.id,
                task.title,
                task.team,
                state.status,
                planned_start,
                planned_finish,
                state.actual_start,
                state.actual_finish,
                planned,
                actual,
                stopped if state.status == SUSPENDED else state.reason,
                _came_from(snap, state.index) if state.status == DONE else None,
                task.priority,
                state.dropped,
                state.worked if state.actual_start is not None else None,
                state.lost,
                closed is not None and state.status not in FINISHED,
                in_rollback,
                started_by,
                finished_by,
            )
        )
    result.progress = progress(snap)
    teams: dict[str, list[ReviewRow]] = {}
    for row in result.rows:
        teams.setdefault(row.team or "—", []).append(row)
    for team, rows in teams.items():
        done = [r for r in rows if r.actual is not None]
        counted = progress(snap, [snap.by_id(r.id) for r in rows])
        result.teams.append(
            TeamRow(
                team,
                plan.team_name(team) if team != "—" else "(no team)",
                len(rows),
                counted.done,
                sum(r.planned for r in done),
                sum(r.actual or 0 for r in done),
                sum(r.lost for r in done),
                counted.dropped,
                counted.dropped_must,
                counted.skipped,
            )
        )
    events = weekend.audited_events()  # each marked when it broke the check-in rules
    result.notes = [
        e for e in events if e.note and e.kind not in _OWN_SECTION and e.kind not in REVISION_KINDS
    ]
    result.revisions = revisions(events, plan)
    result.versions = versions(e for e in events if e.task is None)
    result.lessons = by_phase_and_team(lessons(events, plan), plan)
    result.accuracy = accuracy(measured(result.rows, plan), plan)
    result.nogos = [
        e for e in events if e.kind == EventKind.DECIDE and e.data.get("decision") == NO_GO
    ]
    result.handovers = handovers(events)
    result.forced = overrides(events)
    result.lateness, result.root_causes = root_causes(snap, None if closed is None else closed.at)
    return result
