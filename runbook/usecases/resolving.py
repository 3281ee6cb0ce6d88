"""Resolving what people type: a task, a readiness item or a team by id or unique prefix,
a time of day told on the weekend's clock, each refused in plain words when it is not one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from runbook.common.errors import InputError, Refused
from runbook.common.problems import did_you_mean
from runbook.format.durations import Side, TimeError, parse_moment
from runbook.usecases.reading import Reading


class Resolving(Reading):
    """What a person typed, read as the weekend's ids and times."""

    def resolve(self, given: str) -> str:
        """The task id meant by ``given``: exact, or a unique prefix. A task that has events
        but is no longer in the runbook (renamed mid-weekend) is refused, never taken for a
        new id it is a prefix of (``backup`` is not ``backup-db``). A rollback task is found
        while its gate's rollback is in force; before, it is refused plainly."""
        if given not in self.plan.index and self.plan.rollback:
            found = self._resolve_rollback_task(given)
            if found is not None:
                return found
        if given not in self.plan.index and self.store is not None:
            from runbook.common.display import count  # only for a refusal: off the hot path

            counts = self.store.task_counts()
            recorded = counts.get(given)
            gone = sorted(t for t in counts if t.startswith(given) and t not in self.plan.index)
            if gone and not recorded:
                raise Refused(
                    f"'{given}' is the start of {', '.join(gone[:6])}, no longer in the "
                    "runbook; type the whole id of a task in the runbook",
                    forceable=False,
                )
            if recorded:
                raise Refused(
                    f"{given} is no longer in the runbook ({count(recorded, 'event')} recorded "
                    "for it); it cannot be checked in",
                    hint="use its id in the runbook now (`runbook plan` lists them); "
                    f"`runbook log --task {given}` shows what was recorded",
                    forceable=False,
                )
        return _one_of(given, self.plan.index, "task")

    def _resolve_rollback_task(self, given: str) -> str | None:
        """A rollback task meant by ``given`` (exact, or a unique prefix among the plan in
        force's ids) while a rollback is in force; a Refused naming the command that starts
        it when it is one but its rollback is not in force; None when it is none."""
        from runbook.store import checkpoint
        from runbook.weekend.forecast import TaskRecord
        from runbook.weekend.rollbacks import gate_of_rollback_task, rollback_in_force

        ids = {t.id for t in self.plan.rollback}
        if given not in ids and not any(i.startswith(given) for i in ids):
            return None
        records: dict[str, TaskRecord] = {}
        if self.store is not None:
            (records, _), _, _ = checkpoint.load(self.store, self.folding)
        plan = self.plan_in_force(records)
        if given in plan.index:
            return given
        if given in ids:
            gate = gate_of_rollback_task(self.plan, given)
            rolling = rollback_in_force(self.plan, records)
            now = f" (the rollback of {rolling.gate} is in force)" if rolling else ""
            raise Refused(
                f"{given} is a rollback task of {gate}: it is run once that rollback starts" + now,
                hint=f"`runbook rollback {gate}` starts it (after a NO-GO at {gate})",
                forceable=False,
            )
        if plan is self.plan:
            return None
        return _one_of(given, plan.index, "task")

    def resolve_recorded(self, given: str) -> str:
        """Like ``resolve``, but a task no longer in the runbook that has events is found too
        (to show its events)."""
        if given not in self.plan.index and self.store and self.store.task_counts().get(given):
            return given
        return self.resolve(given)

    def resolve_item(self, given: str) -> str:
        """The readiness item meant by ``given``: exact, or a unique prefix."""
        ids = [r.id for r in self.plan.readiness]
        if not ids:
            raise InputError(
                f"unknown readiness item '{given}'", hint="this runbook has no readiness items"
            )
        return _one_of(given, ids, "readiness item", refusal=False)

    def resolve_team(self, given: str) -> str:
        """The team meant by an id or a display name, in any case, or a
        unique prefix of either."""
        from runbook.planning.teams import resolve_team  # only a sign-off names a team

        return resolve_team(self.plan, given)

    def read_time(
        self,
        text: str,
        *,
        what: str = "--at",
        notes: list[str] | None = None,
        side: Side | None = None,
    ) -> datetime:
        """A time told by someone (``10:05`` is today by the weekend's clock, in the runbook's
        zone; else ISO 8601), as both faces read it; InputError in plain words otherwise.
        ``side``: it tells when something happened (``past``: ``--at``, the dashboard's time
        told), so a time of day later than the clock, told in the small hours, is
        yesterday's; or a time still ahead (``future``: an eta, a pull's time), so one
        earlier than the clock, told late in the evening, is tomorrow's (``parse_moment``)."""
        return read_moment(text, self.plan.zone, self.clock(), what=what, notes=notes, side=side)


def _one_of(
    given: str, ids: Sequence[str] | dict[str, int], noun: str, *, refusal: bool = True
) -> str:
    """The id meant by ``given`` among ``ids``: exact, or a unique prefix. Otherwise a
    refusal (a check-in that cannot be forced) or, for other ids, an input error — with the
    candidates, or a "did you mean"."""
    if given in ids:
        return given
    matches = [i for i in ids if i.startswith(given)] if given else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:6]) + (", ..." if len(matches) > 6 else "")
        message, hint = (
            f"'{given}' matches {len(matches)} {noun}s ({shown}); type more of the id",
            None,
        )
    else:
        message, hint = f"unknown {noun} '{given}'", did_you_mean(given, ids)
    if refusal:
        raise Refused(message, hint=hint, forceable=False)
    raise InputError(message, hint=hint)


def read_moment(
    text: str,
    zone: tzinfo,
    reference: datetime,
    *,
    what: str,
    notes: list[str] | None = None,
    side: Side | None = None,
) -> datetime:
    """``text`` read as a moment in ``zone`` ("10:05" is on ``reference``'s day, or with a
    ``side`` the day before or after by the rule of ``parse_moment``), or an InputError
    naming ``what`` was given (``--at``, ``--now``, the dialog's field)."""
    try:
        return parse_moment(text, zone, reference, notes=notes, side=side)
    except (TimeError, ValueError) as exc:
        raise InputError(
            f"{what} {text}: {exc}", hint="use 10:05 (today) or 2026-12-05T10:05"
        ) from None
