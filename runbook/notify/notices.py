"""What is due to whom at a moment of the weekend: a pure function of the snapshot.

To a team: a heads-up when one of its tasks is forecast to become ready within
``notify.heads_up``, and "you're up" once it may start now (with the predecessors that just
finished and whom to call at mission control). Work behind a gate with no GO yet (no decision,
or a NO-GO) hears a heads-up that says it waits for that gate, and never "you're up" before
the GO. To mission control: the dashboard's alerts (an overrun, a failure, a critical task
going late, the forecast past the deadline), a gate's point of no return coming within
``heads_up``, a NO-GO, and a GO that lifts a NO-GO.

Each notice says how it reads (``tone``: apprise's notify type, so Slack, Mattermost and
Teams colour a failure as one). A task's alert names the task, its team and whom to call in
its body, not only what its title says.

Each notice has a key that names the condition, so the outbox writes it once however often
it is computed: ``up:<task>``, ``heads-up:<task>``, ``overrun:<task>`` (``overrun:<task>:<eta>``
past an eta the team gave: each eta passed is news), ``failed:<task>:<when>`` (a task failing
again is news again), ``critical-late:<task>``, ``deadline:<hours>`` (told when the forecast
first passes the deadline, and again for each further hour), ``ponr:<gate>``,
``no-go:<gate>:<event>``, ``go:<gate>:<event>``.

Once the weekend is closed (``runbook close``) nothing is due: nobody is "up", and what was
open is aftercare, not an alert; a message still waiting in the outbox is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.planning.plan import Plan
from runbook.weekend.events import FINISHED, NOT_STARTED
from runbook.weekend.forecast import FAILED, READY, SCHEDULED, Snapshot
from runbook.weekend.gates import NO_GO, awaited_gates, gate_standing, next_point_of_no_return
from runbook.weekend.views.alerts import alerts
from runbook.weekend.views.decisions import open_no_gos
from runbook.weekend.views.whom import mission_control, whom_to_call

COORDINATOR = "coordinator"
TEAM_NOTICES = ("up", "heads-up")

# apprise's notify types by what a message says: something went wrong or must be acted on now
# (a task failed, a critical task that could start has not, the forecast is past the
# deadline, a NO-GO); something to watch (an overrun, a point of no return coming); good news
# (you're up: what the team waited for is done; a GO that lifts a NO-GO); and plain
# information (a heads-up).
FAILURE, WARNING, SUCCESS, INFO = "failure", "warning", "success", "info"
TONES = {
    "failed": FAILURE,
    "critical-late": FAILURE,
    "deadline": FAILURE,
    "no-go": FAILURE,
    "rollback": FAILURE,
    "rollback-late": FAILURE,
    "overrun": WARNING,
    "ponr": WARNING,
    "up": SUCCESS,
    "go": SUCCESS,
    "heads-up": INFO,
    "decide-soon": INFO,
    "decide-now": WARNING,
}


def tone(kind: str) -> str:
    """How a notice of ``kind`` reads, as apprise's notify type (``info`` for one unknown)."""
    return TONES.get(kind, INFO)


def team_recipient(team: str) -> str:
    """The recipient of a team's notices."""
    return f"team:{team}"


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell someone: ``to`` is ``team:<id>`` or ``coordinator``."""

    key: str
    kind: str  # up | heads-up | overrun | failed | critical-late | deadline | ponr | no-go | go
    to: str
    task: str | None
    title: str
    body: str


def due_notices(
    snap: Snapshot,
    *,
    teams: set[str],
    coordinator: bool,
    approvers: set[str] | frozenset[str] = frozenset(),
) -> list[Notice]:
    """Every notice that holds at the snapshot's moment: for the ``teams`` that have an
    address, for mission control when it has one, and for the ``approvers`` (by name) that
    have one; none once the weekend is closed."""
    if snap.closed is not None:
        return []
    found = _team_notices(snap, teams) if teams else []
    if coordinator:
        found += _coordinator_notices(snap)
    if approvers:
        found += _approver_notices(snap, approvers)
    if snap.plan.offset:  # a rehearsal's messages say so, and the runbook's time of now
        from dataclasses import replace

        from runbook.weekend.rehearsal import REHEARSAL, both_times
        from runbook.weekend.views.rehearsal import marked

        said = f"{REHEARSAL}: sent at {both_times(snap.plan, snap.now)}."
        found = [
            replace(n, title=marked(snap.plan, n.title), body=f"{said}\n{n.body}") for n in found
        ]
    return found


def approver_recipient(name: str) -> str:
    """The recipient of an approver's notices."""
    return f"approver:{name}"


def _approver_notices(snap: Snapshot, approvers: set[str] | frozenset[str]) -> list[Notice]:
    """The approvers of the stage whose turn it is at a gate not passed: ``decide-soon``
    once the gate is forecast within ``heads_up``, ``decide-now`` once its predecessors are
    done (the stage's turn; told again in each round after a NO-GO), with the criteria and
    the point of no return. A rollback running: nothing to decide."""
    from runbook.weekend.gates import point_of_no_return

    plan, zone, now = snap.plan, snap.plan.zone, snap.now
    if plan.rolling_back is not None:
        return []
    out = []
    for gate, info in plan.gates.items():
        state = snap.by_id(gate)
        if state.status not in NOT_STARTED:
            continue
        said = gate_standing(info, snap.records.get(gate))
        waiting = said.waiting_for
        if waiting is None:  # passed (after a NO-GO every stage decides again, in order)
            continue
        told = [n for n in waiting.not_yet if n in approvers]
        if not told:
            continue
        point = point_of_no_return(plan, gate)
        ponr = f"\nPoint of no return: {clock(point, zone)}." if point is not None else ""
        criteria = "".join(f"\n- {shown(c)}" for c in info.criteria)
        criteria = f"\nCriteria for GO:{criteria}" if criteria else ""
        stage = waiting.stage.name
        command = f"runbook decide {gate} go|no-go --stage {stage} --by NAME"
        if state.status == READY:
            round_ = said.no_go.seq if said.no_go is not None else 0
            key, kind = f"decide-now:{gate}:{stage}:{round_}", "decide-now"
            title = f"Your decision at {gate} ({stage.replace('-', ' ')})"
            first = f"{gate} is ready for its go/no-go: it is the {stage} stage's turn."
        elif state.forecast_start - now <= plan.heads_up:
            key, kind = f"decide-soon:{gate}:{stage}", "decide-soon"
            title = f"Heads-up: {gate} is forecast at {clock(state.forecast_start, zone)}"
            first = (
                f"{gate} is forecast at {clock(state.forecast_start, zone)}; the {stage} "
                "stage decides first."
            )
        else:
            continue
        body = f"{first}{criteria}{ponr}\nRecord it: {command}"
        out += [Notice(key, kind, approver_recipient(name), gate, title, body) for name in told]
    return out


def still_due(snap: Snapshot, notice_kind: str, task: str | None) -> bool:
    """Whether a notice is still worth sending: none once the weekend is closed; a team's
    not once its task has started (or been skipped); mission control's otherwise always."""
    if snap.closed is not None:
        return False
    if notice_kind not in TEAM_NOTICES or task is None or task not in snap.plan.index:
        return True
    return snap.by_id(task).status in NOT_STARTED


def _call(plan: Plan) -> str:
    """Whom to call at mission control, in one line (empty when the runbook does not say)."""
    team = mission_control(plan)
    if team is None:
        return ""
    return f"Mission control: {shown(' - '.join((team.name, *team.parts)))}"


def _team_notices(snap: Snapshot, teams: set[str]) -> list[Notice]:
    plan, zone, now = snap.plan, snap.plan.zone, snap.now
    window = plan.heads_up
    call = _call(plan)
    out = []
    gates: list[tuple[str, ...]] | None = None  # the GOs each task waits for, once needed
    for state in snap.tasks:
        if state.status not in NOT_STARTED or state.forecast_start > now + window:
            continue
        task = plan.tasks[state.index]
        if task.milestone or task.team not in teams:
            continue
        if gates is None:
            gates = awaited_gates(snap)
        behind = gates[state.index]
        lines = []
        if state.status == READY and state.forecast_start <= now and not behind:
            kind, title = "up", f"You're up: {task.id}"
            lines.append(f"{shown(task.title)} ({task.id}) can start now.")
            done = [p for p in task.depends_on if p in plan.index]
            if done:
                lines.append("Just finished:")
                for pred in done:
                    lines.append("  " + _finished(snap, pred))
            lines.append(f"Check in when you start: runbook start {task.id}")
        else:
            # Never "you're up" before the GO: work behind an undecided gate hears that.
            kind = "heads-up"
            at = clock(max(state.forecast_start, now), zone)
            if behind == (task.id,):  # a gate itself: its approvers decide
                title = f"Heads-up: {task.id} waits for its go/no-go decision"
            elif behind:
                title = f"Heads-up: {task.id} waits for the GO at {', '.join(behind)}"
            else:
                title = f"Heads-up: {task.id} at {at}"
            lines += _behind_gates(snap, task.id, behind)
            wait = format_duration(state.forecast_start - now)
            if behind:
                if state.forecast_start > now:
                    lines.append(f"If it goes ahead, it may start at {at}, in {wait}.")
            elif state.forecast_start <= now:
                lines.append(
                    f"{shown(task.title)} ({task.id}) can start as soon as what it waits for "
                    "is done."
                )
            elif state.status == SCHEDULED:
                lines.append(
                    f"{shown(task.title)} ({task.id}) may start at {at}, in {wait} "
                    "(not before then)."
                )
            else:
                lines.append(
                    f"{shown(task.title)} ({task.id}) is forecast to be ready at {at}, in {wait}."
                )
            waiting = [
                p
                for p in task.depends_on
                if p in plan.index and snap.by_id(p).status not in FINISHED
            ]
            if waiting:
                lines.append("Still waiting for: " + ", ".join(waiting[:6]))
        lines.append(f"Planned duration {format_duration(task.duration)}.")
        if call:
            lines.append(call)
        out.append(
            Notice(
                f"{kind}:{task.id}",
                kind,
                team_recipient(str(task.team)),
                task.id,
                title,
                "\n".join(lines),
            )
        )
    return out


def _behind_gates(snap: Snapshot, task_id: str, gates: tuple[str, ...]) -> list[str]:
    """What a team hears of the gates its task waits for: each one's decision so far."""
    title = shown(snap.plan.tasks[snap.plan.index[task_id]].title)
    lines = []
    for gate in gates:
        record = snap.records.get(gate)
        itself = gate == task_id
        what = "a go/no-go gate" if itself else f"behind the gate {gate}"
        said = gate_standing(snap.plan.gates[gate], record)
        if said.no_go is not None:
            decided = said.no_go
            lines.append(
                f"{title} ({task_id}) is {what}, decided NO-GO at "
                f"{clock(decided.at, snap.plan.zone)}: on hold until a later GO."
            )
        elif itself:
            lines.append(
                f"{title} ({task_id}) is {what} with no decision yet: its approvers decide "
                f"(runbook decide {task_id} go|no-go)."
            )
        else:
            lines.append(
                f"{title} ({task_id}) is {what}, which has no go/no-go decision yet: "
                "it does not start before the GO."
            )
    return lines


def _finished(snap: Snapshot, task_id: str) -> str:
    """``db-copy done Sat 13:40 (by sanne)``: a predecessor as the team hears of it."""
    state = snap.by_id(task_id)
    record = snap.records.get(task_id)
    when = state.actual_finish
    said = f"{task_id} {state.shown_status}"
    if when is not None:
        said += f" {clock(when, snap.plan.zone)}"
    if record is not None and record.last_actor:
        said += f" (by {shown(record.last_actor)})"
    return said


def _coordinator_notices(snap: Snapshot) -> list[Notice]:
    plan, zone, now = snap.plan, snap.plan.zone, snap.now
    out = []
    for alert in alerts(snap):
        if alert.kind == "deadline":
            hours = -(snap.spare or 0) // 3600 + 1  # 1 for the first hour past, 2, ...
            key = f"deadline:{hours}"
        elif alert.kind == "failed" and alert.task is not None:
            record = snap.records.get(alert.task)
            key = f"failed:{alert.task}:{record.failed_at if record else ''}"
        elif alert.kind == "overrun" and alert.task is not None:
            # Past an eta the team gave: each eta passed is news (a new one may pass too).
            eta = snap.by_id(alert.task).eta
            key = f"overrun:{alert.task}" + ("" if eta is None else f":{eta}")
        else:
            key = f"{alert.kind}:{alert.task}"
        level = "ALERT" if alert.severity == "error" else "Warning"
        body = shown(alert.message, one_line=False)
        if alert.task is not None and alert.task in plan.index:
            body += "\n" + "\n".join(_task_lines(snap, alert.task))
        out.append(
            Notice(
                key, alert.kind, COORDINATOR, alert.task, f"{level}: {shown(alert.message)}", body
            )
        )
    ponr = next_point_of_no_return(snap)
    if ponr is not None and ponr.point is not None and ponr.point - now <= plan.heads_up:
        at = clock(ponr.point, zone)
        out.append(
            Notice(
                f"ponr:{ponr.gate}",
                "ponr",
                COORDINATOR,
                ponr.gate,
                f"Point of no return for {ponr.gate} at {at}",
                f"The point of no return for gate {ponr.gate} is at {at}, in "
                f"{format_duration(max(ponr.point - now, 0))}: a NO-GO after it cannot roll "
                "back before the deadline. No decision has been recorded yet.",
            )
        )
    out += _lifted_no_gos(snap)
    for nogo in open_no_gos(snap):
        decided = nogo.decided
        start_by = (
            f" Start the rollback by {clock(nogo.start_by, zone)}."
            if nogo.start_by is not None
            else ""
        )
        out.append(
            Notice(
                f"no-go:{nogo.gate}:{decided.seq}",
                "no-go",
                COORDINATOR,
                nogo.gate,
                f"NO-GO at {nogo.gate}",
                f"NO-GO at gate {nogo.gate}, decided by {shown(decided.who)} at "
                f"{clock(decided.at, zone)}: {shown(nogo.summary())}.{start_by}"
                + (f"\nReason: {shown(decided.note, one_line=False)}" if decided.note else ""),
            )
        )
    out += _rollback_started(snap)
    return out


def _rollback_started(snap: Snapshot) -> list[Notice]:
    """A rollback started (``runbook rollback``): mission control hears when it is forecast
    to end, against the deadline; its teams hear "you're up" as for any task."""
    rolling = snap.plan.rolling_back
    if rolling is None:
        return []
    from runbook.weekend.views.verdict import rolling_back

    zone = snap.plan.zone
    said = rolling_back(snap)
    assert said is not None
    record = snap.records.get(rolling.gate)
    seq = record.rollbacks[-1].seq if record is not None and record.rollbacks else 0
    deadline = snap.plan.deadline
    against = ""
    if deadline is not None:
        spare = deadline - said.ends
        against = (
            f", {format_duration(spare)} before the deadline {clock(deadline, zone)}"
            if spare >= 0
            else f", {format_duration(-spare)} AFTER the deadline {clock(deadline, zone)}"
        )
    return [
        Notice(
            f"rollback:{rolling.gate}:{seq}",
            "rollback",
            COORDINATOR,
            rolling.gate,
            f"ROLLING BACK at {rolling.gate}",
            f"The rollback of gate {rolling.gate} started at {clock(rolling.start, zone)}; it "
            f"is forecast to end {clock(said.ends, zone)}{against}. The forward work not done "
            "is suspended; each rollback task's team is told when it is up.",
        )
    ]


def _task_lines(snap: Snapshot, task_id: str) -> list[str]:
    """What mission control needs to act on a task's alert: the task, its team, why it
    failed and since when (for a failure), and whom to call."""
    plan, zone = snap.plan, snap.plan.zone
    task = plan.tasks[plan.index[task_id]]
    state = snap.by_id(task_id)
    lines = [f"Task: {task.id} - {shown(task.title)}"]
    whom = whom_to_call(plan, task.team)
    lines.append(f"Team: {shown(whom.label)}")
    record = snap.records.get(task_id)
    if state.status == FAILED:
        if record is not None and record.failed_at is not None:
            lines.append(f"Failed at: {clock(record.failed_at, zone)}")
        lines.append(f"Reason: {shown(state.reason or 'no reason given', one_line=False)}")
    lines.append(
        f"Call: {shown(whom.who(' - '))}"
        if whom.parts
        else "Call: the runbook names no lead or contact"
    )
    return lines


def _lifted_no_gos(snap: Snapshot) -> list[Notice]:
    """A GO that lifts a NO-GO at the same gate: mission control hears it as it heard the
    NO-GO (the work behind the gate goes ahead)."""
    zone, out = snap.plan.zone, []
    for gate in snap.plan.gates:
        record = snap.records.get(gate)
        if record is None:
            continue
        # A NO-GO is lifted by a full pass after it (every stage's GOs), not by any one GO.
        said = gate_standing(snap.plan.gates[gate], record)
        went = said.passed
        if went is None:
            continue
        earlier = [d for d in said.decisions if d.verdict == NO_GO and d.seq < went.seq]
        if not earlier:
            continue
        stopped = earlier[-1]
        out.append(
            Notice(
                f"go:{gate}:{went.seq}",
                "go",
                COORDINATOR,
                gate,
                f"GO at {gate}: the NO-GO is lifted",
                f"GO at gate {gate}, decided by {shown(went.who)} at {clock(went.at, zone)}: "
                f"the NO-GO decided by {shown(stopped.who)} at {clock(stopped.at, zone)} "
                "is lifted, and the work behind the gate goes ahead."
                + (f"\nReason: {shown(went.note, one_line=False)}" if went.note else ""),
            )
        )
    return out
