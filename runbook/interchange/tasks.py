"""The task rows of a sheet as runbook tasks: one row a task, every cell read and located.

Rows without an id get one made from the title; dependencies are given by id or by the row
number Excel shows; teams are matched by id or name (the Teams sheet's, or made from the
names used). Every cell that cannot be read is a located problem; all are collected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runbook.common.problems import did_you_mean
from runbook.interchange import cells
from runbook.interchange.cells import CellError
from runbook.interchange.draft import Draft, RowPlace, is_id, listed, slug, unique
from runbook.interchange.emit import duration_text
from runbook.interchange.headers import Column, Layout, is_header_row, recognise
from runbook.interchange.sheet import Sheet

HEADER_ROWS = 20  # the header row is looked for in this many rows at the top
# A row number with MS Project's link type and lag, as its Excel export writes them: 12FS+2d
_LINK = re.compile(r"(\d+)\s*(FS|SS|FF|SF)?\s*([+-]\s*\S.*)?", re.IGNORECASE)


@dataclass
class Row:
    """One task row as read: its 0-based row in the sheet and its values by field."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)  # fields whose cell could not be read


@dataclass
class TeamTable:
    """The teams of the runbook being built: declared on a Teams sheet or met in task rows."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)  # lower-case id or name -> id
    made: list[str] = field(default_factory=list)

    def declare(self, team_id: str, entry: dict[str, Any]) -> None:
        """A team from the Teams sheet."""
        self.entries[team_id] = entry
        self.by_name[team_id.lower()] = team_id
        if entry.get("name"):
            self.by_name.setdefault(str(entry["name"]).lower(), team_id)

    def resolve(self, given: str) -> str:
        """The id of the team a cell names; a team met for the first time is added."""
        known = self.by_name.get(given.lower())
        if known is not None:
            return known
        if is_id(given) and given == slug(given, limit=30):
            team_id, entry = given, {}
            self.by_name[given.lower()] = given
        else:
            team_id = unique(slug(given, limit=30), set(self.by_name))
            entry = {"name": given}
        self.entries[team_id] = entry
        self.by_name[team_id.lower()] = team_id
        self.by_name[given.lower()] = team_id
        self.made.append(team_id)
        return team_id


def find_header(sheet: Sheet, maps: dict[str, str]) -> int | None:
    """The 0-based row of the sheet's header (the first naming a title column), or None."""
    for row in range(min(HEADER_ROWS, len(sheet.rows))):
        if is_header_row(sheet.rows[row], maps):
            return row
    return None


def _reader(column: Column) -> Callable[[object], Any]:
    """How a column's cells are read."""
    unit = column.unit
    return {
        "duration": lambda v: cells.read_duration(v, unit=unit),
        "optimistic": lambda v: cells.read_duration(v, unit=unit),
        "pessimistic": lambda v: cells.read_duration(v, unit=unit),
        "depends_on": cells.read_ids,
        "not_before": cells.read_time,
        "fixed": cells.read_flag,
        "milestone": cells.read_flag,
        "gate": cells.read_flag,
        "priority": cells.read_priority,
        "criteria": cells.read_lines,
        "approvers": cells.read_approvers,
        "rollback": _read_rollback,
        "title": lambda v: cells.read_text(v, exact=True),
        "notes": lambda v: cells.read_text(v, exact=True),
    }.get(column.field, cells.read_text)


def _read_rollback(value: object) -> object:
    """A gate's rollback: a duration, or the ids of rollback tasks."""
    if cells.is_blank(value):
        return None
    try:
        seconds = cells.read_duration(value)
    except CellError:
        return cells.read_ids(value)
    return duration_text(seconds) if seconds is not None else None


def read_rows(sheet: Sheet, header: int, layout: Layout, draft: Draft) -> list[Row]:
    """The rows below the header that hold something, each cell read; blank rows skipped. A
    row holding one text and nothing else (``VRIJDAG 4 DECEMBER`` above the day's tasks) is a
    heading: the phase of the rows below it that name none (and said)."""
    readers = {f: _reader(c) for f, c in layout.columns.items()}
    indices = {f: c.index for f, c in layout.columns.items()}
    rows: list[Row] = []
    heading: str | None = None
    headings: list[str] = []
    for number in range(header + 1, len(sheet.rows)):
        raw = sheet.rows[number]
        filled = [v for v in raw if not cells.is_blank(v)]
        if not filled:
            continue
        if len(filled) == 1 and isinstance(filled[0], str) and not filled[0].strip().isdigit():
            heading = " ".join(filled[0].split())
            headings.append(f"row {number + 1}: {heading}")
            continue
        row = Row(number, columns=indices)
        for name, index in indices.items():
            value = raw[index] if index < len(raw) else None
            if value is None:
                continue
            try:
                read = readers[name](value)
            except CellError as exc:
                draft.error(sheet.place(number, index), exc.message, exc.hint)
                row.unread.add(name)
                continue
            if read is not None and read is not False and read != []:
                row.values[name] = read
        if heading is not None and "phase" not in row.values:
            row.values["phase"] = heading
        rows.append(row)
    if headings:
        where = f"{sheet.name}: " if sheet.name else ""
        draft.notes.append(
            f"{where}rows with only a text read as the phase of the rows below: {listed(headings)}"
        )
    return rows


def tasks_from_rows(
    sheet: Sheet,
    rows: list[Row],
    draft: Draft,
    teams: TeamTable,
    *,
    section: str = "tasks",
    taken: set[str] | None = None,
    base: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The task mappings of ``rows``, in row order; ids made where missing and dependencies
    resolved, every problem recorded in ``draft``. ``base``: the existing runbook's tasks by
    id (a milestone there stays one when the sheet has no milestone column)."""
    taken = taken if taken is not None else set()
    ids: dict[int, str] = {}  # row -> id
    first_row: dict[str, int] = {}
    made: list[str] = []
    for row in rows:
        given = row.values.get("id")
        title = row.values.get("title")
        if title is None:
            draft.error(
                sheet.place(row.row, row.columns.get("title")),
                "the row has no title" if given is None else f"task '{given}' has no title",
                "every task needs a title: what is done, as said on the bridge call",
            )
        if given is None:
            continue
        if not is_id(given):
            draft.error(
                sheet.place(row.row, row.columns["id"]),
                f"'{cells.quoted(given)}' is not a valid id",
                f"use letters, digits, '-', '_' and '.', e.g. '{slug(given)}'",
            )
            continue
        if given.lower() in first_row or given.lower() in taken:
            other = first_row.get(given.lower())
            where = f"row {other + 1}'s" if other is not None else "another sheet's"
            draft.error(
                sheet.place(row.row, row.columns["id"]),
                f"id '{given}' is also {where}",
                "every task needs its own id",
            )
            continue
        first_row[given.lower()] = row.row
        ids[row.row] = given
    taken |= set(first_row)
    for row in rows:
        if row.row not in ids and "id" not in row.values and "title" in row.values:
            made_id = unique(slug(str(row.values["title"])), taken)
            ids[row.row] = made_id
            made.append(f"row {row.row + 1}: {made_id}")
    if made:
        where = f" on {sheet.name}" if sheet.name else ""
        draft.notes.append(
            f"{len(made)} {'row' if len(made) == 1 else 'rows'}{where} had no id; made from "
            f"the title: {listed(made)}"
        )
    by_id = {i.lower(): i for i in ids.values()}
    offset = len(draft.document.get(section, []))
    out: list[dict[str, Any]] = []
    for row in rows:
        task_id = ids.get(row.row)
        if task_id is None:
            continue
        index = offset + len(out)
        before = (base or {}).get(task_id)
        if before and before.get("milestone") is True and "milestone" not in row.columns:
            row.values.setdefault("milestone", "duration" not in row.values)
        task = _task(sheet, row, task_id, by_id, ids, draft, teams, (section, index))
        out.append(task)
    return out


def _task(
    sheet: Sheet,
    row: Row,
    task_id: str,
    by_id: dict[str, str],
    ids: dict[int, str],
    draft: Draft,
    teams: TeamTable,
    path: tuple[str, int],
) -> dict[str, Any]:
    """One task mapping in the format's key order."""
    values, columns = row.values, row.columns

    def at(name: str) -> str:
        return sheet.place(row.row, columns.get(name))

    draft.places[path] = RowPlace(sheet, row.row, columns)
    task: dict[str, Any] = {"id": task_id, "title": values.get("title", task_id)}
    if "team" in values:
        team = teams.resolve(str(values["team"]))
        task["team"] = team
        entry = teams.entries[team]
        for key in ("lead", "contact"):
            if key in values:
                if entry.get(key) not in (None, values[key]):
                    draft.notes.append(
                        f"{at(key)}: team '{team}' already has {key} '{entry[key]}'; "
                        f"'{values[key]}' left out"
                    )
                else:
                    entry[key] = values[key]
    milestone = values.get("milestone", False)
    duration = values.get("duration")
    if milestone and not duration:
        pass  # a milestone takes no duration
    elif duration is None and "duration" not in row.unread:
        draft.error(
            at("duration"),
            f"task '{task_id}' has no duration",
            "give a duration such as 1h30m, or mark it as a milestone",
        )
    elif duration is not None:
        task["duration"] = duration_text(duration)
    if "optimistic" in values or "pessimistic" in values:
        low, high = values.get("optimistic"), values.get("pessimistic")
        if low is None or high is None:
            missing = "optimistic" if low is None else "pessimistic"
            draft.error(
                at(missing),
                f"task '{task_id}' has a {'pessimistic' if low is None else 'optimistic'} "
                f"duration but no {missing} one",
                "give both, or neither",
            )
        else:
            task["estimate"] = {
                "optimistic": duration_text(low),
                "pessimistic": duration_text(high),
            }
    if milestone:
        task["milestone"] = True
    deps = _dependencies(sheet, row, task_id, by_id, ids, draft)
    if deps:
        task["depends_on"] = deps
    if "not_before" in values:
        at_time = values["not_before"]
        if values.get("fixed") or "reason" in values:
            form: dict[str, Any] = {"at": at_time}
            if values.get("fixed"):
                form["fixed"] = True
            if "reason" in values:
                form["reason"] = values["reason"]
            task["not_before"] = form
        else:
            task["not_before"] = at_time
    elif values.get("fixed") or "reason" in values:
        key = "fixed" if values.get("fixed") else "reason"
        draft.error(at(key), f"task '{task_id}' is fixed, but has no not-before time")
    if "phase" in values:
        task["phase"] = values["phase"]
    if values.get("priority", "must") != "must":  # must is the default: left unsaid
        task["priority"] = values["priority"]
    gate_keys = [k for k in ("criteria", "approvers", "rollback") if k in values]
    if values.get("gate") or gate_keys:
        task["gate"] = True
        for key in gate_keys:
            staged = key == "approvers" and isinstance(values[key][0], dict)
            task["decided_by" if staged else key] = values[key]
    if "notes" in values:
        task["notes"] = values["notes"]
    return task


def _dependencies(
    sheet: Sheet,
    row: Row,
    task_id: str,
    by_id: dict[str, str],
    ids: dict[int, str],
    draft: Draft,
) -> list[str]:
    """The ids a row depends on: each given by id, or by the row number Excel shows."""
    found: list[str] = []
    place = sheet.place(row.row, row.columns.get("depends_on"))
    for token in row.values.get("depends_on", []):
        match = None if token.lower() in by_id else _LINK.fullmatch(token)
        name, kind, lag = match.groups() if match else (token, None, None)
        if (kind and kind.upper() != "FS") or lag:
            draft.error(
                place,
                f"dependency '{token}' of task '{task_id}': only finish-to-start without a "
                "lag can be read",
                "write the id (or row number) of the task that must finish first; for a lag, "
                "add a task that waits",
            )
            continue
        resolved = by_id.get(name.lower())
        if resolved is None and name.isdigit():
            resolved = ids.get(int(name) - 1)
        if resolved is None:
            hint = did_you_mean(name, list(by_id.values())) or (
                "give a task's id, or the row number Excel shows beside it"
            )
            draft.error(place, f"task '{task_id}' depends on '{name}': no such task or row", hint)
            continue
        if resolved not in found:
            found.append(resolved)
    return found


def read_task_sheet(
    sheet: Sheet,
    draft: Draft,
    teams: TeamTable,
    maps: dict[str, str],
    *,
    section: str = "tasks",
    taken: set[str] | None = None,
    base: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]] | None:
    """The tasks of one sheet (None when it has no header row naming a title column)."""
    header = find_header(sheet, maps)
    if header is None:
        return None
    layout = recognise(sheet.rows[header], maps)
    if layout.unused:
        where = f"{sheet.name}: " if sheet.name else ""
        draft.notes.append(
            f"{where}{'column' if len(layout.unused) == 1 else 'columns'} "
            f"{listed(repr(u) for u in layout.unused)} not read (--map HEADER=FIELD reads one)"
        )
    draft.columns[section] = set(layout.columns)
    rows = read_rows(sheet, header, layout, draft)
    return tasks_from_rows(sheet, rows, draft, teams, section=section, taken=taken, base=base)
