"""The checkpoint: folding from it equals folding the whole log, so a check-in folds only
the events after it; a store without one, or with one it cannot read, folds from scratch."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

from runbook.store import checkpoint
from runbook.store.sqlite.store import MIGRATIONS, SCHEMA_VERSION, SQLiteStore
from runbook.usecases import Weekend
from runbook.weekend.events import Event, EventKind
from runbook.weekend.forecast import fold

from .builders import minimal_runbook, runbook_yaml, task
from .conftest import EXAMPLES  # noqa: F401  (the builders need the examples)
from .weekend_helpers import FakeClock

TASKS = ["a", "b", "c", "d"]
STATE_KINDS = [EventKind.START, EventKind.DONE, EventKind.FAIL, EventKind.SKIP]
REVISIONS = {EventKind.ETA: "eta", EventKind.ESTIMATE: "duration", EventKind.PULL: "to"}


def _random_log(seed: int, length: int) -> list[Event]:
    """A log with starts, finishes, failures, skips, revisions (eta, estimate, pull), undos
    (naming their target, or not, or a target long revoked), forced events, notes, decisions
    and runbook-level events."""
    rng = random.Random(seed)
    events: list[Event] = []
    in_force: dict[str, list[int]] = {t: [] for t in TASKS}
    for seq in range(1, length + 1):
        at = 1_000 + seq * 60
        roll = rng.random()
        if roll < 0.05:
            kind = rng.choice([EventKind.BASELINE, EventKind.SIGNOFF])
            events.append(Event(seq, at, at, None, kind, "x", "h", None, {"digest": "d"}))
            continue
        task = rng.choice(TASKS)
        data: dict[str, object] = {}
        if roll < 0.25:
            kind = EventKind.UNDO
            if in_force[task] and rng.random() < 0.8:
                data["undoes"] = in_force[task].pop()
            elif rng.random() < 0.5:
                data["undoes"] = rng.randint(1, seq)  # perhaps already revoked
        elif roll < 0.35:
            kind = EventKind.NOTE
        elif roll < 0.4:
            kind = EventKind.DECIDE
            data["decision"] = rng.choice(["go", "no-go"])
        elif roll < 0.5:
            kind = rng.choice(list(REVISIONS))
            in_force[task].append(seq)
            data[REVISIONS[kind]] = rng.choice([None, at + 3600])
        else:
            kind = rng.choice(STATE_KINDS)
            in_force[task].append(seq)
            if rng.random() < 0.2:
                data = {"forced": True, "overrode": "a rule"}
        note = rng.choice([None, "why", "ünïcode"])
        actor = rng.choice(["ingrid", "ahmed"])
        events.append(Event(seq, at, at + 1, task, kind, actor, "h", note, data))
    return events


@pytest.mark.parametrize("seed", range(40))
def test_folding_from_a_checkpoint_equals_folding_the_whole_log_at_every_cut(seed):
    events = _random_log(seed, 60)
    whole = fold(events)
    for cut in range(len(events) + 1):
        saved = checkpoint.encode(*fold(events[:cut]))
        restored = checkpoint.decode(saved)
        assert restored is not None
        assert checkpoint.fold_from(restored, events[cut:]) == whole, f"cut at {cut}"


def test_a_checkpoint_that_cannot_be_read_is_ignored():
    assert checkpoint.decode("not json") is None
    assert checkpoint.decode('{"format": 999, "tasks": {}, "runbook": []}') is None
    assert checkpoint.decode('{"format": 1, "tasks": {"a": {"h": [[1]]}}}') is None


def _check_in_many(tmp_path, monkeypatch, every: int) -> tuple[Weekend, list]:
    monkeypatch.setattr(checkpoint, "EVERY", every)
    clock = FakeClock("2026-12-04T18:00+01:00")
    weekend = Weekend.open(minimal_runbook(tmp_path), clock=clock, create=True)
    results = []
    ids = list(weekend.plan.index)
    for round_ in range(6):
        for kind in ("start", "undo", "start", "done", "undo", "undo"):
            results.append(
                weekend.record(kind, ids, actor=f"p{round_}", host="h", force=True, note="n")
            )
    return weekend, results


def test_check_ins_keep_a_checkpoint_and_see_what_the_whole_log_says(tmp_path, monkeypatch):
    weekend, results = _check_in_many(tmp_path, monkeypatch, every=7)
    store = weekend.store
    assert store is not None
    with weekend:
        saved = store.checkpoint()
        assert saved is not None
        covered, _ = saved
        last = store.events()[-1].seq
        assert 0 < covered <= last and last - covered < 7 + len(weekend.plan.index)
        records, _ = fold(store.events(), check=weekend.audit)
        assert {t: r for t, r in results[-1].records.items() if r.history or r.notes} == {
            t: r for t, r in records.items() if r.history or r.notes
        }
        covered_events = [e for e in store.events() if e.seq <= covered]
        assert checkpoint.decode(saved[1], weekend.plan.digest) == fold(
            covered_events, check=weekend.audit
        )


def test_a_damaged_checkpoint_makes_a_check_in_fold_the_whole_log(tmp_path, monkeypatch):
    weekend, _ = _check_in_many(tmp_path, monkeypatch, every=5)
    with weekend:
        with weekend.store.write():  # type: ignore[union-attr]
            weekend.store.save_checkpoint(1, "{damaged")  # type: ignore[union-attr]
        task = next(iter(weekend.plan.index))
        result = weekend.record("start", [task], actor="z", host="h", force=True)
        assert result.records == fold(weekend.store.events())[0]  # type: ignore[union-attr]


def test_a_state_file_of_version_1_is_migrated_and_keeps_its_events(tmp_path):
    state = tmp_path / "old.state.db"
    with closing(sqlite3.connect(state, isolation_level=None)) as db:
        MIGRATIONS[0](db)
        db.execute("PRAGMA application_id = 0x52424B31")
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO events (at, recorded, task, kind, actor, host) "
            "VALUES (1796400000, 1796400000, 'a', 'note', 'x', 'h')"
        )
    read_only = SQLiteStore.open(state, read_only=True)  # read without migrating
    assert read_only is not None
    assert read_only.checkpoint() is None and len(read_only.events()) == 1
    read_only.close()
    store = SQLiteStore.open(state)
    assert store is not None
    assert store.schema_version() == SCHEMA_VERSION >= 2
    assert store.checkpoint() is None and len(store.events()) == 1
    store.close()


def test_a_replay_folds_from_scratch(tmp_path, monkeypatch):
    weekend, _ = _check_in_many(tmp_path, monkeypatch, every=3)
    clock = FakeClock("2026-12-04T18:00+01:00")
    with weekend:
        moment = datetime.fromisoformat("2026-12-04T18:00+01:00")
        replayed = Weekend.open(weekend.runbook_path, clock=clock, at=lambda p: moment)
        with replayed:
            assert replayed.snapshot().records == fold(replayed.events())[0]


# b waits for a; c and d stand alone. A start of b typed at a psql prompt before a is done
# breaks the rules: every reader marks it (issue 29), from a checkpoint too (issue 28 §3).
AUDITED = runbook_yaml(
    "Audited",
    "2026-12-04T08:00Z",
    [task("a", "1h"), task("b", "1h", depends_on="a"), task("c", "1h"), task("d", "1h")],
)


def _against_the_rules(tmp_path, monkeypatch, text: str = AUDITED) -> tuple[Weekend, FakeClock]:
    """A weekend whose log starts with b started before a finished, recorded without force
    (as a raw insert), then enough check-ins that a checkpoint covers it."""
    from runbook.weekend.events import NewEvent

    monkeypatch.setattr(checkpoint, "EVERY", 4)
    path = tmp_path / "audited.yaml"
    path.write_text(text, encoding="utf-8")
    clock = FakeClock("2026-12-04T08:30Z")
    weekend = Weekend.open(path, clock=clock, create=True)
    store = weekend.store
    assert store is not None
    with store.write():
        store.claim(weekend.plan.name)
        store.append(
            NewEvent(weekend.now(), "b", EventKind.START, "psql", "h"), recorded=weekend.now()
        )
    for _ in range(3):
        for kind in ("start", "undo"):
            weekend.record(kind, ["c", "d"], actor="ingrid", host="h")
    assert store.checkpoint() is not None and store.checkpoint()[0] > 1  # covers the insert
    return weekend, clock


def _marks(records) -> dict[str, list[str | None]]:
    return {t: [e.against for e in r.history] for t, r in sorted(records.items())}


def test_status_reads_the_checkpoint_and_marks_what_was_recorded_against_the_rules(
    tmp_path, monkeypatch
):
    weekend, _ = _against_the_rules(tmp_path, monkeypatch)
    with weekend:
        whole = fold(weekend.store.events(), check=weekend.audit)  # type: ignore[union-attr]
        asked: list[int] = []
        events = weekend.store.events  # type: ignore[union-attr]
        monkeypatch.setattr(
            weekend.store, "events", lambda after=0: asked.append(after) or events(after=after)
        )
        snap = weekend.snapshot()
        assert asked and min(asked) > 1  # only the events after the checkpoint were read
        assert snap.records == whole[0] and _marks(snap.records) == _marks(whole[0])
        [mark] = _marks(snap.records)["b"]
        assert mark is not None and "a" in mark  # the rule it broke: a was not finished
        assert snap.records["b"].forced  # shown as standing against a rule
        assert snap.by_id("b").status == "running"


def test_after_the_runbook_changed_status_audits_the_log_again_with_the_new_one(
    tmp_path, monkeypatch
):
    weekend, clock = _against_the_rules(tmp_path, monkeypatch)
    weekend.close()
    # b no longer waits for a: its start broke no rule of this runbook.
    changed = AUDITED.replace("depends_on: a, ", "").replace(", depends_on: a", "")
    assert changed != AUDITED
    (tmp_path / "audited.yaml").write_text(changed, encoding="utf-8")
    with Weekend.open(tmp_path / "audited.yaml", clock=clock) as again:
        # An edit takes effect once recorded (issue 23): until then b's start stays marked.
        assert _marks(again.snapshot().records)["b"] != [None]
        again.revise(actor="ingrid", host="h", reason="b no longer waits for a")
        snap = again.snapshot()
        assert _marks(snap.records)["b"] == [None]
        assert not snap.records["b"].forced
        whole = fold(again.store.events(), check=again.audit)  # type: ignore[union-attr]
        assert _marks(snap.records) == _marks(whole[0])
        # The next check-in writes a checkpoint audited with this runbook, and status reads it.
        for _ in range(3):
            again.record("start", ["c"], actor="i", host="h", force=True)
            again.record("undo", ["c"], actor="i", host="h")
        assert checkpoint.read(again.store, again.folding, again.plan.index) is not None  # type: ignore[arg-type]
        assert _marks(again.snapshot().records) == _marks(
            fold(again.store.events(), check=again.audit)[0]  # type: ignore[union-attr]
        )


def test_a_checkpoint_over_a_task_no_longer_in_the_runbook_is_not_read_by_status(
    tmp_path, monkeypatch
):
    weekend, clock = _against_the_rules(tmp_path, monkeypatch)
    weekend.close()
    # d renamed: its events stay in the log and the notice counts every one of them.
    (tmp_path / "audited.yaml").write_text(AUDITED.replace("id: d", "id: e"), encoding="utf-8")
    with Weekend.open(tmp_path / "audited.yaml", clock=clock) as again:
        again.revise(actor="ingrid", host="h", reason="d is e now")  # in force once recorded
        again.snapshot()
        assert any("d (6 events)" in n for n in again.notices)
