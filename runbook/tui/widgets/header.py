"""The header: the headline when a state leads over ahead/behind (an open NO-GO, the weekend
closed) or the finish is held by a not_before; who and when (identity); the verdict in big
digits; and the figures behind it."""

from __future__ import annotations

from datetime import tzinfo

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Digits, Label, Static

from runbook.common.text import shown
from runbook.format.durations import clock, format_duration, t_plus
from runbook.tui.widgets.rows import bar
from runbook.usecases.live import Link
from runbook.weekend.forecast import Snapshot
from runbook.weekend.gates import next_point_of_no_return
from runbook.weekend.rehearsal import REHEARSAL
from runbook.weekend.views import Headline, Verdict, lead, verdict
from runbook.weekend.views.lines import TONE_STYLE
from runbook.weekend.views.progress import Progress, progress
from runbook.weekend.views.rehearsal import banner, runbook_clock
from runbook.weekend.views.rollback import if_rolled_back
from runbook.weekend.views.verdict import to_deadline

REHEARSAL_STYLE = "bold black on yellow"  # a rehearsal's state: never taken for the weekend


def disconnected(link: Link, zone: tzinfo) -> str:
    """The header's line while the state server is out of reach."""
    since = clock(link.lost_since or 0, zone)
    return f"DISCONNECTED from the weekend's database since {since} — retrying"


def dropped(text: Text, done: Progress) -> None:
    """After the progress: ``3 dropped (1 must!)``, the must-haves flagged in red (the
    dropped work is not in the count before it: the core's rule)."""
    text.append(f"{done.dropped} dropped", style="yellow")
    if done.dropped_must:
        text.append(f" ({done.must_text})", style="bold red")


class Identity(Static):
    """The runbook's name (REPLAY, REHEARSAL, READ-ONLY), the clock to the second (in a
    rehearsal with the runbook's time beside it), T+, and progress;
    DISCONNECTED while the state server is out of reach (what is shown stays)."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True)
    read_only: reactive[bool] = reactive(False)
    replay: reactive[bool] = reactive(False)
    replay_state: reactive[str] = reactive("")  # a played-back weekend's speed, or paused
    link: reactive[Link] = reactive(Link)
    # The clock's second: the snapshot's ``now`` moved on by the app between two forecasts.
    now: reactive[int] = reactive(0, init=False)
    # The revised version of the runbook in force (``v2``), None while it is the first.
    version: reactive[str | None] = reactive(None)

    def watch_replay_state(self) -> None:
        self._draw()

    def watch_snapshot(self) -> None:
        self._draw()

    def watch_now(self) -> None:
        self._draw()

    def watch_version(self) -> None:
        self._draw()

    def watch_read_only(self) -> None:
        self._draw()

    def watch_replay(self) -> None:
        self._draw()

    def watch_link(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # laid out for the room there is

    def _draw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        plan, zone = snap.plan, snap.plan.zone
        # Four lines fit under the padding: the name, the clock, the progress and the work
        # dropped (or the link lost). Where the room is short, the name and the bar give way
        # so that no line wraps and pushes the last one out of sight.
        width = self.content_size.width
        # --now: the weekend as it was then (a notice says how many events it leaves out);
        # read-only, always.
        replay, read_only = self.replay or bool(snap.later_events), self.read_only
        name = Text(shown(plan.name))
        now = snap.clock  # the clock goes on once the weekend stands still at its close
        rehearsal = banner(plan, now)  # a rehearsal on its own date: said first, always
        said = f"REPLAY {self.replay_state}" if self.replay_state else "REPLAY"
        version = f" · runbook {self.version}" if self.version else ""
        marks = (
            (len(said) + 1 if replay else 0)
            + (len("  READ-ONLY") if read_only else 0)
            + (len(REHEARSAL) + 1 if rehearsal else 0)
        )
        marks += len(version)
        if width and name.cell_len + marks > width:
            name.truncate(max(2, width - marks), overflow="ellipsis")
        text = Text(style="bold")
        if replay:
            text.append(said, style="bold reverse")
            text.append(" ")
        if rehearsal is not None:
            text.append(rehearsal.word, style=REHEARSAL_STYLE)
            text.append(" ")
        text.append_text(name)
        if version:
            text.append(version, style="not bold yellow")
        if read_only:
            text.append("  READ-ONLY", style="bold reverse")
        text.append("\n")
        when = clock(now, zone, with_date=True) + f":{now % 60:02d}"
        since = f"  {t_plus(now, plan.start, seconds=True)}"
        text.append(clock(now, zone, with_date=True), style="bold")
        text.append(f":{now % 60:02d}", style="bold")
        if rehearsal is not None:  # the runbook's time beside it, before T+ when short
            aside = f" ({rehearsal.runbook_now})"
            if width and len(when) + len(aside) + len(since) > width:
                since = ""
            if width and len(when) + len(aside) > width:
                aside = f" ({runbook_clock(plan, now)} runbook)"
            text.append(aside, style="yellow")
        text.append(since, style="bold cyan")
        done = progress(snap)
        text.append("\n")
        line = f"{done.done}/{done.wanted} done · {done.weighted:.0%} of the work"
        text.append(line)
        if not width or len(line) + 15 <= width:
            text.append(" ")
            text.append(bar(done.weighted, 14))
        if not self.link.connected:
            text.append("\n")
            text.append(disconnected(self.link, zone), style="bold white on red")
        if done.dropped:  # a line of its own (not counted above: the core's rule)
            text.append("\n")
            dropped(text, done)
        self.update(text)


class HeadlineBar(Static):
    """The first line of the screen when something leads over ahead/behind: an open NO-GO
    (the gate, the rollback and the time it must start by), the weekend CLOSED (with the
    finish against the deadline), or a finish held by a not_before (and how the next gate
    runs). Hidden otherwise: the verdict box and the figures say the rest."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True)

    def on_resize(self) -> None:
        self.watch_snapshot(self.snapshot)  # the pace goes on the line when it has room

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is None:
            return
        said = lead(verdict(snap), snap.plan.zone)
        self.display = bool(said.detail)
        self.set_class(said.state in (Headline.NO_GO, Headline.ROLLING_BACK), "nogo")
        self.set_class(said.state == Headline.CLOSED, "closed")
        if not said.detail:
            return
        text = Text()
        if said.leads_over_pace:  # the verdict box and the summary say the pace itself
            text.append(f" {said.badge} ", style="bold reverse")
            text.append("  ")
        text.append(shown(said.detail), style="bold")
        if said.leads_over_pace and said.held:  # with the pace, when the line has room
            held = f" · {said.pace}: {said.held}"
            width = self.content_size.width  # 0 before the first layout: then not yet
            if width and text.cell_len + len(held) <= width:
                text.append(held)
        self.update(text)


class VerdictBox(Vertical):
    """AHEAD, BEHIND or ON PLAN in a coloured box, with the amount in big digits: the
    verdict of the snapshot it follows."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True)
    verdict: reactive[Verdict | None] = reactive(None)

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is not None:
            self.verdict = verdict(snap)

    def compose(self) -> ComposeResult:
        yield Label(id="verdict-word")
        yield Digits(id="verdict-digits")

    def watch_verdict(self, view: Verdict | None) -> None:
        if view is None:
            return
        word = view.word
        self.set_class(word == "AHEAD", "ahead")
        self.set_class(word == "BEHIND", "behind")
        self.set_class(word == "ON PLAN", "onplan")
        minutes = abs(view.ahead) // 60
        self.query_one("#verdict-word", Label).update(
            f"{word} {view.amount}" if word != "ON PLAN" else "ON PLAN"
        )
        digits = f"{minutes // 60}:{minutes % 60:02d}" if word != "ON PLAN" else "0:00"
        self.query_one("#verdict-digits", Digits).update(
            ("-" if word == "BEHIND" else "+") + digits if word != "ON PLAN" else digits
        )


class Figures(Static):
    """Forecast and baseline finish, the deadline and what is spare, the next PONR."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True)

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is None:
            return
        view, zone = verdict(snap), snap.plan.zone
        text = Text("forecast " if view.closed is None else "finish ")
        text.append(clock(view.forecast_finish, zone), style="bold")
        if view.closed is not None:
            text.append(" (closed)")
        text.append(f"\nbaseline {clock(view.baseline_finish, zone)}")
        if view.deadline is not None and (spare := view.spare) is not None:
            text.append(f"\ndeadline {clock(view.deadline, zone)} ")
            words = to_deadline(spare, short=True)
            text.append(words.text, style=TONE_STYLE[words.tone])
        ponr = next_point_of_no_return(snap)
        if ponr is not None and ponr.point is not None:
            text.append(f"\nPONR {ponr.gate[:12]} {clock(ponr.point, zone)}", style="magenta")
            text.append(f" (in {format_duration(ponr.point - snap.now)})", style="magenta")
        rolled = if_rolled_back(snap)
        if rolled is not None:  # beside its point of no return: a rollback started now
            past = rolled.late is not None and rolled.late > 0
            text.append(
                f"\nrolled back now: ends {clock(rolled.ends, zone)}",
                style="bold red" if past else "dim",
            )
        self.update(text)


class Summary(Static):
    """The header of a narrow terminal in two lines (under the headline when it shows): the
    verdict and by how much (after REHEARSAL on a rehearsal's state), the forecast against
    the deadline; then the time (and the runbook's) and T+, the next PONR and progress."""

    snapshot: reactive[Snapshot | None] = reactive(None, always_update=True)
    link: reactive[Link] = reactive(Link)
    read_only: reactive[bool] = reactive(False)
    replay: reactive[bool] = reactive(False)
    version: reactive[str | None] = reactive(None)  # as ``Identity.version``
    replay_state: reactive[str] = reactive("")  # a played-back weekend's speed, or paused

    def watch_link(self) -> None:
        self.watch_snapshot(self.snapshot)

    def watch_version(self) -> None:
        self.watch_snapshot(self.snapshot)

    def watch_replay_state(self) -> None:
        self.watch_snapshot(self.snapshot)

    def watch_read_only(self) -> None:
        self.watch_snapshot(self.snapshot)

    def watch_replay(self) -> None:
        self.watch_snapshot(self.snapshot)

    def on_resize(self) -> None:
        self.watch_snapshot(self.snapshot)  # laid out for the room there is

    def watch_snapshot(self, snap: Snapshot | None) -> None:
        if snap is None:
            return
        view, plan, zone = verdict(snap), snap.plan, snap.plan.zone
        style = {"AHEAD": "bold white on green", "BEHIND": "bold white on red"}
        text = Text()
        if not self.link.connected:  # first: the rest of a narrow line may be cut
            text.append(f" {disconnected(self.link, zone)} ", style="bold white on red")
            text.append(" ")
        if plan.offset:  # a rehearsal on its own date: said first, never taken for the weekend
            text.append(f" {REHEARSAL} ", style=REHEARSAL_STYLE)
            text.append(" ")
        word = f" {view.word} {view.amount} " if view.word != "ON PLAN" else " ON PLAN "
        text.append(word, style=style.get(view.word, "bold reverse"))
        text.append(" forecast " if view.closed is None else " finish ")
        text.append(clock(view.forecast_finish, zone), style="bold")
        if view.deadline is not None and (spare := view.spare) is not None:
            text.append(f" · deadline {clock(view.deadline, zone)} ")
            words = to_deadline(spare, short=True)
            text.append(words.text, style=TONE_STYLE[words.tone])
        headline = lead(view, zone)
        width = self.content_size.width
        if headline.leads_over_pace and headline.held:  # the bar above says what leads
            held = f" · {headline.held}"
            if width and cell_len(text.plain.rpartition("\n")[2]) + len(held) <= width:
                text.append(held, style="bold")
        text.append("\n")
        # First on its line, which may be cut at the end: the clock shown is not the time.
        # (A wall screen's READ-ONLY needs no room here: nothing on it records anyway.)
        if self.replay or snap.later_events:
            state = f" {self.replay_state}" if self.replay_state else ""
            text.append(f" REPLAY{state} ", style="bold reverse")
            text.append(" ")
        text.append(clock(snap.clock, zone), style="bold")
        runbook_now = runbook_clock(plan, snap.clock)  # the runbook's time of the moment
        if runbook_now is not None:
            text.append(f" ({runbook_now} runbook)", style="yellow")
        text.append(f" {t_plus(snap.clock, plan.start)}", style="bold cyan")
        if self.version:  # a revised runbook in force: never cut, like the clock
            text.append(f" · {self.version}", style="yellow")
        done = progress(snap)
        count = f" · {done.done}/{done.wanted} {done.weighted:.0%}"
        after = Text()
        if done.dropped:
            after.append(" · ")
            dropped(after, done)
        # The bar gives way first, then the gate's id, then the point of no return: the
        # clock, the progress and the dropped work (a must-have flagged) are never cut.
        used = cell_len(text.plain.rpartition("\n")[2]) + len(count) + after.cell_len
        ponr = next_point_of_no_return(snap)
        if ponr is not None and ponr.point is not None:
            forms = (
                f" · PONR {ponr.gate} {clock(ponr.point, zone)}",
                f" · PONR {clock(ponr.point, zone)}",
            )
            # Beside it: when a rollback started now would end (issue 22); for it the gate's
            # id gives way, and it gives way before the point of no return.
            rolled = if_rolled_back(snap)
            also = "" if rolled is None else f" · if rolled back: {clock(rolled.ends, zone)}"
            late = rolled is not None and rolled.late is not None and rolled.late > 0
            chosen = next(
                ((said, also) for said in forms if also and used + len(said + also) <= width),
                None,
            )
            if chosen is None:
                fits = (said for said in forms if not width or used + len(said) <= width)
                chosen = next(((said, "") for said in fits), None)
            if chosen is not None:
                said, also = chosen
                text.append(said, style="magenta")
                if also:
                    text.append(also, style="bold red" if late else "dim")
                used += len(said + also)
        text.append(count)
        if not width or used + 1 + 8 <= width:
            text.append(" ")
            text.append(bar(done.weighted, 8))
        text.append_text(after)
        self.update(text)
