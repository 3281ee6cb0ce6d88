"""What each row and panel of the dashboard says: pure formatting of a snapshot.

Kept apart from the widgets so tests and the table's change detection can compare plain
values: a row is a tuple of cells, and only the cells that differ are redrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import tzinfo

from rich.text import Text

from runbook.common.display import STATUS_STYLE
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration, format_variance
from runbook.weekend.forecast import Snapshot, TaskState, now_orders, start_orders
from runbook.weekend.views.lines import TONE_STYLE, Line
from runbook.weekend.views.table import TaskRow, table_row

# (key, label) of the task table's columns, in order.
# Most important first, so 80 columns still show id, status, forecast and variance whole;
# team and title give way.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Task"),
    ("status", "Status"),
    ("when", "Actual/~forecast"),
    ("var", "Var"),
    ("crit", "!"),
    ("plan", "Plan"),
    ("float", "Float"),
    ("team", "Team"),
    ("title", "Title"),
    ("phase", "Phase"),
)
COLUMN_KEYS = tuple(key for key, _ in COLUMNS)
# On a rehearsal the plan column says the runbook's start too (``plan_text``), and says so.
REHEARSAL_LABELS = {"plan": "Plan (runbook)"}
# Fixed widths: a title or a phase is cut rather than take the width of the longest one; the
# others fit their longest value (``scheduled should``, ``Fri 23:00–Sat 01:00 ~``,
# ``+10h45m``), so a time or a figure is never cut whichever tasks a table shows.
WIDTHS = {"title": 28, "phase": 12, "status": 16, "when": 21, "var": 7, "float": 7}
DATED_WHEN = 35  # ``Fri 04 Dec 23:00–Sat 05 Dec 01:00 ~``: a runbook longer than a week


def column_labels(*, rehearsal: bool) -> list[str]:
    """The columns' labels, in order: on a rehearsal's state the plan column says it gives
    the runbook's start too (``plan_text``)."""
    return [REHEARSAL_LABELS.get(key, label) if rehearsal else label for key, label in COLUMNS]


def widths(dated: bool) -> dict[str, int]:
    """The fixed widths of the table's columns, for times written with or without a date."""
    return {**WIDTHS, "when": DATED_WHEN} if dated else WIDTHS


STATUS_LABEL = {
    "pending": "pending",
    "ready": "READY",
    "scheduled": "scheduled",
    "running": "running",
    "failed": "FAILED",
    "done": "done",
    "skipped": "skipped",
    "suspended": "SUSPENDED",
}


def span_text(start: int | None, end: int | None, zone: tzinfo, dated: bool) -> str:
    """``Fri 23:00–Sat 01:00``, ``Sat 01:00–02:00``: a span of time as the table writes it."""
    if start is None or end is None:
        return "—"
    first = clock(start, zone, with_date=dated)
    last = clock(end, zone, with_date=dated)
    return f"{first}–{last[-5:] if last[:-5] == first[:-5] else last}"


def plan_text(row: TaskRow) -> str:
    """The plan column: the baseline's span, or ``new`` for a task added since; on a
    rehearsal with the runbook's start after it (``Tue 07:00–10:00 (Fri 07:00)``)."""
    if not row.planned_start:
        return "new"
    span = span_text(row.planned_start, row.planned_finish, row.zone, row.dated)
    if row.runbook_start is None:
        return span
    return f"{span} ({clock(row.runbook_start, row.zone, with_date=row.dated)})"


def team_text(row: TaskRow) -> str:
    """The team column: the team's id as data, or a dash."""
    return shown(row.team) or "—"


def task_row(snap: Snapshot, state: TaskState, *, dated: bool = False) -> tuple[Text, ...]:
    """The cells of one task's row at the snapshot (``row_cells`` of what it shows)."""
    return row_cells(table_row(snap, state, dated=dated))


def row_cells(row: TaskRow) -> tuple[Text, ...]:
    """The cells of a row, from what it shows alone: planned times from the baseline; actual
    times where known (plain), forecast times otherwise (italic, marked with ~)."""
    zone, dated = row.zone, row.dated

    def span(start: int | None, end: int | None) -> str:
        return span_text(start, end, zone, dated)

    if row.actual_finish is not None:
        when = Text(span(row.actual_start, row.actual_finish))
    elif row.actual_start is not None:
        when = Text(span(row.actual_start, row.forecast_finish))
        when.append(" ~", style="italic")
    else:
        when = Text(
            "~" + span(row.forecast_start, row.forecast_finish),
            style="italic dim" if row.status == "pending" else "italic",
        )

    variance = row.finish_variance
    var_style = "red" if (variance or 0) > 0 else "green"
    label = "dropped" if row.dropped else STATUS_LABEL[row.status]
    status = Text(label, style=STATUS_STYLE[row.status])
    if row.forced:
        status.append("*", style="bold yellow")
    if row.overrun:
        status.append(" overrun", style="bold red")
    elif row.late:
        status.append(" late", style="bold red" if row.critical else "yellow")
    elif row.eta:  # revised figures say so (the help explains the words)
        status.append(" eta", style="yellow")
    elif row.pulled:
        status.append(" pulled", style="green")
    elif row.revised:
        status.append(" revised", style="yellow")
    elif row.optional and row.status not in ("done", "skipped"):
        status.append(f" {row.priority}", style="dim italic")  # optional work: may be dropped
    return (
        Text(row.id, style="bold red" if row.critical else "bold"),
        status,
        when,
        Text(format_variance(variance), style=var_style),
        Text("!", style="bold red") if row.critical else Text(""),
        Text(plan_text(row), style="dim"),
        Text(
            ""
            if row.status in ("done", "skipped", "suspended")
            else format_duration(row.float, narrow=True),
            style="red" if row.critical else "dim",
        ),
        Text(team_text(row), style="magenta"),
        Text(shown(row.title)),
        Text(shown(row.phase)),
    )


def bar(fraction: float, width: int, *, style: str = "green") -> Text:
    """A progress bar of ``width`` cells with eighths for precision."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = Text("█" * full, style=style)
    if part and full < width:
        text.append(" ▏▎▍▌▋▊▉"[part], style=style)
        full += 1
    text.append("·" * (width - full), style="dim")
    return text


# The orders the table can be sorted in: what matters now, then by each column.
SORTS = ("now", *COLUMN_KEYS)
SORT_NAMES = {"now": "what matters now (failed, running, ready, late)"}


def sort_keys(snap: Snapshot, column: str) -> Sequence[object]:
    """What each task (by index) sorts by in a column (or ``now``), from the forecast's
    figures and the runbook's columns: a sort of 10,000 rows builds no task state."""
    return _SORT[column](snap)


_STATUS_ORDER = {
    "failed": 0,
    "running": 1,
    "ready": 2,
    "scheduled": 3,
    "pending": 4,
    "done": 5,
    "skipped": 6,
    "suspended": 7,
}


def _folded(values: Sequence[str | None]) -> list[str]:
    return [(v or "").casefold() for v in values]


def planned_finishes(snap: Snapshot) -> list[int | None]:
    """Every task's finish in the baseline (None for a task added since), by index."""
    base = snap.baseline
    if base is snap.plan:
        return list(base.column("ef"))
    where, ef = base.index, base.column("ef")
    return [ef[b] if (b := where.get(t)) is not None else None for t in snap.plan.column("id")]


def _variances(snap: Snapshot) -> list[int]:
    """Minus each task's finish variance (the latest first), 0 without a baseline finish."""
    return [
        -(f - p) if p is not None else 0
        for f, p in zip(snap.figures.finish, planned_finishes(snap), strict=True)
    ]


def _crit(snap: Snapshot) -> tuple[list[bool], list[int]]:
    return snap.figures.critical, snap.figures.start


_SORT: dict[str, Callable[[Snapshot], Sequence[object]]] = {
    "crit": lambda snap: [(not c, s) for c, s in zip(*_crit(snap), strict=True)],
    "id": lambda snap: snap.plan.column("id"),
    "title": lambda snap: _folded(snap.plan.column("title")),
    "team": lambda snap: _folded(snap.plan.column("team")),
    "phase": lambda snap: _folded(snap.plan.column("phase")),
    "status": lambda snap: [
        (_STATUS_ORDER[s], start)
        for s, start in zip(snap.figures.status, snap.figures.start, strict=True)
    ],
    "plan": lambda snap: [p if p is not None else 2**62 for p in snap.figures.planned_start],
    "when": lambda snap: start_orders(snap.figures),
    "now": lambda snap: now_orders(snap.figures),  # no column: what matters now first
    "var": _variances,
    "float": lambda snap: snap.figures.slack,
}


def dated(snap: Snapshot) -> bool:
    """Whether times need a date (a runbook longer than about a week)."""
    return snap.plan.needs_dates(snap.forecast_finish)


def lines_text(lines: Iterable[Line]) -> Text:
    """The core's lines with a tone (the what-if, the recovery options) as one text, each
    span in its tone's style and shown as data."""
    text = Text()
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        for span in line.spans:
            text.append(shown(span.text), style=TONE_STYLE.get(span.tone, ""))
    return text


def lines_or_none(lines: Sequence[Text], empty: str) -> Text:
    """Join panel lines, or a dim placeholder."""
    if not lines:
        return Text(empty, style="dim italic")
    return Text("\n").join(lines)
