"""Text is data on every face: a weekend whose every text holds markup, terminal escapes,
controls, bidirectional overrides and HTML is shown literally, never obeyed, and JSON keeps it
exact. Who and why are checked when recorded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static, TabbedContent

from runbook.common.errors import InputError
from runbook.common.text import shown
from runbook.contracts.csv import plan_csv
from runbook.reports.render.markdown import md
from runbook.store.sqlite.store import Store
from runbook.tui.app import MissionControl
from runbook.usecases import Weekend
from runbook.validation.validate import validate_path
from runbook.weekend.events import data_text

from .weekend_helpers import FakeClock, at

MARKUP = "[/] [link=https://evil.example/x]Click[/link] [blink]b[/blink] [bold red]r"
ESCAPES = "\x1b]0;pwned\x07 \x1b[2J \x1b[31m \x07 \x00 \x9b \r\n \u202e \u2066"
HTML = "<script>alert(1)</script>"
HOSTILE = f"{MARKUP} {ESCAPES} {HTML}"
RAW = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u2066")
NOW = "2026-12-04T19:30+01:00"


def _hostile(label: str) -> str:
    return f"{label} {HOSTILE}"


def hostile_runbook(folder: Path) -> Path:
    """A runbook whose every text field is hostile (JSON is YAML: the escapes are \\u...)."""
    document = {
        "name": _hostile("weekend"),
        "timezone": "Europe/Amsterdam",
        "start": "2026-12-04T18:00",
        "deadline": "2026-12-05T06:00",
        "teams": {
            "pmo": {"name": _hostile("team"), "lead": _hostile("lead"), "contact": _hostile("tel")},
        },
        "tasks": [
            {
                "id": "freeze",
                "title": _hostile("title"),
                "team": "pmo",
                "duration": "15m",
                "phase": _hostile("phase"),
                "notes": _hostile("notes"),
            },
            {
                "id": "gate",
                "title": _hostile("gate"),
                "team": "pmo",
                "milestone": True,
                "depends_on": "freeze",
                "gate": True,
                "criteria": [_hostile("criterion")],
                "approvers": [_hostile("approver")],
                "rollback": "30m",
            },
            {
                "id": "move",
                "title": "=HYPERLINK(1)",
                "team": "pmo",
                "duration": "1h",
                "depends_on": "gate",
                "phase": "-2+3",
            },
        ],
        "risks": [
            {
                "id": "r1",
                "title": _hostile("risk"),
                "likelihood": 4,
                "impact": 4,
                "owner": _hostile("owner"),
                "tasks": ["move"],
            }
        ],
        "readiness": [{"id": "tapes", "title": _hostile("readiness"), "owner": _hostile("who")}],
    }
    path = folder / "hostile.yaml"
    path.write_text(json.dumps(document, ensure_ascii=True), encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """The hostile runbook with a weekend under way: check-ins through the engine where the
    rules allow the text, and hostile --by and notes written to the store directly, as an
    older version (or an attacker with the file) could have."""
    runbook = hostile_runbook(tmp_path)
    state = tmp_path / "hostile.state.db"
    clock = FakeClock(NOW)
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        weekend.record(
            "start",
            ["freeze"],
            actor=MARKUP,
            host="pc",
            note=MARKUP + HTML,
            at=at("2026-12-04T18:05+01:00"),
        )
    store = Store.open(state)
    assert store is not None
    moment = int(at("2026-12-04T19:00+01:00").timestamp())
    with store.write():
        for kind, task, data in (
            ("note", "freeze", None),
            ("fail", "freeze", None),
            ("start", "freeze", {"forced": True, "overrode": HOSTILE}),
            ("signoff", None, {"team": "pmo"}),
            ("check", None, {"item": "tapes"}),
        ):
            # Written as a hand-edited file holds it: the store's own door refuses such text
            # (eventdata), and the readers must still show it safely.
            store.db.execute(
                "INSERT INTO events (at, recorded, task, kind, actor, host, note, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (moment, moment, task, kind, HOSTILE, HOSTILE, HOSTILE, data_text(data)),
            )
    store.close()
    return runbook, state


def _no_raw_controls(text: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{raw!r} reached the output"


def _holds_exactly(value: object, wanted: str) -> bool:
    if isinstance(value, dict):
        return any(_holds_exactly(v, wanted) for v in value.values())
    if isinstance(value, list):
        return any(_holds_exactly(v, wanted) for v in value)
    return isinstance(value, str) and wanted in value


FACES = [
    ("status",),
    ("status", "--all"),
    ("log",),
    ("plan",),
    ("plan", "--ignore-state"),
    ("plan", "--gantt"),
    ("plan", "--gantt", "--group-by", "team"),
    ("plan", "--format", "csv"),
    ("readiness",),
    ("readiness", "--format", "md"),
    ("readiness", "--format", "html"),
    ("review",),
    ("baseline",),
]


@pytest.mark.parametrize("args", FACES, ids=" ".join)
def test_every_face_shows_hostile_text_literally_and_obeys_none_of_it(cli, hostile, args):
    runbook, state = hostile
    env = {"RUNBOOK_NOW": NOW, "COLUMNS": "400"}
    result = cli(*args, "-f", runbook, "--state", state, env=env)
    output = result.stdout + result.stderr
    assert result.exit_code == 0, output
    assert "Traceback" not in output and "internal error" not in output
    _no_raw_controls(output)
    if args[-1] == "html":
        assert "<script>" not in output and "&lt;script&gt;" in output
    elif args[-1] == "md" or args == ("readiness",) or args == ("review",):
        assert "<script>" not in output.replace("&lt;script&gt;", "")
    else:
        assert "[link=https://evil.example/x]Click[/link]" in output or "[/]" in output


@pytest.mark.parametrize("args", [("log",), ("plan",), ("readiness",)], ids=" ".join)
def test_json_keeps_the_exact_hostile_text(cli, hostile, args):
    runbook, state = hostile
    fmt = ("--format", "json") if args == ("readiness",) else ("--json",)
    result = cli(*args, *fmt, "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW})
    assert result.exit_code == 0, result.stderr
    assert _holds_exactly(json.loads(result.stdout), HOSTILE)


def test_a_hostile_log_forges_no_row_and_keeps_the_override_note(cli, hostile):
    runbook, state = hostile
    result = cli("log", "-f", runbook, "--state", state, env={"RUNBOOK_NOW": NOW, "COLUMNS": "400"})
    assert result.exit_code == 0
    numbered = re.findall(r"^ *(\d+)  ", result.stdout, flags=re.MULTILINE)
    assert numbered == [str(n) for n in range(1, 8)]  # seven events, no row forged
    assert "[overrode: " in result.stdout


def test_csv_text_cells_cannot_start_a_formula_and_figures_stay_numbers(tmp_path):
    plan = validate_path(hostile_runbook(tmp_path)).plan
    assert plan is not None
    rows = plan_csv(plan).splitlines()
    move = next(r for r in rows if r.startswith("move,"))
    assert "'=HYPERLINK(1)" in move and ",'-2+3," in move
    assert ",-" not in move.replace(",'-", "")  # no figure was quoted or prefixed
    assert "\x1b" not in "\n".join(rows)


def test_markdown_escapes_html_links_and_pipes():
    assert md("<b>a|b</b> [x](y)") == "&lt;b&gt;a\\|b&lt;/b&gt; \\[x\\](y)"


async def test_the_dashboard_shows_hostile_text_literally_and_opens_the_log(hostile):
    runbook, state = hostile
    weekend = Weekend.open(runbook, state, clock=FakeClock(NOW), create=True)
    app = MissionControl(weekend, actor=MARKUP, host="bridge", poll_seconds=0.05)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            assert shown(_hostile("weekend")) == app.title
            table = app.query_one("#table", DataTable)
            cells = [str(c) for row in range(table.row_count) for c in table.get_row_at(row)]
            assert shown(_hostile("title")) in cells
            recent = str(app.query_one("#recent", Static).render())
            assert "[/]" in recent
            app.query_one(TabbedContent).active = "log"
            await pilot.pause()
            log = app.query_one("#events", DataTable)
            assert log.row_count == 7
            logged = [str(c) for row in range(log.row_count) for c in log.get_row_at(row)]
            assert shown(HOSTILE) in logged
            for cell in cells + logged:
                _no_raw_controls(cell)
    finally:
        weekend.close()


@pytest.mark.parametrize(
    ("raw", "seen"),
    [
        ("\x1b", "␛"),
        ("\x07", "␇"),
        ("\x00", "␀"),
        ("\r", "␍"),
        ("\n", "␊"),
        ("\t", "␉"),
        ("\x7f", "␡"),
        ("\x9b", "\ufffd"),
        ("\x85", "\ufffd"),
        ("\u202e", "\ufffd"),
        ("\u2066", "\ufffd"),
        ("\u2028", "\ufffd"),
    ],
    ids=repr,
)
def test_the_display_helper_makes_every_control_visible(raw, seen):
    assert shown(f"a{raw}b") == f"a{seen}b"
    assert shown("[bold]x[/] <i>") == "[bold]x[/] <i>"  # markup and HTML are not its business


def test_a_note_shown_in_full_keeps_its_line_breaks_but_no_other_control():
    assert shown("one\r\ntwo\tthree\x1b", one_line=False) == "one\ntwo\tthree␛"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"actor": "eve\nforged row"}, "--by holds a line break"),
        ({"actor": "eve\x1b]0;pwned\x07"}, "--by holds the control character U+001B"),
        ({"actor": "x" * 101}, "--by is 101 characters long; at most 100"),
        ({"actor": "eve\u202e"}, "--by holds the bidirectional or invisible character U+202E"),
        ({"note": "bad \x1b[2J"}, "--reason holds the control character U+001B"),
        ({"note": "y" * 2001}, "--reason is 2001 characters long; at most 2000"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_unprintable_or_overlong_who_and_why_are_refused_when_recorded(tmp_path, kwargs, fragment):
    clock = FakeClock(NOW)
    runbook = hostile_runbook(tmp_path)
    with Weekend.open(runbook, tmp_path / "s.db", clock=clock, create=True) as weekend:
        args = {"actor": "ingrid", "host": "pc", "note": "tape jammed"} | kwargs
        with pytest.raises(InputError, match=re.escape(fragment)):
            weekend.record("fail", ["freeze"], **args)
        assert weekend.events() == []


def test_markup_and_a_multi_line_note_are_recorded_as_typed(tmp_path):
    clock = FakeClock(NOW)
    with Weekend.open(
        hostile_runbook(tmp_path), tmp_path / "s.db", clock=clock, create=True
    ) as weekend:
        weekend.record("note", ["freeze"], actor="[/]eve", host="pc", note="line one\nline two")
        assert [(e.actor, e.note) for e in weekend.events()][-1] == ("[/]eve", "line one\nline two")


def test_a_refused_by_on_the_command_line_exits_1_and_names_the_option(cli, tmp_path):
    runbook = hostile_runbook(tmp_path)
    result = cli("start", "freeze", "-f", runbook, "--by", "eve\nforged", env={"RUNBOOK_NOW": NOW})
    assert result.exit_code == 1
    assert "--by holds a line break" in result.stderr
    assert "Traceback" not in result.stderr
