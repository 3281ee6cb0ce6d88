"""A workbook (or one CSV sheet) as a runbook: the task sheet, and the sheets
`runbook export xlsx` writes beside it (Runbook, Teams, Rollback, Risks, Readiness)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runbook.common.problems import did_you_mean
from runbook.interchange import cells
from runbook.interchange.cells import CellError
from runbook.interchange.draft import Draft, ImportOptions, is_id
from runbook.interchange.emit import duration_text
from runbook.interchange.headers import normalized, parse_maps, unknown_maps
from runbook.interchange.sheet import Sheet
from runbook.interchange.tasks import TeamTable, find_header, read_task_sheet

# The sheets beside the tasks, by the names they may have (English and Dutch).
SHEETS = {
    "runbook": ("runbook", "weekend", "settings", "instellingen", "algemeen"),
    "teams": ("teams", "team"),
    "rollback": ("rollback", "rollback tasks", "terugval", "terugvaltaken"),
    "risks": ("risks", "risk register", "risico's", "risicos", "risico", "risicoregister"),
    "readiness": ("readiness", "gereedheid", "checklist"),
    "summary": ("summary", "samenvatting"),  # the weekend's figures: read as nothing
}
_KIND = {name: kind for kind, names in SHEETS.items() for name in names}

# The Runbook sheet: one setting a row, its name in the first column and its value beside it.
SETTINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "naam", "weekend"),
    "timezone": ("timezone", "time zone", "tijdzone"),
    "start": ("start", "begin", "aanvang", "planned start"),
    "deadline": ("deadline", "einde", "eindtijd", "end of window", "einde window"),
    "notify.heads_up": ("heads up", "heads-up", "vooraankondiging"),
    "notify.coordinator": ("coordinator notify", "notify coordinator", "coordinator addresses"),
    "readiness_rules.min_probability": ("min probability",),
    "readiness_rules.risk_no_go_score": ("risk no-go score", "risk no go score"),
    "readiness_rules.risk_conditions_score": ("risk conditions score",),
    "readiness_rules.near_critical_minutes": ("near-critical minutes", "near critical minutes"),
    "readiness_rules.require_signoffs": ("require sign-offs", "require signoffs"),
}
_SETTING = {name: key for key, names in SETTINGS.items() for name in names}
_SETTING_HEADERS = {"setting", "field", "instelling", "veld", "key"}

TEAM_HEADERS = {
    "id": ("id", "team", "team id"),
    "name": ("name", "naam", "team name"),
    "lead": ("lead", "team lead", "teamleider", "leider"),
    "contact": ("contact", "telefoon", "phone", "tel", "bereikbaar"),
    "notify": ("notify", "notify addresses", "notificaties", "meldingen"),
}
RISK_HEADERS = {
    "id": ("id", "nr", "risk id"),
    "title": ("title", "titel", "risk", "risico", "omschrijving", "description"),
    "likelihood": ("likelihood", "kans", "probability"),
    "impact": ("impact", "gevolg"),
    "owner": ("owner", "eigenaar"),
    "mitigation": ("mitigation", "maatregel", "maatregelen", "beheersmaatregel"),
    "status": ("status",),
    "tasks": ("tasks", "taken", "threatens"),
    "score": ("score",),  # likelihood x impact, written by the export: read as nothing
}
READINESS_HEADERS = {
    "id": ("id", "nr"),
    "title": ("title", "titel", "item", "omschrijving", "description"),
    "owner": ("owner", "eigenaar"),
    "due": ("due", "deadline", "uiterlijk", "datum"),
    "done": ("done", "gereed", "checked"),  # ticked off in a weekend: read as nothing
}


def sheet_kind(name: str | None) -> str | None:
    """Which of the side sheets a sheet is, by its name (None: perhaps the tasks)."""
    return None if name is None else _KIND.get(normalized(name))


def from_sheets(
    sheets: list[Sheet],
    options: ImportOptions,
    *,
    source: str,
    base: dict[str, Any] | None = None,
) -> Draft:
    """The runbook document the sheets describe, every problem located in ``draft.problems``.
    ``base``: the data of an existing runbook the sheets are compared with (its teams are
    known by id and name; its milestones stay milestones)."""
    draft = Draft()
    for sheet in sheets:
        draft.notes.extend(sheet.notes)
    maps = parse_maps(options.maps)
    task_sheet = _task_sheet(sheets, options, maps, draft)
    if task_sheet is None:
        return draft
    by_kind = {sheet_kind(s.name): s for s in reversed(sheets) if s is not task_sheet}
    settings = _settings(by_kind.get("runbook"), draft)
    teams = TeamTable()
    for team_id, entry in ((base or {}).get("teams") or {}).items():
        teams.declare(str(team_id), dict(entry) if isinstance(entry, dict) else {})
    base_tasks = {
        str(t.get("id")): t for t in (base or {}).get("tasks") or [] if isinstance(t, dict)
    }
    draft.sections.update(
        {"rollback": "rollback_tasks", "risks": "risks", "readiness": "readiness"}[k]
        for k in by_kind
        if k in ("rollback", "risks", "readiness")
    )
    if "runbook" in by_kind:
        draft.sections.update(("notify", "readiness_rules"))
    notify_teams: dict[str, list[str]] = {}
    if "teams" in by_kind:
        _teams(by_kind["teams"], teams, notify_teams, draft)
    doc = draft.document
    _top(doc, settings, options, draft, source)
    tasks = read_task_sheet(task_sheet, draft, teams, maps, base=base_tasks) or []
    header_row = find_header(task_sheet, maps)
    seen = task_sheet.rows[header_row] if header_row is not None else ()
    for header, hint in unknown_maps(maps, seen):
        draft.error(
            f"--map '{header}'", f"no column is headed '{header}'", hint or "see the header row"
        )
    rollback: list[dict[str, Any]] = []
    if "rollback" in by_kind:
        taken = {str(t["id"]).lower() for t in tasks}
        rollback = (
            read_task_sheet(
                by_kind["rollback"], draft, teams, {}, section="rollback_tasks", taken=taken
            )
            or []
        )
    notify = settings.pop("notify", {})
    if notify_teams:
        notify["teams"] = notify_teams
    if notify:
        doc["notify"] = notify
    if teams.entries:
        doc["teams"] = teams.entries
        if teams.made and "teams" in by_kind:
            draft.notes.append(f"teams added, not on the Teams sheet: {', '.join(teams.made)}")
    doc["tasks"] = tasks
    if not tasks and draft.ok:
        draft.error(task_sheet.place(0, 0), "the sheet holds no task rows")
    if rollback:
        doc["rollback_tasks"] = rollback
    if "risks" in by_kind:
        risks = _records(by_kind["risks"], RISK_HEADERS, _RISK_READERS, draft, "risks")
        if risks:
            doc["risks"] = risks
    if "readiness" in by_kind:
        items = _records(
            by_kind["readiness"], READINESS_HEADERS, _READINESS_READERS, draft, "readiness"
        )
        if items:
            doc["readiness"] = items
    rules = settings.pop("readiness_rules", None)
    if rules:
        doc["readiness_rules"] = rules
    draft.sort()
    return draft


def _task_sheet(
    sheets: list[Sheet], options: ImportOptions, maps: dict[str, str], draft: Draft
) -> Sheet | None:
    """The sheet of the tasks: ``--sheet``, else the first with a title column that is not
    one of the side sheets."""
    if options.sheet is not None:
        for sheet in sheets:
            if (sheet.name or "").lower() == options.sheet.lower():
                if find_header(sheet, maps) is None:
                    draft.error(
                        f"{sheet.name}",
                        "no header row naming a title column in the first 20 rows",
                        "a column headed Title, Taak, Activiteit or Omschrijving "
                        "(or --map HEADER=title)",
                    )
                    return None
                return sheet
        names = [s.name for s in sheets if s.name]
        draft.error(
            f"--sheet '{options.sheet}'",
            "the workbook has no such sheet",
            did_you_mean(options.sheet, names) or f"its sheets: {', '.join(names)}",
        )
        return None
    for sheet in sheets:
        if sheet_kind(sheet.name) is None and find_header(sheet, maps) is not None:
            return sheet
    first = sheets[0] if sheets else Sheet(None, [])
    draft.error(
        first.place(0, 0) if first.name else "row 1",
        "no sheet has a header row naming a title column (in its first 20 rows)",
        "head the column of the tasks' titles Title, Taak, Activiteit or Omschrijving, or "
        "name it with --map 'HEADER=title'",
    )
    return None


def _settings(sheet: Sheet | None, draft: Draft) -> dict[str, Any]:
    """The Runbook sheet's settings, nested as in the format (``notify``, ``readiness_rules``)."""
    found: dict[str, Any] = {}
    if sheet is None:
        return found
    for number, row in enumerate(sheet.rows):
        if not row or cells.is_blank(row[0]):
            continue
        label = normalized(row[0])
        value = row[1] if len(row) > 1 else None
        if number == 0 and label in _SETTING_HEADERS:
            continue
        key = _SETTING.get(label)
        if key is None:
            names = [n for names in SETTINGS.values() for n in names]
            draft.error(
                sheet.place(number, 0),
                f"unknown setting '{cells.quoted(row[0])}'",
                did_you_mean(label, names) or f"the settings: {', '.join(SETTINGS)}",
            )
            continue
        if cells.is_blank(value):
            continue
        try:
            read = _SETTING_READERS.get(key, cells.read_text)(value)
        except CellError as exc:
            draft.error(sheet.place(number, 1), exc.message, exc.hint)
            continue
        section, _, name = key.partition(".")
        path = (section, name) if name else (section,)
        draft.places[path] = sheet.place(number, 1)
        if name:
            found.setdefault(section, {})[name] = read
        else:
            found[section] = read
    return found


def _duration_text(value: object) -> str | None:
    seconds = cells.read_duration(value)
    return None if seconds is None else duration_text(seconds)


def _whole(value: object) -> int | None:
    number = cells.read_number(value)
    if number is None:
        return None
    if not number.is_integer():
        raise CellError(f"'{cells.quoted(value)}' is not a whole number")
    return int(number)


def _number(value: object) -> int | float | None:
    number = cells.read_number(value)
    return int(number) if number is not None and number.is_integer() else number


_SETTING_READERS: dict[str, Callable[[object], Any]] = {
    "start": cells.read_time,
    "deadline": cells.read_time,
    "notify.heads_up": _duration_text,
    "notify.coordinator": lambda v: cells.read_lines(v, commas=True),
    "readiness_rules.min_probability": _number,
    "readiness_rules.risk_no_go_score": _whole,
    "readiness_rules.risk_conditions_score": _whole,
    "readiness_rules.near_critical_minutes": _number,
    "readiness_rules.require_signoffs": cells.read_flag,
}


def _top(
    doc: dict[str, Any],
    settings: dict[str, Any],
    options: ImportOptions,
    draft: Draft,
    source: str,
) -> None:
    """name, timezone, start and deadline: the Runbook sheet's, else the command line's."""
    given = {
        "name": options.name,
        "timezone": options.timezone,
        "start": options.start,
        "deadline": options.deadline,
    }
    for key, option in given.items():
        if key in settings:
            doc[key] = settings[key]
            if option is not None and key in options.given and str(option) != str(settings[key]):
                draft.notes.append(
                    f"--{key} {option} left out: the Runbook sheet says {settings[key]}"
                )
            continue
        if option is None:
            continue
        if key in ("start", "deadline"):
            try:
                doc[key] = cells.read_time(option)
            except CellError as exc:
                draft.error(f"--{key}", exc.message, exc.hint)
                continue
        else:
            doc[key] = option
        draft.places[(key,)] = f"--{key}"
    if "name" not in doc:
        stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "runbook"
        doc["name"] = stem
        draft.notes.append(f"no name given: the runbook is named '{stem}' (--name TEXT)")
    if "timezone" not in doc:
        draft.notes.append(
            "no time zone given: times are read as UTC (--timezone Europe/Amsterdam, say)"
        )
    if "start" not in doc:
        draft.error(
            "--start",
            "the runbook needs a start: the file gives none",
            "give --start 2026-12-04T18:00 (read in --timezone)",
        )
    doc.setdefault("timezone", "UTC")
    order = ["name", "timezone", "start", "deadline"]
    for key in order:  # the format's order at the top
        if key in doc:
            doc[key] = doc.pop(key)


def _header_index(sheet: Sheet, headers: dict[str, tuple[str, ...]]) -> tuple[int, dict[str, int]]:
    """The header row of a side sheet (its first row naming an id) and its columns."""
    lookup = {n: f for f, names in headers.items() for n in names}
    for number, row in enumerate(sheet.rows[:20]):
        columns: dict[str, int] = {}
        for index, value in enumerate(row):
            field = lookup.get(normalized(value)) if value is not None else None
            if field is not None and field not in columns:
                columns[field] = index
        if "id" in columns:
            return number, columns
    return -1, {}


def _teams(sheet: Sheet, teams: TeamTable, notify: dict[str, list[str]], draft: Draft) -> None:
    """The Teams sheet: id, name, lead, contact, notification addresses."""
    header, columns = _header_index(sheet, TEAM_HEADERS)
    if header < 0:
        draft.error(sheet.place(0, 0), "the Teams sheet has no header row with an ID column")
        return
    for number in range(header + 1, len(sheet.rows)):
        values = {f: sheet.cell(number, i) for f, i in columns.items()}
        if all(cells.is_blank(v) for v in values.values()):
            continue
        team_id = cells.read_text(values.get("id"))
        if team_id is None or not is_id(team_id):
            draft.error(
                sheet.place(number, columns["id"]),
                "the team has no id" if team_id is None else f"'{team_id}' is not a valid id",
            )
            continue
        entry = {
            k: text
            for k in ("name", "lead", "contact")
            if (text := cells.read_text(values.get(k))) is not None
        }
        teams.declare(team_id, entry)
        draft.places[("teams", team_id)] = sheet.place(number, columns["id"])
        addresses = cells.read_lines(values.get("notify"), commas=True)
        if addresses:
            notify[team_id] = addresses
            draft.places[("notify", "teams", team_id)] = sheet.place(number, columns["notify"])


_RISK_READERS: dict[str, Callable[[object], Any]] = {
    "likelihood": _whole,
    "impact": _whole,
    "tasks": cells.read_ids,
}
_READINESS_READERS: dict[str, Callable[[object], Any]] = {"due": cells.read_time}
_IGNORED = {"score", "done"}


def _records(
    sheet: Sheet,
    headers: dict[str, tuple[str, ...]],
    readers: dict[str, Callable[[object], Any]],
    draft: Draft,
    section: str,
) -> list[dict[str, Any]]:
    """The rows of a Risks or Readiness sheet, as the format's mappings."""
    header, columns = _header_index(sheet, headers)
    if header < 0:
        draft.error(sheet.place(0, 0), f"the {sheet.name} sheet has no header row with an ID")
        return []
    out: list[dict[str, Any]] = []
    for number in range(header + 1, len(sheet.rows)):
        raw = {f: sheet.cell(number, i) for f, i in columns.items() if f not in _IGNORED}
        if all(cells.is_blank(v) for v in raw.values()):
            continue
        item: dict[str, Any] = {}
        path = (section, len(out))
        draft.places[path] = sheet.place(number)
        for field in headers:
            if field not in raw or cells.is_blank(raw[field]):
                continue
            try:
                value = readers.get(field, cells.read_text)(raw[field])
            except CellError as exc:
                draft.error(sheet.place(number, columns[field]), exc.message, exc.hint)
                continue
            item[field] = value
            draft.places[(*path, field)] = sheet.place(number, columns[field])
        out.append(item)
    return out
