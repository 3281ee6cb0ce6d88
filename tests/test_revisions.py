"""The revision rule, once: a task's duration in force is its estimate if revised, else the
runbook's; its not_before in force is the time it was pulled to if pulled, else the
runbook's. Every reader (the forecast, the check-in rules, pulling, the verdict, the
what-if, the readiness simulation, the line after a check-in) asks the task's record."""

from __future__ import annotations

import pytest

from runbook.weekend.eventdata import revision_value
from runbook.weekend.events import Event, NewEvent
from runbook.weekend.forecast import apply_event, forward
from runbook.weekend.taskstate import UNRECORDED, TaskRecord

from .builders import runbook_yaml, task
from .weekend_helpers import at

HOUR = 3600
NINE = int(at("2026-12-04T09:00Z").timestamp())
TEN = NINE + HOUR
NOON = NINE + 3 * HOUR


def _events(*changes: tuple[str, dict[str, object] | None]) -> TaskRecord:
    """A task's record after these revisions (an undo revokes the last one)."""
    record = TaskRecord()
    for seq, (kind, data) in enumerate(changes, 1):
        apply_event(record, Event(seq, NINE, NINE, "t", kind, "ingrid", "pc", None, data or {}))
    return record


# (what was recorded, the planned duration, the duration in force)
DURATIONS = [
    ((), 2 * HOUR, 2 * HOUR),
    ((("estimate", {"duration": 3 * HOUR}),), 2 * HOUR, 3 * HOUR),
    ((("estimate", {"duration": 30 * 60}),), 2 * HOUR, 30 * 60),
    ((("estimate", {"duration": 3 * HOUR}), ("estimate", {"duration": HOUR})), 2 * HOUR, HOUR),
    ((("estimate", {"duration": 3 * HOUR}), ("undo", None)), 2 * HOUR, 2 * HOUR),
    ((("pull", {"to": NINE}),), 2 * HOUR, 2 * HOUR),
    ((("estimate", {"duration": 3 * HOUR}), ("start", None)), 2 * HOUR, 3 * HOUR),
]


@pytest.mark.parametrize(("recorded", "planned", "expected"), DURATIONS)
def test_the_duration_in_force_is_the_estimate_if_revised_else_the_planned_one(
    recorded, planned, expected
):
    assert _events(*recorded).duration_in_force(planned) == expected


# (what was recorded, the runbook's not_before, the not_before in force)
NOT_BEFORES = [
    ((), NOON, NOON),
    ((), None, None),
    ((("pull", {"to": TEN}),), NOON, TEN),
    ((("pull", {"to": None}),), NOON, None),
    ((("pull", {"to": TEN}), ("pull", {"to": None})), NOON, None),
    ((("pull", {"to": TEN}), ("undo", None)), NOON, NOON),
    ((("estimate", {"duration": HOUR}),), NOON, NOON),
]


@pytest.mark.parametrize(("recorded", "planned", "expected"), NOT_BEFORES)
def test_the_not_before_in_force_is_the_pulls_time_if_pulled_else_the_runbooks(
    recorded, planned, expected
):
    assert _events(*recorded).not_before_in_force(planned) == expected


def test_a_task_nothing_was_recorded_about_keeps_the_runbooks_figures():
    assert UNRECORDED.duration_in_force(2 * HOUR) == 2 * HOUR
    assert UNRECORDED.not_before_in_force(NOON) == NOON


def test_the_forecast_schedules_a_task_by_its_figures_in_force(tmp_path):
    """The forward pass reads the rule: pulled to 10:00 and estimated at 3h, ``b`` runs
    10:00-13:00 instead of 12:00-14:00."""
    from runbook.validation.validate import validate_path

    path = tmp_path / "r.yaml"
    path.write_text(
        runbook_yaml(
            "Rule",
            "2026-12-04T09:00Z",
            [task("a", "30m"), task("b", "2h", not_before="2026-12-04T12:00Z")],
        ),
        encoding="utf-8",
    )
    plan = validate_path(path).plan
    assert plan is not None
    records = {"b": _events(("pull", {"to": TEN}), ("estimate", {"duration": 3 * HOUR}))}
    starts, finishes, _ = forward(plan, records, NINE)
    assert (starts[1], finishes[1]) == (TEN, TEN + 3 * HOUR)
    starts, finishes, _ = forward(plan, {}, NINE)
    assert (starts[1], finishes[1]) == (NOON, NOON + 2 * HOUR)


# (kind, data, the value read): a revision's value is read in one place, for a recorded
# event and a new one alike, out of range values at the nearest bound.
VALUES = [
    ("eta", {"eta": NOON}, NOON),
    ("eta", {"eta": NINE + 10**9}, NINE + 30 * 24 * HOUR),
    ("estimate", {"duration": 3 * HOUR}, 3 * HOUR),
    ("estimate", {"duration": -5}, 0),
    ("estimate", {"duration": 4.0}, None),
    ("pull", {"to": None}, None),
    ("pull", {"to": TEN}, TEN),
    ("note", {}, None),
]


@pytest.mark.parametrize(("kind", "data", "expected"), VALUES)
def test_a_revisions_value_is_read_the_same_from_a_recorded_and_a_new_event(kind, data, expected):
    recorded = Event(1, NINE, NINE, "t", kind, "ingrid", "pc", None, data)
    new = NewEvent(NINE, "t", kind, "ingrid", "pc", None, data)
    assert revision_value(recorded) == revision_value(new) == expected
