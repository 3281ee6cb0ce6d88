"""The versions of a runbook a weekend records, which one is in force at a moment, and what a
revision changes, in words and in the forecast (the pure core of `runbook revise`)."""

from __future__ import annotations

from runbook.planning.plan import Plan
from runbook.validation.validate import validate_bytes
from runbook.weekend.events import Event
from runbook.weekend.forecast import TaskRecord, snapshot
from runbook.weekend.revision import changes, effect
from runbook.weekend.versions import in_force, versions

from .builders import chain, runbook_yaml, task

A = "a" * 64
B = "b" * 64
C = "c" * 64
SAT_NOON = 1_796_900_000  # any moment: only the order of moments counts below


def compiled(text: str) -> Plan:
    plan = validate_bytes(text.encode(), source="r.yaml", warnings=False).plan
    assert plan is not None
    return plan


def event(seq: int, at: int, kind: str, **data: object) -> Event:
    return Event(seq, at, at, None, kind, "ingrid", "pc1", data.pop("note", None), data)  # type: ignore[arg-type]


def test_a_log_without_a_baseline_records_no_version_and_none_is_in_force() -> None:
    assert versions([]) == []
    assert in_force([], SAT_NOON) is None


def test_the_first_baseline_is_version_one_and_each_revision_the_next() -> None:
    log = [
        event(1, 100, "baseline", digest=A),
        event(5, 200, "revise", digest=B, previous=A, summary="deadline", note="committee"),
        event(9, 300, "revise", digest=C, previous=B, summary="added x"),
    ]
    found = versions(log)
    assert [(v.number, v.digest) for v in found] == [(1, A), (2, B), (3, C)]
    assert found[1].reason == "committee"
    assert found[1].summary == "deadline"
    assert found[1].replaced == A
    assert not found[0].revised and found[0].reason is None


def test_a_baseline_reset_of_the_version_in_force_is_no_new_version() -> None:
    log = [event(1, 100, "baseline", digest=A), event(2, 150, "baseline", digest=A)]
    assert [v.digest for v in versions(log)] == [A]


def test_a_baseline_reset_after_an_edit_in_an_older_log_reads_as_a_version() -> None:
    log = [event(1, 100, "baseline", digest=A), event(2, 150, "baseline", digest=B)]
    assert [(v.number, v.digest) for v in versions(log)] == [(1, A), (2, B)]


def test_the_version_in_force_at_a_moment_is_the_last_recorded_by_then() -> None:
    found = versions(
        [event(1, 100, "baseline", digest=A), event(2, 200, "revise", digest=B, previous=A)]
    )
    assert in_force(found, 199).digest == A  # type: ignore[union-attr]
    assert in_force(found, 200).digest == B  # type: ignore[union-attr]
    assert in_force(found, None).digest == B  # type: ignore[union-attr]


def test_before_the_first_version_was_recorded_the_first_one_is_in_force() -> None:
    found = versions([event(1, 100, "baseline", digest=A)])
    assert in_force(found, 50).digest == A  # type: ignore[union-attr]


BEFORE = runbook_yaml(
    "r",
    "2026-12-05T08:00",
    [*chain(["a", "b", "c"]), task("gate", "10m", depends_on="c", not_before="2026-12-05T12:00")],
    deadline="2026-12-07T06:00",
    timezone="Europe/Amsterdam",
    extra="gates:\n  gate: {rollback: 2h}\n",
)


def test_a_revision_says_the_deadline_it_moves_and_the_tasks_it_adds_and_removes() -> None:
    after = BEFORE.replace("2026-12-07T06:00", "2026-12-07T02:00").replace(
        "  - {id: b, title: B, team: t, duration: 1h, depends_on: a}\n",
        "  - {id: b, title: B, team: t, duration: 1h, depends_on: a}\n"
        "  - {id: d, title: D, team: t, duration: 30m, depends_on: b}\n",
    )
    found = changes(compiled(BEFORE), compiled(after))
    texts = [c.text for c in found.items]
    assert texts == ["deadline Mon 06:00 → Mon 02:00", "added d"]
    assert found.summary == "deadline Mon 06:00 → Mon 02:00; added d"


def test_a_revision_says_each_tasks_duration_dependencies_team_and_not_before() -> None:
    after = BEFORE.replace(
        "{id: b, title: B, team: t, duration: 1h, depends_on: a}",
        "{id: b, title: B, team: u, duration: 90m}",
    ).replace("not_before: 2026-12-05T12:00", "not_before: 2026-12-05T13:00")
    texts = [c.text for c in changes(compiled(BEFORE), compiled(after)).items]
    assert texts == [
        "b takes 1h30m (was 1h)",
        "b depends on -a",
        "b team t → u",
        "gate not before Sat 12:00 → Sat 13:00",
    ]


def test_a_revision_says_a_gates_rollback_changed_and_a_gate_removed() -> None:
    rollback = BEFORE.replace("rollback: 2h}", "rollback: 3h}")
    assert [c.text for c in changes(compiled(BEFORE), compiled(rollback)).items] == [
        "gate rollback 2h → 3h"
    ]
    no_gate = BEFORE.split("gates:")[0]
    assert [c.text for c in changes(compiled(BEFORE), compiled(no_gate)).items] == [
        "gate is no longer a go/no-go gate"
    ]


def test_an_edit_of_titles_only_changes_nothing_in_the_schedule() -> None:
    after = BEFORE.replace("title: A", "title: Another A")
    found = changes(compiled(BEFORE), compiled(after))
    assert not found
    assert found.summary == "no change to the schedule (titles, notes or other text only)"


def test_a_notice_names_three_changes_and_counts_the_rest() -> None:
    after = BEFORE.replace("duration: 1h", "duration: 2h").replace(
        "2026-12-07T06:00", "2026-12-07T02:00"
    )
    line = changes(compiled(BEFORE), compiled(after)).line()
    assert (
        line
        == "deadline Mon 06:00 → Mon 02:00; a takes 2h (was 1h); b takes 2h (was 1h); and 1 more"
    )


def test_the_effect_of_an_earlier_deadline_is_less_to_spare_and_an_earlier_point_of_no_return() -> (
    None
):
    before, after = (
        compiled(BEFORE),
        compiled(BEFORE.replace("2026-12-07T06:00", "2026-12-07T02:00")),
    )
    records: dict[str, TaskRecord] = {}
    now = before.start
    moved = effect(snapshot(before, before, records, now), snapshot(after, before, records, now))
    assert moved.finish_moved == 0
    assert moved.spare_before is not None and moved.spare_after is not None
    assert moved.spare_before - moved.spare_after == 4 * 3600
    [point] = moved.points
    assert point.gate == "gate"
    assert point.before is not None and point.after is not None
    assert point.before - point.after == 4 * 3600
    assert not point.missed
