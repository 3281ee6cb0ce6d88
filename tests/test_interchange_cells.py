"""A spreadsheet cell read as a runbook value, in English and Dutch, and the YAML writer that
must read back as the same text."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from runbook.format.yamlsafe import read
from runbook.interchange import cells, emit
from runbook.interchange.cells import CellError
from runbook.interchange.headers import parse_maps, recognise, unit_of


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1h30m", 5400),
        ("90m", 5400),
        ("PT1H30M", 5400),
        ("90", 5400),  # a plain number is minutes, as in the runbook format
        (90, 5400),
        ("1,5", 90),  # a decimal comma: 1.5 minutes
        ("1:30", 5400),
        ("0:45:30", 2730),
        ("2 uur", 7200),
        ("1 uur 30 min", 5400),
        ("1,5 uur", 5400),
        ("2u30", 9000),
        ("1 dag en 2 uur", 93600),
        ("30 min", 1800),
        ("45 minuten", 2700),
        ("2 hours", 7200),
        (timedelta(hours=27), 97200),  # an Excel [h]:mm cell
        (time(1, 30), 5400),  # an Excel h:mm cell
        (datetime(1900, 1, 1, 1, 30), 91800),  # an Excel time past 24 hours, read as a date
        ("0", 0),
    ],
)
def test_a_duration_is_read_in_every_form_a_draaiboek_writes_it(value, seconds):
    assert cells.read_duration(value) == seconds


def test_a_plain_number_takes_the_unit_its_header_names():
    assert unit_of("Duur (uren)") == 3600
    assert unit_of("Duration (min)") == 60
    assert unit_of("Doorlooptijd in dagen") == 86400
    assert unit_of("Duur") is None
    assert cells.read_duration("1,5", unit=3600) == 5400
    assert cells.read_duration(0.25, unit=3600) == 900


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2 uur?", "duration '2 uur?' is not a duration"),
        ("twee uur", "duration 'twee uur' is not a duration"),
        ("-30 min", "duration '-30 min' is negative"),
        ("45 dagen", "duration '45 dagen' is longer than 30 days"),
        ("P1M", "is not a duration"),
        (datetime(2026, 12, 4, 18, 0), "is a date, not a duration"),
        (True, "is not a duration"),
    ],
)
def test_a_cell_that_is_no_duration_is_refused_with_the_cell_quoted(value, fragment):
    with pytest.raises(CellError) as caught:
        cells.read_duration(value)
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2026-12-04T18:00", "2026-12-04T18:00"),
        ("2026-12-04 18:00", "2026-12-04T18:00"),
        ("4-12-2026 18:00", "2026-12-04T18:00"),  # a Dutch Excel's CSV: day first
        ("4/12/2026 18:00", "2026-12-04T18:00"),
        ("04.12.2026 06:30", "2026-12-04T06:30"),
        ("za 5 dec 2026 08:00", "2026-12-05T08:00"),
        ("zaterdag 5 december 2026 8.00", "2026-12-05T08:00"),
        ("Sat 5 Dec 2026 08:00", "2026-12-05T08:00"),
        ("2026/12/05 08:00", "2026-12-05T08:00"),
        ("2026-12-05T08:00:30+01:00", "2026-12-05T08:00:30+01:00"),
        (datetime(2026, 12, 5, 8, 0), "2026-12-05T08:00"),  # an Excel date cell
        (date(2026, 12, 5), "2026-12-05T00:00"),
    ],
)
def test_a_time_is_read_from_date_cells_and_dutch_or_iso_text(value, text):
    assert cells.read_time(value) == text


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("31-2-2026 08:00", "is not a valid date"),
        ("12/31/2026 08:00", "dates are read day first"),
        (time(8, 0), "has no date"),
        ("morgenochtend", "is not a date and time"),
        ("5 foo 2026", "unknown month"),
        ("1-1-1900", "outside the years"),
    ],
)
def test_a_cell_that_is_no_time_is_refused_and_says_why(value, fragment):
    with pytest.raises(CellError) as caught:
        cells.read_time(value)
    assert fragment in caught.value.message + (caught.value.hint or "")


def test_yes_and_no_are_read_in_dutch_and_english_and_as_excel_booleans():
    for yes in ("ja", "Ja", "yes", "x", "X", "1", True, 1, "TRUE", "waar"):
        assert cells.read_flag(yes) is True
    for no in ("nee", "no", "0", False, 0, None, "", "ONWAAR"):
        assert cells.read_flag(no) is False
    with pytest.raises(CellError, match="is not yes or no"):
        cells.read_flag("misschien")


def test_priorities_are_read_as_must_should_nice_and_moscow():
    assert cells.read_priority("Must have") == "must"
    assert cells.read_priority("should") == "should"
    assert cells.read_priority("Could-have") == "nice"
    assert cells.read_priority("kan") == "nice"
    with pytest.raises(CellError, match="is not must, should or nice"):
        cells.read_priority("urgent")


def test_dependencies_are_split_on_commas_semicolons_and_line_breaks():
    assert cells.read_ids("backup, export;import\nverify") == [
        "backup",
        "export",
        "import",
        "verify",
    ]
    assert cells.read_ids(7.0) == ["7"]  # a number cell: row 7 or id 7


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("CIO\nCMIO", ["CIO", "CMIO"]),
        ("CIO, CMIO", ["CIO", "CMIO"]),
        (
            "project-team (1): Ingrid de Vries, Ruud Mulder\nsteering-committee (all): CIO, CMIO",
            [
                {"stage": "project-team", "approvers": ["Ingrid de Vries", "Ruud Mulder"],
                 "needs": 1},
                {"stage": "steering-committee", "approvers": ["CIO", "CMIO"], "needs": "all"},
            ],
        ),
        (
            "board ( ALLE ):  Vries, Ingrid de ;  CIO\n",
            [{"stage": "board", "approvers": ["Vries, Ingrid de", "CIO"], "needs": "all"}],
        ),
    ],
    ids=["names one per line", "names on one line", "stages one per line",
         "a stage whose names hold a comma, in Dutch"],
)  # fmt: skip
def test_an_approvers_cell_holds_names_or_a_gates_stages(value, read):
    assert cells.read_approvers(value) == read


def test_the_approvers_cell_a_gates_stages_are_written_to_reads_back_as_them():
    stages = [("project-team", ["Ingrid de Vries", "Ruud Mulder"], 1), ("board", ["A, B"], "all")]
    text = cells.approvers_text(stages)
    assert text == "project-team (1): Ingrid de Vries, Ruud Mulder\nboard (all): A, B;"
    assert cells.read_approvers(text) == [
        {"stage": s, "approvers": names, "needs": needs} for s, names, needs in stages
    ]


def test_a_line_that_is_no_stage_among_stages_is_refused_with_the_line_quoted():
    with pytest.raises(CellError) as refused:
        cells.read_approvers("project-team (1): Ingrid de Vries\nthe CIO")
    assert "'the CIO' is not a stage" in refused.value.message


def test_headers_are_recognised_in_dutch_and_english_whatever_their_case_or_punctuation():
    layout = recognise(
        ["Nr.", "ACTIVITEIT", "Uitvoerder:", "Duur (uren)", "Afhankelijk van", "Kosten"], {}
    )
    assert {f: c.index for f, c in layout.columns.items()} == {
        "id": 0,
        "title": 1,
        "team": 2,
        "duration": 3,
        "depends_on": 4,
    }
    assert layout.columns["duration"].unit == 3600
    assert layout.unused == ["Kosten"]


def test_map_names_a_column_the_headers_do_not():
    layout = recognise(["Wat", "Wie", "Hoe lang"], parse_maps(["Wat=title", "Wie=team"]))
    assert set(layout.columns) == {"title", "team"}
    assert layout.unused == ["Hoe lang"]


def test_map_to_an_unknown_field_says_which_it_meant():
    from runbook.interchange.headers import MapError

    with pytest.raises(MapError) as caught:
        parse_maps(["Wie=taem"])
    assert "unknown field 'taem'" in caught.value.message
    assert caught.value.hint == "did you mean 'team'?"


def _read_back(text: str) -> object:
    document = read(f"key: {emit.scalar(text)}\nlist: [{emit.scalar(text, flow=True)}]\n".encode())
    assert not document.issues, (text, document.issues)
    return document.data


@pytest.mark.parametrize(
    "text",
    [
        "plain title",
        "Go/no-go: start",
        "yes",
        "no",
        "null",
        "007",
        "1.5",
        "2026-12-04T18:00",
        "1h30m",
        "+31 20 555 0100",
        "- starts with a dash",
        "a # not a comment",
        "trailing space ",
        "[brackets], {braces}",
        "quote ' and \" both",
        "tab\there",
        "line\nbreak",
        "\u2028 line separator",
        "\x85 next line",
        "\x7f delete",
        "émigré café",
        "emoji 🚀",
        "&anchor *alias !tag %directive @at `tick`",
        "",
    ],
)
def test_every_text_the_writer_emits_reads_back_as_itself(text):
    data = _read_back(text)
    assert data == {"key": text, "list": [text]}


def test_random_texts_read_back_as_themselves():
    rng = random.Random(25)
    alphabet = "ab :#-'\"\\,[]{}&*!|>%@`\t\n\r\x00\x1b\x7f\x85\u2028\ufeffé🚀0123456789.?"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _read_back(text) == {"key": text, "list": [text]}


def test_durations_are_written_exactly_as_the_format_reads_them():
    from runbook.format.durations import parse_duration

    for seconds in (0, 45, 60, 5400, 5405, 86400, 93600, 97205, 30 * 86400):
        assert parse_duration(emit.duration_text(seconds)) == seconds
    assert emit.duration_text(5400) == "1h30m"
    assert emit.duration_text(172800) == "2d"
