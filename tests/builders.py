"""Builders the tests share: runbooks as YAML text or files, and weekends played by script."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from runbook.usecases import Weekend

from .conftest import EXAMPLES
from .weekend_helpers import FakeClock, pass_gate

GOLDEN = Path(__file__).parent / "data" / "golden"

# One step of a played weekend: (moment, kind, task) or (moment, kind, task, note). A moment
# is ISO 8601 with an offset; the event is recorded at that moment. ``decide`` takes the
# verdict as its note; ``signoff`` the team and ``check`` the item as their task.
Step = tuple[str, str, str] | tuple[str, str, str, str | None]


# One Friday evening of the minimal example, as mission control recorded it: (time, kind,
# task, note), the time on the Friday in Amsterdam (``friday``). A failure and a resume, a
# note, an undo.
FRIDAY_EVENING = [
    ("18:02", "start", "freeze", None),
    ("18:14", "done", "freeze", None),
    ("18:15", "start", "backup", None),
    ("18:40", "note", "backup", "tape library online"),
    ("19:30", "done", "backup", None),
    ("19:31", "done", "go-no-go", None),
    ("19:35", "start", "export", None),
    ("20:10", "fail", "export", "disk full on the export host"),
    ("20:25", "start", "export", None),
    ("21:40", "done", "export", None),
    ("21:45", "start", "import", None),
    ("22:00", "undo", "import", None),
    ("22:05", "start", "import", None),
]


def friday(hhmm: str) -> str:
    """A time on the minimal example's Friday, 2026-12-04, in Amsterdam."""
    return f"2026-12-04T{hhmm}+01:00"


def task(
    id: str,
    duration: str = "1h",
    *,
    team: str = "t",
    depends_on: str | Sequence[str] | None = None,
    **more: object,
) -> str:
    """One task as a YAML flow mapping: ``{id: b, title: B, team: t, duration: 1h,
    depends_on: a}``; the title is the id in capitals, ``more`` adds keys in order."""
    fields: dict[str, object] = {"id": id, "title": id.upper(), "team": team}
    fields["duration"] = duration
    if depends_on is not None:
        fields["depends_on"] = depends_on
    fields.update(more)
    return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in fields.items()) + "}"


def chain(
    ids: Iterable[str], duration: str = "1h", *, teams: str | Sequence[str] = "t"
) -> list[str]:
    """Tasks each depending on the one before; ``teams`` gives one team for all, or one each."""
    names = list(ids)
    owners = [teams] * len(names) if isinstance(teams, str) else list(teams)
    return [
        task(name, duration, team=owner, depends_on=names[i - 1] if i else None)
        for i, (name, owner) in enumerate(zip(names, owners, strict=True))
    ]


def runbook_yaml(
    name: str,
    start: str,
    tasks: Iterable[str],
    *,
    deadline: str | None = None,
    timezone: str | None = None,
    extra: str = "",
) -> str:
    """A runbook's YAML text: the header, then one task a line, then ``extra`` (more
    top-level sections, already YAML)."""
    lines = [f"name: {name}"]
    if timezone is not None:
        lines.append(f"timezone: {timezone}")
    lines.append(f"start: {start}")
    if deadline is not None:
        lines.append(f"deadline: {deadline}")
    lines.append("tasks:")
    lines += [f"  - {t}" for t in tasks]
    return "\n".join(lines) + "\n" + extra


def minimal_runbook(folder: Path, name: str = "runbook.yaml") -> Path:
    """A copy of ``examples/minimal.yaml`` in ``folder``."""
    path = folder / name
    shutil.copy(EXAMPLES / "minimal.yaml", path)
    return path


def golden_runbook(folder: Path, name: str = "weekend.yaml") -> Path:
    """A copy of the golden reports' runbook (gates, risks, readiness items) in ``folder``."""
    path = folder / name
    shutil.copy(GOLDEN / "weekend.yaml", path)
    return path


def played_weekend(
    runbook: Path,
    script: Iterable[Step],
    *,
    state: Path | None = None,
    actor: str = "ingrid",
    host: str = "pc1",
) -> Path:
    """Record the script through ``Weekend``, each step at its own moment; the state file."""
    steps = list(script)
    clock = FakeClock(steps[0][0] if steps else "2026-12-04T18:00+01:00")
    with Weekend.open(runbook, state, clock=clock, create=True) as weekend:
        for moment, kind, name, *rest in steps:
            note = rest[0] if rest else None
            clock.set(moment)
            at = datetime.fromisoformat(moment)
            if kind == "decide" and str(note).casefold() == "go":
                pass_gate(weekend, name, actor=actor, host=host, at=at)
            elif kind == "decide":  # a NO-GO, said by the gate's first approver
                stages = weekend.plan.gates[name].stages
                first = stages[0] if stages else None
                weekend.decide(
                    name,
                    str(note),
                    actor=actor,
                    host=host,
                    at=at,
                    stage=first.name if first else None,
                    approver=first.approvers[0] if first else None,
                )
            elif kind == "signoff":
                weekend.sign_off(name, actor=actor, host=host)
            elif kind == "check":
                weekend.check_item(name, actor=actor, host=host)
            else:
                weekend.record(kind, [name], actor=actor, host=host, note=note)
        return weekend.state_path


def _flow(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
