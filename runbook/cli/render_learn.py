"""What `runbook learn` learned, for people: per task the runs and how far they lie from the
runbook's estimate, per team its factor, per history what it showed."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from runbook.cli.render_plan import Column, fitted_table
from runbook.common.display import count
from runbook.common.text import shown
from runbook.format.durations import format_duration
from runbook.planning.learning import K
from runbook.reports.history import Lesson


def _points(
    optimistic: int | None, duration: int, pessimistic: int | None, *, narrow: bool = False
) -> str:
    """``1h30m / 2h / 3h`` (``1h30m/2h/3h`` on a ``narrow`` terminal, where the spaces would
    fold the task ids), or ``2h`` alone without a spread."""
    if optimistic is None or pessimistic is None or optimistic == duration == pessimistic:
        return format_duration(duration)
    between = "/" if narrow else " / "
    return between.join(format_duration(x) for x in (optimistic, duration, pessimistic))


# From this many columns the three points keep their spaces; on an 80-column terminal they
# would leave no room for a long task id, which then went on over two lines.
_ROOMY = 100


def _change(value: float) -> Text:
    """``+50%`` (longer than the runbook's, red), ``-20%`` (shorter, green), ``=`` (within 1%)."""
    if abs(value) < 0.005:
        return Text("=", style="dim")
    return Text(f"{value:+.0%}", style="red" if value > 0 else "green")


def lesson_report(lesson: Lesson, *, width: int = 120) -> Group:
    """The table of learned tasks, the team factors, and what each history showed."""
    plan, learned = lesson.plan, lesson.learning
    rows = []
    narrow = width < _ROOMY
    for x in learned.tasks.values():
        task = plan.tasks[plan.index[x.id]]
        rows.append(
            (
                x.id,
                shown(plan.team_name(task.team)) if task.team else "",
                _points(x.planned_optimistic, x.planned, x.planned_pessimistic, narrow=narrow),
                str(x.observations),
                format_duration(round(x.typical / 60) * 60),
                _change(x.observed_change),
                Text(_points(x.optimistic, x.duration, x.pessimistic, narrow=narrow), style="bold"),
            )
        )
    columns = [
        Column("Task", "id"),
        Column("Team", "team"),
        Column("Runbook o / m / p", justify="right", short="Runbook"),
        Column("Runs", justify="right"),
        Column("Observed", justify="right", short="Obs."),
        Column("vs runbook", justify="right", short="vs"),
        Column("Learned o / m / p", justify="right", short="Learned"),
    ]
    parts: list[Text | object] = []
    if rows:
        parts.append(
            fitted_table(
                columns,
                rows,
                width=width,
                title=f"{plan.name}: estimates learned from history",
                caption="Observed = the runs' typical (geometric mean) work; vs runbook = how "
                f"far that is from the runbook's duration; the runbook's estimate counts as "
                f"{K:g} run, so few runs move the learned estimate part of the way",
            )
        )
    else:
        parts.append(Text("No task of this runbook was seen started and done: nothing learned."))
    if learned.teams:
        line = Text("Team factors", style="bold")
        line.append(" (for a team's tasks never observed): ")
        line.append(
            ", ".join(
                f"{shown(f.team)} ×{f.factor:g} ({count(f.observations, 'run')})"
                for f in learned.teams.values()
            )
        )
        parts.append(line)
    unobserved = lesson.unobserved
    if unobserved:
        scaled = sum(1 for t in unobserved if t.team in learned.teams)
        parts.append(
            Text(
                f"{count(len(unobserved), 'task')} never observed: {scaled} scaled by the "
                f"team's factor, {len(unobserved) - scaled} as in the runbook"
            )
        )
    for s in lesson.history.sources:
        line = Text(f"{shown(s.location)}: ", style="dim")
        said = [f"{count(s.observed, 'task')} observed"]
        if s.left_out:
            said.append(f"{s.left_out} with no run to learn from (skipped or forced done)")
        if s.not_finished:
            said.append(f"{len(s.not_finished)} not finished")
        if s.elsewhere:
            said.append(f"{count(len(s.elsewhere), 'task')} not in this runbook")
        line.append(", ".join(said), style="dim")
        parts.append(line)
    return Group(*parts)  # type: ignore[arg-type]
