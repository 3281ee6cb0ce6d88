# Size: the plan table for people: its columns and their fitting at every width, shared by
# the learned and what-if columns (the rows themselves are drawn by cli/fast_table.py).
"""Rich rendering of a plan for people: the task table, the critical path, the Gantt chart."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from rich.cells import cell_len
from rich.console import Group, JustifyMethod
from rich.text import Span, Text

from runbook.cli.console import console
from runbook.cli.fast_table import RowTable, TableColumn, text_width
from runbook.common.display import count, possessive
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration, format_variance, utc_offset
from runbook.planning.learning import HISTORY, Estimates
from runbook.planning.plan import Plan, PlannedTask
from runbook.planning.timeline import Scale, ticks
from runbook.weekend.events import FINISHED
from runbook.weekend.forecast import PullForward, Snapshot
from runbook.weekend.rehearsal import REHEARSAL, both_times
from runbook.weekend.views.rehearsal import offset_words


def finish_line(plan: Plan) -> Text:
    """Planned finish against the deadline, coloured by whether it fits."""
    zone = plan.zone
    text = Text("Planned finish ")
    text.append(clock(plan.finish, zone, with_date=True), style="bold")
    if plan.deadline is None:
        text.append("  (no deadline set)", style="dim")
        return text
    buffer = plan.buffer or 0
    deadline = clock(plan.deadline, zone, with_date=True)
    if buffer >= 0:
        text.append(f"  {format_duration(buffer)} before the deadline", style="bold green")
    else:
        text.append(f"  {format_duration(-buffer)} AFTER the deadline", style="bold red")
    text.append(f" ({deadline})")
    return text


@dataclass(frozen=True)
class Column:
    """A column of a fitted table. Ids, times, figures and markers (``fixed``, ``id``) are
    never cut; when room runs out, the ``title`` column goes first, then long headers take
    their ``short`` form, the ``team`` column is shortened and then goes, then a ``spare``
    column (uncut while it shows); only a table that still does not fit lets its ``id`` column
    go on over a second line (folded, never cut)."""

    header: str
    role: str = "fixed"
    justify: JustifyMethod = "left"
    short: str | None = None  # the header on a narrow terminal (the caption explains it)


_TEAM_MIN = 4  # three letters and "…": less than that says nothing


def fitted_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str | Text]],
    *,
    width: int,
    title: str,
    caption: str,
) -> RowTable:
    """A table laid out for ``width`` columns of terminal: on a narrow terminal the columns
    move closer together, then the titles go, then long headers shorten, team names are
    shortened and then go, then the spare columns go; a figure or a marker is never cut."""

    # Titles, teams and the runbook's name are data: every control in them shown, not obeyed.
    rows = [[shown(cell) if isinstance(cell, str) else cell for cell in row] for row in rows]
    title = shown(title)

    # Each cell measured once, for the layout here and for drawing the rows; a 10,000-row
    # table repeats its times, figures and statuses, each measured once.
    measured: dict[str, int] = {}
    measured_text: dict[str, int] = {}

    def size(cell: str | Text) -> int:
        if isinstance(cell, str):
            found = measured.get(cell)
            if found is None:
                found = measured[cell] = cell_len(cell)
            return found
        plain = cell.plain
        found = measured_text.get(plain)
        if found is None:
            found = measured_text[plain] = text_width(cell)
        return found

    lengths = [[size(c) for c in row] for row in rows]
    values = [max([0] + [row[k] for row in lengths]) for k in range(len(columns))]
    headers = [c.header for c in columns]
    keep = list(range(len(columns)))

    def widths() -> list[int]:
        return [max(cell_len(headers[k]), values[k]) for k in range(len(columns))]

    def needs(team: int) -> int:
        """The cells the kept columns take besides the titles, a space between columns
        (the team's cut to ``team`` cells)."""
        w = widths()
        kept = [k for k in keep if columns[k].role != "title"]
        return sum(min(w[k], team) if columns[k].role == "team" else w[k] for k in kept) + len(kept)

    def drop(role: str) -> None:
        keep[:] = [k for k in keep if columns[k].role != role]

    if needs(_TEAM_MIN) > width:  # even without titles: shorter headers, then fewer columns
        headers = [c.short or c.header for c in columns]
    if needs(_TEAM_MIN) > width:
        drop("team")
    if needs(_TEAM_MIN) > width:
        drop("spare")
    w = widths()
    fixed = sum(w[k] for k in keep if columns[k].role not in ("title", "team"))
    team = sum(w[k] for k in keep if columns[k].role == "team")
    # The box puts one space between columns; padding adds one more when there is room.
    # Titles are worth closing the columns up for, as long as some 15 characters show.
    gaps = sum(1 for k in keep if columns[k].role != "title")

    def title_room(gap: int) -> int:
        return width - fixed - team - gap * (gaps + 1)

    if title_room(2) >= 15:
        gap, titles = 2, True
    elif title_room(1) >= 15:
        gap, titles = 1, True
    else:
        gap, titles = (2 if fixed + team + 2 * gaps <= width else 1), False
    if not titles:
        drop("title")
    # What no shortening made fit: the id goes on over a second line (and nothing is cut).
    fold = max(0, fixed + min(team, _TEAM_MIN) + gap * (gaps - 1) - width)
    laid_out = []
    for k in keep:
        c, header = columns[k], headers[k]
        if c.role == "title":
            laid_out.append(TableColumn(header, "title"))
        elif c.role == "team":
            room = max(_TEAM_MIN, min(w[k], width - fixed - gap * gaps))
            laid_out.append(TableColumn(header, "team", size=room))
        elif c.role == "id" and fold:
            room = max(cell_len(header), w[k] - fold)
            laid_out.append(TableColumn(header, "fold", c.justify, size=room))
        else:
            laid_out.append(TableColumn(header, "fixed", c.justify, size=w[k]))
    return RowTable(
        laid_out,
        [[row[k] for k in keep] for row in rows],
        [[row[k] for k in keep] for row in lengths],
        title=title,
        caption=caption,
        gap=gap,
        expand=titles,  # the titles take the room that is left
    )


def plan_table(
    plan: Plan,
    snapshot: Snapshot | None = None,
    *,
    width: int = 120,
    only: Collection[int] | None = None,
    learned: Estimates | None = None,
) -> RowTable:
    """Tasks in start order with team, start, finish, duration, float and a critical mark;
    with a snapshot, the status and the forecast (actual times for work already done).
    ``only``: the indices of the tasks to list (one team's), all when None; ``learned``:
    a column of the durations learned from history beside the runbook's."""
    if snapshot is not None:
        return forecast_table(plan, snapshot, width=width, only=only, learned=learned)
    zone = plan.zone
    cells = _Cells(zone, plan.needs_dates())
    position = {v: k for k, v in enumerate(plan.order)}
    rows = []
    listed = range(len(plan.tasks)) if only is None else only
    for i in sorted(listed, key=lambda i: (plan.tasks[i].es, position[i])):
        t = plan.tasks[i]
        rows.append(
            (
                cells.critical if t.critical else "",
                _task_cell(t),
                t.title,
                t.team or "—",
                cells.clock(t.es),
                cells.clock(t.ef),
                "◆" if t.milestone else cells.duration(t.duration),
                *_learned_cells(t, learned),
                cells.styled(cells.duration(t.total_float), "red" if t.critical else "dim"),
            )
        )
    columns = [
        Column(""),
        Column("Task", "id"),
        Column("Title", "title"),
        Column("Team", "team"),
        Column("Start"),
        Column("Finish"),
        Column("Duration", justify="right"),
        *_learned_column(learned),
        Column("Float", justify="right"),
    ]
    return fitted_table(
        columns,
        rows,
        width=width,
        title=plan.name,
        caption=f"times in {plan.timezone} ({utc_offset(plan.start, zone)}); "
        "! = on the critical path (no float)" + _learned_note(learned) + _priority_note(plan),
    )


def _learned_column(learned: Estimates | None) -> list[Column]:
    """The Learned column, when there are learned estimates."""
    return [] if learned is None else [Column("Learned", justify="right")]


def _learned_cells(task: PlannedTask, learned: Estimates | None) -> list[str | Text]:
    """A task's Learned cell: ``2h45m (3)``, learned from its 3 observed runs, or ``2h24m
    ×1.2``, the runbook's times its team's factor; empty when it keeps the runbook's."""
    if learned is None:
        return []
    e = learned.tasks.get(task.id)
    if e is None:
        return [""]
    text = Text(format_duration(e.duration), style="bold" if e.duration != e.planned else "")
    if e.source == HISTORY:
        text.append(f" ({e.observations})", style="dim")
    else:
        text.append(f" ×{e.factor:g}", style="dim")
    return [text]


def _learned_note(learned: Estimates | None) -> str:
    """What the Learned column says, for the caption."""
    if learned is None:
        return ""
    return (
        "; Learned = the most likely duration learned from history (observed runs), or the "
        "runbook's times its team's factor (×)"
    )


def learned_line(plan: Plan, learned: Estimates, *, finish: bool = True) -> Text:
    """Where the learned estimates came from, and (``finish``) when the plan would finish
    with them."""
    from runbook.planning.learning import learned_finish

    own, team = learned.from_history, learned.from_team
    text = Text("Learned from history ", style="bold")
    text.append(f"({shown(learned.source)}): ")
    parts = [f"{count(len(own), 'task')} on their own observed runs"]
    if team:
        parts.append(f"{count(len(team), 'task')} by their team's factor")
    text.append(", ".join(parts))
    if not learned.tasks or not finish:
        return text
    zone = plan.zone
    end = learned_finish(plan, learned)
    text.append("; with the learned durations the plan finishes ")
    text.append(clock(end, zone, with_date=True), style="bold")
    moved = end - plan.finish
    if abs(moved) >= 60:
        text.append(f", {format_duration(abs(moved))} {'later' if moved > 0 else 'earlier'}")
    if plan.deadline is not None:
        spare = plan.deadline - end
        if spare >= 0:
            text.append(f" ({format_duration(spare)} before the deadline)", style="green")
        else:
            text.append(f" ({format_duration(-spare)} AFTER the deadline)", style="bold red")
    return text


def forecast_table(
    plan: Plan,
    snap: Snapshot,
    *,
    width: int = 120,
    only: Collection[int] | None = None,
    learned: Estimates | None = None,
) -> RowTable:
    """The timeline recomputed from actuals: planned start, forecast start and finish, the
    start's lateness and the finish's slip against the baseline."""
    from runbook.common.display import STATUS_STYLE

    zone = plan.zone
    cells = _Cells(zone, plan.needs_dates())
    rows = []
    states = snap.tasks if only is None else [snap.tasks[i] for i in only]
    for s in sorted(states, key=lambda s: (s.forecast_start, s.index)):
        t = plan.tasks[s.index]
        rows.append(
            (
                cells.critical if s.critical else "",
                _task_cell(t, s.critical),
                t.title,
                t.team or "—",
                cells.styled(s.shown_status, STATUS_STYLE[s.status]),
                cells.clock(s.planned_start) if s.planned_start is not None else "new",
                cells.clock(s.forecast_start),
                cells.clock(s.forecast_finish),
                *_learned_cells(t, learned),
                cells.variance(s.start_variance),
                cells.variance(s.finish_variance),
            )
        )
    columns = [
        Column(""),
        Column("Task", "id"),
        Column("Title", "title"),
        Column("Team", "team"),
        Column("Status"),
        Column("Planned", "spare"),
        Column("Start"),
        Column("Finish"),
        *_learned_column(learned),
        Column("Late start", justify="right", short="Late"),
        Column("Slip", justify="right"),
    ]
    return fitted_table(
        columns,
        rows,
        width=width,
        title=_forecast_title(plan, snap.now),
        caption=f"{_rehearsal_note(plan)}times in {plan.timezone}; done tasks show actual "
        "times; Late start and Slip = start and finish against the baseline (Planned); "
        "! = on the remaining critical path" + _learned_note(learned) + _priority_note(plan),
    )


def _forecast_title(plan: Plan, now: int) -> str:
    """``Name — forecast at Sat 05 Dec 14:05``; on a rehearsal's state it leads with
    REHEARSAL and gives the moment in the runbook's clock too."""
    lead = f"{REHEARSAL} · " if plan.offset else ""
    return f"{lead}{plan.name} — forecast at {both_times(plan, now, with_date=True)}"


def _rehearsal_note(plan: Plan) -> str:
    """What a rehearsal's caption says first: whose clock the times are on."""
    if not plan.offset:
        return ""
    return f"{REHEARSAL}: times on the rehearsal's clock ({offset_words(plan.offset)}); "


def _priority_note(plan: Plan) -> str:
    """``; should, nice = optional work (runbook recover)`` when the plan holds any."""
    if not any(t.optional for t in plan.tasks):
        return ""
    return "; should, nice = optional work (`runbook recover` when late)"


def _task_cell(task: PlannedTask, critical: bool | None = None) -> Text:
    """The task's id, red when critical, with its priority when it is optional work
    (``archive nice``)."""
    critical = task.critical if critical is None else critical
    style = "red" if critical else ""
    if not task.optional:
        return Text(task.id, style=style)
    end = len(task.id) + 1 + len(task.priority)
    return Text(
        f"{task.id} {task.priority}", style=style, spans=[Span(len(task.id), end, "dim italic")]
    )


class _Cells:
    """The cells that rows share, each made once: a 10,000-row table repeats the same times,
    figures, markers and statuses (the Text cells are never changed once made)."""

    def __init__(self, zone: tzinfo, dated: bool) -> None:
        self.zone = zone
        self.dated = dated
        self.critical = Text("!", style="bold red")
        self._clocks: dict[float, str] = {}
        self._durations: dict[int, str] = {}
        self._styled: dict[tuple[str, str], Text] = {}
        self._variances: dict[int | None, Text] = {}

    def clock(self, seconds: float) -> str:
        """A time as the table shows it (with the day when the weekend spans days)."""
        found = self._clocks.get(seconds)
        if found is None:
            found = self._clocks[seconds] = clock(seconds, self.zone, with_date=self.dated)
        return found

    def duration(self, seconds: int) -> str:
        """A duration or a float: ``1h30m``."""
        found = self._durations.get(seconds)
        if found is None:
            found = self._durations[seconds] = format_duration(seconds)
        return found

    def styled(self, text: str, style: str) -> Text:
        """``text`` in ``style``."""
        found = self._styled.get((text, style))
        if found is None:
            found = self._styled[text, style] = Text(text, style=style)
        return found

    def variance(self, seconds: int | None) -> Text:
        """A variance cell: late in red, early in green."""
        found = self._variances.get(seconds)
        if found is None:
            style = "red" if (seconds or 0) > 0 else "green"
            found = self._variances[seconds] = self.styled(format_variance(seconds), style)
        return found


def critical_path_text(plan: Plan, team: str | None = None) -> Text:
    """``Critical path: a → b → c``; for a team, its own tasks on the path."""
    text = Text("Critical path: ", style="bold")
    ids = [
        plan.tasks[i].id for i in plan.critical_path if team is None or plan.tasks[i].team == team
    ]
    if team is None:
        text.append(" → ".join(ids) if ids else "none", style="red")
    elif ids:
        text.append(f"{possessive(shown(plan.team_name(team)))} tasks on it: ")
        text.append(" → ".join(ids), style="red")
    else:
        text.append(
            f"none of {possessive(shown(plan.team_name(team)))} tasks is on it", style="green"
        )
    return text


def gantt_chart(
    plan: Plan,
    *,
    width: int,
    group_by: str = "phase",
    snapshot: Snapshot | None = None,
    only: Collection[int] | None = None,
) -> Group:
    """A text Gantt chart of the weekend, grouped by phase or team; critical bars in red,
    milestones as ◆, the deadline as a │ line. With a snapshot the bars are the forecast
    (actual times for work done, in green) and ┊ marks now."""
    zone = plan.zone

    def span_of(i: int) -> tuple[int, int]:
        if snapshot is None:
            return plan.tasks[i].es, plan.tasks[i].ef
        s = snapshot.tasks[i]
        return s.forecast_start, s.forecast_finish

    def critical(i: int) -> bool:
        return snapshot.tasks[i].critical if snapshot is not None else plan.tasks[i].critical

    label_width = min(28, max(8, *(len(t.id) for t in plan.tasks))) + 2
    cells = max(20, width - label_width - 1)
    finish = plan.finish if snapshot is None else max(plan.finish, snapshot.forecast_finish)
    end = max(finish, plan.deadline or finish)
    scale = Scale(plan.start, end + max(60, (end - plan.start) // 50), cells)
    deadline_cell = scale.cell(plan.deadline) if plan.deadline else None
    now_cell = (
        scale.cell(snapshot.now) if snapshot is not None and snapshot.now < scale.end else None
    )

    axis = [" "] * cells
    marks = [" "] * cells
    for tick in ticks(scale, zone, min_gap=7):
        label = tick.label
        fits = tick.cell + len(label) <= cells
        if fits and all(c == " " for c in axis[tick.cell : tick.cell + len(label) + 1]):
            axis[tick.cell : tick.cell + len(label)] = label[: cells - tick.cell]
        marks[tick.cell] = "┃" if tick.major else "╵"
    lines = [
        Text(" " * label_width + "".join(axis)[:cells], style="bold"),
        Text(" " * label_width + "".join(marks)[:cells], style="dim"),
    ]

    def key(i: int) -> str:
        t = plan.tasks[i]
        return (t.phase if group_by == "phase" else plan.team_name(t.team)) or "(none)"

    groups: dict[str, list[int]] = {}
    position = {v: k for k, v in enumerate(plan.order)}
    listed = range(len(plan.tasks)) if only is None else only
    for i in sorted(listed, key=lambda i: (span_of(i)[0], position[i])):
        groups.setdefault(key(i), []).append(i)
    for name, members in groups.items():
        lines.append(Text(shown(name), style="bold underline"))
        for i in members:
            t = plan.tasks[i]
            row = Text(f" {t.id[: label_width - 2]:<{label_width - 1}}")
            bar = [" "] * cells
            if deadline_cell is not None:
                bar[deadline_cell] = "│"
            if now_cell is not None:
                bar[now_cell] = "┊"
            first, length = scale.span(*span_of(i))
            glyph = "◆" if t.milestone else "█"
            for c in range(first, first + (1 if t.milestone else length)):
                bar[c] = glyph
            text = "".join(bar)
            colour = "red" if critical(i) else ("magenta" if t.milestone else "cyan")
            if snapshot is not None and snapshot.tasks[i].status in FINISHED:
                colour = "green dim"
            row.append(text[:first], style="yellow dim")
            row.append(text[first : first + length], style=colour)
            row.append(text[first + length :], style="yellow dim")
            lines.append(row)
    legend = Text("  █ task  ", style="cyan")
    legend.append("█ critical  ", style="red")
    legend.append("◆ milestone  ", style="magenta")
    if deadline_cell is not None:
        legend.append("│ deadline  ", style="yellow")
    if now_cell is not None:
        legend.append("┊ now  ", style="yellow")
        legend.append("█ done", style="green dim")
    lines.append(legend)
    return Group(*lines)


def show_plan(
    plan: Plan,
    *,
    gantt: bool,
    group_by: str,
    source: Path,
    snapshot: Snapshot | None = None,
    pull: Sequence[PullForward] = (),
    team: str | None = None,
    learned: Estimates | None = None,
) -> None:
    """Print the plan for people (recomputed from actuals when there is a snapshot); with a
    team, its tasks only, and still the weekend's finish; with ``learned`` estimates, the
    learned durations beside the runbook's, and the finish they would give."""
    from runbook.weekend.views.team import team_indices, team_view

    out = console()
    only = None if team is None else team_indices(plan, team)
    if gantt:
        name = plan.name + ("" if team is None else f" — {plan.team_name(team)}")
        out.print(Text(shown(name), style="bold"))
        out.print(
            gantt_chart(plan, width=out.width, group_by=group_by, snapshot=snapshot, only=only)
        )
    else:
        # Its lines are never wider than the terminal; measuring each to crop it would cost
        # more than drawing it.
        table = plan_table(plan, snapshot, width=out.width, only=only, learned=learned)
        out.print(table, crop=False)
    if snapshot is None:
        out.print(critical_path_text(plan, team))
        out.print(finish_line(plan))
        if learned is not None:
            out.print(learned_line(plan, learned))
        return
    from runbook.cli.render_status import headline, pull_forward_section, remaining_path

    view = None if team is None else team_view(snapshot, team, pull)
    if view is not None:
        pull = view.pull
    out.print(remaining_path(snapshot, view))
    for line in headline(snapshot, out.width):
        out.print(line)
    for part in pull_forward_section(snapshot, pull, limit=None):
        out.print(part)
    if learned is not None:
        out.print(learned_line(plan, learned, finish=False))
