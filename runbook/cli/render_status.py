# Size: the briefing's sections and the line-fitting helpers they share render one screen,
# `runbook status`.
"""Rich rendering of the bridge-call briefing (`runbook status`) and the event log."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from runbook.common.display import EVENT_STYLE, STATUS_STYLE, count, possessive
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration, t_plus
from runbook.planning.plan import Plan
from runbook.weekend.events import Event
from runbook.weekend.forecast import (
    FAILED,
    PULL_HORIZON,
    RUNNING,
    PullForward,
    Snapshot,
    best_pulled_later,
    pull_forward_soon,
)
from runbook.weekend.replan import event_columns
from runbook.weekend.views import Headline, OpenNoGo, UpNextRow, Verdict, lead
from runbook.weekend.views import briefing as briefing_of
from runbook.weekend.views import verdict as verdict_of
from runbook.weekend.views.lines import TONE_STYLE
from runbook.weekend.views.progress import Progress, progress
from runbook.weekend.views.pull import gain_words
from runbook.weekend.views.rehearsal import banner as rehearsal_banner
from runbook.weekend.views.rehearsal import in_runbook_aside, report_note, runbook_clock
from runbook.weekend.views.team import TeamView
from runbook.weekend.views.verdict import to_deadline

if TYPE_CHECKING:
    from runbook.reports.outlook import Outlook

# The badge of each headline state (the pace's, AHEAD and BEHIND; ON PLAN is reversed).
BADGE_STYLE = {
    Headline.CLOSED: "bold white on blue",
    Headline.ROLLING_BACK: "bold white on magenta",
    Headline.NO_GO: "bold white on red",
    Headline.AHEAD: "bold white on green",
    Headline.BEHIND: "bold white on red",
}
REHEARSAL_STYLE = "bold black on yellow"  # a rehearsal's state: never taken for the weekend


def badge(words: str, state: str) -> Text:
    """`` NO-GO ``, `` BEHIND 35m ``: a headline state in its colours."""
    return Text(f" {words} ", style=BADGE_STYLE.get(Headline(state), "bold reverse"))


def headline(snap: Snapshot, width: int = 100) -> list[Text]:
    """The briefing's first lines: the headline (``NO-GO  gonogo-2 · roll back by Sun 20:00
    (in 1d7h) · takes 10h``, ``CLOSED  Mon 03:00 · 3h before the deadline ...``, or the pace),
    then ahead or behind with the finish against the baseline and the deadline; a line too
    long for ``width`` goes on after one of its `` · ``, never in the middle of a figure."""
    return [part for line in _headline(snap) for part in fold_at_dots(line, width)]


def fold_at_dots(line: Text, width: int) -> list[Text]:
    """``line`` cut into lines of at most ``width`` cells after its `` · `` separators (the
    rest indented by two); a piece longer than that stays whole, for the terminal to wrap."""
    out: list[Text] = []
    rest, indent = line, ""
    while rest.cell_len > width:
        plain = rest.plain
        cut = plain.rfind(" · ", 0, width - 1)
        if cut <= len(indent):
            break
        head, tail = rest.divide([cut, cut + 3])[0], rest.divide([cut + 3])[1]
        out.append(head)
        indent = "  "
        rest = Text(indent) + tail
    out.append(rest)
    return out


def _headline(snap: Snapshot) -> list[Text]:
    verdict, zone = verdict_of(snap), snap.plan.zone
    said = lead(verdict, zone)
    first = badge(said.badge, said.state)
    if said.detail:
        first.append("  ")
        first.append(shown(said.detail), style="bold" if said.leads_over_pace else "")
    figures = finish_figures(verdict, zone, snap.plan)
    if said.leads_over_pace:
        pace = badge(said.pace, verdict.word)
        pace.append("  ")
        if said.held:  # the pace alone hides how the work runs (issue 21 §10)
            pace.append(said.held, style="bold")
            pace.append(" · ")
        pace.append_text(figures)
        return [first, pace]
    if said.detail:
        return [first, figures]
    first.append("  ")
    first.append_text(figures)
    return [first]


def finish_figures(verdict: Verdict, zone: tzinfo, plan: Plan | None = None) -> Text:
    """``forecast finish Mon 02:00 · baseline Mon 02:00 · deadline Mon 06:00 (4h to spare)``
    (``finish Mon 03:00 (closed)`` once closed); a rehearsal's deadline with the runbook's
    beside it (``deadline Thu 06:00 (Mon 06:00 in the runbook)``)."""
    text = Text("forecast finish " if verdict.closed is None else "finish ")
    text.append(clock(verdict.forecast_finish, zone), style="bold")
    if verdict.closed is not None:
        text.append(" (closed)")
    text.append(f" · baseline {clock(verdict.baseline_finish, zone)}")
    if verdict.deadline is not None and (spare := verdict.spare) is not None:
        text.append(f" · deadline {clock(verdict.deadline, zone)}")
        if plan is not None:
            text.append(in_runbook_aside(plan, verdict.deadline), style="dim")
        text.append(" ")
        words = to_deadline(spare)
        text.append(words.text, style=TONE_STYLE[words.tone])
    return text


def no_go_line(nogo: OpenNoGo, now: int, zone: tzinfo) -> Text:
    """``NO-GO at gonogo-2 (Sat 14:00 by cio: ...) — roll back: ...; start by Sun 20:00``."""
    text = Text(f" NO-GO at {nogo.gate} ", style="bold white on red")
    decided = nogo.decided
    text.append(f" ({clock(decided.at, zone)} by {shown(decided.who)}")
    if decided.recorded_apart:
        text.append(f", recorded by {shown(decided.recorded_by)}")
    if decided.note:
        text.append(f": {shown(decided.note)}")
    text.append(f") — {shown(nogo.summary())}")
    if nogo.start_by is not None:
        text.append("; start it by ", style="bold")
        text.append(clock(nogo.start_by, zone), style="bold red")
        left = nogo.start_by - now
        text.append(
            f" (in {format_duration(left)})"
            if left >= 0
            else f" ({format_duration(-left)} AGO: the deadline cannot be kept)",
            style="bold red" if left < 0 else "",
        )
    return text


def counts_line(done: Progress, width: int = 100) -> Text:
    """``12 done · 3 running · ... · 1 skipped · 2 dropped (1 must!) · 80% of the wanted work
    done``, each status in its colour: done, skipped as not needed and dropped for time counted
    apart (the core's rule). For a terminal ``width`` wide: a line breaks between two counts,
    never inside one (a dropped must-have's flag stays with its count)."""
    counts = done.counts
    # A status this order does not know yet goes with the work to do, before the skipped;
    # "scheduled" (waiting only for a not_before) and "suspended" (stopped by a rollback) only
    # when there is one: the line stays short.
    order = [s for s in ORDER if s in counts and (s not in ONLY_WHEN_ANY or counts[s])]
    order[-2:-2] = [s for s in counts if s not in ORDER]
    parts = []
    for status in order:
        n = counts[status]
        part = Text(f"{n} {status}", style=STATUS_STYLE.get(status, "") if n else "dim")
        if status == "dropped" and done.dropped_must:
            part.append(f" ({done.must_text})", style="bold red")
        parts.append(part)
    parts.append(Text(f"{done.weighted:.0%} of the wanted work done", style="dim"))
    text, used = Text(), 0
    for i, part in enumerate(parts):
        if i and used + 3 + part.cell_len > width:
            text.append("\n")
            used = 0
        elif i:
            text.append(" · ", style="dim")
            used += 3
        text.append_text(part)
        used += part.cell_len
    return text


# The order of the counts: what moves first, then what is no longer wanted.
ORDER = (
    "done",
    "running",
    "failed",
    "ready",
    "scheduled",
    "pending",
    "suspended",
    "skipped",
    "dropped",
)
# Shown only when some task has that status: the line stays short.
ONLY_WHEN_ANY = frozenset({"scheduled", "suspended"})


FIXED, TEAM, TEXT, WORDS = "fixed", "team", "text", "words"
"""Roles of a briefing column: ids, times, figures, markers and contacts (``FIXED``) are never
cut; a team's name is shortened; free text (``TEXT``) is cut at the end of its line, and
``WORDS`` (lists of ids) wraps between words instead."""

_GAP = 2
_TEAM_MIN = 8
_TEXT_MIN = 40


def fit_rows(roles: Sequence[str], rows: Sequence[Sequence[Text]], width: int) -> list[Text]:
    """Lay ``rows`` out in aligned columns for a terminal ``width`` wide. The fixed cells keep
    their width whatever it takes: when they do not fit on one line, the row goes on over more
    lines (indented under the id); team names are shortened and free text gives way first."""
    n = len(roles)
    natural = [max(row[k].cell_len for row in rows) for k in range(n)]
    shown_cols = [k for k in range(n) if natural[k] > 0 or roles[k] == FIXED]
    body = [k for k in shown_cols if roles[k] in (FIXED, TEAM)]
    free = [k for k in shown_cols if roles[k] in (TEXT, WORDS) and natural[k] > 0]
    w = [min(natural[k], _TEAM_MIN) if roles[k] == TEAM else natural[k] for k in range(n)]
    indent = (w[body[0]] + _GAP) if body else 0

    # Pack the fixed and team columns into as few lines as the width allows.
    lines: list[list[int]] = [[]]
    for k in body:
        line = lines[-1]
        start = 0 if len(lines) == 1 else indent
        used = start + sum(w[j] for j in line) + _GAP * len(line)
        if line and used + w[k] > width:
            lines.append([k])
        else:
            line.append(k)

    def end_of(i: int) -> int:
        line = lines[i]
        start = 0 if i == 0 else indent
        return start + sum(w[j] for j in line) + _GAP * max(0, len(line) - 1)

    # Free text follows on the last line when a fair share of it fits there.
    text_col = free[0] if free else None
    text_inline = False
    if text_col is not None:
        room = width - end_of(len(lines) - 1) - _GAP
        text_inline = room >= min(natural[text_col], _TEXT_MIN)
    # Then the team's name takes what the free text leaves over, up to its full length.
    for i, line in enumerate(lines):
        for k in line:
            if roles[k] != TEAM:
                continue
            slack = width - end_of(i)
            if text_col is not None and text_inline and i == len(lines) - 1:
                slack -= _GAP + min(natural[text_col], 50)
            w[k] = min(natural[k], w[k] + max(0, slack))

    out: list[Text] = []
    for row in rows:
        row_lines: list[Text] = []
        for i, line in enumerate(lines):
            text = Text(" " * (0 if i == 0 else indent))
            for j, k in enumerate(line):
                if j:
                    text.append(" " * _GAP)
                cell = row[k].copy()
                cell.truncate(w[k], overflow="ellipsis", pad=True)
                text.append_text(cell)
            row_lines.append(text)
        if text_col is not None and row[text_col].cell_len:
            last = row_lines[-1]
            start = end_of(len(lines) - 1) + _GAP if text_inline else indent
            if not text_inline:
                last = Text(" " * indent)
                row_lines.append(last)
            else:
                last.append(" " * _GAP)
            cell = row[text_col]
            room = max(_TEAM_MIN, width - start)
            if roles[text_col] == TEXT:
                cell = cell.copy()
                cell.truncate(room, overflow="ellipsis")
                last.append_text(cell)
            else:
                wrapped = textwrap.wrap(
                    cell.plain, room, break_long_words=False, break_on_hyphens=False
                ) or [""]
                last.append(wrapped[0], style=cell.style)
                for more in wrapped[1:]:
                    row_lines.append(Text(" " * start + more, style=cell.style))
        for line_text in row_lines:
            line_text.rstrip()
            out.append(line_text)
    return out


def _section(
    title: str,
    roles: Sequence[str],
    rows: Sequence[Sequence[Text]],
    limit: int | None,
    width: int,
    *,
    total: int | None = None,
) -> list[RenderableType]:
    if not rows:
        return []
    listed = rows if limit is None else rows[:limit]
    total = len(rows) if total is None else total
    parts: list[RenderableType] = [Text(f"\n{title} ({total})", style="bold underline")]
    parts += fit_rows(roles, listed, width)
    if total > len(listed):
        parts.append(
            Text(f"  … and {total - len(listed)} more (--all shows everything)", style="dim")
        )
    return parts


def briefing(
    snap: Snapshot,
    *,
    title: str,
    limit: int | None = 8,
    pull: Sequence[PullForward] = (),
    team: TeamView | None = None,
    width: int = 100,
) -> Group:
    """The one-screen bridge-call briefing (of one team's work, given its view), laid out for
    a terminal ``width`` columns wide."""
    plan, zone, now = snap.plan, snap.plan.zone, snap.now
    # Of all the work (None): the view picks the tasks it lists from the snapshot's figures.
    states = None if team is None else team.tasks
    if team is not None:
        pull = team.pull
    view = briefing_of(snap, states, late_limit=limit)
    head = Text(shown(title), style="bold")
    asked = snap.clock  # the clock, also once the weekend stands still at its close
    rehearsal = rehearsal_banner(plan, asked)
    if rehearsal is not None:  # said first, and in the runbook's time too
        head = Text(f" {rehearsal.word} ", style=REHEARSAL_STYLE) + Text("  ") + head
    head.append(
        f"   {clock(asked, zone, with_date=True)}{in_runbook_aside(plan, asked)} "
        f"({t_plus(asked, plan.start)})",
        style="dim",
    )
    parts: list[RenderableType] = [
        head,
        *headline(snap, width),
        counts_line(progress(snap, states), width),
    ]
    parts += [no_go_line(n, now, zone) for n in view.no_gos]
    ponr = view.ponr
    if ponr is not None and ponr.point is not None:
        line = Text("Next point of no return: ", style="bold")
        line.append(
            f"{ponr.gate} at {clock(ponr.point, zone)}{in_runbook_aside(plan, ponr.point)} ",
            style="bold magenta",
        )
        line.append(
            f"(in {format_duration(ponr.point - now)}; rollback takes "
            f"{format_duration(ponr.rollback or 0)})"
        )
        if ponr.forecast_margin is not None and ponr.forecast_margin < 0:
            line.append(
                f" — the gate is forecast {format_duration(-ponr.forecast_margin)} AFTER it",
                style="bold red",
            )
        parts.append(line)
    if (rolled := view.rolled_back) is not None:
        past = rolled.late is not None and rolled.late > 0
        parts.append(Text("  " + rolled.line(zone), style="bold red" if past else "dim"))

    running: list[tuple[Text, ...]] = []
    failed: list[tuple[Text, ...]] = []
    for r in view.running:
        figure = Text(f"{format_duration(r.elapsed)} of {format_duration(r.duration)}")
        if r.revised:
            figure.append(" (revised)", style="yellow")
        if r.overrun:
            figure.append(f"  +{format_duration(r.overrun)} OVERRUN", style="bold red")
        if r.eta is not None:
            figure.append(f"  eta {clock(r.eta, zone)}", style="bold yellow")
        status = FAILED if r.failed else RUNNING
        mark = Text("✖ FAILED" if r.failed else "●", style=STATUS_STYLE[status])
        extra = Text(shown(r.reason), style="red") if r.failed else Text("")
        if r.resumed:  # ``resumed, 40m lost``; a failed task's time lost after its reason
            extra.append(("  " if r.failed else "") + shown(r.resumed), style="yellow")
        (failed if r.failed else running).append(
            (
                mark,
                Text(r.id, style="bold"),
                _team(r.team),
                Text(f"since {clock(r.since, zone)}"),
                figure,
                extra,
            )
        )
    under_way = (FIXED, FIXED, TEAM, FIXED, FIXED, TEXT)
    if snap.closed is not None:  # the weekend stands still: what was open is aftercare
        parts += _section(
            "Open at the close (aftercare)", under_way, failed + running, limit, width
        )
    else:
        parts += _section("Failed (blocked until started again)", under_way, failed, limit, width)
        parts += _section("Running now", under_way, running, limit, width)

    decisions = [
        (
            Text("◆", style="bold magenta"),
            Text(d.gate, style="bold"),
            Text("decision needed", style="bold magenta"),
            Text(shown(d.waits_for())),
            Text(d.command, style="dim"),
            Text(shown(d.given_text(zone))),
        )
        for d in view.decisions
    ]
    parts += _section(
        "Decision needed (go/no-go: the approvers decide)",
        # Who decides is whom to call: never cut; the GOs given so far wrap between words.
        (FIXED, FIXED, FIXED, FIXED, FIXED, WORDS),
        decisions,
        limit,
        width,
    )

    ready = []
    for c in view.ready[:limit]:  # rows only for what is shown; the title counts them all
        when = Text("now" if c.not_before is None else f"not before {clock(c.not_before, zone)}")
        if c.pulled:
            when.append("  pulled", style="green")
        if c.revised is not None:
            when.append(f"  takes {format_duration(c.revised)} (revised)", style="yellow")
        if c.critical:
            when.append("  critical", style="bold red")
        ready.append(
            (
                Text("▶", style="cyan"),
                Text(c.id, style="bold"),
                _team(c.team),
                when,
                Text(shown(c.contact), style="dim"),
            )
        )
    parts += _section(
        "Ready to start (call the team)",
        (FIXED, FIXED, TEAM, FIXED, FIXED),
        ready,
        limit,
        width,
        total=len(view.ready),
    )
    up_next = [
        (
            Text("○", style="cyan"),
            Text(u.id, style="bold"),
            _team(u.team),
            _up_next_when(u, zone),
        )
        for u in view.up_next[:limit]
    ]
    parts += _section(
        "Up next (may start only at their time: do not call yet)",
        (FIXED, FIXED, TEAM, FIXED),
        up_next,
        limit,
        width,
        total=len(view.up_next),
    )
    if team is not None:
        parts += _upcoming_section(snap, team, width)

    late = [
        (
            Text("!", style="bold red" if w.critical else "yellow"),
            Text(w.id, style="bold"),
            _team(w.team),
            Text(f"planned {clock(w.planned_start, zone)}"),
            Text(f"{format_duration(w.late_by)} late", style="red" if w.critical else "yellow"),
            Text(shown(w.why), style="dim"),
        )
        for w in view.late
    ]
    parts += _section(
        "Late (planned start passed, not started)",
        (FIXED, FIXED, TEAM, FIXED, FIXED, WORDS),
        late,
        limit,
        width,
        total=view.late_count,
    )

    if limit is None:
        parts += pull_forward_section(snap, pull, limit, width)
    else:
        soon, later = pull_forward_soon(pull, now)
        parts += pull_forward_section(snap, soon, min(limit, 5), width)
        if later:
            lead = "  and" if soon else "\nCould be pulled forward:"
            line = Text(
                f"{lead} {later} {'task' if later == 1 else 'tasks'} later in the weekend, "
                f"not within {format_duration(PULL_HORIZON)} "
                "(--all or `runbook plan` lists them)",
                style="dim",
            )
            best = best_pulled_later(pull, now)
            if best is not None:  # worth deciding now, even if it cannot start yet
                line.append("; pulling ", style="dim")
                line.append(best.id, style="bold")
                line.append(f" brings {gain_words(best)}", style="bold green")
            parts.append(line)
    if snap.closed is None:  # once closed, nothing is critical any more
        parts.append(remaining_path(snap, team, whole=limit is None))
    return Group(*parts)


def _up_next_when(row: UpNextRow, zone: tzinfo) -> Text:
    """``up next: Mon 00:00  pulled  critical``: when a task waiting for its time may start."""
    when = Text(f"up next: {clock(row.at, zone)}")
    if row.pulled:
        when.append("  pulled", style="green")
    if row.fixed:
        when.append("  fixed", style="dim")
    if row.critical:
        when.append("  critical", style="bold red")
    return when


def _upcoming_section(snap: Snapshot, team: TeamView, width: int) -> list[RenderableType]:
    """The team's next tasks that cannot start yet, with their forecast start."""
    plan, zone = snap.plan, snap.plan.zone
    dated = plan.needs_dates(snap.forecast_finish)
    rows = []
    for s in team.upcoming:
        task = plan.tasks[s.index]
        when = Text(f"~{clock(s.forecast_start, zone, with_date=dated)}", style="italic")
        if s.critical:
            when.append("  critical", style="bold red")
        planned = (
            f"planned {clock(s.planned_start, zone, with_date=dated)}"
            if s.planned_start is not None
            else "new"
        )
        rows.append(
            (
                Text("○", style="dim"),
                Text(task.id, style="bold"),
                when,
                Text(planned, style="dim"),
                Text(f"after {', '.join(s.blocked_by[:3])}", style="dim"),
            )
        )
    return _section(
        f"Next for {shown(team.name)} (not ready yet; forecast start)",
        (FIXED, FIXED, FIXED, FIXED, WORDS),
        rows,
        None,
        width,
        total=team.waiting,
    )


def pull_forward_section(
    snap: Snapshot, pull: Sequence[PullForward], limit: int | None, width: int = 100
) -> list[RenderableType]:
    """Tasks only their not_before holds back, for planners to move forward: the ones that
    bring the finish or the next gate or milestone closer first (the core ranks them)."""
    zone = snap.plan.zone
    rows = [
        (
            Text("⇡", style="green"),
            Text(p.id, style="bold"),
            Text(clock(p.not_before, zone)),
            Text(f"→ {clock(p.could_start, zone)}", style="green"),
            Text(f"{format_duration(p.gain)} earlier"),
            Text(gain_words(p), style="bold green" if p.gains_anything else "dim"),
            Text(p.command, style="dim"),
        )
        for p in pull
    ]
    return _section(
        "Could be pulled forward (not_before → could start; nothing else holds them)",
        (FIXED,) * 7,
        rows,
        limit,
        width,
    )


PATH_HEAD = 12
"""The briefing shows a remaining critical path longer than this by its next ``PATH_HEAD``
tasks, how many more, and its last (``--all`` shows it whole): at 10,000 tasks it can run to
hundreds, a screenful of ids no one reads out on a bridge call."""


def remaining_path(snap: Snapshot, team: TeamView | None = None, *, whole: bool = True) -> Text:
    """``Remaining critical path: a → b``; for a team, its own tasks on that path; unless
    ``whole``, a path longer than ``PATH_HEAD`` + 1 tasks by its head and its last task."""
    path = Text("\nRemaining critical path: ", style="bold")
    if team is None:
        every = snap.plan.column("id")
        ids = [every[i] for i in snap.critical_path]
        if not ids:
            path.append("none (everything on it is done)", style="red")
            return path
    elif team.critical:
        path.append(f"{possessive(shown(team.name))} tasks on it: ")
        ids = [s.id for s in team.critical]
    else:
        path.append(f"none of {possessive(shown(team.name))} tasks is on it", style="green")
        return path
    if whole or len(ids) <= PATH_HEAD + 1:
        path.append(" → ".join(ids), style="red")
        return path
    path.append(" → ".join(ids[:PATH_HEAD]) + " → ", style="red")
    path.append(f"… {len(ids) - PATH_HEAD - 1} more …", style="dim")
    path.append(f" → {ids[-1]}", style="red")
    path.append(" (--all shows it whole)", style="dim")
    return path


def _team(name: str) -> Text:
    return Text(shown(name), style="magenta")


def log_lines(events: Sequence[Event], plan: Plan, console: Console) -> RenderableType:
    """``runbook log``: the event history; on a rehearsal under the line that says so (its
    start in both clocks, and the offset), with each event's time in the runbook where the
    terminal has room for that column (else the notes would be squeezed out for it)."""
    table = log_table(events, plan)
    note = report_note(plan)
    if note is None:
        return table
    unbounded = console.options.update_width(10_000)  # its natural width, not the terminal's
    if Measurement.get(console, unbounded, table).maximum > console.width:
        table = log_table(events, plan, runbook=False)
    return Group(Text(note, style="bold"), table)


def log_table(events: Sequence[Event], plan: Plan, *, runbook: bool = True) -> Table:
    """The event history, newest last; on a rehearsal with each event's time in the runbook
    beside its own (the Runbook column; not with ``runbook`` False)."""
    zone = plan.zone
    dated = bool(events) and (events[-1].at - events[0].at) > 5 * 86400
    table = Table(header_style="bold", box=None, padding=(0, 1))
    table.add_column("#", justify="right", style="dim")
    table.add_column("When", no_wrap=True)
    rehearsal = runbook and bool(plan.offset)
    if rehearsal:
        table.add_column("Runbook", no_wrap=True, style="yellow")
    table.add_column("Task", no_wrap=True, style="bold")
    table.add_column("What", no_wrap=True)
    table.add_column("By", no_wrap=True)
    table.add_column("Note", overflow="fold")
    for e in events:
        when = clock(e.at, zone, with_date=dated)
        if abs(e.recorded - e.at) >= 60:
            when += f" (told {clock(e.recorded, zone)})"
        style = EVENT_STYLE.get(e.kind, "")
        # A revision's summary can be long: it leads its note, which wraps, rather than
        # squeeze the other columns out of the table.
        said, changed = event_columns(e, zone)
        what = Text(shown(said), style=style)
        if e.against is not None:
            what.append(" AGAINST THE RULES", style="bold red")
        elif e.forced:
            what.append(" FORCED", style="bold yellow")
        note = Text(shown(e.note))
        if changed:
            note = Text(shown(changed), style=style).append(f" — {shown(e.note)}" if e.note else "")
        if e.overrode:
            label = "recorded against the rules, not forced" if e.against else "overrode"
            note.append(" " if e.note else "")
            note.append(f"[{label}: {shown(e.overrode)}]", style="yellow")
        in_runbook = (runbook_clock(plan, e.at, with_date=dated) or "",) if rehearsal else ()
        task = Text(shown(e.task) or "—")
        table.add_row(str(e.seq), when, *in_runbook, task, what, Text(shown(e.by)), note)
    return table


def outlook_line(found: Outlook, zone: tzinfo) -> Text:
    """``By estimates learned from history (estimates.yaml: 12 tasks on their own runs, 3 by
    their team's factor): P(finish ≤ deadline) 64%, P50 Sat 09:10, P80 Sat 10:20``."""
    sim = found.simulation
    line = Text("By estimates learned from history ", style="bold")
    parts = [f"{count(found.from_history, 'task')} on their own observed runs"]
    if found.from_team:
        parts.append(f"{count(found.from_team, 'task')} by their team's factor")
    line.append(f"({shown(found.estimates.source)}: {', '.join(parts)}): ")
    if sim.p_on_time is not None:
        line.append(
            f"P(finish ≤ deadline) {sim.p_on_time:.0%}",
            style="bold green" if sim.p_on_time >= 0.8 else "bold red",
        )
        line.append(", ")
    line.append(
        f"P50 {clock(sim.p50, zone, with_date=True)}, P80 {clock(sim.p80, zone, with_date=True)}"
    )
    line.append(f" ({sim.runs:,} runs of the remaining work, seed {sim.seed})", style="dim")
    return line
