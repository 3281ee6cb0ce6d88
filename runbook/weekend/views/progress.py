"""How far the weekend has come: overall, per team and per phase.

The counting rule, once for every face (status and its JSON, the dashboard, the status page,
the readiness report, the review):

- a task is **done**, **dropped** for time (``runbook drop``: aftercare), **skipped** as not
  needed (``runbook skip``), or still to do (running, failed, ready, pending); the three are
  counted apart, never one as another;
- dropped and skipped work is no longer wanted this weekend: it is neither done nor left to
  do. **Progress is the work done over the work still wanted** (every task but the dropped
  and the skipped ones), by planned duration; a task under way counts for the part of its
  planned duration it has worked (not the time lost to failures; never more than all of it);
- a dropped ``must`` task (dropped only by force: the weekend is not done without it) is
  counted as well, so every face that counts the dropped work flags it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from runbook.weekend.events import STATUSES, UNDER_WAY
from runbook.weekend.forecast import DONE, SKIPPED, Snapshot, TaskState

DROPPED = "dropped"  # the count of the dropped tasks, beside the statuses'
COUNTED = (*STATUSES, DROPPED)  # every count a face gives, in this order


@dataclass(frozen=True, slots=True)
class Progress:
    """Some tasks counted by the rule above: done, dropped and skipped apart, and the share of
    the work still wanted that is done."""

    label: str
    # Tasks per status, the dropped ones apart from the skipped ones: every entry of
    # ``COUNTED``, in that order; they add up to ``total``.
    by_status: tuple[tuple[str, int], ...]
    dropped_must: int  # of the dropped tasks, the must-haves
    work_done: int  # seconds of planned work done (and the elapsed part of running work)
    work_wanted: int  # seconds of planned work still wanted (not dropped, not skipped)

    @property
    def counts(self) -> dict[str, int]:
        """Tasks per status, ``dropped`` apart from ``skipped``."""
        return dict(self.by_status)

    @property
    def total(self) -> int:
        """Every task counted."""
        return sum(n for _, n in self.by_status)

    @property
    def done(self) -> int:
        """Tasks done."""
        return self.counts[DONE]

    @property
    def dropped(self) -> int:
        """Tasks dropped for time (``runbook drop``)."""
        return self.counts[DROPPED]

    @property
    def skipped(self) -> int:
        """Tasks skipped as not needed (``runbook skip``), the dropped ones not among them."""
        return self.counts[SKIPPED]

    @property
    def wanted(self) -> int:
        """Tasks still wanted: all but the dropped and the skipped ones."""
        return self.total - self.dropped - self.skipped

    @property
    def weighted(self) -> float:
        """0.0 .. 1.0: the work done over the work still wanted; by task count when no task
        wanted has a duration; 1.0 when nothing is wanted."""
        if self.work_wanted:
            return self.work_done / self.work_wanted
        return self.done / self.wanted if self.wanted else 1.0

    @property
    def dropped_text(self) -> str:
        """``3 dropped (1 must!)``, ``2 dropped``, or "" when nothing was dropped."""
        if not self.dropped:
            return ""
        return f"{self.dropped} dropped" + (f" ({self.must_text})" if self.dropped_must else "")

    @property
    def must_text(self) -> str:
        """``1 must!``: the flag of dropped must-haves, or "" without one."""
        return f"{self.dropped_must} must!" if self.dropped_must else ""


class _Sums:
    """One group's running figures while the tasks are counted."""

    __slots__ = ("counts", "dropped_must", "work_done", "work_wanted")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(COUNTED, 0)
        self.dropped_must = self.work_done = self.work_wanted = 0

    def progress(self, label: str) -> Progress:
        return Progress(
            label, tuple(self.counts.items()), self.dropped_must, self.work_done, self.work_wanted
        )


def empty(label: str = "all") -> Progress:
    """No task counted (yet)."""
    return _Sums().progress(label)


def _count(snap: Snapshot, chosen: Iterable[int], group: Sequence[str] | None) -> dict[str, _Sums]:
    """The rule over the tasks at ``chosen`` (indices), by the snapshot's figures (no task
    state is built), per ``group`` of each task (one group "" without)."""
    plan = snap.plan
    ids, durations, priorities = plan.column("id"), plan.column("duration"), plan.column("priority")
    status, records, now = snap.figures.status, snap.records, snap.now
    sums: dict[str, _Sums] = {}
    for i in chosen:
        key = "" if group is None else group[i]
        found = sums.get(key)
        if found is None:
            found = sums[key] = _Sums()
        here, duration = status[i], durations[i]
        if here == SKIPPED:
            record = records.get(ids[i])
            if record is not None and record.dropped:
                found.counts[DROPPED] += 1
                found.dropped_must += priorities[i] == "must"
                continue
            found.counts[SKIPPED] += 1
            continue
        found.counts[here] += 1
        found.work_wanted += duration
        if here == DONE:
            found.work_done += duration
        elif here in UNDER_WAY:
            record = records.get(ids[i])
            if record is not None:  # the work it did, not the time lost to failures
                found.work_done += min(duration, record.worked_by(now))
    return sums


def progress(
    snap: Snapshot, states: Sequence[TaskState] | None = None, label: str = "all"
) -> Progress:
    """Progress over ``states`` (default: every task), by the rule above."""
    chosen = range(len(snap.figures.status)) if states is None else [s.index for s in states]
    found = _count(snap, chosen, None).get("")
    return empty(label) if found is None else found.progress(label)


def progress_by(snap: Snapshot, key: str) -> list[Progress]:
    """Progress per ``team`` or per ``phase``, in order of first appearance in the plan."""
    plan = snap.plan
    values = plan.column("team" if key == "team" else "phase")
    names: dict[str | None, str] = {}  # by value: a team's name is looked up once
    for value in values:
        if value not in names:
            if key == "team":
                names[value] = plan.team_name(value) if value else "(no team)"
            else:
                names[value] = value or "(no phase)"
    labels = [names[v] for v in values]
    sums = _count(snap, range(len(values)), labels)
    return [figures.progress(label) for label, figures in sums.items()]
