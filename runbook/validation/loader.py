"""Runbook file -> validated model; every problem located (file, line, column) and collected."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from runbook.common.limits import MAX_PROBLEMS, MAX_TASKS
from runbook.common.problems import Problem, did_you_mean
from runbook.format.model import FORMAT_VERSION, FieldError, Runbook
from runbook.format.source import digest_of
from runbook.format.yamlsafe import Document, read

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value pairs)",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
}


_BOUNDS = {
    "less_than_equal": ("at most", "le"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "greater_than": ("more than", "gt"),
}


@dataclass
class Loaded:
    """What reading a runbook file produced: the model (when valid) and every problem."""

    source: str
    digest: str
    document: Document | None = None
    runbook: Runbook | None = None
    problems: list[Problem] = field(default_factory=list)
    # The document had the runbook's shape, so its references can be checked (even when the
    # model found other problems: every problem is reported at once).
    shaped: bool = False
    # The tasks' topological order, as the reference checks found it (None: not sorted, or
    # a cycle); the plan takes it instead of sorting again.
    order: list[int] | None = None
    # Each task's predecessors by index, each once, when the checks found them all valid.
    preds: list[list[int]] | None = None
    # Problems past MAX_PROBLEMS of a severity: counted, not located or listed.
    omitted: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0})
    _listed: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0})

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the runbook unusable."""
        return [p for p in self.problems if p.severity == "error"]

    def has_errors(self) -> bool:
        """Whether any error was found (listed or only counted)."""
        return bool(self.omitted["error"]) or any(p.severity == "error" for p in self.problems)

    def omit(self, severity: typing.Literal["error", "warning"], count: int) -> None:
        """Count ``count`` problems found but not listed (past the bound on problems)."""
        self.omitted[severity] += count

    def locate(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of ``path`` in the file."""
        if self.document is None:
            return 1, 1
        return self.document.marks.locate(self.document.data, path, key=key)

    def problem(
        self,
        severity: typing.Literal["error", "warning"],
        message: str,
        path: tuple[str | int, ...],
        *,
        key: bool = False,
        hint: str | None = None,
    ) -> Problem:
        """Record a problem located at ``path``; past MAX_PROBLEMS of its severity it is only
        counted (locating and printing millions of them would cost more than the check)."""
        if self._listed[severity] >= MAX_PROBLEMS:
            self.omitted[severity] += 1
            return Problem(severity, message, None, None, hint, path)
        self._listed[severity] += 1
        line, column = self.locate(path, key=key)
        found = Problem(severity, message, line, column, hint, path)
        self.problems.append(found)
        return found


def load_bytes(data: bytes, *, source: str = "<runbook>") -> Loaded:
    """Parse runbook bytes into the model: YAML, shape and types (references and cycles are
    the checks' work, which the orchestrator runs next)."""
    loaded = Loaded(source=source, digest=digest_of(data))
    document = read(data)
    for issue in document.issues:
        loaded.problems.append(
            Problem("error", issue.message, issue.line, issue.column, issue.hint)
        )
    if any(issue.fatal for issue in document.issues):
        return loaded
    loaded.document = document
    raw = document.data
    if raw is None:
        loaded.problems.append(
            Problem("error", "the file is empty; a runbook needs name, start and tasks", 1, 1)
        )
        return loaded
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"'{raw}'"
        loaded.problem(
            "error",
            f"the top level must be a mapping with name, start and tasks, not {kind}",
            (),
        )
        return loaded
    for key in ("tasks", "rollback_tasks"):
        listed = raw.get(key)
        if isinstance(listed, list) and len(listed) > MAX_TASKS:
            loaded.problem(
                "error",
                f"'{key}' holds {len(listed):,} tasks; a runbook may have at most "
                f"{MAX_TASKS:,} (split the weekend into several runbooks)",
                (key,),
            )
            return loaded
    loaded.shaped = True
    try:
        loaded.runbook = Runbook.model_validate(raw)
    except ValidationError as exc:
        # Where the YAML reader already objected (a refused tag, a bad `!!int`), the model's
        # complaint about the value left behind is an echo of it; keep only the cause.
        reported = {(p.line, p.column) for p in loaded.problems}
        before = len(loaded.problems)
        translate(loaded, exc)
        loaded.problems[before:] = [
            p for p in loaded.problems[before:] if (p.line, p.column) not in reported
        ]
    return loaded


def _fields_at(path: tuple[str | int, ...], root: type[BaseModel] = Runbook) -> list[str]:
    """The keys allowed in the mapping at ``path`` of a ``root`` file (for "did you mean")."""
    model: Any = root
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        info = model.model_fields.get(part)
        if info is None:
            # Inside a mapping of named entries (teams: {id: {...}}): keep the value model.
            continue
        model = _inner_model(info.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """The model inside ``list[X]``, ``dict[str, X]`` or ``X | None``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return None
    return None


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    return f"{value}"


def _label(path: tuple[str | int, ...]) -> str:
    """``tasks[3].duration`` style name of a place in the file."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text or "the runbook"


def _clean_loc(loc: tuple[str | int, ...], data: object) -> tuple[str | int, ...]:
    """Drop pydantic's internal loc parts (union branches, validators) that are not keys."""
    path: list[str | int] = []
    node: Any = data
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str):
            # A key that is missing or unknown: keep it as the last part.
            path.append(part)
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def translate(loaded: Loaded, exc: ValidationError, root: type[BaseModel] = Runbook) -> None:
    """Turn pydantic's errors about a ``root`` file (a runbook, an estimates file) into
    plain, located problems."""
    assert loaded.document is not None
    data = loaded.document.data
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for error in exc.errors(include_url=False):
        kind = error["type"]
        path = _clean_loc(tuple(error["loc"]), data)
        value = error.get("input")
        name = path[-1] if path else ""
        if kind == "missing":
            parent = path[:-1]
            where = "" if not parent else f" in {_task_label(data, parent)}"
            message = f"missing required key '{name}'{where}"
            loaded.problem("error", message, parent)
        elif kind == "extra_forbidden":
            hint = did_you_mean(str(name), _fields_at(path[:-1], root))
            allowed = ", ".join(_fields_at(path[:-1], root))
            loaded.problem(
                "error",
                f"unknown key '{name}'",
                path,
                key=True,
                hint=hint or (f"allowed keys: {allowed}" if allowed else None),
            )
        elif kind == "literal_error" and path == ("version",):
            loaded.problem(
                "error",
                f"unsupported format version {_describe(value)}; this runbook reads "
                f"version {FORMAT_VERSION}",
                path,
            )
        elif kind == "value_error":
            message = str(error["msg"]).removeprefix("Value error, ")
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, FieldError) and cause.key is not None:
                below = cause.key if isinstance(cause.key, tuple) else (cause.key,)
                path = (*path, *below)
            if message in {m for _, m in seen if _ == path}:
                continue
            loaded.problem("error", message, path, hint=getattr(cause, "hint", None))
        elif kind == "list_type" and path == ("tasks",) and value is None:
            loaded.problem("error", "the runbook has no tasks", path)
        elif kind in _EXPECTED:
            number = isinstance(value, int | float) and not isinstance(value, bool)
            loaded.problem(
                "error",
                f"'{_label(path)}' should be {_EXPECTED[kind]}, not {_describe(value)}",
                path,
                hint="put it in quotes to have it read as text"
                if kind == "string_type" and number
                else None,
            )
        elif kind in _BOUNDS:
            limit = (error.get("ctx") or {}).get(_BOUNDS[kind][1])
            loaded.problem(
                "error",
                f"'{_label(path)}' should be {_BOUNDS[kind][0]} {limit}, not {_describe(value)}",
                path,
            )
        elif kind == "string_too_short":
            loaded.problem("error", f"'{_label(path)}' must not be empty", path)
        else:
            loaded.problem("error", f"'{_label(path)}': {error['msg']}", path)
        seen.add((path, loaded.problems[-1].message))


def _task_label(data: object, path: tuple[str | int, ...]) -> str:
    """``task 'export'`` for a path to a task entry, else the dotted path."""
    if len(path) == 2 and path[0] == "tasks" and isinstance(data, dict):
        tasks = data.get("tasks")
        if isinstance(tasks, list) and isinstance(path[1], int) and path[1] < len(tasks):
            entry = tasks[path[1]]
            if isinstance(entry, dict) and isinstance(entry.get("id"), str | int):
                return f"task '{entry['id']}'"
            return f"task #{path[1] + 1}"
    return f"'{_label(path)}'"
