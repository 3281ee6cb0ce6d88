"""A task table row is formatted from one frozen input, ``TaskRow``, which is also what the
table keeps a row's cells by: nothing a row shows can change without its key changing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from runbook.tui.widgets.rows import row_cells, task_row
from runbook.weekend.events import Status
from runbook.weekend.views.table import TaskRow, table_row

from .weekend_helpers import FakeClock, at

HOUR = 3600
SIX = int(at("2026-12-04T18:00+01:00").timestamp())

BASE = TaskRow(
    id="backup",
    title="Full backup",
    team="dba",
    phase="Friday",
    priority="must",
    zone=ZoneInfo("Europe/Amsterdam"),
    dated=False,
    status=Status.RUNNING,
    dropped=False,
    forced=False,
    overrun=False,
    late=False,
    critical=False,
    float=HOUR,
    actual_start=SIX,
    actual_finish=None,
    forecast_start=SIX,
    forecast_finish=SIX + HOUR,
    planned_start=SIX,
    planned_finish=SIX + HOUR,
    eta=False,
    pulled=False,
    revised=False,
)


def _looks(row: TaskRow) -> list[tuple[object, ...]]:
    """What the row's cells look like: their text and every style in them."""
    return [(c.plain, str(c.style), tuple(c.spans)) for c in row_cells(row)]


# (a field of the row, its value changed; the row it is changed in, when not BASE): every
# field is something the row shows.
CHANGES = [
    ("id", "restore", {}),
    ("title", "Full backup of the intranet", {}),
    ("team", "ops", {}),
    ("phase", "Saturday", {}),
    ("priority", "nice", {"status": Status.PENDING, "actual_start": None}),
    ("zone", ZoneInfo("America/New_York"), {}),
    ("dated", True, {}),
    ("status", Status.FAILED, {}),
    ("dropped", True, {"status": Status.SKIPPED}),
    ("forced", True, {}),
    ("overrun", True, {}),
    ("late", True, {"status": Status.READY, "actual_start": None}),
    ("critical", True, {}),
    ("float", 2 * HOUR, {}),
    ("actual_start", SIX + 600, {}),
    ("actual_finish", SIX + HOUR, {"status": Status.DONE}),
    ("forecast_start", SIX + 600, {"status": Status.PENDING, "actual_start": None}),
    ("forecast_finish", SIX + 2 * HOUR, {}),
    ("planned_start", SIX - HOUR, {}),
    ("planned_finish", SIX + 2 * HOUR, {}),
    ("eta", True, {}),
    ("pulled", True, {}),
    ("revised", True, {}),
    ("runbook_start", SIX + 10 * 24 * HOUR, {}),  # a rehearsal ten days before the weekend
]


def test_every_field_of_the_row_is_in_the_table():
    assert sorted(field for field, _, _ in CHANGES) == sorted(TaskRow._fields)


@pytest.mark.parametrize(("field", "value", "base"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_row_shows_every_field_of_its_input(field, value, base):
    """The input holds only what the row shows: a change to any field changes the row."""
    row = BASE._replace(**base)
    assert _looks(row._replace(**{field: value})) != _looks(row)


def test_a_row_is_one_frozen_value():
    with pytest.raises(AttributeError):
        BASE.title = "changed"  # type: ignore[misc]
    assert hash(BASE) == hash(BASE._replace())


def test_the_table_row_of_a_task_is_what_its_cells_are_formatted_from(tmp_path):
    from .tui_helpers import FRIDAY_1820, prepared_weekend
    from .weekend_helpers import open_weekend

    runbook, state = prepared_weekend(tmp_path, FakeClock(FRIDAY_1820))
    with open_weekend(runbook, FakeClock(FRIDAY_1820), state) as weekend:
        snap = weekend.snapshot()
        backup = snap.by_id("backup")
        shows = table_row(snap, backup)
        assert (shows.id, shows.status, shows.title) == (
            "backup",
            Status.RUNNING,
            weekend.plan.tasks[backup.index].title,
        )
        assert [c.plain for c in task_row(snap, backup)] == [c.plain for c in row_cells(shows)]
        # A note changes nothing the row shows: the same input, the row kept as it was.
        weekend.record("note", ["backup"], actor="sanne", host="pc2", note="50 %")
        again = weekend.snapshot()
        assert table_row(again, again.by_id("backup")) == shows
