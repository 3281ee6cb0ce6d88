"""Located problems (errors and warnings) found in a runbook, and how they read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: what is wrong, where (1-based line and column, or a ``place`` in another
    tool's file such as a spreadsheet's ``Tasks!D14``), and maybe a hint."""

    severity: Severity
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    path: tuple[str | int, ...] = field(default=())
    place: str | None = None

    def location(self, source: str) -> str:
        """``file:line:column`` (or as much of it as is known), or ``file: place``."""
        if self.place is not None:
            return f"{source}: {self.place}"
        if self.line is None:
            return source
        if self.column is None:
            return f"{source}:{self.line}"
        return f"{source}:{self.line}:{self.column}"

    def format(self, source: str) -> str:
        """The one-line form printed on stderr, hint included."""
        text = f"{self.location(source)}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file order (unlocated ones first), errors before warnings on a tie."""
    return sorted(
        problems,
        key=lambda p: (p.line or 0, p.column or 0, p.severity != "error", p.message),
    )


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean 'x'?" hint for a misspelt word, or None when nothing is close."""
    import difflib  # only when something is misspelt: keeps every command's start-up lean

    pool = list(candidates)
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            matches = [lowered[word.lower()]]
    return f"did you mean '{matches[0]}'?" if matches else None
