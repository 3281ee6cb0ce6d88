"""The plan's tables drawn row by row (issue 28 §3) are the very bytes rich's Table draws.

`runbook plan` used to hand a rich Table 10,000 rows (about 4 s); the table is now drawn by
`RowTable`, which works the layout out once and formats rows with string operations. What
the user sees must not change by a byte: every width rule, the wrapped ids, the colours on a
terminal, the plain text when piped. Each test draws a table both ways, `RowTable` as `runbook
plan` prints it and the rich Table it stands for (`rich_table()`, the code of before), and
compares the output.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Span, Text

from runbook.cli.fast_table import RowTable
from runbook.cli.render_plan import Column, fitted_table, plan_table
from runbook.usecases import Weekend

from .weekend_helpers import FakeClock

WIDTHS = [16, 24, 32, 40, 52, 60, 72, 80, 100, 120, 200]
BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


class _AsciiFile(io.StringIO):
    """A file whose encoding is not UTF-8: rich draws the table's rule in ASCII."""

    encoding = "ascii"


def _drawn(table: RowTable, width: int, colour: bool, *, ascii_only: bool = False) -> str:
    """The table as `runbook plan` prints it (uncropped: its lines fit)."""
    return _print(table, width, colour, ascii_only, crop=False)


def _by_rich(table: RowTable, width: int, colour: bool, *, ascii_only: bool = False) -> str:
    """The same table drawn by rich's Table, printed as `runbook plan` printed it before."""
    return _print(table.rich_table(), width, colour, ascii_only, crop=True)


def _print(renderable: object, width: int, colour: bool, ascii_only: bool, *, crop: bool) -> str:
    file = _AsciiFile() if ascii_only else io.StringIO()
    out = Console(
        file=file,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        markup=False,
        emoji=False,
        highlight=False,
    )
    out.print(renderable, crop=crop)
    return file.getvalue()


def _assert_same(table_at: object, widths: list[int] = WIDTHS) -> None:
    """``table_at(width)`` drawn at every width, with and without colour, as rich draws it."""
    assert callable(table_at)
    for width in widths:
        table = table_at(width)
        for colour in (False, True):
            mine, richs = _drawn(table, width, colour), _by_rich(table, width, colour)
            assert mine == richs, f"at {width} columns, colour {colour}:\n{mine}\n---\n{richs}"


def _generated(kind: str, tasks: int) -> str:
    """A runbook from benchmarks/generate.py or benchmarks/outside.py."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        if kind == "outside":
            from outside import generate as outside

            return outside(tasks)
        from generate import generate

        return generate(tasks)
    finally:
        sys.path.pop(0)


def _played(folder: Path, kind: str) -> tuple[Weekend, object]:
    """A 120-task generated weekend two hours in: a task done late, one failed, one running;
    its plan and its snapshot."""
    runbook = folder / f"{kind}.yaml"
    runbook.write_text(_generated(kind, 120), encoding="utf-8")
    start = next(
        line.split(": ", 1)[1] for line in runbook.read_text().splitlines() if line[:6] == "start:"
    )
    clock = FakeClock(start + "Z")
    weekend = Weekend.open(runbook, folder / f"{kind}.db", clock=clock, create=True)
    ids = [t.id for t in weekend.plan.tasks]
    order = [ids[i] for i in weekend.plan.order]
    for kind_, task, minutes in (
        ("start", order[0], 5),
        ("done", order[0], 50),
        ("start", order[1], 5),
        ("fail", order[1], 20),
        ("start", order[2], 10),
    ):
        clock.advance(minutes=minutes)
        note = "the disk is full" if kind_ == "fail" else None
        weekend.record(kind_, [task], actor="tester", host="test-host", note=note, force=True)
    clock.advance(minutes=30)
    return weekend, weekend.snapshot()


@pytest.mark.parametrize("kind", ["plain", "outside"])
def test_a_generated_plan_is_drawn_as_richs_table_draws_it_at_every_width(tmp_path, kind):
    weekend, snapshot = _played(tmp_path, kind)
    plan = weekend.plan
    _assert_same(lambda width: plan_table(plan, width=width))
    _assert_same(lambda width: plan_table(plan, snapshot, width=width))  # type: ignore[arg-type]
    team = plan.tasks[0].team
    only = [i for i, t in enumerate(plan.tasks) if t.team == team]
    _assert_same(lambda width: plan_table(plan, snapshot, width=width, only=only))  # type: ignore[arg-type]


def test_the_example_weekend_is_drawn_as_richs_table_draws_it_on_an_ascii_terminal(tmp_path):
    weekend, snapshot = _played(tmp_path, "plain")
    for width in (40, 80, 120):
        table = plan_table(weekend.plan, snapshot, width=width)  # type: ignore[arg-type]
        for colour in (False, True):
            mine = _drawn(table, width, colour, ascii_only=True)
            assert mine == _by_rich(table, width, colour, ascii_only=True)
            assert "-----" in mine and "─" not in mine


def test_a_table_that_fits_is_drawn_without_richs_table(tmp_path, monkeypatch):
    weekend, snapshot = _played(tmp_path, "outside")
    expected = {
        width: _by_rich(plan_table(weekend.plan, snapshot, width=width), width, True)  # type: ignore[arg-type]
        for width in (80, 120, 200)
    }

    def refused(self: RowTable) -> None:
        raise AssertionError("drawn by rich's Table")

    monkeypatch.setattr(RowTable, "rich_table", refused)
    for width, richs in expected.items():
        table = plan_table(weekend.plan, snapshot, width=width)  # type: ignore[arg-type]
        assert _drawn(table, width, True) == richs


# Titles and team names are data: whatever they hold, the table shows it as rich would.
TRICKY = [
    "Migratie van de kernbankdatabase naar het nieuwe datacenter",
    "新しいデータセンターへの切り替え確認と最終チェック",
    "Smoke test 🚀 behind the new load balancer 👩‍💻 and 🇳🇱",
    "e\u0301te\u0301 cafe\u0301 — combining accents",
    "trailing spaces   ",
    "ideographic space at the end\u3000",
    "[bold red]not markup[/] and :smile: not an emoji",
    "bell \x07 escape \x1b[31m red \x1b[0m tab\tnew\nline",
    "\u202eevil right-to-left override",
    "a",
    "",
    "x" * 300,
    "日" * 80,
]
# Ids as the validator allows them, long ones among them: they go on over lines, never cut.
IDS = ["t1", "cloud-landing-zone-check", "w003.app042.01234", "x" * 60, "a_b.c-d"]


def _cells(seed: list[int]) -> list[tuple[str | Text, ...]]:
    """Rows with a marker, an id (some with their priority), a title, a team, a status,
    two times and two variances (some empty, right-justified)."""
    rows = []
    for n, k in enumerate(seed):
        task = Text(IDS[k % len(IDS)], style="red" if k % 3 == 0 else "")
        if k % 4 == 1:
            task.append(" nice", style="dim italic")
        rows.append(
            (
                Text("!", style="bold red") if k % 3 == 0 else "",
                task,
                TRICKY[(k + n) % len(TRICKY)],
                TRICKY[(k * 7 + n) % len(TRICKY)][:20] if k % 5 else "—",
                Text(("ready", "pending", "failed")[k % 3], style=("bold cyan", "dim", "")[k % 3]),
                "Sat 05 Dec 14:30",
                "Sat 14:30",
                Text("+1h30m" if k % 2 else "", style="red"),
                Text(("-5m", "", "+1d2h")[k % 3], style="green"),
            )
        )
    return rows


COLUMNS = [
    Column(""),
    Column("Task", "id"),
    Column("Title", "title"),
    Column("Team", "team"),
    Column("Status"),
    Column("Planned", "spare"),
    Column("Start"),
    Column("Late start", justify="right", short="Late"),
    Column("Slip", justify="right"),
]


def test_hostile_titles_and_team_names_are_drawn_as_richs_table_draws_them():
    seed = list(range(40))
    name = "Weekend \x1b]0;title\x07 [bold]of[/] 日本"
    _assert_same(
        lambda width: fitted_table(COLUMNS, _cells(seed), width=width, title=name, caption="c")
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.lists(st.integers(0, 1000), min_size=0, max_size=12),
    width=st.integers(8, 220),
    colour=st.booleans(),
)
def test_any_rows_at_any_width_are_drawn_as_richs_table_draws_them(seed, width, colour):
    table = fitted_table(COLUMNS, _cells(seed), width=width, title="A weekend", caption="")
    assert _drawn(table, width, colour) == _by_rich(table, width, colour)


def test_a_table_with_spans_of_its_own_keeps_them_where_rich_puts_them():
    rows: list[tuple[str | Text, ...]] = [
        (Text("", style="red"), Text("abc", spans=[Span(0, 1, "bold"), Span(1, 3, "bold")]), "t"),
        (Text("x"), Text("de", style="blue", spans=[Span(0, 2, "italic")]), "u"),
    ]
    columns = [Column("", justify="right"), Column("Task", "id"), Column("Title", "title")]
    _assert_same(lambda width: fitted_table(columns, rows, width=width, title="w", caption=""))


# Any text a runbook may hold: letters of any script, wide and zero-width characters,
# combining marks, emoji, spaces of every kind, controls, brackets that look like markup.
ANY_TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(["[", "]", "[/]", ":", " ", "\u3000", "\t", "\n", "日", "👩‍💻", "e\u0301"]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(st.tuples(ANY_TEXT, ANY_TEXT, st.booleans()), min_size=1, max_size=8),
    width=st.integers(8, 160),
    colour=st.booleans(),
)
def test_any_titles_and_team_names_at_any_width_are_drawn_as_richs_table_draws_them(
    cells, width, colour
):
    rows: list[tuple[str | Text, ...]] = [
        (
            Text("!", style="bold red") if critical else "",
            Text(f"t{n}", style="red" if critical else ""),
            title,
            team,
            Text("running", style="bold cyan"),
            "Sat 14:30",
            Text("+5m" if critical else "", style="red"),
        )
        for n, (title, team, critical) in enumerate(cells)
    ]
    columns = [*COLUMNS[:5], COLUMNS[6], COLUMNS[8]]
    table = fitted_table(columns, rows, width=width, title="A weekend", caption="")
    assert _drawn(table, width, colour) == _by_rich(table, width, colour)


def test_a_right_justified_column_of_styled_cells_with_spans_is_drawn_as_rich_draws_it():
    # The Learned column (issue 24): ``2h45m (3)`` bold when it differs, its count dim.
    def learned(text: str, extra: str, bold: bool) -> Text:
        cell = Text(text, style="bold" if bold else "")
        cell.append(extra, style="dim")
        return cell

    rows: list[tuple[str | Text, ...]] = [
        ("t1", "Backup", learned("2h45m", " (3)", True), Text("0m", style="red")),
        ("t2", "Restore", learned("45m", " ×1.2", False), Text("1h", style="dim")),
        ("t3", "Check", "", Text("10m", style="dim")),
    ]
    columns = [
        Column("Task", "id"),
        Column("Title", "title"),
        Column("Learned", justify="right"),
        Column("Float", justify="right"),
    ]
    _assert_same(lambda width: fitted_table(columns, rows, width=width, title="w", caption="c"))
