"""`runbook notify`: tell the teams they are up next and mission control of the alerts."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from runbook.cli import output
from runbook.cli.common import FileOption, NowOption, StateOption, command
from runbook.cli.options import runbook_file

if TYPE_CHECKING:
    from runbook.notify.addresses import Address
    from runbook.notify.outbox import Round
    from runbook.usecases import Weekend
    from runbook.usecases.live import Live
    from runbook.weekend.outbox import OutboxEntry

POLL = 1.0  # seconds between looks at the log while following
ROUND = 15  # seconds between rounds when nothing was recorded: heads-ups come with time


@command()
def notify(
    file: FileOption = None,
    state: StateOption = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Deliver everything due now, then stop (cron, rehearsals); exit 1 when a "
            "delivery failed or messages due still wait.",
        ),
    ] = False,
    status: Annotated[
        bool,
        typer.Option(
            "--status", help="Show the outbox: what was sent, what waits, what keeps failing."
        ),
    ] = False,
    now: NowOption = None,
) -> None:
    """Send the notifications of the runbook's notify section, following the log.

    Teams hear a heads-up when one of their tasks is forecast to be ready within
    notify.heads_up, and "you're up" once it is; mission control hears the dashboard's
    alerts, a point of no return coming, and a NO-GO. On a rehearsal's state (runbook
    rehearse) only the runbook's notify.rehearsal addresses hear it, each message marked
    REHEARSAL; without them nothing is sent. Every message goes through the outbox
    in the state: sent at least once, never twice; a failed one is tried again, with a
    growing pause. Runs until Ctrl+C; --once sends everything due and stops.
    """
    from runbook.cli.weekend import open_weekend, show_notices
    from runbook.common.errors import Refused, UsageError
    from runbook.notify.addresses import runbook_addresses

    if once and status:
        raise UsageError("--once and --status: give one of them")
    path = runbook_file(None, file)
    if status:
        with open_weekend(file, state, now=now) as weekend:
            _show_status(weekend)
        return
    with open_weekend(file, state, now=now) as looked:  # read only: is it a rehearsal?
        rehearsal = looked.rehearsal
    book, plan = runbook_addresses(path, rehearsal=rehearsal)
    if rehearsal and not book:
        output.info(
            "a rehearsal sends only to its own addresses (notify.rehearsal in the runbook), "
            "and the runbook names none: nothing is sent"
        )
        return
    from runbook.usecases.live import Live

    with open_weekend(file, state, now=now, create=True, compiled=plan) as weekend:
        show_notices(weekend)
        live = Live(weekend)
        if weekend.replay and live.held:
            newest = max(e.at for e in live.held)
            from runbook.format.durations import clock

            raise Refused(
                f"--now is before the newest recorded event ({clock(newest, weekend.plan.zone)}"
                "): nothing is sent for a replay of an earlier moment",
                hint="leave out --now (and RUNBOOK_NOW) to notify as of now",
                forceable=False,
            )
        if once:
            done = _round(weekend, live, book)
            if done.failed or done.remaining:
                raise typer.Exit(1)
            return
        output.info(f"following {weekend.shown_state} for {len(book)} addresses; Ctrl+C stops")
        try:
            _follow(weekend, live, book)
        except KeyboardInterrupt:
            output.info("stopped; what was not sent yet stays in the outbox")


def _round(weekend: Weekend, live: Live, book: list[Address]) -> Round:
    """One round at the clock's moment, said line by line. Claims are held by the real
    clock (a sender's, whatever moment ``--now`` replays)."""
    from runbook.notify.outbox import notify_round
    from runbook.notify.send import send

    assert weekend.store is not None
    done = notify_round(weekend.store, live.snapshot(), book, send, clock=_real_time)
    _say(done, weekend, book)
    return done


def _real_time() -> int:
    return int(time.time())


def _say(done: Round, weekend: Weekend, book: list[Address]) -> None:
    from runbook.common.text import shown
    from runbook.format.durations import clock, format_duration

    where = {a.id: a for a in book}
    zone = weekend.plan.zone
    for entry in done.sent:
        output.echo(f"sent     {_to(entry, where)}  {shown(entry.title)}")
    for entry, why in done.dropped:
        output.echo(f"dropped  {_to(entry, where)}  {shown(entry.title)}  ({shown(why)})")
    now = weekend.now()
    for entry, why in done.failed:
        pause = format_duration(max(0, entry.next_try - now))
        output.warning(
            f"not sent to {_place(entry, where)}: {why}; "
            f"tried {entry.attempts}x, next try in {pause} (at {clock(entry.next_try, zone)})"
        )
    if done.remaining:
        from runbook.common.display import count
        from runbook.notify.outbox import ROUND_LIMIT

        output.warning(
            f"{count(done.remaining, 'message')} due still waiting: a round sends at most "
            f"{ROUND_LIMIT}; they go in the next round (run `runbook notify` again)"
        )
    if done.held:
        from runbook.common.display import count

        output.info(
            f"{count(done.held, 'message')} due being sent by another `runbook notify` right now"
        )


def _to(entry: OutboxEntry, where: dict[str, Address]) -> str:
    """``dba`` (or ``dba #2``, its second address): whom an entry is for."""
    who = entry.recipient.removeprefix("team:")
    address = where.get(entry.address)
    if address is not None and address.index:
        who += f" #{address.index + 1}"
    return who.ljust(16)


def _place(entry: OutboxEntry, where: dict[str, Address]) -> str:
    """``notify.teams.dba[1]``, or the recipient when the address left the runbook."""
    address = where.get(entry.address)
    return address.where if address is not None else entry.recipient


def _follow(weekend: Weekend, live: Live, book: list[Address]) -> None:
    """Rounds as the log changes, and every ``ROUND`` seconds for what time brings."""
    from runbook.common.errors import StateError

    last = -float(ROUND)
    trouble: str | None = None
    while True:
        change = live.refresh()
        if change.runbook_changed:
            book = _reloaded(weekend, book)
        if change or time.monotonic() - last >= ROUND:
            last = time.monotonic()
            try:
                _round(weekend, live, book)
            except StateError as exc:  # the database went away: keep following, say it once
                if exc.message != trouble:
                    output.warning(f"{exc.message}; trying again every {ROUND}s")
                trouble = exc.message
            else:
                if trouble is not None:
                    output.info("the state answers again; sending")
                trouble = None
        time.sleep(POLL)


def _reloaded(weekend: Weekend, book: list[Address]) -> list[Address]:
    """The addresses of the changed runbook; the old ones while it is not valid."""
    from runbook.common.errors import InvalidRunbook, RunbookError
    from runbook.notify.addresses import runbook_addresses

    try:
        return runbook_addresses(weekend.runbook_path, rehearsal=weekend.rehearsal)[0]
    except RunbookError as exc:
        if isinstance(exc, InvalidRunbook):
            output.problems(exc.problems, exc.source)
        output.warning(f"{exc.message}; still sending to the addresses it had")
        return book


def _where(weekend: Weekend) -> dict[str, Address]:
    """The runbook's addresses by id; {} while the runbook is not valid (the status still
    shows who each message is for)."""
    from runbook.common.errors import RunbookError
    from runbook.notify.addresses import addresses
    from runbook.validation.validate import plan_path

    try:
        runbook = plan_path(weekend.runbook_path).loaded.runbook
    except RunbookError:
        return {}
    if runbook is None:
        return {}
    return {a.id: a for a in addresses(runbook, rehearsal=weekend.rehearsal)}


def _show_status(weekend: Weekend) -> None:
    """The outbox at a glance, then every entry still failing."""
    from runbook.common.text import shown
    from runbook.format.durations import clock
    from runbook.weekend.outbox import summary

    entries = weekend.store.outbox() if weekend.store is not None else []
    where = _where(weekend)
    seen = summary(entries)
    zone = weekend.plan.zone
    failing = len(seen.failing)
    output.echo(
        f"outbox: {seen.sent} sent, {seen.pending} waiting"
        + (f" ({failing} failing)" if failing else "")
        + f", {seen.dropped} dropped"
    )
    for entry in seen.failing:
        output.echo(
            f"FAILING  {_to(entry, where)}  {shown(entry.title)}\n"
            f"         tried {entry.attempts}x, last: {shown(entry.error)}; "
            f"next try {clock(entry.next_try, zone)}"
        )
    for entry in seen.waiting:
        output.echo(f"waiting  {_to(entry, where)}  {shown(entry.title)}")
    for entry in seen.last_sent:
        when = clock(entry.sent, zone) if entry.sent is not None else "?"
        output.echo(f"sent     {_to(entry, where)}  {shown(entry.title)}  ({when})")
