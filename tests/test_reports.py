"""The readiness report and the review: golden Markdown and JSON, the recommendation rules,
and the commands as a user runs them.

Regenerate the golden files after an intended change with RUNBOOK_UPDATE_GOLDEN=1 and read
the diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from runbook.contracts.reports import readiness_json, review_json
from runbook.reports.readiness import CONDITIONS, GO, NO_GO, readiness
from runbook.reports.render.html import readiness_html
from runbook.reports.render.markdown import readiness_markdown, review_markdown
from runbook.reports.review import review
from runbook.usecases import Weekend

from .builders import golden_runbook
from .weekend_helpers import FakeClock, at

GOLDEN = Path(__file__).parent / "data" / "golden"
BEFORE = int(at("2026-12-01T12:00+01:00").timestamp())
DAY_BEFORE = {"RUNBOOK_NOW": "2026-12-01T11:00"}  # sign-offs and checks, by a fixed clock


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RUNBOOK_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A folder holding a copy of the golden runbook, as the current directory."""
    golden_runbook(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rehearse(state: str) -> None:
    """A dress rehearsal (on its own date, `runbook rehearse`) in which the export took 3h
    instead of 2h."""
    clock = FakeClock("2026-11-28T12:00+01:00")
    with Weekend.open("weekend.yaml", state, clock=clock, create=True) as w:
        w.begin_rehearsal(at("2026-11-28T08:00+01:00"))
        r = w.record
        r("start", ["freeze"], actor="ingrid", host="h", at=at("2026-11-28T08:00+01:00"))
        r("done", ["freeze"], actor="ingrid", host="h", at=at("2026-11-28T08:15+01:00"))
        r("start", ["export"], actor="sanne", host="h", at=at("2026-11-28T08:15+01:00"))
        r("done", ["export"], actor="sanne", host="h", at=at("2026-11-28T11:15+01:00"))


def _prepare_readiness(state: str) -> None:
    clock = FakeClock("2026-12-01T11:00+01:00")
    with Weekend.open("weekend.yaml", state, clock=clock, create=True) as w:
        w.check_item("cab", actor="ingrid", host="h")
        w.sign_off("dba", actor="Sanne Bakker", host="h")


def test_the_readiness_report_reads_as_the_golden_markdown_and_json(here):
    _rehearse("rehearsal.db")
    _prepare_readiness("weekend.state.db")
    report = readiness(
        "weekend.yaml",
        now=BEFORE,
        state="weekend.state.db",
        rehearsal="rehearsal.db",
        runs=2000,
        seed=1,
    )
    _golden("readiness.md", readiness_markdown(report))
    _golden(
        "readiness.json", json.dumps(readiness_json(report), indent=2, ensure_ascii=False) + "\n"
    )


def test_a_gate_after_its_point_of_no_return_makes_it_no_go(here):
    report = readiness("weekend.yaml", now=BEFORE, runs=500)
    assert report.recommendation == NO_GO
    assert any(f.rule == "point-of-no-return" and "gate-live" in f.message for f in report.findings)


def _relaxed(extra: str = "", **replace: str) -> None:
    """The golden runbook with the live gate's rollback short enough, plus changes."""
    text = (GOLDEN / "weekend.yaml").read_text().replace("rollback: 5h", "rollback: 3h")
    for old, new in replace.items():
        text = text.replace(old, new)
    Path("weekend.yaml").write_text(text + extra)


def test_missing_sign_offs_and_an_open_risk_of_15_make_it_conditions_then_no_go(here):
    _relaxed()
    report = readiness("weekend.yaml", now=BEFORE, runs=500)
    # r-bandwidth scores 3 x 5 = 15: NO-GO by default.
    assert report.recommendation == NO_GO
    assert any(f.rule == "risk" and f.outcome == "no-go" for f in report.findings)
    _relaxed(**{"likelihood: 3, impact: 5": "likelihood: 2, impact: 5"})
    report = readiness("weekend.yaml", now=BEFORE, runs=500)
    assert report.recommendation == CONDITIONS
    rules = {f.rule for f in report.findings if f.outcome == "conditions"}
    assert {"risk", "signoff", "complete", "readiness"} <= rules


def test_the_rules_are_configurable_in_the_runbook(here):
    _relaxed(
        "\nreadiness_rules: {risk_no_go_score: 20, risk_conditions_score: 20, "
        "require_signoffs: false}\n",
        **{"lead: Sanne Bakker}": "lead: Sanne Bakker, contact: +31 20 555 0120}"},
    )
    report = readiness("weekend.yaml", now=int(at("2026-11-29T12:00+01:00").timestamp()), runs=500)
    assert report.recommendation == GO, report.findings


def test_a_probability_under_the_threshold_makes_it_no_go(here):
    _relaxed(
        **{
            "duration: 3h, depends_on: gate-transfer}": "duration: 3h, depends_on: gate-transfer, "
            "estimate: {optimistic: 3h, pessimistic: 40h}}"
        }
    )
    report = readiness("weekend.yaml", now=BEFORE, runs=2000, seed=3)
    assert report.simulation.p_on_time < 0.8
    assert any(f.rule == "probability" and f.outcome == "no-go" for f in report.findings)


def test_an_invalid_runbook_is_no_go_and_says_why(here):
    Path("weekend.yaml").write_text("name: x\nstart: 2026-12-04T06:00\ntasks: []\n")
    report = readiness("weekend.yaml", now=BEFORE)
    assert report.recommendation == NO_GO
    assert "not valid" in readiness_markdown(report)


def _weekend(state: str) -> None:
    """The weekend itself: export overran by an hour, the switch waited for it, the lab
    test was skipped, the live gate never came."""
    clock = FakeClock("2026-12-05T10:00+01:00")
    with Weekend.open("weekend.yaml", state, clock=clock, create=True) as w:

        def r(kind, task, when, **kw):
            w.record(
                kind,
                [task],
                actor=kw.pop("by", "mc"),
                host="h",
                at=at(f"2026-12-{when}+01:00"),
                **kw,
            )

        r("start", "freeze", "04T18:00")
        r("done", "freeze", "04T18:15")
        r("start", "export", "04T18:15")
        r("note", "export", "04T19:00", note="throughput lower than in the rehearsal", by="sanne")
        r("done", "export", "04T21:15")
        w.decide("gate-transfer", "go", actor="CIO", host="h", at=at("2026-12-04T21:20+01:00"))
        r("done", "gate-transfer", "04T21:20")
        r("start", "import", "04T21:20")
        r("done", "import", "05T00:20")
        r("start", "switch", "05T00:30")
        r("done", "switch", "05T01:45")
        r("skip", "test", "05T06:00", note="control samples done by the vendor")


def test_the_review_reads_as_the_golden_markdown_and_json(here):
    _weekend("weekend.state.db")
    with Weekend.open(
        "weekend.yaml", "weekend.state.db", clock=FakeClock("2026-12-05T10:00+01:00")
    ) as w:
        result = review(w)
    _golden("review.md", review_markdown(result))
    _golden("review.json", json.dumps(review_json(result), indent=2, ensure_ascii=False) + "\n")


def test_the_review_traces_a_slip_to_where_it_came_from(here):
    _weekend("weekend.state.db")
    with Weekend.open(
        "weekend.yaml", "weekend.state.db", clock=FakeClock("2026-12-05T10:00+01:00")
    ) as w:
        result = review(w)
    slips = {r.id: r for r in result.slips}
    assert slips["export"].own_overrun == 3600
    assert slips["import"].came_from == "export"
    assert [r.id for r in result.aftercare] == ["gate-live"]
    assert [r.reason for r in result.skipped] == ["control samples done by the vendor"]


def test_readiness_command_writes_each_format(cli, here):
    result = cli(
        "readiness",
        "-f",
        "weekend.yaml",
        "--format",
        "json",
        "--runs",
        "500",
        env={"RUNBOOK_NOW": "2026-12-01T12:00"},
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["recommendation"] == NO_GO
    assert data["gates"][1]["margin_minutes"] == -60
    md = cli("readiness", "-f", "weekend.yaml", "--runs", "500")
    assert "## Recommendation: **NO-GO**" in md.stdout
    out = here / "report.html"
    html = cli("readiness", "-f", "weekend.yaml", "--format", "html", "-o", out, "--runs", "500")
    assert html.exit_code == 0
    assert out.read_text().lstrip().lower().startswith("<!doctype html>")


def test_readiness_of_an_invalid_runbook_exits_one_with_the_problems(cli, here):
    Path("weekend.yaml").write_text("name: x\nstart: 2026-12-04T06:00\ntasks: []\n")
    result = cli("readiness", "-f", "weekend.yaml", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["recommendation"] == NO_GO
    assert "weekend.yaml:3:8: error: the runbook has no tasks" in result.stderr


def test_review_without_a_state_file_is_a_clear_error(cli, here):
    result = cli("review", "-f", "weekend.yaml")
    assert result.exit_code == 1
    assert "nothing was recorded yet" in result.stderr


def test_decide_no_go_says_which_rollback_to_run_and_by_when(cli, here):
    env = {"RUNBOOK_NOW": "2026-12-04T21:00"}
    result = cli("decide", "gate-transfer", "no-go", "-f", "weekend.yaml", "--by", "CIO", env=env)
    assert result.exit_code == 0
    assert "NO-GO at gate-transfer" in result.stdout
    assert (
        "roll back now: `runbook rollback gate-transfer` starts it; it takes 4h "
        "(rb-restore → rb-dns)" in result.stdout
    )
    assert "it must start by Sat 05 Dec 08:00 (in 11h)" in result.stdout


def test_status_shows_the_time_left_to_the_next_point_of_no_return(cli, here):
    result = cli("status", "-f", "weekend.yaml", "--json", env={"RUNBOOK_NOW": "2026-12-04T21:00"})
    ponr = json.loads(result.stdout)["next_point_of_no_return"]
    assert ponr == {
        "gate": "gate-live",
        "at": "2026-12-05T07:00:00+01:00",
        "minutes_left": 600,
        "rollback_minutes": 300,
    }


def test_signoff_and_check_commands(cli, here):
    assert (
        "signed off: Database team is ready"
        in cli("signoff", "dba", "-f", "weekend.yaml", "--by", "Sanne", env=DAY_BEFORE).stdout
    )
    assert (
        "checked: comms — Lab staff informed"
        in cli("check", "comms", "-f", "weekend.yaml", env=DAY_BEFORE).stdout
    )
    bad = cli("check", "nope", "-f", "weekend.yaml")
    assert bad.exit_code == 1 and "unknown readiness item 'nope'" in bad.stderr


def test_a_second_sign_off_by_someone_else_is_shown_beside_the_first(here):
    clock = FakeClock("2026-12-01T11:00+01:00")
    with Weekend.open("weekend.yaml", clock=clock, create=True) as w:
        w.sign_off("dba", actor="Sanne Bakker", host="h")
        clock.advance(hours=1)
        w.sign_off("dba", actor="Jan de Wit", host="h", note="I was on the rehearsal too")
        clock.advance(hours=1)
        w.sign_off("dba", actor="Sanne Bakker", host="h", note="still ready")

    report = readiness("weekend.yaml", now=BEFORE, state="weekend.state.db", runs=200)

    (dba,) = [s for s in report.signoffs if s.team == "dba"]
    assert [(x.by, x.at) for x in dba.signers] == [
        ("Sanne Bakker", int(at("2026-12-01T11:00+01:00").timestamp())),
        ("Jan de Wit", int(at("2026-12-01T12:00+01:00").timestamp())),
    ]
    assert (
        "| Database team | Sanne Bakker | ✔ Sanne Bakker, Tue 01 Dec 11:00; "
        "✔ Jan de Wit, Tue 01 Dec 12:00 |" in readiness_markdown(report)
    )
    (signoff,) = [s for s in readiness_json(report)["signoffs"] if s["team"] == "dba"]
    assert signoff["signed_by"] == "Sanne Bakker"
    assert signoff["signers"] == [
        {"by": "Sanne Bakker", "at": "2026-12-01T11:00:00+01:00"},
        {"by": "Jan de Wit", "at": "2026-12-01T12:00:00+01:00"},
    ]
    page = readiness_html(report)
    assert page.count("Jan de Wit") == 1
    assert page.count("Sanne Bakker, ") == 1  # the lead's column says "Sanne Bakker" alone


def test_signoff_takes_a_unique_prefix_of_a_team_id_or_name(cli, here):
    by_id = cli("signoff", "db", "-f", "weekend.yaml", "--by", "Sanne", env=DAY_BEFORE)
    by_name = cli("signoff", "lab app", "-f", "weekend.yaml", "--by", "Ahmed", env=DAY_BEFORE)

    assert "signed off: Database team is ready" in by_id.stdout
    assert "signed off: Lab application owners is ready" in by_name.stdout


def test_signoff_of_an_unknown_team_says_did_you_mean(cli, here):
    result = cli("signoff", "pm0", "-f", "weekend.yaml")

    assert result.exit_code == 1
    assert "unknown team 'pm0'" in result.stderr
    assert "did you mean 'pmo'?" in result.stderr


def test_check_takes_a_unique_prefix_and_says_did_you_mean(cli, here):
    checked = cli("check", "com", "-f", "weekend.yaml", env=DAY_BEFORE)
    assert "checked: comms — Lab staff informed" in checked.stdout
    result = cli("check", "rehersal", "-f", "weekend.yaml")
    assert result.exit_code == 1
    assert "did you mean 'rehearsal'?" in result.stderr


def test_check_at_records_when_the_item_was_done(cli, here):
    env = {"RUNBOOK_NOW": "2026-12-02T10:00"}

    result = cli("check", "cab", "-f", "weekend.yaml", "--at", "2026-11-30T16:00", env=env)

    assert result.exit_code == 0, result.stderr
    assert "checked: cab — Change approved by the CAB · Mon 16:00 by" in result.stdout
    (row,) = [
        i
        for i in readiness_json(
            readiness("weekend.yaml", now=BEFORE, state="weekend.state.db", runs=200)
        )["readiness"]
        if i["id"] == "cab"
    ]
    assert row["done_at"] == "2026-11-30T16:00:00+01:00"


def test_check_at_a_time_in_the_future_is_refused(cli, here):
    env = {"RUNBOOK_NOW": "2026-12-02T10:00"}

    result = cli("check", "cab", "-f", "weekend.yaml", "--at", "2026-12-02T11:00", env=env)

    assert result.exit_code == 1
    assert "is in the future; --at records a time that has already passed" in result.stderr


def test_readiness_refuses_a_state_file_of_another_runbook(here):
    from runbook.common.errors import StateError

    clock = FakeClock("2026-12-01T11:00+01:00")
    shutil.copy(Path(__file__).parent.parent / "examples" / "minimal.yaml", here / "other.yaml")
    with Weekend.open("other.yaml", "other.state.db", clock=clock, create=True) as w:
        w.record("note", ["freeze"], actor="x", host="h", note="mine")
    with pytest.raises(StateError, match="belongs to the runbook 'Move the intranet"):
        readiness("weekend.yaml", now=BEFORE, state="other.state.db", runs=200)
