"""The readiness report during the weekend: it stands on the live forecast of the check-ins
up to ``now``, simulates the remaining work only, and can learn estimates from a rehearsal.

The weekend is the golden one (tests/data/golden/weekend.yaml): Fri 04 Dec 18:00 to a
deadline of Sat 05 Dec 12:00, planned to finish Sat 08:00.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from runbook.contracts.reports import readiness_json
from runbook.planning.montecarlo import sample
from runbook.reports.readiness import CONDITIONS, NO_GO, progress_of, readiness
from runbook.reports.render.html import readiness_html
from runbook.reports.render.markdown import readiness_markdown
from runbook.usecases import Weekend

from .builders import golden_runbook
from .test_montecarlo import _pert_cdf, _pert_quantile
from .weekend_helpers import FakeClock, at

GOLDEN = Path(__file__).parent / "data" / "golden"
HOUR = 3600


def _epoch(moment: str) -> int:
    return int(at(moment).timestamp())


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A folder holding a copy of the golden runbook, as the current directory."""
    golden_runbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _checkins(
    state: str, moments: list[tuple[str, str, str]], now: str, *, rehearsal: str | None = None
) -> None:
    """Record ``(kind, task, when)`` check-ins (``decide`` records a GO) with the clock at
    ``now``, none forced (``rehearsal``: the start of a rehearsal on another date, which
    ``runbook rehearse`` begins first)."""
    with Weekend.open("weekend.yaml", state, clock=FakeClock(now), create=True) as w:
        if rehearsal is not None:
            w.begin_rehearsal(at(rehearsal))
        for kind, task, when in moments:
            if kind == "decide":
                w.decide(task, "go", actor="CIO", host="h", at=at(when))
            else:
                result = w.record(kind, [task], actor="mc", host="h", at=at(when))
                assert not result.refused, result.refused


def _behind(state: str = "weekend.state.db") -> None:
    """The export took until Sat 07:00 instead of 20:15; the import runs since then."""
    _checkins(
        state,
        [
            ("start", "freeze", "2026-12-04T18:00+01:00"),
            ("done", "freeze", "2026-12-04T18:15+01:00"),
            ("start", "export", "2026-12-04T18:15+01:00"),
            ("done", "export", "2026-12-05T07:00+01:00"),
            ("decide", "gate-transfer", "2026-12-05T07:00+01:00"),
            ("done", "gate-transfer", "2026-12-05T07:00+01:00"),
            ("start", "import", "2026-12-05T07:00+01:00"),
        ],
        now="2026-12-05T08:00+01:00",
    )


def test_at_a_checkpoint_of_a_weekend_past_the_deadline_without_estimates_it_is_no_go_with_p_0(
    here,
):
    _behind()
    report = readiness(
        "weekend.yaml", now=_epoch("2026-12-05T08:00+01:00"), state="weekend.state.db", runs=500
    )
    assert report.live
    assert report.recommendation == NO_GO
    assert report.simulation.p_on_time == 0
    messages = [f.message for f in report.findings if f.outcome == "no-go"]
    # import 07:00-10:00, switch to 11:00, test to 13:00: the forecast, an hour late.
    assert "the forecast finishes Sat 05 Dec 13:00, 1h after the deadline" in messages
    assert "P(finish ≤ deadline) is 0%, under 80%" in messages
    # gate-live is forecast at 13:00, 6h after its point of no return (12:00 - 5h rollback).
    assert any(
        m.startswith("gate gate-live is forecast at Sat 05 Dec 13:00, 6h after") for m in messages
    )
    schedule = readiness_json(report)["schedule"]
    assert schedule["finish"] == "2026-12-05T08:00:00+01:00"
    assert schedule["forecast_finish"] == "2026-12-05T13:00:00+01:00"
    assert schedule["ahead_minutes"] == -300
    assert schedule["as_of"] == "2026-12-05T08:00:00+01:00"


def test_a_gate_already_passed_is_shown_as_passed_not_measured_again(here):
    _behind()
    report = readiness(
        "weekend.yaml", now=_epoch("2026-12-05T08:00+01:00"), state="weekend.state.db", runs=200
    )
    gates = {g["id"]: g for g in readiness_json(report)["gates"]}
    assert gates["gate-transfer"]["standing"] == "passed"
    assert gates["gate-live"]["forecast"] == "2026-12-05T13:00:00+01:00"
    assert gates["gate-live"]["forecast_margin_minutes"] == -360
    assert not any("gate-transfer" in f.message for f in report.findings)
    md = readiness_markdown(report)
    assert "| Forecast finish | Sat 05 Dec 13:00 |" in md
    assert "| Against the baseline | BEHIND 5h |" in md
    assert "| passed |" in md
    html = readiness_html(report)
    assert "Forecast finish" in html and "BEHIND 5h" in html


def test_without_estimates_every_simulated_run_finishes_at_the_forecast(here):
    _behind()
    with Weekend.open("weekend.yaml", clock=FakeClock("2026-12-05T08:00+01:00")) as w:
        snap = w.snapshot()
    samples = sample(w.plan, runs=300, seed=4, progress=progress_of(snap))
    assert (w.plan.start + samples.finish == snap.forecast_finish).all()
    # Done tasks are history: never on the remaining critical path.
    done = [w.plan.index[t] for t in ("freeze", "export", "gate-transfer")]
    assert (samples.critical_runs[done] == 0).all()
    assert (samples.critical_runs[w.plan.index["import"]] == 300).all()


ESTIMATED = """
    name: Estimated
    timezone: Europe/Amsterdam
    start: 2026-12-04T18:00
    deadline: 2026-12-05T12:00
    tasks:
      - {id: prep, title: Prepare, duration: 1h, estimate: {optimistic: 30m, pessimistic: 10h}}
      - {id: copy, title: Copy, duration: 2h, depends_on: prep,
         estimate: {optimistic: 1h, pessimistic: 6h}}
"""


def _estimated(write_runbook, moments, now):
    path = write_runbook(ESTIMATED)
    with Weekend.open(path, clock=FakeClock(now), create=True) as w:
        for kind, task, when in moments:
            w.record(kind, [task], actor="mc", host="h", at=at(when))
        return w.plan, w.snapshot()


def test_a_running_task_never_finishes_before_now_and_is_drawn_beyond_what_it_has_run(
    write_runbook,
):
    # copy (1h / 2h / 6h) has run 3h at 22:00: it finishes between 22:00 and 01:00.
    plan, snap = _estimated(
        write_runbook,
        [
            ("start", "prep", "2026-12-04T18:00+01:00"),
            ("done", "prep", "2026-12-04T19:00+01:00"),
            ("start", "copy", "2026-12-04T19:00+01:00"),
        ],
        now="2026-12-04T22:00+01:00",
    )
    runs = 10_000
    finish = plan.start + sample(plan, runs=runs, seed=2, progress=progress_of(snap)).finish
    assert finish.min() >= snap.now
    assert finish.max() <= _epoch("2026-12-05T01:00+01:00")
    # The median is the PERT's conditional on lasting more than 3h, computed independently.
    a, m, b = 1.0, 2.0, 6.0
    reached = _pert_cdf(3.0, a, m, b)
    median = _pert_quantile(reached + (1 - reached) / 2, a, m, b)
    expected = _epoch("2026-12-04T19:00+01:00") + median * HOUR
    assert abs(float(np.median(finish)) - expected) < 0.01 * (b - a) * HOUR


def test_a_running_task_past_its_pessimistic_figure_finishes_now_in_every_run(write_runbook):
    plan, snap = _estimated(
        write_runbook,
        [
            ("start", "prep", "2026-12-04T18:00+01:00"),
            ("done", "prep", "2026-12-04T19:00+01:00"),
            ("start", "copy", "2026-12-04T19:00+01:00"),
        ],
        now="2026-12-05T02:00+01:00",  # 7h of a task of at most 6h
    )
    finish = plan.start + sample(plan, runs=500, seed=1, progress=progress_of(snap)).finish
    assert (finish == snap.now).all()


def test_done_tasks_keep_their_actual_times_in_every_run(write_runbook):
    # prep took 9h (estimated 30m..10h); copy is not started: it starts at now, 04:00.
    plan, snap = _estimated(
        write_runbook,
        [
            ("start", "prep", "2026-12-04T18:00+01:00"),
            ("done", "prep", "2026-12-05T03:00+01:00"),
        ],
        now="2026-12-05T04:00+01:00",
    )
    samples = sample(plan, runs=2000, seed=3, progress=progress_of(snap))
    finish = plan.start + samples.finish
    assert finish.min() >= _epoch("2026-12-05T05:00+01:00")  # now + copy's optimistic 1h
    assert finish.max() <= _epoch("2026-12-05T10:00+01:00")  # now + copy's pessimistic 6h
    assert samples.critical_runs[plan.index["prep"]] == 0


def test_decisions_sign_offs_and_checks_after_now_are_not_shown(cli, here):
    _behind()
    with Weekend.open("weekend.yaml", clock=FakeClock("2026-12-05T09:00+01:00"), create=True) as w:
        w.sign_off("dba", actor="Sanne Bakker", host="h")
        w.check_item("cab", actor="ingrid", host="h")
        w.decide("gate-live", "no-go", actor="CMIO", host="h")
        w.record("done", ["import"], actor="mc", host="h")
    args = ("readiness", "-f", "weekend.yaml", "--format", "json", "--runs", "200")
    earlier = json.loads(cli(*args, "--now", "2026-12-05T08:00").stdout)
    gates = {g["id"]: g for g in earlier["gates"]}
    assert gates["gate-live"]["decision"] is None
    assert gates["gate-transfer"]["decision"] == "go"
    assert [s["signed_by"] for s in earlier["signoffs"] if s["team"] == "dba"] == [None]
    assert [i["done_by"] for i in earlier["readiness"] if i["id"] == "cab"] == [None]
    assert earlier["schedule"]["later_events_left_out"] == 4
    assert earlier["schedule"]["counts"]["running"] == 1
    later = json.loads(cli(*args, "--now", "2026-12-05T09:30").stdout)
    gates = {g["id"]: g for g in later["gates"]}
    assert gates["gate-live"]["decision"] == "no-go"
    assert later["schedule"]["counts"]["running"] == 0


def test_before_any_check_in_the_report_stands_on_the_plan(here):
    _checkins("weekend.state.db", [], now="2026-12-01T11:00+01:00")
    with Weekend.open(
        "weekend.yaml", "weekend.state.db", clock=FakeClock("2026-12-01T11:00+01:00")
    ) as w:
        w.sign_off("dba", actor="Sanne Bakker", host="h")
    report = readiness(
        "weekend.yaml", now=_epoch("2026-12-01T12:00+01:00"), state="weekend.state.db", runs=200
    )
    assert not report.live
    assert "forecast_finish" not in readiness_json(report)["schedule"]
    assert report.simulation.deterministic_finish == report.plan.finish


def _relaxed() -> None:
    """The golden runbook with a rollback that fits and a risk that only sets conditions."""
    text = (
        (GOLDEN / "weekend.yaml")
        .read_text()
        .replace("rollback: 5h", "rollback: 3h")
        .replace("likelihood: 3, impact: 5", "likelihood: 2, impact: 5")
    )
    Path("weekend.yaml").write_text(text)


def _overran_rehearsal(state: str) -> None:
    """A dress rehearsal a week earlier that finished at 16:35, 4h35m past the deadline:
    export 6h (plan 2h), import 8h (3h), switch 2h20m (1h), test 6h (2h)."""
    _checkins(
        state,
        [
            ("start", "freeze", "2026-11-27T18:00+01:00"),
            ("done", "freeze", "2026-11-27T18:15+01:00"),
            ("start", "export", "2026-11-27T18:15+01:00"),
            ("done", "export", "2026-11-28T00:15+01:00"),
            ("decide", "gate-transfer", "2026-11-28T00:15+01:00"),
            ("done", "gate-transfer", "2026-11-28T00:15+01:00"),
            ("start", "import", "2026-11-28T00:15+01:00"),
            ("done", "import", "2026-11-28T08:15+01:00"),
            ("start", "switch", "2026-11-28T08:15+01:00"),
            ("done", "switch", "2026-11-28T10:35+01:00"),
            ("start", "test", "2026-11-28T10:35+01:00"),
            ("done", "test", "2026-11-28T16:35+01:00"),
        ],
        now="2026-11-28T17:00+01:00",
        rehearsal="2026-11-27T18:00+01:00",
    )


def test_learning_from_a_rehearsal_that_overran_turns_the_recommendation_to_no_go(cli, here):
    _relaxed()
    _overran_rehearsal("rehearsal.db")
    args = ("readiness", "-f", "weekend.yaml", "--rehearsal", "rehearsal.db", "--runs", "1000")
    env = {"RUNBOOK_NOW": "2026-12-01T12:00"}
    plain = json.loads(cli(*args, "--format", "json", env=env).stdout)
    assert plain["recommendation"] == CONDITIONS
    assert plain["simulation"]["p_on_time"] == 1
    assert "estimates" not in plain

    learnt = json.loads(cli(*args, "--learn", "--format", "json", env=env).stdout)
    assert learnt["recommendation"] == NO_GO
    assert learnt["simulation"]["p_on_time"] < 0.8
    assert any(f["rule"] == "probability" for f in learnt["findings"] if f["outcome"] == "no-go")
    assert learnt["estimates"]["source"] == "rehearsal.db"
    learned = {x["id"]: x for x in learnt["estimates"]["tasks"]}
    assert set(learned) == {"freeze", "export", "import", "switch", "test"}
    # One run of 6h against the runbook's 2h: half-way on the log scale (the runbook's
    # estimate weighs as one run), and wide, for the two disagree.
    assert learned["export"] == {
        "id": "export",
        "from": "history",
        "observations": 1,
        "factor": None,
        "runbook_duration_minutes": 120,
        "optimistic_minutes": 65,
        "duration_minutes": 210,
        "pessimistic_minutes": 650,
    }
    md = cli(*args, "--learn", env=env).stdout
    assert "## Estimates learned from history" in md
    assert "| export | 2h | 1h5m / 3h30m / 10h50m | 1 run |" in md
    html = cli(*args, "--learn", "--format", "html", env=env).stdout
    assert "Estimates learned from history" in html


def test_learning_from_a_rehearsal_uses_every_rehearsed_task_as_learn_would(here):
    """`--learn` is `runbook learn` on the rehearsal alone: a task the rehearsal ran inside
    its estimate is learned too (it narrows), not only the ones it overran."""
    _relaxed()
    text = Path("weekend.yaml").read_text()
    Path("weekend.yaml").write_text(
        text.replace(
            "duration: 3h, depends_on: gate-transfer}",
            "duration: 3h, depends_on: gate-transfer, "
            "estimate: {optimistic: 2h, pessimistic: 10h}}",
        )
    )
    _overran_rehearsal("rehearsal.db")
    report = readiness(
        "weekend.yaml",
        now=_epoch("2026-12-01T12:00+01:00"),
        rehearsal="rehearsal.db",
        learn_from_rehearsal=True,
        runs=200,
    )
    assert report.estimates is not None
    learned = report.estimates.tasks
    assert set(learned) == {"freeze", "export", "import", "switch", "test"}
    # import took 8h, inside its 10h: still learned, between the runbook's 3h and the 8h.
    assert 3 * 3600 < learned["import"].duration < 8 * 3600
    assert learned["import"].observations == 1


def test_a_rehearsal_of_another_runbook_is_refused_naming_both_runbooks(cli, here):
    """The rehearsal's owner is read through the store interface, the refusal worded by
    the rehearsal (the store's own words say "state file")."""
    shutil.copy(Path(__file__).parent.parent / "examples" / "minimal.yaml", "other.yaml")
    with Weekend.open(
        "other.yaml", "other.db", clock=FakeClock("2026-11-27T18:00+01:00"), create=True
    ) as w:
        w.record("note", ["freeze"], actor="mc", host="h", note="a rehearsal of another")
    result = cli("readiness", "-f", "weekend.yaml", "--rehearsal", "./other.db")
    assert result.exit_code == 1
    assert (
        "error: other.db: this rehearsal belongs to the runbook 'Move the intranet to the cloud', "
        "not to 'Lab system to the cloud'; nothing was learned"
    ) in result.stderr


def test_learn_without_a_rehearsal_is_a_usage_error(cli, here):
    result = cli("readiness", "-f", "weekend.yaml", "--learn")
    assert result.exit_code == 2
    assert "--learn needs --rehearsal STATE" in result.stderr


def test_the_simulation_takes_the_revisions_in_force_as_the_forecast_does(here):
    # The import (3h from 07:00) needs until 13:00 by its team's word; the switch over will
    # take 2h, not 1h.
    _behind()
    with Weekend.open("weekend.yaml", clock=FakeClock("2026-12-05T08:00+01:00")) as w:
        w.record("eta", ["import"], actor="mc", host="h", value=_epoch("2026-12-05T13:00+01:00"))
        w.record("estimate", ["switch"], actor="mc", host="h", value=2 * HOUR)
        snap = w.snapshot()
    assert snap.forecast_finish == _epoch("2026-12-05T17:00+01:00")  # 13:00 + 2h + 2h
    samples = sample(w.plan, runs=200, seed=4, progress=progress_of(snap))
    assert (w.plan.start + samples.finish == snap.forecast_finish).all()


def test_a_pulled_task_starts_in_the_simulation_when_it_was_pulled_to(write_runbook):
    path = write_runbook(
        """
        name: Pulled
        timezone: Europe/Amsterdam
        start: 2026-12-04T18:00
        tasks:
          - {id: prep, title: Prepare, duration: 1h}
          - {id: late, title: Held back, duration: 1h, depends_on: prep,
             not_before: 2026-12-05T06:00}
        """
    )
    with Weekend.open(path, clock=FakeClock("2026-12-04T18:30+01:00"), create=True) as w:
        w.record("pull", ["late"], actor="mc", host="h", value=_epoch("2026-12-04T21:00+01:00"))
        snap = w.snapshot()
    assert snap.forecast_finish == _epoch("2026-12-04T22:00+01:00")
    samples = sample(w.plan, runs=50, seed=1, progress=progress_of(snap))
    assert (w.plan.start + samples.finish == snap.forecast_finish).all()
