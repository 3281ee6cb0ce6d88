"""MS Project's XML (MSPDI, what "Save as XML" writes) as a runbook.

Tasks keep their durations and finish-to-start links; "Start No Earlier Than" becomes
``not_before`` ("Must Start On" a fixed one); summary tasks become phases (a link to or from
one stands for its tasks); milestones stay milestones; work resources become teams. What has
no exact counterpart is converted the safe way (never earlier than MS Project plans it) and
said: other link types are read as finish-to-start, a lag becomes a task that waits, a lead
is left out.

The XML is parsed by defusedxml: a DTD, and with it every entity trick, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from runbook.common.errors import InputError
from runbook.format.durations import DurationError, parse_duration
from runbook.interchange import cells
from runbook.interchange.cells import CellError
from runbook.interchange.draft import Draft, ImportOptions, listed, slug, unique
from runbook.interchange.emit import duration_text

NS = "{http://schemas.microsoft.com/project}"
LINK_TYPES = {
    "0": "finish-to-finish",
    "1": "finish-to-start",
    "2": "start-to-finish",
    "3": "start-to-start",
}
CONSTRAINTS = {
    "1": "As Late As Possible",
    "3": "Must Finish On",
    "5": "Start No Later Than",
    "6": "Finish No Earlier Than",
    "7": "Finish No Later Than",
}
# MSPDI's duration formats that count elapsed time (ed, eh, ...), estimated ones included.
ELAPSED_FORMATS = {"4", "6", "8", "10", "12", "20", "36", "38", "40", "42", "44", "52"}
# Formats in days, weeks or months of work: their length depends on the project's calendar.
CALENDAR_FORMATS = {"7", "9", "11", "39", "41", "43"}
_LAG_UNITS = 10  # LinkLag is in tenths of a minute


@dataclass
class _Task:
    uid: str
    number: str  # MS Project's ID: the row number in its Gantt chart
    name: str
    level: int
    summary: bool
    element: Element
    phase: str | None = None
    children: list[str] = field(default_factory=list)  # uids of the tasks it sums up

    @property
    def place(self) -> str:
        return (
            f"task {self.number} '{cells.quoted(self.name)}'"
            if self.name
            else (f"task {self.number}")
        )


def _text(element: Element, name: str) -> str | None:
    found = element.find(NS + name)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _number(text: str | None, default: float) -> float:
    """A number MS Project wrote, or ``default`` when it wrote none (or not a finite one)."""
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return value if value == value and abs(value) < 1e12 else default


def parse(data: bytes, *, source: str) -> Element:
    """The ``<Project>`` element of an MSPDI file; hostile or foreign XML is refused."""
    import defusedxml.ElementTree as safe
    from defusedxml import DefusedXmlException

    try:
        root = safe.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise InputError(
            f"{source}: refused: the XML declares a document type (DTD) or entities, which "
            "MS Project never writes and which can make a parser expand or fetch anything",
            hint="save it again from MS Project as XML",
        ) from None
    except Exception as exc:  # ParseError and friends
        raise InputError(f"{source}: is not well-formed XML ({exc})") from None
    if not isinstance(root, Element) or root.tag != NS + "Project":
        raise InputError(
            f"{source}: is XML, but not MS Project's (no <Project> in its namespace)",
            hint="in MS Project: File > Save As > XML Format (*.xml)",
        )
    return root


def from_mspdi(data: bytes, options: ImportOptions, *, source: str) -> Draft:
    """The runbook an MSPDI file describes, every problem and conversion said in ``draft``."""
    root = parse(data, source=source)
    draft = Draft()
    draft.columns["tasks"] = {
        "id",
        "title",
        "team",
        "duration",
        "milestone",
        "depends_on",
        "not_before",
        "phase",
        "notes",
    }
    doc = draft.document
    title = _text(root, "Title") or (_text(root, "Name") or "").removesuffix(".xml") or None
    doc["name"] = options.name or title or source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    doc["timezone"] = options.timezone or "UTC"
    if options.timezone is None:
        draft.notes.append(
            "MS Project's times carry no time zone: read as UTC (--timezone Europe/Amsterdam, say)"
        )
    start = _text(root, "StartDate") or options.start
    _time(doc, "start", start, "the project's start date", draft)
    if options.deadline:
        _time(doc, "deadline", options.deadline, "--deadline", draft)
    minutes_per_day = _number(_text(root, "MinutesPerDay"), 480)
    tasks = _tasks(root, draft)
    teams, assigned = _resources(root, tasks, draft)
    ids = _ids(tasks)
    leaves = _leaves(tasks)
    out: list[dict[str, Any]] = []
    calendar_days: list[str] = []
    for task in tasks.values():
        if task.summary:
            continue
        made = _task(task, ids, tasks, leaves, assigned, draft, out, calendar_days)
        if made is not None:
            out.append(made)
            draft.places[("tasks", len(out) - 1)] = task.place
    if calendar_days:
        hours = minutes_per_day / 60
        draft.notes.append(
            f"durations in days of work are MS Project's working time, read as that many hours "
            f"({hours:g}h a day on this project's calendar): {listed(calendar_days)}; a "
            "cutover runs around the clock, so check them"
        )
    if teams:
        doc["teams"] = teams
    doc["tasks"] = out
    if not out:
        draft.error("the project", "the project has no tasks (only summary or empty rows)")
    return draft


def _time(doc: dict[str, Any], key: str, value: str | None, what: str, draft: Draft) -> None:
    if value is None:
        draft.error("the project", f"the project has no {key} date", "give --start TIME")
        return
    try:
        doc[key] = cells.read_time(value)
    except CellError as exc:
        draft.error(what, exc.message, exc.hint)


def _tasks(root: Element, draft: Draft) -> dict[str, _Task]:
    """The project's tasks by uid, in file order, with each summary task's phase given to the
    tasks below it; empty rows, inactive and external tasks and the project's own summary
    left out."""
    tasks: dict[str, _Task] = {}
    stack: list[_Task] = []
    skipped: list[str] = []
    for element in root.iterfind(f"{NS}Tasks/{NS}Task"):
        uid = _text(element, "UID")
        if uid is None or _text(element, "IsNull") == "1":
            continue
        level = int(_number(_text(element, "OutlineLevel"), 1))
        if level == 0:
            continue  # the project summary task
        task = _Task(
            uid,
            _text(element, "ID") or uid,
            _text(element, "Name") or "",
            level,
            _text(element, "Summary") == "1",
            element,
        )
        while stack and stack[-1].level >= level:
            stack.pop()
        if stack:
            task.phase = stack[-1].name or None
            for parent in stack:
                parent.children.append(uid)
        if _text(element, "Active") == "0" or _text(element, "ExternalTask") == "1":
            skipped.append(task.place)
            continue
        tasks[uid] = task
        if task.summary:
            stack.append(task)
    if skipped:
        draft.notes.append(f"inactive and external tasks left out: {listed(skipped)}")
    return tasks


def _resources(
    root: Element, tasks: dict[str, _Task], draft: Draft
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The work resources as teams, and each task's teams in assignment order."""
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for element in root.iterfind(f"{NS}Resources/{NS}Resource"):
        uid, name = _text(element, "UID"), _text(element, "Name")
        if uid is None or name is None or _text(element, "IsNull") == "1":
            continue
        kinds[uid] = _text(element, "Type") or "1"
        names[uid] = name
    teams: dict[str, dict[str, Any]] = {}
    team_of: dict[str, str] = {}
    taken: set[str] = set()
    assigned: dict[str, list[str]] = {}
    left_out: list[str] = []
    for element in root.iterfind(f"{NS}Assignments/{NS}Assignment"):
        task_uid, resource = _text(element, "TaskUID"), _text(element, "ResourceUID")
        if task_uid not in tasks or resource not in names:
            continue
        if kinds[resource] != "1":
            left_out.append(names[resource])
            continue
        if resource not in team_of:
            team_id = unique(slug(names[resource], limit=30), taken)
            team_of[resource] = team_id
            teams[team_id] = {"name": names[resource]}
        mine = assigned.setdefault(task_uid, [])
        if team_of[resource] not in mine:
            mine.append(team_of[resource])
    if left_out:
        draft.notes.append(
            f"material and cost resources are no teams: {listed(sorted(set(left_out)))} left out"
        )
    return teams, assigned


def _ids(tasks: dict[str, _Task]) -> dict[str, str]:
    """A runbook id for every task, made from its name (``task-12`` for one without)."""
    taken: set[str] = set()
    return {
        uid: unique(slug(t.name) if t.name else f"task-{t.number}", taken)
        for uid, t in tasks.items()
    }


def _leaves(tasks: dict[str, _Task]) -> dict[str, list[str]]:
    """What a link to each task stands for: itself, or a summary task's working tasks."""
    out: dict[str, list[str]] = {}
    for uid, task in tasks.items():
        if task.summary:
            out[uid] = [c for c in task.children if c in tasks and not tasks[c].summary]
        else:
            out[uid] = [uid]
    return out


def _seconds(text: str | None, place: str, what: str, draft: Draft) -> int | None:
    if text is None:
        return None
    try:
        return parse_duration(text)
    except DurationError as exc:
        draft.error(place, str(exc) if str(exc).startswith(what) else f"{what} {exc}")
        return None


def _task(
    task: _Task,
    ids: dict[str, str],
    tasks: dict[str, _Task],
    leaves: dict[str, list[str]],
    assigned: dict[str, list[str]],
    draft: Draft,
    out: list[dict[str, Any]],
    calendar_days: list[str],
) -> dict[str, Any] | None:
    """One working task in the format's shape (and any task a lag needs, added to ``out``)."""
    element, place, my_id = task.element, task.place, ids[task.uid]
    made: dict[str, Any] = {"id": my_id, "title": task.name or my_id}
    teams = assigned.get(task.uid, [])
    if teams:
        made["team"] = teams[0]
        if len(teams) > 1:
            draft.notes.append(
                f"{place} has {len(teams)} resources; its team is the first ({teams[0]}), "
                f"{', '.join(teams[1:])} left out"
            )
    seconds = _seconds(_text(element, "Duration"), place, "duration", draft) or 0
    milestone = _text(element, "Milestone") == "1"
    if milestone and seconds:
        draft.notes.append(
            f"{place} is marked as a milestone but takes {duration_text(seconds)}: read as a task"
        )
        milestone = False
    if milestone:
        made["milestone"] = True
    else:
        made["duration"] = duration_text(seconds)
        if _text(element, "DurationFormat") in CALENDAR_FORMATS and seconds:
            calendar_days.append(my_id)
    deps = _links(task, ids, tasks, leaves, draft, out)
    if deps:
        made["depends_on"] = deps
    constraint = _text(element, "ConstraintType") or "0"
    at = _text(element, "ConstraintDate")
    if constraint in ("2", "4") and at is not None:
        try:
            moment = cells.read_time(at)
        except CellError as exc:
            draft.error(place, exc.message, exc.hint)
            moment = None
        if moment is not None and constraint == "4":
            made["not_before"] = moment
        elif moment is not None:
            made["not_before"] = {"at": moment, "fixed": True, "reason": "Must Start On"}
            draft.notes.append(f"{place}: Must Start On read as a fixed not_before")
    elif constraint in CONSTRAINTS:
        draft.notes.append(f"{place}: {CONSTRAINTS[constraint]} has no counterpart; left out")
    if task.phase:
        made["phase"] = task.phase
    notes = _text(element, "Notes")
    if notes:
        made["notes"] = notes
    return made


def _links(
    task: _Task,
    ids: dict[str, str],
    tasks: dict[str, _Task],
    leaves: dict[str, list[str]],
    draft: Draft,
    out: list[dict[str, Any]],
) -> list[str]:
    """The ids a task depends on: its own links and those of the summary tasks above it."""
    links = list(task.element.iterfind(f"{NS}PredecessorLink"))
    for other in tasks.values():
        if other.summary and task.uid in other.children:
            links += other.element.iterfind(f"{NS}PredecessorLink")
    deps: list[str] = []
    for link in links:
        if _text(link, "CrossProject") == "1":
            draft.notes.append(f"{task.place}: a link to another project left out")
            continue
        pred = _text(link, "PredecessorUID")
        if pred not in tasks:
            draft.notes.append(f"{task.place}: a link to a task not in the file left out")
            continue
        kind = _text(link, "Type") or "1"
        lag = round(_number(_text(link, "LinkLag"), 0) * 60 / _LAG_UNITS)
        if kind != "1":
            draft.notes.append(
                f"{task.place}: {LINK_TYPES.get(kind, 'a')} link to "
                f"{tasks[pred].place} read as finish-to-start (it starts later than in MS "
                "Project)"
            )
        targets = [ids[p] for p in leaves[pred] if p != task.uid and p in ids]
        if lag < 0:
            draft.notes.append(
                f"{task.place}: the lead of {duration_text(-lag)} on its link to "
                f"{tasks[pred].place} left out (it starts that much later)"
            )
        elif lag > 0 and targets:
            wait_id = unique(f"wait-{ids[task.uid]}", set(ids.values()) | {t["id"] for t in out})
            out.append(
                {
                    "id": wait_id,
                    "title": f"Wait {duration_text(lag)} after {tasks[pred].name or ids[pred]}",
                    "duration": duration_text(lag),
                    "depends_on": targets,
                    **({"phase": task.phase} if task.phase else {}),
                }
            )
            draft.places[("tasks", len(out) - 1)] = f"{task.place} (its lag)"
            draft.notes.append(
                f"{task.place}: the lag of {duration_text(lag)} after {tasks[pred].place} is "
                f"the task '{wait_id}'"
            )
            targets = [wait_id]
        for target in targets:
            if target not in deps:
                deps.append(target)
    return deps
