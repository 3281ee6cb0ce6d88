"""The mission-control dashboard driven by Textual's Pilot: key presses record the right
events in the real database, refusals are shown, filters work, outside check-ins appear."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from runbook.tui.app import MissionControl
from runbook.tui.screens import AskScreen, ConfirmScreen, HelpScreen
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .tui_helpers import FRIDAY_1820, control_app, settled, until
from .weekend_helpers import FakeClock, at


@pytest.fixture
def clock():
    return FakeClock(FRIDAY_1820)


@pytest.fixture
def app(tmp_path, clock):
    application, _, _ = control_app(tmp_path, clock)
    yield application
    application.weekend.close()


def _events(app: MissionControl) -> list[tuple[str | None, str, str]]:
    """Events as another process sees them: read through a fresh connection."""
    with Weekend.open(app.weekend.runbook_path, app.weekend.state_path) as other:
        return [(e.task, e.kind, e.actor) for e in other.events()]


async def _select(pilot, app: MissionControl, task_id: str) -> None:
    table = app.query_one(TaskTable)
    assert table.select(task_id)
    await pilot.pause()


async def test_done_on_the_selected_task_records_it_after_confirmation(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settled(pilot)
        assert _events(app)[-1] == ("backup", "done", "coordinator")
        assert app.snap.by_id("backup").status == "done"


async def test_cancelling_the_confirmation_records_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _events(app)
        await _select(pilot, app, "backup")
        await pilot.press("d", "escape")
        await pilot.pause()
        assert _events(app) == before


async def test_a_start_that_will_be_refused_says_why_in_the_first_dialog(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _events(app)
        await _select(pilot, app, "export")
        await pilot.press("s")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.verdict.refused is not None
        assert "export cannot start: predecessor not done yet: go-no-go" in str(
            app.screen.query_one("#refusal").render()
        )
        await pilot.press("enter")  # Enter does not record a refused check-in
        await settled(pilot)
        assert _events(app) == before


async def test_the_force_button_of_a_refused_start_records_it_as_forced(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "export")
        await pilot.press("s")
        await settled(pilot)
        await pilot.click("#force")
        await settled(pilot)
        assert _events(app)[-1] == ("export", "start", "coordinator")
        assert app.snap.by_id("export").forced


async def test_f_forces_a_refused_start_from_the_first_dialog(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "export")
        await pilot.press("s")
        await settled(pilot)
        await pilot.press("f")
        await settled(pilot)
        assert _events(app)[-1] == ("export", "start", "coordinator")
        assert app.snap.by_id("export").forced


async def test_cancelling_a_refused_start_records_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _events(app)
        await _select(pilot, app, "export")
        await pilot.press("s", "escape")
        await pilot.pause()
        assert _events(app) == before
        assert not isinstance(app.screen, ConfirmScreen)


async def test_a_check_in_refused_after_the_dialog_is_shown_and_can_be_forced(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("d")
        # Another terminal finishes backup while the dialog is open.
        with Weekend.open(
            app.weekend.runbook_path, app.weekend.state_path, clock=app.weekend.clock
        ) as other:
            other.record("done", ["backup"], actor="sanne", host="pc2")
        await pilot.press("enter")
        await settled(pilot)
        # The dialog asks again at Enter: the refusal is shown there, nothing recorded.
        assert isinstance(app.screen, ConfirmScreen)
        assert "already done" in (app.screen.verdict.refused or "")
        assert [e for e in _events(app) if e[1] == "done" and e[0] == "backup"] == [
            ("backup", "done", "sanne")
        ]


async def test_a_done_told_at_an_earlier_time_records_that_time(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("d", *"18:15", "enter")
        await settled(pilot)
        with Weekend.open(app.weekend.runbook_path, app.weekend.state_path) as other:
            last = other.events()[-1]
        assert (last.task, last.kind) == ("backup", "done")
        assert last.at == int(at("2026-12-04T18:15+01:00").timestamp())


async def test_a_time_that_cannot_be_read_is_said_in_the_dialog_and_records_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _events(app)
        await _select(pilot, app, "backup")
        await pilot.press("d", *"25:99", "enter")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "25:99" in (app.screen.verdict.problem or "")
        assert _events(app) == before


async def test_a_start_told_before_its_predecessor_finished_is_refused_in_the_dialog(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("u", "enter")  # backup is waiting again
        await settled(pilot)
        before = _events(app)
        await _select(pilot, app, "backup")
        await pilot.press("s", *"18:05", "enter")  # freeze finished at 18:10
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.verdict.refused is not None
        assert _events(app) == before


async def test_fail_asks_for_a_reason_and_logs_it(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("f")
        await pilot.press("enter")  # an empty reason is not accepted
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"tape jam", "enter")
        await settled(pilot)
        with Weekend.open(app.weekend.runbook_path, app.weekend.state_path) as other:
            last = other.events()[-1]
        assert (last.task, last.kind, last.note) == ("backup", "fail", "tape jam")


async def test_a_note_is_recorded_with_its_text(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "import")
        await pilot.press("n", *"vendor on site", "enter")
        await settled(pilot)
        assert _events(app)[-1] == ("import", "note", "coordinator")


async def test_undo_revokes_the_last_check_in(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "freeze")
        await pilot.press("u", "enter")
        await settled(pilot)
        assert _events(app)[-1] == ("freeze", "undo", "coordinator")
        assert app.snap.by_id("freeze").status == "running"


async def test_the_filter_narrows_the_table(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"team:dba", "enter")
        await pilot.pause()
        table = app.query_one(TaskTable)
        assert table.row_count == 3
        assert table.selected_task in {"backup", "export", "import"}
        await pilot.press("slash", *"status:running", "enter")
        await pilot.pause()
        assert [app.query_one(TaskTable)._order] == [["backup"]]


async def test_critical_only_shows_the_critical_tasks(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert app.query_one(TaskTable)._order == ["switch-dns", "smoke-test", "done"]
        await pilot.press("c")
        await pilot.pause()
        assert app.query_one(TaskTable).row_count == 8


async def test_go_to_a_task_by_a_prefix_of_its_id(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", *"smo", "enter")
        await settled(pilot)
        assert app.query_one(TaskTable).selected_task == "smoke-test"


async def test_a_check_in_from_another_terminal_appears_and_keeps_the_selection(app, clock):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "import")
        with Weekend.open(
            app.weekend.runbook_path, app.weekend.state_path, clock=clock, create=True
        ) as other:
            other.record("done", ["backup"], actor="sanne", host="pc2")
        await until(pilot, lambda: app.snap.by_id("backup").status == "done")
        table = app.query_one(TaskTable)
        assert table.selected_task == "import"
        # Only the cells that changed were redrawn, not every row.
        assert 0 < table.cells_updated < 3 * 10


async def test_the_clock_ticks_the_elapsed_figures(app, clock):
    async with app.run_test(size=(120, 40)) as pilot:
        clock.advance(hours=2)
        await until(pilot, lambda: app.snap.now == int(clock().timestamp()))
        assert app.snap.now == int(clock().timestamp())
        assert "backup" in str(app.query_one("#running").render())


async def test_an_overrun_raises_an_alert_once(app, clock, monkeypatch):
    # Every toast, kept: a toast goes after 8 s, which a busy machine may take to get here.
    toasted: list[str] = []
    toast = app.notify
    monkeypatch.setattr(app, "notify", lambda m, **kw: (toasted.append(m), toast(m, **kw))[1])
    async with app.run_test(size=(120, 40)) as pilot:
        clock.advance(hours=1)  # backup (1h) started 18:10: 10m over at 19:20
        await until(pilot, lambda: ("overrun", "backup") in app.announced)
        assert ("overrun", "backup") in app.announced
        assert sum("backup has run 1h10m, 10m over" in m for m in toasted) == 1
        banner = str(app.query_one("#alerts").render())
        assert "backup has run" in banner


async def test_read_only_mode_changes_nothing(tmp_path, clock):
    app, _, _ = control_app(tmp_path, clock, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        before = _events(app)
        await _select(pilot, app, "backup")
        await pilot.press("d", "s", "u", "n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert _events(app) == before
    app.weekend.close()


async def test_help_lists_the_keys(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_timeline_tab_draws_every_task(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        from runbook.tui.widgets import Timeline

        timeline = app.query_one(Timeline)
        assert timeline.virtual_size.height == 8 + 2
        line = "".join(s.text for s in timeline.render_line(2))
        assert "freeze" in line


async def test_an_80_by_24_terminal_still_shows_the_verdict_and_the_table(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one("#summary").region.width > 0
        assert "ON PLAN" in str(app.query_one("#summary").render())
        assert app.query_one(TaskTable).region.height >= 5


async def test_the_clock_and_elapsed_figures_tick_every_second(app, clock):
    async with app.run_test(size=(120, 40)) as pilot:
        clock.advance(seconds=7)
        await until(pilot, lambda: "18:20:07" in str(app.query_one("#identity").render()))
        identity = str(app.query_one("#identity").render())
        assert "Fri 04 Dec 18:20:07" in identity
        assert "T+00:20:07" in identity
        running = str(app.query_one("#running").render())
        assert "backup 10m7s/1h" in running


async def test_a_timer_firing_while_the_dashboard_quits_does_nothing(app, clock):
    """Textual removes the widgets before it stops the app's timers, so a poll or a tick can
    land in between (seen in CI): it must not look for widgets that are gone."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    clock.advance(minutes=2)  # a new minute: the tick would recompute the whole screen
    app.tick()
    app.poll()
    assert not app.is_running


async def test_tasks_that_can_all_start_now_are_listed_critical_first_then_most_overdue(
    tmp_path, write_runbook
):
    """The default order is by actual or forecast start; among tasks that can all start now,
    the critical one comes first, then the one planned earliest (not the shortest)."""
    runbook = write_runbook(
        """
        name: Order
        timezone: Europe/Amsterdam
        start: 2026-12-04T18:00
        tasks:
          - {id: long, title: Planned first, team: a, duration: 1h}
          - {id: mid, title: Planned next, team: a, duration: 30m, not_before: 2026-12-04T18:15}
          - {id: short, title: Critical, team: a, duration: 10m, not_before: 2026-12-04T18:30}
          - {id: after, title: Waits, team: a, duration: 3h, depends_on: [short]}
        """
    )
    clock = FakeClock("2026-12-04T19:00+01:00")
    weekend = Weekend.open(runbook, tmp_path / "order.state.db", clock=clock, create=True)
    app = MissionControl(weekend, actor="coordinator", host="bridge", poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.query_one(TaskTable)._order == ["short", "long", "mid", "after"]
        ready = str(app.query_one("#ready").render())
        assert ready.index("short") < ready.index("long") < ready.index("mid")
    weekend.close()


async def test_the_log_tab_opens_an_event_in_full_with_enter(app):
    from runbook.tui.screens import EventScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EventScreen)
        assert "tape library online" in str(app.screen.query_one("#detail").render())
        await pilot.press("escape")
        await pilot.press("1")
        await pilot.pause()
        assert app.focused is app.query_one(TaskTable)


async def test_f_typed_into_the_when_field_is_typed_not_a_force(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("u", "enter")  # backup is waiting again
        await settled(pilot)
        before = _events(app)
        await _select(pilot, app, "backup")
        await pilot.press("s", *"18:05", "enter")  # refused: freeze finished at 18:10
        await settled(pilot)
        assert app.screen.verdict.refused is not None
        when = app.screen.query_one("#when", Input)
        assert app.screen.focused is when
        await pilot.press("backspace", *"ff")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert when.value == "18:0ff"
        assert _events(app) == before


async def test_ctrl_f_forces_a_refused_check_in_while_typing_its_time(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("u", "enter")
        await settled(pilot)
        await _select(pilot, app, "backup")
        await pilot.press("s", *"18:05", "enter")
        await settled(pilot)
        assert app.screen.verdict.refused is not None
        await pilot.press("ctrl+f")
        await settled(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert _events(app)[-1] == ("backup", "start", "coordinator")
        assert app.snap.by_id("backup").forced


async def test_f_in_a_refused_fail_s_reason_is_typed_not_a_force(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _events(app)
        await _select(pilot, app, "export")  # waiting: failing it is refused
        await pilot.press("f")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.verdict.refused is not None
        await pilot.press(*"fan failed")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.query_one("#text", Input).value == "fan failed"
        assert _events(app) == before


async def test_a_long_table_shows_the_rows_near_now_first_then_fills_in_the_rest(
    app, clock, monkeypatch
):
    from runbook.tui.widgets import table as table_module

    monkeypatch.setattr(table_module, "FIRST_ROWS", 2)
    monkeypatch.setattr(table_module, "CHUNK_ROWS", 1)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(TaskTable)
        assert app.snap is not None
        assert 0 < table.row_count < len(app.snap.tasks)  # the first screen: a few rows
        assert table.selected_task is not None
        last = table._order[-1]
        assert table.select(last)  # a row not added yet is added when asked for
        assert table.selected_task == last
        await until(pilot, lambda: not table.filling)
        assert table.row_count == len(app.snap.tasks) == 8
        assert [str(table.get_row_at(i)[0]) for i in range(8)] == table._order  # in order
        with Weekend.open(
            app.weekend.runbook_path, app.weekend.state_path, clock=clock, create=True
        ) as other:
            other.record("done", ["backup"], actor="sanne", host="pc2")
        await until(pilot, lambda: app.snap.by_id("backup").status == "done")
        assert 0 < table.cells_updated < 3 * 10  # still only the cells that changed
