"""A runbook being built from another tool's file: the document in the format's shape, where
each value came from, every problem found, and what was decided on the reader's behalf."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from runbook.common.problems import Problem
from runbook.format.patterns import ID_PATTERN
from runbook.interchange.sheet import Sheet

Path = tuple[str | int, ...]
# The format's order of a task's keys and of the top level: what is written (or inserted by
# --update) goes where a person would put it.
TASK_KEYS = (
    "id",
    "title",
    "team",
    "duration",
    "estimate",
    "milestone",
    "depends_on",
    "not_before",
    "phase",
    "priority",
    "gate",
    "criteria",
    "approvers",
    "decided_by",
    "rollback",
    "notes",
)
TOP_KEYS = (
    "version",
    "name",
    "timezone",
    "start",
    "deadline",
    "notify",
    "teams",
    "tasks",
    "gates",
    "rollback_tasks",
    "risks",
    "readiness",
    "readiness_rules",
)
_ID = re.compile(ID_PATTERN.strip("^$"))
_CELL = re.compile(r"([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class ImportOptions:
    """What the command line adds: the sheet, extra header names, and the runbook's own fields
    when the file has none."""

    sheet: str | None = None
    maps: tuple[str, ...] = ()
    name: str | None = None
    timezone: str | None = None
    start: str | None = None
    deadline: str | None = None
    # Which of the four the user gave (the others may be an existing runbook's, for --diff):
    # a given one the file overrules is said.
    given: frozenset[str] = frozenset({"name", "timezone", "start", "deadline"})


# Where a task's key was read from: the column of a field (an estimate from its optimistic
# column); a key without a column of its own is placed at the whole row.
_COLUMN_OF = {"estimate": "optimistic"}


@dataclass(frozen=True, slots=True)
class RowPlace:
    """A task row, named only when a problem needs it (a 10,000-row sheet has 180,000 cells
    whose names would otherwise be made for nothing)."""

    sheet: Sheet
    row: int
    columns: dict[str, int]

    def name(self, key: object = None) -> str:
        """``Tasks!D14`` for the cell of ``key``, or ``Tasks, row 14``."""
        column = self.columns.get(_COLUMN_OF.get(str(key), str(key))) if key else None
        return self.sheet.place(self.row, column)


@dataclass
class Draft:
    """The runbook document as read so far; ``places`` maps a path in it (``("tasks", 3,
    "duration")``) to where that value was read (``Tasks!D5``)."""

    document: dict[str, Any] = field(default_factory=dict)
    places: dict[Path, str | RowPlace] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The fields each task list had a column for, and the side sections the file held: what
    # it says about an existing runbook (``--diff``), and what it leaves as it was.
    columns: dict[str, set[str]] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)

    def error(self, place: str, message: str, hint: str | None = None) -> None:
        """Record a problem found at ``place``."""
        self.problems.append(Problem("error", message, hint=hint, place=place))

    def place_of(self, path: Path) -> str | None:
        """Where the value at ``path`` (or the nearest thing holding it) was read."""
        for end in range(len(path), 0, -1):
            found = self.places.get(path[:end])
            if isinstance(found, RowPlace):
                return found.name(path[end] if end < len(path) else None)
            if found is not None:
                return found
        return None

    def sort(self) -> None:
        """The problems in the order of the file: by sheet, then row, then column."""
        sheets: dict[str, int] = {}

        def key(problem: Problem) -> tuple[int, int, int, str]:
            match = _CELL.search(problem.place or "")
            sheet = (problem.place or "").partition("!")[0] if match else ""
            order = sheets.setdefault(sheet, len(sheets))
            if not match:
                return order, 0, 0, ""
            letters, number = match.groups()
            return order, int(number), len(letters), letters

        self.problems.sort(key=key)

    @property
    def ok(self) -> bool:
        """No error found."""
        return not any(p.severity == "error" for p in self.problems)


def is_id(text: str) -> bool:
    """Whether ``text`` is a valid runbook id."""
    return bool(_ID.fullmatch(text))


def slug(text: str, *, limit: int = 40) -> str:
    """An id made from a title: ``Full backup (DB)`` -> ``full-backup-db``; accents dropped,
    cut at a word boundary under ``limit`` characters."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", plain.lower())
    made = ""
    for word in words:
        longer = f"{made}-{word}" if made else word
        if len(longer) > limit:
            break
        made = longer
    if not made and words:
        made = words[0][:limit]
    return made or "task"


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``, ... whichever is not yet in ``taken`` (which then
    holds it)."""
    made, n = base, 1
    while made.lower() in taken:
        n += 1
        made = f"{base}-{n}"
    taken.add(made.lower())
    return made


def listed(items: Iterable[str], limit: int = 5) -> str:
    """``a, b, c`` or ``a, b, c, d, e and 7 more``."""
    items = list(items)
    head = ", ".join(items[:limit])
    return head + (f" and {len(items) - limit} more" if len(items) > limit else "")
