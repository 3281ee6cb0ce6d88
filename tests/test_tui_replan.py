"""Replanning from the dashboard: e (eta), t (estimate), p (pull) and w (what if) go through
the same use cases and rules as the CLI."""

from __future__ import annotations

import pytest

from runbook.tui.screens import AskScreen, ConfirmScreen, WhatIfScreen
from runbook.tui.widgets import TaskTable
from runbook.usecases import Weekend

from .tui_helpers import FRIDAY_1820, control_app, settled
from .weekend_helpers import FakeClock, at


@pytest.fixture
def app(tmp_path):
    application, _, _ = control_app(tmp_path, FakeClock(FRIDAY_1820))
    yield application
    application.weekend.close()


def _last(app):
    with Weekend.open(app.weekend.runbook_path, app.weekend.state_path) as other:
        return other.events()[-1]


async def _select(pilot, app, task_id: str) -> None:
    assert app.query_one(TaskTable).select(task_id)
    await pilot.pause()


async def test_e_gives_a_running_task_a_new_eta_with_an_optional_reason(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")  # running since 18:10, 1h planned
        await pilot.press("e")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"+2h", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Set a new eta for backup: Fri 20:20?"
        await pilot.press("enter")  # the reason may stay empty
        await settled(pilot)
        last = _last(app)
        assert (last.task, last.kind, last.data) == (
            "backup",
            "eta",
            {"eta": int(at("2026-12-04T20:20+01:00").timestamp())},
        )
        assert app.snap.by_id("backup").forecast_finish == last.data["eta"]


async def test_an_eta_for_a_task_not_running_is_refused_in_the_dialog_and_cannot_be_forced(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _last(app).seq
        await _select(pilot, app, "export")
        await pilot.press("e", *"23:00", "enter")
        await settled(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "export has not started" in (app.screen.verdict.refused or "")
        assert not app.screen.verdict.forceable
        await pilot.press("escape")
        await pilot.pause()
        assert _last(app).seq == before


async def test_p_pulls_a_task_forward(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "switch-dns")
        await pilot.press("p", "enter")  # blank: as soon as its predecessors allow
        assert app.screen.question == (
            "Pull forward switch-dns: as soon as its predecessors allow?"
        )
        await pilot.press(*"TTL is low already", "enter")
        await settled(pilot)
        last = _last(app)
        assert (last.kind, last.note, last.data) == ("pull", "TTL is low already", {"to": None})
        assert app.snap.by_id("switch-dns").pulled


async def test_t_records_a_new_estimate(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "export")
        await pilot.press("t", *"2h", "enter", "enter")
        await settled(pilot)
        assert (_last(app).kind, _last(app).data) == ("estimate", {"duration": 7200})


async def test_a_value_that_cannot_be_read_is_said_and_records_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _last(app).seq
        await _select(pilot, app, "export")
        await pilot.press("t", *"soon", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("is not a duration" in n.message for n in app._notifications)
        assert _last(app).seq == before


async def test_w_shows_the_what_if_and_records_nothing(app):
    async with app.run_test(size=(120, 40)) as pilot:
        before = _last(app).seq
        await _select(pilot, app, "backup")
        await pilot.press("w")
        assert isinstance(app.screen, AskScreen)
        await pilot.press("enter")  # the selected task + 1h is offered
        await settled(pilot)
        assert isinstance(app.screen, WhatIfScreen)
        shown = app.screen.query_one("#detail").render()
        assert "backup eta Fri 20:10" in str(shown)
        assert "Tasks that move" in str(shown)
        await pilot.press("escape")
        assert _last(app).seq == before


async def test_read_only_mode_cannot_revise_but_can_ask_what_if(tmp_path):
    app, _, _ = control_app(tmp_path, FakeClock(FRIDAY_1820), read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _select(pilot, app, "backup")
        await pilot.press("e", "p", "t")
        await pilot.pause()
        assert not isinstance(app.screen, AskScreen)
        await pilot.press("w")
        assert isinstance(app.screen, AskScreen)
    app.weekend.close()
