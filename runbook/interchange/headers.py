"""Which column is which: headers in English and Dutch, and ``--map HEADER=FIELD``.

Case, spacing and punctuation are ignored (``Afhankelijk van:`` is ``afhankelijk van``); a unit
in a header (``Duur (uren)``) says what a plain number in that column means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from runbook.common.problems import did_you_mean
from runbook.interchange.cells import UNITS

# The fields a task row may carry, each with the headers that name it.
TASK_HEADERS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "nr",
        "nummer",
        "no",
        "number",
        "#",
        "code",
        "stap",
        "step",
        "task id",
        "taak id",
        "taaknummer",
        "activiteit id",
        "wbs",
    ),
    "title": (
        "title",
        "titel",
        "task",
        "task name",
        "name",
        "taak",
        "taaknaam",
        "naam",
        "activiteit",
        "activity",
        "omschrijving",
        "beschrijving",
        "description",
        "actie",
        "werkzaamheden",
        "handeling",
    ),
    "team": (
        "team",
        "uitvoerder",
        "uitvoerende",
        "resource",
        "resources",
        "resource names",
        "resource name",
        "verantwoordelijke",
        "afdeling",
        "department",
        "partij",
        "party",
        "wie",
        "who",
        "owner",
        "eigenaar",
    ),
    "duration": (
        "duration",
        "duur",
        "doorlooptijd",
        "tijdsduur",
        "looptijd",
        "minutes",
        "minuten",
        "hours",
        "uren",
    ),
    "depends_on": (
        "depends on",
        "dependencies",
        "dependency",
        "depends",
        "afhankelijk van",
        "afhankelijkheden",
        "afhankelijkheid",
        "voorganger",
        "voorgangers",
        "predecessor",
        "predecessors",
        "na",
        "after",
        "volgt op",
    ),
    "not_before": (
        "not before",
        "niet voor",
        "niet eerder dan",
        "starttijd",
        "start time",
        "start no earlier than",
        "earliest start",
        "vroegste start",
        "start niet voor",
        "niet voor tijd",
    ),
    "fixed": ("fixed", "not before fixed", "vast", "vaste tijd", "fixed time", "kan niet schuiven"),
    "reason": ("reason", "fixed because", "reden", "waarom vast", "fixed reason"),
    "phase": ("phase", "fase", "stage", "blok", "dag", "day", "onderdeel", "section", "sectie"),
    "priority": ("priority", "prioriteit", "prio", "moscow"),
    "milestone": ("milestone", "mijlpaal"),
    "gate": ("gate", "go/no-go", "go no go", "go/no go", "gonogo", "beslismoment"),
    "criteria": ("criteria", "go criteria", "criteria go/no-go", "voorwaarden", "criteria go"),
    "approvers": (
        "approvers",
        "approver",
        "goedkeurders",
        "goedkeurder",
        "beslissers",
        "besluitvormers",
        "decision makers",
    ),
    "rollback": ("rollback", "terugval", "fallback", "terugdraaien", "rollback time"),
    "optimistic": ("optimistic", "optimistisch", "min duration", "kortste duur", "best case"),
    "pessimistic": ("pessimistic", "pessimistisch", "max duration", "langste duur", "worst case"),
    "notes": (
        "notes",
        "note",
        "opmerkingen",
        "opmerking",
        "toelichting",
        "remarks",
        "comments",
        "comment",
        "notities",
        "details",
        "instructie",
        "instructies",
    ),
    "contact": (
        "contact",
        "telefoon",
        "phone",
        "tel",
        "bereikbaar",
        "contactgegevens",
        "telefoonnummer",
    ),
    "lead": ("lead", "team lead", "teamleider", "teamlead", "leider", "coordinator"),
}
# What `runbook export xlsx` adds beside the runbook's fields: figures of the plan and the
# weekend, read again as nothing (they follow from the rest).
COMPUTED_HEADERS = (
    "planned start",
    "planned finish",
    "latest start",
    "latest finish",
    "float",
    "total float",
    "critical",
    "status",
    "actual start",
    "actual finish",
    "slip",
    "slip min",
    "by",
    "gepland begin",
    "gepland einde",
    "kritiek",
    "speling",
    "forecast start",
    "forecast finish",
)
FIELDS = tuple(TASK_HEADERS)
IGNORE = "-"  # --map HEADER=- leaves a column out


def normalized(header: object) -> str:
    """A header as compared: lower case, no punctuation at the ends, single spaces, and a
    unit in parentheses left out (``Duur (uren)`` -> ``duur``)."""
    text = str(header).lower().replace("_", " ")
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = re.sub(r"[:*?.]+", " ", text)
    return " ".join(text.split()).strip(" -")


def unit_of(header: object) -> int | None:
    """The unit a header names for plain numbers (``Duur (uren)``: 3600), or None."""
    text = str(header).lower()
    inside = re.findall(r"[(\[]\s*(?:in\s+)?([a-z]+)\s*[)\]]", text)
    words = inside or re.findall(r"\bin\s+([a-z]+)\s*$", text)
    words += [w for w in ("hours", "uren", "minutes", "minuten") if normalized(header) == w]
    for word in words:
        if word in UNITS:
            return UNITS[word]
    return None


_LOOKUP = {name: field for field, names in TASK_HEADERS.items() for name in names}


@dataclass(frozen=True)
class Column:
    """One recognised column: where it is and what it holds."""

    index: int  # 0-based
    header: str
    field: str
    unit: int  # what a plain number means in a duration column, in seconds


@dataclass
class Layout:
    """The columns of a sheet: the recognised ones, and the ones left out."""

    columns: dict[str, Column]
    unused: list[str]  # headers read as nothing (neither a field nor a plan figure)


class MapError(ValueError):
    """A ``--map`` that cannot be used."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_maps(maps: Iterable[str]) -> dict[str, str]:
    """``--map 'Wie=team' --map 'Kosten=-'``: the normalised header to its field."""
    found: dict[str, str] = {}
    for given in maps:
        header, sep, field = given.rpartition("=")
        field = field.strip().lower().replace(" ", "_").replace("-", "_") or field.strip()
        if field in ("", "_"):
            field = IGNORE
        if not sep or not header.strip():
            raise MapError(f"--map '{given}': write HEADER=FIELD, e.g. --map 'Wie=team'")
        if field != IGNORE and field not in FIELDS:
            raise MapError(
                f"--map '{given}': unknown field '{field}'",
                did_you_mean(field, FIELDS)
                or f"the fields are {', '.join(FIELDS)} (or - to leave the column out)",
            )
        found[normalized(header)] = field
    return found


def recognise(headers: Sequence[object], maps: dict[str, str]) -> Layout:
    """The columns of a header row; the first column that names a field wins."""
    columns: dict[str, Column] = {}
    unused: list[str] = []
    for index, raw in enumerate(headers):
        if raw is None or not str(raw).strip():
            continue
        key = normalized(raw)
        field = maps.get(key) or _LOOKUP.get(key)
        if field == IGNORE:
            continue
        if field is None:
            if key not in COMPUTED_HEADERS:
                unused.append(str(raw).strip())
            continue
        if field in columns:
            unused.append(str(raw).strip())
            continue
        columns[field] = Column(index, str(raw).strip(), field, unit_of(raw) or 60)
    return Layout(columns, unused)


def unknown_maps(maps: dict[str, str], seen: Iterable[object]) -> list[tuple[str, str | None]]:
    """The ``--map`` headers no column has, each with a "did you mean" among those it has."""
    present = [normalized(h) for h in seen if h is not None and str(h).strip()]
    return [(h, did_you_mean(h, present)) for h in maps if h not in present]


def is_header_row(cells: Sequence[object], maps: dict[str, str]) -> bool:
    """A row that names a title column (by itself or through ``--map``)."""
    for cell in cells:
        if cell is None:
            continue
        key = normalized(cell)
        if (maps.get(key) or _LOOKUP.get(key)) == "title":
            return True
    return False
