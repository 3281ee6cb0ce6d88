"""Rich rendering of the views' lines with a tone (``weekend.views.lines``): the recovery
options and the what-if, coloured by tone, every span shown as data."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group
from rich.text import Text

from runbook.common.text import shown
from runbook.weekend.views.lines import TONE_STYLE, Line


def line_text(line: Line) -> Text:
    """One line, each span in its tone's style."""
    text = Text()
    for span in line.spans:
        text.append(shown(span.text), style=TONE_STYLE.get(span.tone, ""))
    return text


def lines_group(lines: Iterable[Line]) -> Group:
    """The lines one under the other."""
    return Group(*(line_text(line) for line in lines))
