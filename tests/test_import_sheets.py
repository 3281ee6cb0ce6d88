"""`runbook import` of a draaiboek kept in Excel or saved as CSV: one row a task, every cell
read, every problem located by sheet and cell, all at once, and nothing written then."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pytest

DATA = Path(__file__).resolve().parent / "data" / "sheets"
HEADER = ["Nr", "Activiteit", "Uitvoerder", "Duur", "Afhankelijk van", "Niet voor", "Fase"]
GOOD = [
    ["freeze", "Wijzigingsbevriezing", "PMO", "15 min", None, None, "Vrijdag"],
    ["backup", "Volledige back-up", "DBA", "1 uur", "freeze", None, "Vrijdag"],
    ["export", "Export van de database", "DBA", time(1, 30), "backup", None, "Vrijdagnacht"],
    ["import", "Import in de cloud", "DBA", "2u30", "export", datetime(2026, 12, 5, 1), "Zaterdag"],
]
START = ["--start", "2026-12-04 18:00", "--timezone", "Europe/Amsterdam", "--name", "Intranet"]


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    """Every test runs in its own folder: the default output, runbook.yaml, lands there."""
    monkeypatch.chdir(tmp_path)


def workbook(path: Path, rows: list[list[object]], *, title: str = "Draaiboek", top=()) -> Path:
    """A workbook as a PMO keeps one: a banner row, a blank row, then the header and rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in top:
        sheet.append(row)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_dutch_draaiboek_becomes_a_valid_runbook(cli, tmp_path):
    source = workbook(tmp_path / "plan.xlsx", [HEADER, *GOOD], top=[["Draaiboek migratie"], []])
    out = tmp_path / "runbook.yaml"

    result = cli("import", source, "-o", out, *START)

    assert result.exit_code == 0, result.stderr
    assert "runbook.yaml: valid; 4 tasks, 2 teams" in result.stderr
    plan = json.loads(cli("plan", "--json", out).stdout)
    assert [t["id"] for t in plan["tasks"]] == ["freeze", "backup", "export", "import"]
    assert [t["duration_minutes"] for t in plan["tasks"]] == [15, 60, 90, 150]
    assert plan["tasks"][3]["earliest_start"] == "2026-12-05T01:00:00+01:00"  # its not_before
    assert [t["team"] for t in plan["tasks"]] == ["pmo", "dba", "dba", "dba"]
    text = out.read_text(encoding="utf-8")
    assert "pmo:\n    name: PMO" in text


def test_rows_without_an_id_get_one_from_their_title_and_the_ids_are_said(cli, tmp_path):
    rows = [
        ["Activiteit", "Duur", "Voorganger"],
        ["Volledige back-up (DB)", "1 uur", None],
        ["Export database", "90", "2"],  # row 2 of the sheet: the back-up
        ["Export database", "30", "3"],  # the same title twice: a second id
    ]
    source = workbook(tmp_path / "plan.xlsx", rows)
    out = tmp_path / "runbook.yaml"

    result = cli("import", source, "-o", out, *START)

    assert result.exit_code == 0, result.stderr
    assert (
        "3 rows on Draaiboek had no id; made from the title: row 2: volledige-back-up-db, "
        "row 3: export-database, row 4: export-database-2" in result.stderr
    )
    plan = json.loads(cli("plan", "--json", out).stdout)
    assert [(t["id"], t["depends_on"]) for t in plan["tasks"]] == [
        ("volledige-back-up-db", []),
        ("export-database", ["volledige-back-up-db"]),
        ("export-database-2", ["export-database"]),
    ]


class Bad(NamedTuple):
    """A sheet with one thing wrong, and where and how the import must say so."""

    rows: list[list[object]]
    place: str
    fragment: str
    claim: str


def _with(row: int, column: int, value: object) -> list[list[object]]:
    rows = [list(r) for r in [HEADER, *GOOD]]
    rows[row][column] = value
    return rows


BAD = [
    Bad(
        _with(2, 3, "2 uur?"),
        "Draaiboek!D3",
        "duration '2 uur?' is not a duration",
        "a duration that is no duration is located at its cell",
    ),
    Bad(
        _with(2, 3, "-30 min"),
        "Draaiboek!D3",
        "duration '-30 min' is negative",
        "a negative duration is refused",
    ),
    Bad(
        _with(2, 3, "45 dagen"),
        "Draaiboek!D3",
        "longer than 30 days",
        "a duration past the bound is refused",
    ),
    Bad(
        _with(2, 3, None),
        "Draaiboek!D3",
        "task 'backup' has no duration",
        "a task without a duration, not a milestone, is refused",
    ),
    Bad(
        _with(3, 4, "bakcup"),
        "Draaiboek!E4",
        "task 'export' depends on 'bakcup': no such task or row (did you mean 'backup'?)",
        "a dependency on an unknown id says which was meant",
    ),
    Bad(
        _with(3, 4, "17"),
        "Draaiboek!E4",
        "depends on '17': no such task or row",
        "a dependency on a row that holds no task is refused",
    ),
    Bad(
        _with(3, 4, "2SS"),
        "Draaiboek!E4",
        "only finish-to-start without a lag can be read",
        "a start-to-start link is refused, not read as another",
    ),
    Bad(
        _with(4, 0, "backup"),
        "Draaiboek!A5",
        "id 'backup' is also row 3's",
        "a duplicate id names the row that has it first",
    ),
    Bad(
        _with(4, 0, "stap 1"),
        "Draaiboek!A5",
        "'stap 1' is not a valid id (use letters, digits, '-', '_' and '.', e.g. 'stap-1')",
        "an id with a space proposes one",
    ),
    Bad(
        _with(3, 1, None),
        "Draaiboek!B4",
        "task 'export' has no title",
        "a task without a title is refused",
    ),
    Bad(
        _with(4, 5, "31-2-2026 08:00"),
        "Draaiboek!F5",
        "is not a valid date",
        "a date that does not exist is refused",
    ),
    Bad(
        _with(4, 5, time(8, 0)),
        "Draaiboek!F5",
        "has no date",
        "a time of day without its day is refused",
    ),
    Bad(
        _with(1, 4, "import"),
        "Draaiboek!E2",
        "dependency cycle: freeze -> backup -> export -> import -> freeze",
        "a dependency cycle is located at a dependency cell of the sheet",
    ),
    Bad(
        [["Nr", "Duur"], ["a", "1h"]],
        "Draaiboek!A1",
        "no sheet has a header row naming a title column",
        "a sheet without a title column says what header it needs",
    ),
    Bad(
        [[*HEADER, "Prioriteit"], [*GOOD[0], "urgent"]],
        "Draaiboek!H2",
        "priority 'urgent' is not must, should or nice",
        "an unknown priority is refused",
    ),
    Bad(
        [[*HEADER, "Mijlpaal"], [*GOOD[0], "misschien"]],
        "Draaiboek!H2",
        "'misschien' is not yes or no",
        "a milestone flag that is neither yes nor no",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[c.claim for c in BAD])
def test_a_bad_sheet_is_refused_at_the_cell_and_nothing_is_written(cli, tmp_path, case):
    source = workbook(tmp_path / "plan.xlsx", case.rows)
    out = tmp_path / "runbook.yaml"

    result = cli("import", source, "-o", out, *START)

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2, result.stderr  # the one problem, and "nothing written"
    assert f"plan.xlsx: {case.place}: error: " in errors[0]
    assert case.fragment in errors[0]
    assert "1 problem; nothing written" in errors[1]
    assert not out.exists()


def test_every_problem_of_a_sheet_is_reported_at_once(cli, tmp_path):
    rows = _with(2, 3, "2 uur?")
    rows[3][4] = "bakcup"
    rows[4][5] = "morgen"
    source = workbook(tmp_path / "plan.xlsx", rows)

    result = cli("import", source, "-o", tmp_path / "runbook.yaml", *START)

    assert result.exit_code == 1
    located = [
        line.split(": error:")[0]
        for line in result.stderr.splitlines()
        if ": error:" in line and not line.startswith("runbook:")
    ]
    assert [line.rsplit(" ", 1)[-1] for line in located] == [
        "Draaiboek!D3",
        "Draaiboek!E4",
        "Draaiboek!F5",
    ]
    assert "3 problems; nothing written" in result.stderr


def test_an_existing_file_is_never_written_over_without_force(cli, tmp_path):
    source = workbook(tmp_path / "plan.xlsx", [HEADER, *GOOD])
    out = tmp_path / "runbook.yaml"
    out.write_text("# mine\n", encoding="utf-8")

    refused = cli("import", source, "-o", out, *START)
    assert refused.exit_code == 1
    assert "runbook.yaml: exists; it is not written over" in refused.stderr
    assert out.read_text(encoding="utf-8") == "# mine\n"

    forced = cli("import", source, "-o", out, *START, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "name: Intranet" in out.read_text(encoding="utf-8")


def test_a_runbook_without_a_start_asks_for_one(cli, tmp_path):
    source = workbook(tmp_path / "plan.xlsx", [HEADER, *GOOD])

    result = cli("import", source, "-o", tmp_path / "runbook.yaml")

    assert result.exit_code == 1
    assert "plan.xlsx: --start: error: the runbook needs a start" in result.stderr


def test_map_reads_a_column_the_headers_do_not_name_and_sheet_picks_the_sheet(cli, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Voorblad"
    book.active.append(["Migratie intranet"])
    sheet = book.create_sheet("Stappen")
    sheet.append(["Wat", "Wie", "Hoe lang (min)", "Na"])
    sheet.append(["Back-up maken", "DBA", 60, None])
    sheet.append(["Export", "DBA", 90, "back-up-maken"])
    book.save(tmp_path / "plan.xlsx")
    out = tmp_path / "runbook.yaml"

    result = cli(
        "import",
        tmp_path / "plan.xlsx",
        "-o",
        out,
        "--sheet",
        "stappen",
        "--map",
        "Wat=title",
        "--map",
        "Wie=team",
        "--map",
        "Hoe lang=duration",
        *START,
    )

    assert result.exit_code == 0, result.stderr
    plan = json.loads(cli("plan", "--json", out).stdout)
    assert [(t["id"], t["duration_minutes"], t["depends_on"]) for t in plan["tasks"]] == [
        ("back-up-maken", 60, []),
        ("export", 90, ["back-up-maken"]),
    ]


def test_an_unknown_sheet_or_mapped_header_is_refused_with_a_suggestion(cli, tmp_path):
    source = workbook(tmp_path / "plan.xlsx", [HEADER, *GOOD])

    no_sheet = cli("import", source, "--sheet", "Draaiboeken", *START)
    assert no_sheet.exit_code == 1
    assert "--sheet 'Draaiboeken': error: the workbook has no such sheet (did you mean " in (
        no_sheet.stderr
    )
    no_header = cli("import", source, "--map", "Uitvoeder=team", "-o", tmp_path / "o.yaml", *START)
    assert no_header.exit_code == 1
    assert "no column is headed 'uitvoeder' (did you mean 'uitvoerder'?)" in no_header.stderr


def test_a_csv_saved_by_a_dutch_excel_is_read(cli, tmp_path):
    """Semicolons, decimal commas, day-first dates, Windows-1252 (é, €), CRLF, a quoted cell
    with a semicolon and another with a line break, and hours named in the header."""
    raw = (DATA / "draaiboek-excel-nl.csv").read_bytes()
    assert b";" in raw and b"\r\n" in raw and "€".encode("cp1252") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    out = tmp_path / "runbook.yaml"

    result = cli(
        "import",
        DATA / "draaiboek-excel-nl.csv",
        "-o",
        out,
        "--start",
        "4-12-2026 18:00",
        "--timezone",
        "Europe/Amsterdam",
    )

    assert result.exit_code == 0, result.stderr
    assert "read as Windows-1252 text" in result.stderr
    assert "column 'Kosten (€)' not read" in result.stderr
    plan = json.loads(cli("plan", "--json", out).stdout)
    tasks = {t["id"]: t for t in plan["tasks"]}
    assert [t["duration_minutes"] for t in plan["tasks"]] == [15, 90, 0, 120, 150, 30, 45, 0]
    assert tasks["6"]["earliest_start"] == "2026-12-05T01:00:00+01:00"
    assert tasks["6"]["team"] == "netwerk-telefonie"
    text = out.read_text(encoding="utf-8")
    assert 'notes: "Controleer de back-up; pas daarna verder"' in text
    assert "café-server 'Zuid'\\nen meld" in text
    assert plan["finish"] == "2026-12-05T02:15:00+01:00"


def test_a_csv_in_utf8_with_a_bom_and_commas_is_read_too(cli, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_bytes(
        "\ufeffID,Title,Team,Duration,Depends on\r\n"
        "a,Café open,ops,30m,\r\n"
        'b,"Close, then lock",ops,1:15,a\r\n'.encode()
    )
    out = tmp_path / "runbook.yaml"

    result = cli("import", source, "-o", out, *START)

    assert result.exit_code == 0, result.stderr
    plan = json.loads(cli("plan", "--json", out).stdout)
    assert [(t["title"], t["duration_minutes"]) for t in plan["tasks"]] == [
        ("Café open", 30),
        ("Close, then lock", 75),
    ]


def test_a_csv_problem_is_located_at_its_cell(cli, tmp_path):
    source = tmp_path / "plan.csv"
    source.write_text("Taak;Duur\nBack-up;1 uur\nExport;2 uur?\n", encoding="utf-8")

    result = cli("import", source, "-o", tmp_path / "runbook.yaml", *START)

    assert result.exit_code == 1
    assert "plan.csv: B3: error: duration '2 uur?' is not a duration" in result.stderr


def test_a_file_that_is_no_workbook_is_refused_plainly(cli, tmp_path):
    fake = tmp_path / "plan.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    result = cli("import", fake, "-o", tmp_path / "o.yaml", *START)
    assert result.exit_code == 1
    assert "is an Excel 97-2003 workbook (.xls)" in result.stderr
    fake.write_bytes(b"not a zip at all")
    result = cli("import", fake, "-o", tmp_path / "o.yaml", *START)
    assert result.exit_code == 1
    assert "is not an Excel workbook (.xlsx)" in result.stderr


def test_excel_time_cells_and_durations_over_a_day_are_read(cli, tmp_path):
    rows = [
        ["ID", "Title", "Duration"],
        ["a", "Short", time(0, 45)],
        ["b", "Long", timedelta(hours=26)],
        ["c", "Minutes", 90],
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet["C3"].number_format = "[h]:mm"
    book.save(tmp_path / "plan.xlsx")
    out = tmp_path / "runbook.yaml"

    result = cli("import", tmp_path / "plan.xlsx", "-o", out, *START)

    assert result.exit_code == 0, result.stderr
    plan = json.loads(cli("plan", "--json", out).stdout)
    assert [t["duration_minutes"] for t in plan["tasks"]] == [45, 1560, 90]


def test_a_workbook_whose_xml_declares_entities_is_refused(cli, tmp_path):
    """openpyxl parses a workbook's XML through defusedxml (installed with runbook)."""
    import zipfile

    good = workbook(tmp_path / "good.xlsx", [HEADER, *GOOD])
    bad = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaaaaaaaa">]>' + data
            target.writestr(item, data)

    result = cli("import", bad, "-o", tmp_path / "runbook.yaml", *START)

    assert result.exit_code == 1
    assert "bomb.xlsx: refused: its XML declares a document type or entities" in result.stderr
    assert not (tmp_path / "runbook.yaml").exists()


def test_a_csv_in_utf16_with_tabs_and_one_naming_its_delimiter_are_read(cli, tmp_path):
    """Excel's "Unicode text" is UTF-16 with tabs; a first line sep=; names the delimiter."""
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes("Taak\tDuur\r\nBack-up maken\t1 uur\r\n".encode("utf-16"))
    named = tmp_path / "named.csv"
    named.write_text(
        "sep=|\nTaak|Duur|Opmerkingen\nBack-up maken|1 uur|a, b; c\n", encoding="utf-8"
    )

    for source in (unicode_text, named):
        out = tmp_path / f"{source.stem}.yaml"
        result = cli("import", source, "-o", out, *START)
        assert result.exit_code == 0, result.stderr
        plan = json.loads(cli("plan", "--json", out).stdout)
        assert [(t["id"], t["duration_minutes"]) for t in plan["tasks"]] == [("back-up-maken", 60)]
    assert 'notes: "a, b; c"' in (tmp_path / "named.yaml").read_text(encoding="utf-8")


def test_a_row_with_only_a_heading_is_the_phase_of_the_rows_below_it(cli, tmp_path):
    rows = [
        ["Activiteit", "Duur", "Afhankelijk van"],
        ["VRIJDAG 4 DECEMBER"],
        ["Back-up maken", "1 uur", None],
        ["Export", "90", "3"],
        [None, "ZATERDAG"],
        ["Import", "2 uur", "4"],
    ]
    source = workbook(tmp_path / "plan.xlsx", rows)
    out = tmp_path / "runbook.yaml"

    result = cli("import", source, "-o", out, *START)

    assert result.exit_code == 0, result.stderr
    assert (
        "rows with only a text read as the phase of the rows below: row 2: VRIJDAG 4 DECEMBER, "
        "row 5: ZATERDAG" in result.stderr
    )
    plan = json.loads(cli("plan", "--json", out).stdout)
    assert [(t["id"], t["phase"], t["depends_on"]) for t in plan["tasks"]] == [
        ("back-up-maken", "VRIJDAG 4 DECEMBER", []),
        ("export", "VRIJDAG 4 DECEMBER", ["back-up-maken"]),
        ("import", "ZATERDAG", ["export"]),
    ]


def test_random_cells_are_read_or_refused_never_a_crash(tmp_path):
    """Whatever a sheet holds, the import returns problems or a runbook; nothing raises."""
    import random

    from runbook.interchange import emit
    from runbook.interchange.draft import ImportOptions
    from runbook.interchange.importer import import_file
    from runbook.interchange.sheet import Sheet
    from runbook.interchange.workbook import from_sheets
    from runbook.validation.validate import validate_bytes

    rng = random.Random(2025)
    ok = 0
    header = [*HEADER, "Prioriteit", "Mijlpaal", "Gate", "Approvers", "Rollback", "Optimistic"]
    pool: list[object] = [
        None,
        "",
        " ",
        "x",
        "ja",
        "2 uur",
        "1:30",
        "-5",
        "1e9",
        "nan",
        "∞",
        "a;b;;c",
        "3FS+2d",
        "1",
        "2",
        "99",
        0,
        1,
        -1,
        1.5,
        1e300,
        float("nan"),
        True,
        False,
        time(25 % 24, 0),
        timedelta(days=40),
        datetime(1899, 12, 31),
        datetime(2026, 12, 5, 3),
        "31-2-2026",
        "\x00\x1b[31m",
        "é" * 300,
        "Taak",
        "freeze",
        "must",
        "could have",
        "PT1H",
    ]
    for _ in range(300):
        rows = [tuple(header)]
        for n in range(rng.randint(0, 6)):
            good = [
                f"t{n}",
                f"Taak {n}",
                "PMO",
                "1 uur",
                f"t{n - 1}" if n else None,
                None,
                "Vrijdag",
                "should",
                None,
                None,
                None,
                None,
                None,
            ]
            rows.append(tuple(v if rng.random() < 0.9 else rng.choice(pool) for v in good))
        draft = from_sheets(
            [Sheet("Draaiboek", rows)], ImportOptions(start="2026-12-04"), source="fuzz.xlsx"
        )
        assert draft.ok or draft.problems
        if draft.ok:  # what was read is written, and the validator reads it back
            validation = validate_bytes(emit.dump(draft.document).encode(), source="fuzz.yaml")
            assert not [p for p in validation.problems if "YAML" in p.message]
            ok += 1
    assert ok  # some sheets were good enough to become runbooks
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(  # openpyxl writes neither NaN nor control characters
            [
                None
                if (isinstance(v, float) and v != v) or (isinstance(v, str) and "\x00" in v)
                else v
                for v in row
            ]
        )
    book.save(tmp_path / "last.xlsx")
    imported = import_file(
        tmp_path / "last.xlsx", ImportOptions(start="2026-12-04"), output="out.yaml"
    )
    assert imported.ok or imported.problems
