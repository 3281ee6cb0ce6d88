"""The event store contract: what the use cases rely on, whatever keeps the events.

Every test opens its store through ``open_store`` and uses it only through the
``EventStore`` interface, so a second implementation (issue 11: PostgreSQL) runs the same
tests by adding its name to ``IMPLEMENTATIONS`` and a location for it in ``location``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from runbook.common.errors import StateError
from runbook.store import open_store
from runbook.store.protocol import EventStore
from runbook.weekend.events import Event, EventKind, NewEvent

IMPLEMENTATIONS = ["sqlite", "postgres"]
RUNBOOK = "Move the intranet to the cloud"
T0 = 1_796_000_000  # a moment inside the years the product handles


@pytest.fixture(params=IMPLEMENTATIONS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store of each implementation lives."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return str(tmp_path / "weekend.state.db")


@pytest.fixture
def opened(location: str) -> Callable[..., EventStore]:
    """Open the store at the location (as many handles as a test needs; all closed after)."""
    handles: list[EventStore] = []

    def open_(**options: bool) -> EventStore:
        store = open_store(location, **options)
        assert store is not None
        handles.append(store)
        return store

    yield open_
    for store in handles:
        store.close()


@pytest.fixture
def store(opened: Callable[..., EventStore]) -> EventStore:
    return opened()


def note(task: str | None, text: str, at: int = T0) -> NewEvent:
    return NewEvent(at, task, EventKind.NOTE, "ana", "laptop", text)


def append(store: EventStore, *events: NewEvent) -> list[Event]:
    with store.write():
        return [store.append(e, recorded=T0) for e in events]


def test_a_new_store_holds_no_events_and_has_the_current_schema(store):
    assert store.events() == []
    assert store.task_counts() == {}
    assert store.schema_version() >= 1
    assert store.writable


def test_appended_events_read_back_whole_in_order_with_growing_sequence_numbers(store):
    written = append(
        store,
        NewEvent(T0, "freeze", EventKind.START, "ana", "laptop"),
        NewEvent(T0 + 60, "freeze", EventKind.DONE, "bo", "desk", "all good", {"forced": True}),
        NewEvent(T0 + 90, None, EventKind.SIGNOFF, "cy", "phone", None, {"team": "dba"}),
    )
    read = store.events()
    assert read == written
    assert [e.seq for e in read] == sorted({e.seq for e in read})
    assert [e.kind for e in read] == ["start", "done", "signoff"]
    assert read[1].note == "all good" and read[1].forced and read[1].recorded == T0
    assert read[2].task is None and read[2].data == {"team": "dba"}


def test_events_after_a_sequence_number_are_only_the_later_ones(store):
    first, second, third = append(store, note("a", "1"), note("b", "2"), note("a", "3"))
    assert store.events(after=first.seq) == [second, third]
    assert store.events(after=third.seq) == []
    assert store.task_counts() == {"a": 2, "b": 1}


def test_a_write_that_fails_keeps_nothing_it_appended(store):
    with pytest.raises(RuntimeError), store.write():
        store.append(note("a", "lost"), recorded=T0)
        raise RuntimeError("the rule refused after all")
    assert store.events() == []


def test_claiming_a_store_makes_it_refuse_another_runbook(store):
    store.check_owner("anything")  # unclaimed: nobody's yet
    with store.write():
        store.claim(RUNBOOK)
        store.claim("a second claim changes nothing")
    store.check_owner(RUNBOOK)
    with pytest.raises(StateError, match="belongs to the runbook"):
        store.check_owner("Move the payroll to the cloud")


def test_a_store_has_no_owner_until_a_runbook_claims_it(store):
    assert store.owner() is None
    with store.write():
        store.claim(RUNBOOK)
    assert store.owner() == RUNBOOK


def test_events_copied_in_keep_their_numbers_and_the_next_one_is_numbered_after_them(store):
    """What ``db export`` and ``db import`` write: events as another store recorded them,
    gaps in their numbers and the force mark kept."""
    copied = [
        Event(5, T0, T0 + 1, "freeze", "start", "ana", "laptop", None, {}),
        Event(9, T0 + 60, T0 + 61, "freeze", "done", "bo", "desk", "late", {"forced": True}),
        Event(12, T0 + 90, T0 + 90, None, "signoff", "cy", "phone", None, {"team": "dba"}),
    ]
    assert store.event_count() == 0
    with store.write():
        store.copy_in(copied)
    assert store.events() == copied
    assert store.events()[1].forced
    assert store.event_count() == 3
    (after,) = append(store, note("freeze", "next"))
    assert after.seq == 13


def test_every_stored_plan_is_listed_in_the_order_it_was_stored(store):
    assert store.plans() == []
    with store.write():
        store.save_plan("later", "plan 2", created=T0 + 60)
        store.save_plan("earlier", "plan 1", created=T0)
    assert store.plans() == [("later", "plan 2", T0 + 60), ("earlier", "plan 1", T0)]


def test_a_compiled_plan_is_kept_by_digest_and_replaced_only_when_asked(store):
    assert store.plan_text("abc") is None
    assert store.latest_plan_text() is None
    with store.write():
        store.save_plan("abc", "plan 1", created=T0)
        store.save_plan("abc", "plan 1 again", created=T0)
    assert store.plan_text("abc") == "plan 1"
    with store.write():
        store.save_plan("abc", "plan 1, new format", created=T0, replace=True)
        store.save_plan("def", "plan 2", created=T0 + 60)
    assert store.plan_text("abc") == "plan 1, new format"
    assert store.latest_plan_text() == ("def", "plan 2", T0 + 60)


def test_the_change_token_moves_when_another_handle_records_and_only_then(opened):
    writer, reader = opened(), opened()
    before = reader.change_token()
    assert reader.change_token() == before
    append(writer, note("a", "news"))
    after = reader.change_token()
    assert after != before
    assert [e.note for e in reader.events()] == ["news"]
    assert reader.change_token() == after


def test_a_store_opened_read_only_refuses_to_write(opened):
    append(opened(), note("a", "so it holds something"))
    reader = opened(read_only=True)
    assert not reader.writable
    with pytest.raises(StateError, match="read-only"), reader.write():
        pass
    assert len(reader.events()) == 1


def test_nothing_is_opened_where_no_store_is_unless_asked_to_create_one(location):
    assert open_store(location, create=False) is None
    assert open_store(location, read_only=True) is None
    created = open_store(location, create=True)
    assert created is not None
    created.close()
    reader = open_store(location, read_only=True)
    assert reader is not None and reader.events() == []
    reader.close()


def test_a_checkpoint_saved_with_its_events_is_read_back_by_another_handle(opened):
    writer = opened(create=True)
    with writer.write():
        writer.claim(RUNBOOK)
        last = writer.append(note("a", "one"), recorded=T0)
        writer.save_checkpoint(last.seq, '{"covers": "one"}')
    saved = opened().checkpoint()
    # A store may keep no checkpoint at all (it is a cache); one that keeps it returns it whole.
    assert saved is None or saved == (last.seq, '{"covers": "one"}')


def test_a_checkpoint_of_a_write_that_failed_is_not_kept(opened):
    store = opened(create=True)
    with pytest.raises(RuntimeError), store.write():
        store.claim(RUNBOOK)
        event = store.append(note("a", "lost"), recorded=T0)
        store.save_checkpoint(event.seq, '{"covers": "lost"}')
        raise RuntimeError("the check-in failed after the checkpoint was written")
    assert opened().checkpoint() is None
    assert opened().events() == []


@pytest.mark.parametrize(
    ("event", "words"),
    [
        (NewEvent(T0, "a", "eta", "ana", "laptop", None, {"eta": 10**23}), "eta must be a whole"),
        (NewEvent(T0, "a", "eta", "ana", "laptop", None, {"eta": 1.8e9}), "eta must be a whole"),
        (NewEvent(T0, "a", "undo", "ana", "laptop", None, {"undoes": 4.0}), "undoes must be"),
        (NewEvent(T0, "a", "undo", "ana", "laptop"), "the data of undo must hold undoes"),
        (NewEvent(T0, "a", "note", "ana", "laptop", "x", {"rows": [1]}), "holds the key 'rows'"),
        (NewEvent(T0, "a", "note", "ana", "laptop", "n" * 2001), "the note is 2001 characters"),
        (NewEvent(T0, None, "start", "ana", "laptop"), "is about a task, and names none"),
        (NewEvent(T0, "a", "erase", "ana", "laptop"), "'erase' is not a kind of event"),
    ],
    ids=["eta 1e23", "eta 1.8e9", "undoes 4.0", "undo of nothing", "a key", "a long note",
         "no task", "a kind"],
)  # fmt: skip
def test_an_event_its_kind_does_not_allow_is_refused_before_anything_is_written(
    store, event, words
):
    from runbook.common.errors import InputError

    with pytest.raises(InputError) as refused:
        append(store, event)
    assert words in refused.value.message
    assert store.events() == []
