"""The event store as an interface: what the use cases, live following, reports and the
transfer between stores need.

``runbook.store.open_store`` chooses the implementation from the location: a path is an
SQLite state file (``runbook.store.sqlite``), a ``postgresql://`` URI a PostgreSQL database
(``runbook.store.postgres``), the second implementation of this ``EventStore``. Neither
inherits from it: a store is one by having these methods (mypy checks it where a store is
used as one). Nothing imports this module at run time: it is the type the rest is written
against. Its wording is the store's own: a refusal names the location as the store does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from runbook.common.errors import StateError
    from runbook.weekend.events import Event, NewEvent
    from runbook.weekend.figures import TaskFigures
    from runbook.weekend.outbox import OutboxEntry


class EventStore(Protocol):
    """One weekend's append-only event log, with its cached compiled plans and its owner.

    Writes happen inside ``write()``, which serialises check-ins across processes: a rule
    checked inside it still holds when its event is appended. Reads may happen anywhere."""

    # Every error the store's driver raises (``sqlite3.Error``): a best-effort write, such as
    # caching a compiled plan, swallows these and ``StateError``.
    driver_error: ClassVar[type[Exception]]

    @property
    def writable(self) -> bool:
        """False when opened read-only: nothing can be recorded."""
        ...

    @property
    def notices(self) -> Sequence[str]:
        """What a user of this store should know (said once, on opening), e.g. that
        concurrent check-ins will queue."""
        ...

    def close(self) -> None:
        """Let go of the store."""
        ...

    # -- the write lock and the owner ----------------------------------------------------
    def write(self) -> AbstractContextManager[object]:
        """One write transaction that holds the check-in lock from its start; committed when
        the block ends, rolled back when it raises. Refuses a read-only store. The first
        write of a store opened ``writing`` may record on a guess of how the log stands
        (PostgreSQL: in fewer round trips) and raise ``WriteAgain`` (nothing recorded) when
        the guess was wrong: the caller runs the write again."""
        ...

    def owner(self) -> str | None:
        """The name of the runbook this store belongs to (``claim``); None before the first
        write."""
        ...

    def check_owner(self, runbook: str) -> None:
        """Refuse a store that belongs to another runbook (before anything is written)."""
        ...

    def claim(self, runbook: str) -> None:
        """Mark the store as this runbook's (inside ``write``; idempotent)."""
        ...

    def clock_offset(self) -> int:
        """How many seconds this weekend's clock is moved from its runbook's: a dress
        rehearsal on its own date (``runbook rehearse``); 0 for the weekend itself."""
        ...

    def set_clock_offset(self, seconds: int) -> None:
        """Record the clock offset (inside ``write``)."""
        ...

    def schema_version(self) -> int:
        """The version of the store's schema (an older one is migrated on opening)."""
        ...

    # -- events --------------------------------------------------------------------------
    def append(self, event: NewEvent, *, recorded: int) -> Event:
        """Append one event (inside ``write``) and return it as stored, with its sequence
        number; ``recorded`` is when it was written down."""
        ...

    def events(self, *, after: int = 0) -> list[Event]:
        """Every event after sequence number ``after`` that can be read, oldest first; one
        that cannot is left out and named in ``quarantined``."""
        ...

    @property
    def quarantined(self) -> Mapping[int, str]:
        """The events ``events`` found it cannot read so far (a store edited by hand, or by
        another program): sequence number, and why; ``notices`` names them."""
        ...

    def event_count(self) -> int:
        """How many events the log holds (those that cannot be read too)."""
        ...

    def copy_in(self, events: Sequence[Event]) -> None:
        """Append events recorded in another store as they were recorded: their sequence
        numbers, times, actor, host, note and data (inside ``write``, into a store holding
        none; the next ``append`` numbers after the last of them)."""
        ...

    def version_events(self) -> list[Event]:
        """The events that put a version of the runbook in force (``baseline`` and
        ``revise``, about no task), oldest first (``runbook.weekend.versions``)."""
        ...

    def recorded_with(self, key: str) -> list[Event]:
        """The events a check-in with idempotency key ``key`` recorded (``NewEvent.idem`` is
        the key, or the key, a slash and more), oldest first: asked when a connection broke
        during a commit, to know whether it was recorded. A store that keeps no keys (SQLite,
        where a commit cannot be lost halfway) answers []."""
        ...

    def task_counts(self) -> dict[str, int]:
        """How many events each task id has in the log."""
        ...

    def change_token(self) -> object:
        """An opaque token that changes when another process records something: compare two
        for equality. Cheap enough to poll several times a second."""
        ...

    def follow(self) -> None:
        """Become a follower (the dashboard): ``change_token`` may then answer from what the
        store was told (PostgreSQL: LISTEN), a moment after a commit rather than at once."""
        ...

    def reconnect(self) -> None:
        """After ``ConnectionLost``: connect again (briefly; it may run beside the screen),
        or raise ``ConnectionLost`` again. A store without a network does nothing."""
        ...

    # -- the checkpoint: the folded state up to one event ----------------------------------
    def checkpoint(self) -> tuple[int, str] | None:
        """The checkpoint (``runbook.store.checkpoint``): the sequence number it covers and
        its text; None when there is none, and a check-in folds the whole log. A store may
        always answer None (and ignore ``save_checkpoint``): it is only a cache."""
        ...

    def save_checkpoint(self, seq: int, text: str) -> None:
        """Replace the checkpoint (inside ``write``, with the events it covers)."""
        ...

    # -- the task figures published for other tools (a PMO's BI) ------------------------
    def publishes_figures(self) -> bool:
        """Whether this store publishes every task's figures (PostgreSQL's views); a store
        that does not is never asked to save them, nor a snapshot computed for it."""
        ...

    def save_figures(self, covers: int, as_of: int, rows: Sequence[TaskFigures]) -> None:
        """Replace the published figures (inside ``write``, with the events they fold up to
        ``covers``); a user not allowed to leaves them as they were."""
        ...

    def may_force(self) -> bool:
        """Whether this store lets its user record a forced event (a store with roles:
        only mission control may). Asked only to word a refusal's hint."""
        ...

    # -- the notification outbox (``runbook.weekend.outbox``) ------------------------------
    def outbox_add(self, entries: list[OutboxEntry]) -> int:
        """Write new entries (inside ``write``), leaving alone any whose key is there;
        returns how many were new."""
        ...

    def outbox_claim(
        self, now: int, until: int, *, limit: int = 1, free_at: int | None = None
    ) -> list[OutboxEntry]:
        """Claim, until ``until``, the pending entries due at ``now`` (the weekend's moment)
        that nobody holds at ``free_at`` (the sender's clock; default ``now``), oldest first,
        at most ``limit`` (inside ``write``)."""
        ...

    def outbox_settle(
        self,
        key: str,
        *,
        state: str,
        attempts: int,
        next_try: int = 0,
        sent: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record how a claimed entry's try ended (inside ``write``)."""
        ...

    def outbox(self) -> list[OutboxEntry]:
        """Every entry, oldest first; [] where this user may not read the outbox."""
        ...

    # -- compiled plans, by runbook content hash -----------------------------------------
    def plan_text(self, digest: str) -> str | None:
        """The compiled plan stored for a runbook content hash."""
        ...

    def latest_plan_text(self) -> tuple[str, str, int] | None:
        """The most recently stored plan: (digest, plan, created)."""
        ...

    def plans(self) -> list[tuple[str, str, int]]:
        """Every compiled plan stored: (digest, plan, created), in the order they were
        stored."""
        ...

    def save_plan(self, digest: str, text: str, *, created: int, replace: bool = False) -> None:
        """Store a compiled plan (inside ``write``); an existing one is kept unless
        ``replace``."""
        ...

    # -- damage --------------------------------------------------------------------------
    def verify(self) -> None:
        """Refuse a damaged store before the first write of a session."""
        ...

    def damage(self, exc: BaseException) -> StateError:
        """The refusal for a store whose records cannot be read (``exc`` says what failed)."""
        ...
