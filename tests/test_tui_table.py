"""The task table at scale: a row is formatted when it is drawn and again only when what it
shows changed; an event draws again only the rows it changed; a new order moves the rows;
what is drawn is never stale, wherever the row went while out of sight."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from runbook.tui.app import MissionControl
from runbook.tui.widgets import TaskTable
from runbook.tui.widgets.rows import task_row
from runbook.usecases import Weekend

from .builders import chain, runbook_yaml
from .tui_helpers import until
from .weekend_helpers import FakeClock, at

CHAINS, LENGTH = "abcdefgh", 30  # 240 tasks: eight teams' chains side by side
EVENING = "2026-12-04T18:10+01:00"  # when the chains started
NOW = "2026-12-04T18:30+01:00"


def screen_text(app: MissionControl) -> str:
    """What the terminal shows, as plain lines."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock) -> Iterator[MissionControl]:
    """Eight chains of 30 one-hour tasks from 18:00, each chain's first task running."""
    tasks = [t for c in CHAINS for t in chain([f"{c}{i:02d}" for i in range(LENGTH)], teams=c)]
    runbook = tmp_path / "chains.yaml"
    runbook.write_text(
        runbook_yaml("Chains", "2026-12-04T18:00", tasks, timezone="Europe/Amsterdam"),
        encoding="utf-8",
    )
    with Weekend.open(runbook, clock=clock, create=True) as weekend:
        for c in CHAINS:
            weekend.record("start", [f"{c}00"], actor="ana", host="pc", at=at(EVENING))
    weekend = Weekend.open(runbook, clock=clock, create=True)
    application = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    yield application
    weekend.close()


def _record(app: MissionControl, kind: str, task: str, moment: str) -> None:
    """A check-in from another terminal."""
    clock = app.weekend.clock
    with Weekend.open(app.weekend.runbook_path, app.weekend.state_path, clock=clock) as other:
        other.record(kind, [task], actor="sanne", host="pc2", at=at(moment))


def _in_sight(table: TaskTable) -> list[str]:
    """The tasks whose rows are on the screen (and the one under the bottom edge)."""
    top = int(table.scroll_y)
    return table._order[top : top + table.size.height]


async def _full(pilot, table: TaskTable) -> None:
    await until(pilot, lambda: table.row_count == len(CHAINS) * LENGTH and not table.filling)
    await pilot.pause()


async def test_only_the_rows_in_sight_are_formatted_and_an_event_formats_again_only_those(
    app, monkeypatch
):
    from runbook.tui.widgets import table as table_module

    formatted: list[str] = []
    real = table_module.row_cells

    def counted(shows):  # type: ignore[no-untyped-def]
        formatted.append(shows.id)
        return real(shows)

    monkeypatch.setattr(table_module, "row_cells", counted)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(TaskTable)
        await _full(pilot, table)
        in_sight = set(_in_sight(table))
        # 240 rows in the table; formatted: those drawn (the table was taller for a moment,
        # before the panels beneath it were laid out).
        assert in_sight <= set(formatted) and len(set(formatted)) < 2 * len(in_sight)
        formatted.clear()
        # Chain a finishes its first task 40 minutes early: its 29 other tasks move (from
        # now, 18:30, instead of 19:10).
        _record(app, "done", "a00", "2026-12-04T18:20+01:00")
        await until(pilot, lambda: app.snap.by_id("a00").status == "done")
        await pilot.pause()
        moved = [f"a{i:02d}" for i in range(1, LENGTH)]
        now = at(NOW).timestamp()
        assert [app.snap.by_id(t).forecast_start for t in moved] == [
            now + 3600 * i for i in range(LENGTH - 1)
        ]
        assert formatted and set(formatted) <= set(_in_sight(table))  # not the 29 moved
        assert not set(moved[-10:]) & set(formatted)
        assert 0 < table.cells_updated < 10 * len(in_sight)  # only cells that look otherwise


async def test_filling_the_table_works_out_what_a_row_shows_once_for_all_the_widths_it_measures(
    app, monkeypatch
):
    """The width of the id, the mark, the plan and the team is measured for every row added,
    without formatting the row: what the row shows is worked out once for the four (it was
    once per column, three times a row, while the table filled)."""
    from collections import Counter

    worked_out: Counter[str] = Counter()
    real = TaskTable.shows

    def counted(table: TaskTable, task_id: str):  # type: ignore[no-untyped-def]
        worked_out[task_id] += 1
        return real(table, task_id)

    monkeypatch.setattr(TaskTable, "shows", counted)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(TaskTable)
        await _full(pilot, table)
        never_drawn = set(table._order) - set(table._memo)
        assert len(never_drawn) > 100
        assert {worked_out[t] for t in never_drawn} == {1}
        for key in ("id", "team", "plan"):  # as wide as its label or widest cell, formatted
            column = table.columns[key]  # type: ignore[index]
            cells = (table.get_cell(t, key) for t in table._order)
            widest = max(column.label.cell_len, *(c.cell_len for c in cells))  # type: ignore[attr-defined]
            assert column.content_width == widest, key


async def test_a_row_changed_while_out_of_sight_shows_the_change_once_scrolled_to(app):
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(TaskTable)
        await _full(pilot, table)
        assert table.select("a29")  # drawn once, down the table ...
        await pilot.pause()
        assert table.select("b00")  # ... then out of sight again
        await pilot.pause()
        _record(app, "done", "a00", "2026-12-04T18:20+01:00")
        await until(pilot, lambda: app.snap.by_id("a00").status == "done")
        await pilot.pause()
        assert table.select("a29")
        await pilot.pause()
        snap = app.snap
        new = task_row(snap, snap.by_id("a29"))
        assert [str(c) for c in table.get_row("a29")] == [c.plain for c in new]
        assert new[2].plain in screen_text(app)  # drawn as it is now, not as it was
        assert "~Sat 22:30–23:30" in new[2].plain  # 40 minutes earlier than before


async def test_a_new_order_moves_the_rows_and_a_click_selects_the_row_clicked(app):
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(TaskTable)
        await _full(pilot, table)
        before, seen = list(table._order), _in_sight(table)
        # Chains c and d move up the order, and the rows they pass move down by two.
        _record(app, "done", "c00", "2026-12-04T18:20+01:00")
        _record(app, "done", "d00", "2026-12-04T18:20+01:00")
        await until(pilot, lambda: app.snap.by_id("d00").status == "done")
        await pilot.pause()
        after = table._order
        assert after != before and table.row_count == len(before)
        assert [str(table.get_row_at(i)[0]) for i in range(len(after))] == after
        # A row drawn before at another place of the same stripe (its cells kept): a click
        # on it now must select it where it is now.
        row = next(
            p
            for p, task in enumerate(_in_sight(table))
            if task in seen and before.index(task) != p and (before.index(task) - p) % 2 == 0
        )
        await pilot.click(TaskTable, offset=(2, 1 + row - int(table.scroll_y)))
        await pilot.pause()
        assert table.cursor_row == row
        assert table.selected_task == after[row]


async def test_the_weekend_s_data_is_frozen_from_the_collector_once_the_table_is_full(app):
    gc.unfreeze()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(TaskTable)
        await _full(pilot, table)
        await until(pilot, lambda: gc.get_freeze_count() > 0)
    gc.unfreeze()


def test_the_private_parts_of_datatable_the_table_leans_on_are_as_it_expects():
    """TaskTable overrides three private methods of Textual's DataTable and reads a few of
    its caches: a Textual release that changes them must fail here, not on the bridge."""
    assert list(inspect.signature(DataTable._render_cell).parameters) == [
        "self",
        "row_index",
        "column_index",
        "base_style",
        "width",
        "cursor",
        "hover",
    ]
    assert list(inspect.signature(DataTable._compute_row_renderables).parameters) == [
        "self",
        "row_index",
    ]
    assert isinstance(inspect.getattr_static(DataTable, "_y_offsets"), property)
    source = inspect.getsource(DataTable)
    for part in (
        "self._row_locations",
        "self._cell_render_cache",
        "self._row_render_cache",
        "self._line_cache",
        "self._update_count",
        "self._pseudo_class_state",
        "self._show_hover_cursor",
    ):
        assert part in source, part
    # The cell cache key starts with the row key, the line cache key with the line.
    assert "cell_cache_key: CellCacheKey = (\n            row_key," in source
    assert "cache_key = (\n            y,\n            x1," in source
