"""Pydantic models of the runbook file (format version 1): the format, and nothing else."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from runbook.diagnostics import did_you_mean
from runbook.durations import (
    DURATION_FORMS,
    DurationError,
    TimeError,
    get_zone,
    localize,
    parse_datetime,
    parse_duration,
    zone_names,
)

FORMAT_VERSION = 1
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
_ID = re.compile(ID_PATTERN)


class FieldError(ValueError):
    """A validation error that names the key it is about (so it is located there, not at the
    enclosing mapping) and may carry a hint; the loader reads both."""

    def __init__(self, message: str, *, key: str | None = None, hint: str | None = None) -> None:
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
    if not _ID.match(value):
        raise ValueError(f"'{value}' is not a valid id: use only letters, digits, '-', '_' and '.'")
    return value


def _duration(value: object) -> int:
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise ValueError(str(exc)) from None


def _moment(value: object) -> datetime:
    try:
        return parse_datetime(value)
    except TimeError as exc:
        raise ValueError(str(exc)) from None


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


Id = Annotated[
    str,
    BeforeValidator(_text_id),
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
Duration = Annotated[
    int,
    PlainValidator(_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "examples": ["90m", "1h30m", "2h", "45s", "1d", "PT1H30M"]},
                {"type": "number", "minimum": 0},
            ],
            "description": f"A duration: {DURATION_FORMS}. Zero is allowed, negative is not.",
        }
    ),
]
LocalTime = Annotated[
    datetime,
    PlainValidator(_moment),
    WithJsonSchema(
        {
            "type": "string",
            "description": "ISO 8601 date and time; without an offset it is a local time in "
            "the runbook's timezone.",
            "examples": ["2026-12-04T06:00", "2026-12-04T06:00:00+01:00"],
        }
    ),
]
ZoneName = Annotated[str, AfterValidator(_zone)]
DependsOn = Annotated[
    list[Id],
    BeforeValidator(_as_list),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": ID_PATTERN},
                {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
            ]
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class Team(_Strict):
    """A team taking part in the weekend."""

    name: str | None = Field(None, description="Display name; defaults to the team id.")
    lead: str | None = Field(None, description="Who leads the team during the weekend.")
    contact: str | None = Field(None, description="How mission control reaches the team.")


class Task(_Strict):
    """One activity of the runbook."""

    id: Id = Field(description="Unique id: letters, digits, '-', '_' and '.'.")
    title: str = Field(min_length=1)
    team: str | None = Field(None, description="Id of the owning team.")
    duration: Duration | None = Field(None, description="Planned duration (most likely).")
    depends_on: DependsOn = Field(
        default_factory=list, description="Ids of tasks that must finish first (or one id)."
    )
    not_before: LocalTime | None = Field(None, description="Earliest allowed start.")
    phase: str | None = Field(None, description="Free grouping label such as 'Saturday'.")
    milestone: bool = Field(False, strict=True, description="A zero-duration marker.")
    notes: str | None = None

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
        return self

    @property
    def seconds(self) -> int:
        """The planned duration in seconds (0 for a milestone)."""
        return self.duration or 0


class Runbook(_Strict):
    """A cutover runbook: when the weekend starts, who takes part, and every task."""

    model_config = ConfigDict(
        title="runbook",
        json_schema_extra={"$comment": "Generated from runbook.model; do not edit by hand."},
    )

    version: Literal[1] = Field(FORMAT_VERSION, description="Format version of this file.")
    name: str = Field(min_length=1)
    timezone: ZoneName = Field("UTC", description="IANA time zone of local times.")
    start: LocalTime = Field(description="Planned start of the weekend.")
    deadline: LocalTime | None = Field(None, description="End of the change window.")
    teams: dict[Id, Team] | None = None
    tasks: list[Task]

    @model_validator(mode="after")
    def _to_utc(self) -> Runbook:
        """Local times without an offset are in ``timezone``; keep every time in UTC."""
        zone = get_zone(self.timezone)
        self.start = localize(self.start, zone)
        if self.deadline is not None:
            self.deadline = localize(self.deadline, zone)
        for task in self.tasks:
            if task.not_before is not None:
                task.not_before = localize(task.not_before, zone)
        return self


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the runbook format, generated from these models."""
    schema = Runbook.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/runbook/runbook/schema/runbook-v1.json"
    return schema
