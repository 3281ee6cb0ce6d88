"""Lines of plain words with a tone, as the views give them to both faces: the recovery
options, the what-if, how the forecast stands to the deadline. A face only colours each span
by its tone (``TONE_STYLE``) and shows its text through ``shown()``: a span may hold user
text (a task's title, a change as typed)."""

from __future__ import annotations

from dataclasses import dataclass

# How a span reads: plain, a heading, good news, bad news, a hint (a command), or quiet; and
# for the what-if: the verdict when ahead, a time that moves later (and the critical path), a
# gate, and the changes imagined.
PLAIN, HEADING, GOOD, BAD, HINT, QUIET = "plain", "heading", "good", "bad", "hint", "quiet"
AHEAD, LATER, GATE, CHANGE = "ahead", "later", "gate", "change"
# The style each face gives a tone (rich style names, as ``common.display`` keeps for statuses).
TONE_STYLE = {
    BAD: "bold red",
    GOOD: "green",
    HEADING: "bold",
    HINT: "cyan",
    QUIET: "dim",
    AHEAD: "bold green",
    LATER: "red",
    GATE: "bold magenta",
    CHANGE: "bold cyan",
}


@dataclass(frozen=True, slots=True)
class Span:
    """Some words of a line, in one tone."""

    text: str
    tone: str = PLAIN


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a view: its spans, in order (none: an empty line)."""

    spans: tuple[Span, ...] = ()

    @classmethod
    def of(cls, text: str, tone: str = PLAIN) -> Line:
        """A line in one tone."""
        return cls((Span(text, tone),))

    @property
    def text(self) -> str:
        """The line's words, without tones."""
        return "".join(span.text for span in self.spans)

    @property
    def tone(self) -> str:
        """The tone of its first span (a line in one tone: that tone)."""
        return self.spans[0].tone if self.spans else PLAIN
