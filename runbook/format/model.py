# Size: the runbook format is one set of pydantic models with their validators, read top to bottom
# as the format's reference.
"""Pydantic models of the runbook file (format version 1): the format, and nothing else."""

from __future__ import annotations

import importlib
import os
import re
import sys
import types
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    model_validator,
)

from runbook.common.problems import did_you_mean
from runbook.common.text import BY_LIMIT, entry_problem, shown
from runbook.format.durations import (
    DURATION_FORMS,
    DurationError,
    TimeError,
    get_zone,
    localize,
    parse_datetime,
    parse_duration,
    zone_names,
)
from runbook.format.patterns import (
    DURATION_MESSAGE,
    DURATION_PATTERN,
    END,
    ID_MESSAGE,
    ID_PATTERN,
    MAX_DURATION_MINUTES,
    TIME_MESSAGE,
    TIME_PATTERN,
    ZERO_DURATION_PATTERN,
)

_LOADER = "pydantic.plugin._loader"


def _without_pydantic_plugins() -> None:
    """Third-party pydantic plugins (observability hooks found through the installed
    packages' entry points) are not run on the format's models: they serve no one reading a
    runbook, and looking for them scans every installed package's metadata when the first
    model is built (3 ms in a small virtual environment, tens in a large one), on every
    command. Pydantic's own switch, ``PYDANTIC_DISABLE_PLUGINS``, set for this process only
    (runbook starts no other); a value the user set wins.

    With every plugin off, pydantic's plugin loader finds none without looking, but
    importing it imports ``importlib.metadata`` (12 ms, a fortieth of planning 10,000
    tasks): a stand-in that gives what it would (no plugins) is put in its place. Anything
    else asked of the stand-in loads pydantic's own loader and answers from it, so a
    pydantic that uses its loader differently is served by its own code."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ("__all__", "1", "true"):
        return
    if _LOADER in sys.modules:
        return
    stand_in = types.ModuleType(_LOADER, "Pydantic's plugin loader while every plugin is off.")
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = _from_pydantic_loader  # type: ignore[method-assign]
    sys.modules[_LOADER] = stand_in


def _no_plugins() -> tuple[()]:
    """What ``pydantic.plugin._loader.get_plugins`` gives while every plugin is off."""
    return ()


def _from_pydantic_loader(name: str) -> Any:
    """Anything but ``get_plugins`` asked of the stand-in: from pydantic's own loader (what
    Python asks of any module, ``__path__`` and the like, is answered as a module would)."""
    if name.startswith("__"):
        raise AttributeError(name)
    sys.modules.pop(_LOADER, None)
    return getattr(importlib.import_module(_LOADER), name)


_without_pydantic_plugins()

FORMAT_VERSION = 1
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_TIME = re.compile(TIME_PATTERN)


class FieldError(ValueError):
    """A validation error that names the key it is about (so it is located there, not at the
    enclosing mapping; a tuple is a path below it, such as ``(1, "stage")``) and may carry a
    hint; the loader reads both."""

    def __init__(
        self,
        message: str,
        *,
        key: str | tuple[str | int, ...] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.key = key
        self.hint = hint


def _text_id(value: object) -> object:
    """Ids written as numbers (``id: 7``) are read as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _check_id(value: str) -> str:
    if not value:
        raise ValueError("the id is empty")
    if not _ID.fullmatch(value):
        if value[0] in "-." and _ID.fullmatch("_" + value[1:]):
            why = " (one starting with '-' would read as an option)" if value[0] == "-" else ""
            raise ValueError(
                f"'{value}' is not a valid id: an id starts with a letter, a digit or '_'{why}"
            )
        raise ValueError(
            f"{value!r} is not a valid id: use only letters, digits, '-', '_' and '.', "
            "starting with a letter, a digit or '_'"
        )
    return value


# A runbook writes a handful of durations thousands of times: each text is read once.
_DURATIONS: dict[str, int] = {}


def _duration(value: object) -> int:
    if type(value) is str:
        known = _DURATIONS.get(value)
        if known is not None:
            return known
    try:
        seconds = parse_duration(value)
    except DurationError as exc:
        raise ValueError(str(exc)) from None
    if type(value) is str and len(_DURATIONS) < 4096:
        _DURATIONS[value] = seconds
    return seconds


def _moment(value: object) -> datetime:
    try:
        moment = parse_datetime(value)
    except TimeError as exc:
        raise ValueError(str(exc)) from None
    # Python reads more ISO 8601 than the format names (20261204T0600, 2026-W49-5, any
    # separator): a runbook keeps to the forms its JSON Schema gives editors.
    if isinstance(value, str) and not _TIME.match(value):
        raise ValueError(
            f"'{value.strip()[:40]}' is not a date and time the runbook format reads; use "
            "ISO 8601 like 2026-12-04T06:00, 2026-12-04 06:00, 2026-12-04T06:00+01:00 or "
            "2026-12-04"
        )
    return moment


def _zone(value: str) -> str:
    try:
        get_zone(value)
    except TimeError:
        hint = did_you_mean(value, zone_names())
        raise FieldError(f"unknown time zone '{value}'", hint=hint) from None
    return value


def _as_list(value: object) -> object:
    """``depends_on: export`` means ``depends_on: [export]``; an empty value means none."""
    if value is None:
        return []
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [value]
    return value


_TIME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": TIME_PATTERN,
    "patternErrorMessage": TIME_MESSAGE,
    "description": "ISO 8601 date and time; without an offset it is a local time in "
    "the runbook's timezone.",
    "examples": ["2026-12-04T06:00", "2026-12-04T06:00:00+01:00"],
}
# An id as a string, or a number (`id: 7` is read as "7"). One schema with a type list, not
# anyOf, so an editor names what is wrong with the value rather than "Incorrect type".
_ID_SCHEMA: dict[str, Any] = {
    "type": ["string", "number"],
    "pattern": ID_PATTERN,
    "patternErrorMessage": ID_MESSAGE,
    "minimum": 0,
}
# `pattern` constrains the text, `minimum` and `maximum` the number of minutes.
_DURATION_SCHEMA: dict[str, Any] = {
    "type": ["string", "number"],
    "pattern": DURATION_PATTERN,
    "patternErrorMessage": DURATION_MESSAGE,
    "minimum": 0,
    "maximum": MAX_DURATION_MINUTES,
    "examples": ["90m", "1h30m", "2h", "45s", "1d", "PT1H30M", 90],
    "description": f"A duration: {DURATION_FORMS}. Zero is allowed, negative is not; at most "
    "30 days.",
}
# No time at all: what a milestone's duration and a non-gate's rollback may be.
_ZERO_SCHEMA: dict[str, Any] = {
    "type": ["string", "number", "null"],
    "pattern": ZERO_DURATION_PATTERN,
    "patternErrorMessage": "A milestone takes no time: leave the duration out (or 0).",
    "maximum": 0,
    "minimum": 0,
}


def _plain_id(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    """A valid id written as text is taken as it is, in one call; anything else goes through
    the full validation (a number read as text, the located errors of a bad one)."""
    if type(value) is str and _ID.fullmatch(value):
        return value
    return handler(value)


Id = Annotated[
    str,
    BeforeValidator(_text_id),
    AfterValidator(_check_id),
    WrapValidator(_plain_id),
    WithJsonSchema(_ID_SCHEMA),
]
# A reference to a team by its id, checked against `teams` later: text, or a number read as
# text like an id.
TeamRef = Annotated[
    str,
    Field(coerce_numbers_to_str=True),  # as ``_text_id``, without a Python call per task
    WithJsonSchema({"type": ["string", "number"]}),
]
Duration = Annotated[
    int,
    PlainValidator(_duration),
    WithJsonSchema(_DURATION_SCHEMA),
]
LocalTime = Annotated[
    datetime,
    PlainValidator(_moment),
    WithJsonSchema(_TIME_SCHEMA),
]
ZoneName = Annotated[str, AfterValidator(_zone)]
_IDS = re.compile(r"[A-Za-z0-9_.-]+(?:\n[A-Za-z0-9_.-]+)*")


def _plain_ids(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    """``depends_on: export`` means ``[export]`` and nothing means none (``_as_list``); a
    list of valid ids is taken as it is, in one regular-expression match over the whole
    list; anything else goes through item-by-item validation (and its located errors). Two
    million references (one aliased list used 1,400 times) take well under a second this
    way, and seconds the other way. One call per task: the task's other validators are
    called 10,000 times in a 10,000-task runbook too."""
    if type(value) is list:
        if len(value) == 1:
            only = value[0]
            if type(only) is str and _IDS.fullmatch(only):
                return [only]
        elif not value:
            return []
        elif set(map(type, value)) == _TEXT_ONLY and _IDS.fullmatch("\n".join(value)):
            return list(value)
    elif type(value) is str:
        if _IDS.fullmatch(value):
            return [value]
    elif value is None:
        return []
    return handler(_as_list(value))


_TEXT_ONLY = {str}
DependsOn = Annotated[
    list[Id],
    WrapValidator(_plain_ids),
    WithJsonSchema({**_ID_SCHEMA, "type": ["string", "number", "array"], "items": _ID_SCHEMA}),
]


def _rollback(value: object) -> int | list[str]:
    """A rollback is a duration, or a list of rollback task ids (their critical path)."""
    if isinstance(value, list):
        ids = []
        for item in value:
            text = _text_id(item)
            if not isinstance(text, str):
                raise ValueError("rollback task ids must be text")
            ids.append(_check_id(text))
        return ids
    return _duration(value)


Rollback = Annotated[
    int | list[str],
    PlainValidator(_rollback),
    WithJsonSchema(
        {
            **_DURATION_SCHEMA,
            "type": ["string", "number", "array"],
            "items": _ID_SCHEMA,
            "description": "How long rolling back takes (a duration), or the ids of "
            "rollback_tasks, whose critical path is the duration.",
        }
    ),
]
Score = Annotated[int, Field(ge=1, le=5, strict=True)]
# How much a task is needed: a must-have, or optional work that may be dropped when late
# (the compiled plan's PRIORITIES say the same, for the code that never loads this module).
Priority = Literal["must", "should", "nice"]


class _Strict(BaseModel):
    # No number is taken for text (`phase: 1.10` would become "1.1", `contact: 0205550120`
    # lose its zero): as in the JSON Schema, text is written as text; only ids and team
    # references take a number, as the text of its digits.
    # Each model's own validator is built when first used: reading a runbook uses the
    # runbook's, which holds every other model's schema; building them all when the module
    # is imported compiled each a second time (2 ms of every command).
    model_config = ConfigDict(extra="forbid", defer_build=True)


class NotBefore(_Strict):
    """The earliest allowed start of a task, and whether it can move at all."""

    at: LocalTime = Field(description="Earliest allowed start.")
    fixed: bool = Field(
        False,
        strict=True,
        description="True when the time cannot move (an announced downtime, a supplier's "
        "appointment): never listed as could be pulled forward.",
    )
    reason: str | None = Field(None, min_length=1, description="Why it is fixed, for the log.")


def _not_before_form(value: object) -> object:
    """``not_before: 2026-12-05T22:00`` means ``not_before: {at: 2026-12-05T22:00}``."""
    return value if isinstance(value, dict) or value is None else {"at": value}


NotBeforeField = Annotated[
    NotBefore,
    BeforeValidator(_not_before_form),
    WithJsonSchema(
        {
            "anyOf": [
                _TIME_SCHEMA,
                {
                    "type": "object",
                    "properties": {
                        "at": _TIME_SCHEMA,
                        "fixed": {
                            "type": "boolean",
                            "default": False,
                            "description": "True when the time cannot move (an announced "
                            "downtime, a supplier's appointment).",
                        },
                        "reason": {"type": "string", "minLength": 1},
                    },
                    "required": ["at"],
                    "additionalProperties": False,
                },
            ],
            "description": "Earliest allowed start: a time, or {at, fixed, reason} for a time "
            "that cannot move.",
        }
    ),
]


class Estimate(_Strict):
    """A three-point estimate; the task's ``duration`` is the most likely value."""

    optimistic: Duration
    pessimistic: Duration


# The stage a gate's one-list ``approvers: [...]`` is: any one of them decides.
SINGLE_STAGE = "approvers"
_NEEDS_MESSAGE = (
    "'needs' is how many of the stage's approvers must say GO: a number (1 or more) or all"
)


def _needs(value: object) -> int | Literal["all"]:
    """How many approvers of a stage must say GO: a whole number of at least 1, or ``all``."""
    if value == "all":
        return "all"
    if type(value) is int and value >= 1:
        return value
    shown = f"'{value}'" if isinstance(value, str) else str(value).lower()
    raise ValueError(f"{_NEEDS_MESSAGE}, not {shown[:40]}")


Needs = Annotated[
    int | Literal["all"],
    PlainValidator(_needs),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer", "minimum": 1}, {"const": "all"}],
            "default": 1,
            "errorMessage": _NEEDS_MESSAGE + ".",
            "description": "How many of the approvers must say GO: a number, or all.",
        }
    ),
]


def _approver_name(name: str) -> str:
    """A name `runbook decide --by` can give: one printable line, as a check-in's --by."""
    problem = entry_problem(name, limit=BY_LIMIT, one_line=True)
    if problem is not None:
        raise FieldError(
            f"approver '{shown(name[:40])}' {problem}",
            hint=f"name an approver as `runbook decide --by` will: on one line of at most "
            f"{BY_LIMIT} characters",
        )
    return name


# An approver's name in a stage: a role or a person, as `runbook decide --by` will name them.
# (The schema's pattern refuses line breaks and control characters; the bidirectional and
# invisible characters `validate` refuses as well are left to it.)
ApproverName = Annotated[
    str,
    Field(min_length=1),
    AfterValidator(_approver_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": BY_LIMIT,
            "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$",
            "patternErrorMessage": "A name on one line, without control characters.",
        }
    ),
]


class Stage(_Strict):
    """One stage of a gate's decision: who decides in it, and how many of them must say GO."""

    stage: Id = Field(
        description="The stage's name, such as project-team or steering-committee "
        "(`runbook decide GATE go --stage NAME`)."
    )
    approvers: list[ApproverName] = Field(
        json_schema_extra={"minItems": 1, "uniqueItems": True},
        description="Roles or names who decide in this stage, each once.",
    )
    needs: Needs = Field(1, description="How many of the approvers must say GO: a number, or all.")

    @model_validator(mode="after")
    def _approvers_fit(self) -> Stage:
        if not self.approvers:
            raise FieldError(
                f"stage '{self.stage}' names no approvers; a stage is decided by at least one",
                key="approvers",
            )
        seen: set[str] = set()
        for i, name in enumerate(self.approvers):
            if name in seen:
                raise FieldError(
                    f"approver '{name}' is named twice in stage '{self.stage}'",
                    key=("approvers", i),
                )
            seen.add(name)
        if isinstance(self.needs, int) and self.needs > len(self.approvers):
            count = len(self.approvers)
            raise FieldError(
                f"stage '{self.stage}' needs {self.needs} GOs but names {count} "
                f"approver{'s' if count != 1 else ''}",
                key="needs",
                hint="name more approvers, or say needs: all",
            )
        return self

    @property
    def required(self) -> int:
        """How many distinct approvers must say GO (``all``: every one of them)."""
        return len(self.approvers) if self.needs == "all" else self.needs


def _stages_named_once(stages: list[Stage]) -> list[Stage]:
    seen: dict[str, int] = {}
    for i, stage in enumerate(stages):
        if stage.stage in seen:
            raise FieldError(
                f"stage '{stage.stage}' is named twice (first as stage {seen[stage.stage] + 1})",
                key=(i, "stage"),
            )
        seen[stage.stage] = i
    return stages


DecidedBy = Annotated[list[Stage], AfterValidator(_stages_named_once)]
_DECIDED_BY = (
    "Who decides, in stages that decide in order: each {stage, approvers, needs}. Instead of "
    "approvers, not beside it."
)
_BOTH_FORMS: dict[str, Any] = {
    "not": {"required": ["approvers", "decided_by"]},
    "errorMessage": "A gate names who decides once: 'approvers' (one list, any one of them) "
    "or 'decided_by' (stages), not both.",
}


def _one_form(fields_set: set[str], gate: str) -> None:
    """A gate names who decides once: ``approvers`` or ``decided_by``, not both."""
    if {"approvers", "decided_by"} <= fields_set:
        raise FieldError(
            f"{gate} gives both 'approvers' and 'decided_by'; name who decides once",
            key="decided_by",
            hint="move the approvers into a stage of decided_by, or drop decided_by",
        )


def decision_stages(approvers: list[str], decided_by: list[Stage]) -> list[Stage]:
    """A gate's stages: ``decided_by``, or the one-list ``approvers`` as a single stage in
    which any one of them decides (none when neither names anyone)."""
    if decided_by:
        return list(decided_by)
    if not approvers:
        return []
    names = list(dict.fromkeys(approvers))  # a name written twice in the old list: once
    return [Stage.model_construct(stage=SINGLE_STAGE, approvers=names, needs=1)]


class Gate(_Strict):
    """A go/no-go checkpoint (in the ``gates:`` section, by task id)."""

    model_config = ConfigDict(json_schema_extra=_BOTH_FORMS)

    criteria: list[str] = Field(default_factory=list, description="What must hold for GO.")
    approvers: list[str] = Field(
        default_factory=list, description="Roles or names who decide (any one of them)."
    )
    decided_by: DecidedBy = Field(default_factory=list, description=_DECIDED_BY)
    rollback: Rollback | None = Field(
        None, description="Time to roll back after a NO-GO, or rollback task ids."
    )

    @model_validator(mode="after")
    def _deciders_named_once(self) -> Gate:
        _one_form(self.model_fields_set, "the gate")
        return self

    @property
    def stages(self) -> list[Stage]:
        """Who decides, as stages in order (see ``decision_stages``)."""
        return decision_stages(self.approvers, self.decided_by)


class Risk(_Strict):
    """An entry of the risk register."""

    id: Id
    title: str = Field(min_length=1)
    likelihood: Score
    impact: Score
    owner: str | None = None
    mitigation: str | None = None
    status: Literal["open", "mitigated", "closed"] = "open"
    tasks: DependsOn = Field(default_factory=list, description="Ids of the tasks it threatens.")

    @property
    def score(self) -> int:
        """Likelihood x impact (1..25)."""
        return self.likelihood * self.impact


class ReadinessItem(_Strict):
    """Something to have done before the weekend (ticked off with ``runbook check``)."""

    id: Id
    title: str = Field(min_length=1)
    owner: str | None = None
    due: LocalTime | None = None


class ReadinessRules(_Strict):
    """When the readiness report recommends NO-GO or GO WITH CONDITIONS (see docs/format.md)."""

    min_probability: float = Field(
        0.8, ge=0, le=1, description="NO-GO when P(finish <= deadline) is below this."
    )
    risk_no_go_score: int = Field(15, ge=1, le=25, description="NO-GO for an open risk this high.")
    risk_conditions_score: int = Field(
        10, ge=1, le=25, description="GO WITH CONDITIONS for an open risk this high."
    )
    near_critical_minutes: float = Field(60, ge=0, description="Float under this is near-critical.")
    require_signoffs: bool = Field(True, description="Every team must sign off.")

    @model_validator(mode="after")
    def _scores_in_order(self) -> ReadinessRules:
        if self.risk_conditions_score > self.risk_no_go_score:
            raise FieldError(
                f"risk_conditions_score ({self.risk_conditions_score}) is above "
                f"risk_no_go_score ({self.risk_no_go_score}); conditions come before NO-GO",
                key="risk_conditions_score",
            )
        return self


class Team(_Strict):
    """A team taking part in the weekend."""

    name: str | None = Field(None, description="Display name; defaults to the team id.")
    lead: str | None = Field(None, description="Who leads the team during the weekend.")
    contact: str | None = Field(None, description="How mission control reaches the team.")


# An apprise address: a scheme, "://" and the rest; ``${NAME}`` takes an environment
# variable's value when it is sent (keep secrets out of the runbook).
ADDRESS_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*://\S+" + END
ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ADDRESS = re.compile(ADDRESS_PATTERN)


def _address(value: str) -> str:
    if not _ADDRESS.match(value):
        raise ValueError(
            f"{value[:60]!r} is not a notification address: expected an apprise URL such as "
            "json://host/path, mailto://user@host or slack://..."
        )
    return value


Address = Annotated[
    str,
    AfterValidator(_address),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": ADDRESS_PATTERN,
            "patternErrorMessage": "An apprise URL: a scheme, :// and the rest, such as "
            "json://host/path or mailto://user@host.",
            "maxLength": 2000,
            "description": "An apprise URL (json://, mailto://, slack://, msteams://, ...); "
            "${NAME} is replaced by the environment variable NAME when a notification is sent.",
            "examples": ["json://hooks.example.org/runbook", "mailto://${SMTP_USER}@example.org"],
        }
    ),
    Field(max_length=2000),
]


class RehearsalNotify(_Strict):
    """Where a dress rehearsal's notifications go instead of the weekend's."""

    teams: dict[Id, list[Address]] = Field(
        default_factory=dict,
        description="Where each team hears of its tasks during a rehearsal: team id to a list "
        "of apprise URLs.",
    )
    coordinator: list[Address] = Field(
        default_factory=list,
        description="Where the rehearsal's mission control hears its alerts: apprise URLs.",
    )
    approvers: dict[str, list[Address]] = Field(
        default_factory=dict,
        description="Where an approver hears of a gate's stage during a rehearsal: the "
        "approver's name to a list of apprise URLs.",
    )


class Notify(_Strict):
    """Telling people about their tasks: whom to tell, where, and how long beforehand."""

    heads_up: Duration = Field(
        30 * 60,
        description="How long before a task's start its team is told (the calendar's alarm, "
        "the heads-up notification), and before a point of no return mission control is.",
    )
    teams: dict[Id, list[Address]] = Field(
        default_factory=dict,
        description="Where each team hears that its task is up next or up now: team id to a "
        "list of apprise URLs.",
    )
    coordinator: list[Address] = Field(
        default_factory=list,
        description="Where mission control hears the dashboard's alerts: a list of apprise URLs.",
    )
    approvers: dict[str, list[Address]] = Field(
        default_factory=dict,
        description="Where an approver of a gate's stage hears that the gate is near and that "
        "it is their stage's turn to decide: the approver's name, as the gate's approvers or "
        "decided_by name it, to a list of apprise URLs.",
    )
    rehearsal: RehearsalNotify | None = Field(
        None,
        description="Where a dress rehearsal's notifications go (`runbook rehearse`): teams, "
        "coordinator and approvers as above. A rehearsal never uses the weekend's addresses: "
        "without this section it notifies nobody.",
    )


class Task(_Strict):
    """One activity of the runbook."""

    # What `_duration_fits_kind` checks, said to editors: a task that is not a milestone has
    # a duration, a milestone none (or zero); a task that is not a gate no gate details.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"milestone": {"const": True}}, "required": ["milestone"]},
                    "then": {"properties": {"duration": _ZERO_SCHEMA}},
                    "else": {
                        "required": ["duration"],
                        "properties": {"duration": {"type": ["string", "number"]}},
                    },
                },
                {
                    "if": {"properties": {"gate": {"const": True}}, "required": ["gate"]},
                    "else": {
                        "properties": {
                            "criteria": {"maxItems": 0},
                            "approvers": {"maxItems": 0},
                            "decided_by": {"maxItems": 0},
                            "rollback": {
                                "anyOf": [_ZERO_SCHEMA, {"type": "array", "maxItems": 0}],
                                "errorMessage": "'rollback' belongs to a go/no-go gate: add "
                                "'gate: true'.",
                            },
                        }
                    },
                },
                _BOTH_FORMS,
            ]
        }
    )

    id: Id = Field(
        description="Unique id: letters, digits, '-', '_' and '.', starting with a letter, "
        "a digit or '_'."
    )
    title: str = Field(min_length=1)
    team: TeamRef | None = Field(None, description="Id of the owning team.")
    duration: Duration | None = Field(None, description="Planned duration (most likely).")
    depends_on: DependsOn = Field(
        default_factory=list, description="Ids of tasks that must finish first (or one id)."
    )
    not_before: NotBeforeField | None = Field(
        None, description="Earliest allowed start (or {at, fixed, reason})."
    )
    phase: str | None = Field(None, description="Free grouping label such as 'Saturday'.")
    milestone: bool = Field(False, strict=True, description="A zero-duration marker.")
    notes: str | None = None
    gate: bool = Field(False, strict=True, description="A go/no-go checkpoint.")
    criteria: list[str] = Field(default_factory=list, description="Gate: what must hold for GO.")
    approvers: list[str] = Field(
        default_factory=list, description="Gate: who decides (any one of them)."
    )
    decided_by: DecidedBy = Field(default_factory=list, description="Gate: " + _DECIDED_BY)
    rollback: Rollback | None = Field(
        None, description="Gate: time to roll back after a NO-GO, or rollback task ids."
    )
    estimate: Estimate | None = Field(
        None, description="Optimistic and pessimistic durations (duration is the most likely)."
    )
    priority: Priority = Field(
        "must",
        description="must (the weekend is not done without it), should, or nice (a "
        "nice-to-have): `runbook recover` proposes dropping should and nice work when the "
        "weekend runs late.",
    )

    @model_validator(mode="after")
    def _duration_fits_kind(self) -> Task:
        if self.milestone:
            if self.duration:
                raise FieldError(
                    f"milestone '{self.id}' has a duration; a milestone takes no time",
                    key="duration",
                )
            self.duration = 0
        elif self.duration is None:
            raise ValueError(f"task '{self.id}' has no duration (or set 'milestone: true')")
        given = self.__pydantic_fields_set__
        if "decided_by" in given and "approvers" in given:
            _one_form(given, f"'{self.id}'")
        # Checked once per task in a 10,000-task runbook: the usual task is no gate and
        # names none of a gate's keys.
        if not self.gate and (self.criteria or self.approvers or self.decided_by or self.rollback):
            for key in ("criteria", "approvers", "decided_by", "rollback"):
                if getattr(self, key):
                    raise FieldError(
                        f"'{key}' belongs to a go/no-go gate; add 'gate: true' to '{self.id}'",
                        key=key,
                    )
        if self.estimate is not None:
            low, high = self.estimate.optimistic, self.estimate.pessimistic
            if self.milestone:
                raise FieldError(
                    f"milestone '{self.id}' takes no time; it has no estimate", key="estimate"
                )
            if not low <= (self.duration or 0) <= high:
                raise FieldError(
                    f"estimate of '{self.id}' must bracket its duration: optimistic <= "
                    "duration <= pessimistic",
                    key="estimate",
                )
        return self

    @property
    def seconds(self) -> int:
        """The planned duration in seconds (0 for a milestone)."""
        return self.duration or 0


class Runbook(_Strict):
    """A cutover runbook: when the weekend starts, who takes part, and every task."""

    model_config = ConfigDict(
        defer_build=False,
        title="runbook",
        json_schema_extra={"$comment": "Generated from runbook.format.model; do not edit by hand."},
    )

    version: Literal[1] = Field(1, description="Format version of this file.")
    name: str = Field(min_length=1)
    timezone: ZoneName = Field("UTC", description="IANA time zone of local times.")
    start: LocalTime = Field(description="Planned start of the weekend.")
    deadline: LocalTime | None = Field(None, description="End of the change window.")
    teams: dict[Id, Team] | None = None
    tasks: list[Task] = Field(json_schema_extra={"minItems": 1})
    gates: dict[Id, Gate] = Field(
        default_factory=dict, description="Go/no-go details by task id (or gate: true on a task)."
    )
    rollback_tasks: list[Task] = Field(
        default_factory=list,
        description="Tasks run only after a NO-GO; a gate's rollback may name them.",
    )
    risks: list[Risk] = Field(default_factory=list, description="The risk register.")
    readiness: list[ReadinessItem] = Field(
        default_factory=list, description="Things to have done before the weekend."
    )
    # A section left out is its model's defaults, as validating an empty mapping gives them
    # (defaults are not validated), without building that model's own validator for it.
    readiness_rules: ReadinessRules = Field(
        default_factory=ReadinessRules.model_construct,
        description="When to recommend NO-GO or conditions.",
    )
    notify: Notify = Field(
        default_factory=Notify.model_construct,
        description="Telling people: the heads-up before a task starts, and where to send "
        "notifications.",
    )

    @model_validator(mode="after")
    def _to_utc(self) -> Runbook:
        """Local times without an offset are in ``timezone``; keep every time in UTC."""
        zone = get_zone(self.timezone)
        self.start = localize(self.start, zone)
        if self.deadline is not None:
            self.deadline = localize(self.deadline, zone)
        for task in [*self.tasks, *self.rollback_tasks]:
            if task.not_before is not None:
                task.not_before.at = localize(task.not_before.at, zone)
        for item in self.readiness:
            if item.due is not None:
                item.due = localize(item.due, zone)
        return self

    def gate_of(self, task: Task) -> Gate | None:
        """The go/no-go details of a task, from the task or the ``gates:`` section."""
        if task.id in self.gates:
            return self.gates[task.id]
        if task.gate:
            # Already validated on the task: construct, do not read the durations again.
            return Gate.model_construct(
                criteria=task.criteria,
                approvers=task.approvers,
                decided_by=task.decided_by,
                rollback=task.rollback,
            )
        return None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the runbook format, generated from these models."""
    schema: dict[str, Any] = _for_editors(Runbook.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/runbook/runbook/schema/runbook-v1.json"
    return schema


def _for_editors(node: Any) -> Any:
    """The generated schema as `validate` reads the file: a mapping keyed by ids (teams,
    gates, notify.teams) takes no other key, and an optional value is one schema with
    "null" among its types instead of anyOf [value, null], so an editor says what is wrong
    with a value (below the minimum, not matching the pattern) rather than "Incorrect type"."""
    if isinstance(node, list):
        return [_for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _for_editors(value) for key, value in node.items()}
    if "patternProperties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        [value] = [b for b in branches if b != {"type": "null"}]
        if "type" in value and not {"$ref", "anyOf", "allOf", "oneOf"} & set(value):
            types = value["type"] if isinstance(value["type"], list) else [value["type"]]
            del node["anyOf"]
            node = {**value, **node, "type": [*types, "null"]}
    return node
