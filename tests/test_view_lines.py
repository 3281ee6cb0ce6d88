"""The what-if and the deadline as the core's lines with a tone (``views.lines``), which the
command line and the dashboard render alike: the words are the core's, a face only colours
them."""

from __future__ import annotations

import pytest

from runbook.cli.render_lines import line_text
from runbook.tui.screens.whatif import what_if_text
from runbook.weekend.views.lines import BAD, GOOD, HEADING, PLAIN, TONE_STYLE, Line
from runbook.weekend.views.verdict import deadline_words, to_deadline
from runbook.weekend.views.whatif import what_if_lines, what_if_view

from .builders import runbook_yaml, task
from .weekend_helpers import FakeClock, check, open_weekend

# a (1h) -> b (2h, critical) -> c (1h), and a -> side (30m): planned finish 10:00, deadline 11:00.
RUNBOOK = runbook_yaml(
    "Lines",
    "2026-12-04T06:00Z",
    [
        task("a"),
        task("b", "2h", depends_on="a"),
        task("c", depends_on="b"),
        task("side", "30m", depends_on="a"),
    ],
    deadline="2026-12-04T11:00Z",
)


@pytest.fixture
def view(write_runbook):
    clock = FakeClock("2026-12-04T06:00Z")
    weekend = open_weekend(write_runbook(RUNBOOK), clock)
    check(weekend, "start", "a")
    what = weekend.what_if(["a+1h", "b estimate 3h"])  # finish 10:00 -> 12:00: 1h past 11:00
    yield what_if_view(what), weekend.plan
    weekend.close()


# (seconds to spare, short, the words, their tone)
WORDS = [
    (4 * 3600, False, "4h to spare", GOOD),
    (0, False, "0m to spare", GOOD),
    (-7200, False, "2h PAST THE DEADLINE", BAD),
    (4 * 3600, True, "4h spare", GOOD),
    (-7200, True, "2h PAST IT", BAD),
]


@pytest.mark.parametrize(("spare", "short", "text", "tone"), WORDS)
def test_the_deadline_is_said_in_one_wording_with_its_tone(spare, short, text, tone):
    words = deadline_words(spare, short=short)
    assert (words.text, words.tone) == (text, tone)
    assert to_deadline(spare, short=short).text == f"({text})"


def test_the_what_if_says_now_and_what_if_against_the_deadline(view):
    lines = [line.text for line in what_if_lines(*view)]
    assert lines[:3] == [
        "What if (nothing recorded): a eta Fri 08:00; b estimate 3h",
        "  now:     ON PLAN, finish Fri 10:00 (1h to spare)",
        "  what if: BEHIND 2h, finish Fri 12:00 (1h PAST THE DEADLINE)",
    ]


def test_the_dashboard_shows_the_what_if_the_command_line_shows(view):
    """Every line of the dialog is a line of ``plan --what-if``, but for the tasks that move,
    each on one short line there."""
    wide = [line.text for line in what_if_lines(*view)]
    dialog = what_if_text(*view).plain.split("\n")
    compact = [line.text for line in what_if_lines(*view, compact=True)]
    assert dialog == compact
    moved = {i for i, text in enumerate(wide) if text.startswith(("  ! ", "    "))}
    assert moved  # b, c and the side task move
    assert [t for i, t in enumerate(wide) if i not in moved] == [
        t for i, t in enumerate(compact) if i not in moved
    ]
    assert "  ! b ~Fri 08:00–11:00 +2h" in compact


def test_only_the_mark_says_a_moved_task_is_critical_not_the_whole_row(view):
    """The command line painted a critical task's whole row red; its times are plain."""
    [row] = [line for line in what_if_lines(*view) if line.text.startswith("  ! b ")]
    mark, name, times, shift = row.spans
    assert (mark.tone, name.tone, times.tone, shift.tone) == (BAD, HEADING, PLAIN, "later")
    text = line_text(row)
    start = text.plain.index("~")
    styled = [s for s in text.spans if s.start <= start < s.end]
    assert styled == []  # the times carry no style


def test_a_line_is_coloured_span_by_span_and_shown_as_data():
    line = Line.of("drop \x1b[2Jx", BAD)
    text = line_text(line)
    assert text.plain == "drop ␛[2Jx"
    assert [str(s.style) for s in text.spans] == [TONE_STYLE[BAD]]
