"""A plan on another date: a dress rehearsal's clock is the runbook's moved by an offset
(``runbook rehearse``). Its start, deadline, finish, every task's schedule and ``not_before``
and every readiness item's due move by it (so the points of no return, the deadline less a
rollback, move too); durations stay what they are. Cheap on a cached plan: a task's fields
are moved only when read, column by column."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, overload

from runbook.planning.plan import Plan, PlannedTask

# A task's fields that are moments (epoch seconds): moved when the plan moves to another date.
MOVED = ("es", "ef", "ls", "lf", "not_before")


def shifted(plan: Plan, offset: int) -> Plan:
    """``plan`` moved by ``offset`` seconds (a plan moved already moves on from where it
    is); the runbook's own plan stays reachable as ``Plan.own``, for the cache."""
    if offset == 0:
        return plan
    moved = replace(
        plan,
        start=plan.start + offset,
        deadline=None if plan.deadline is None else plan.deadline + offset,
        finish=plan.finish + offset,
        tasks=ShiftedTasks(plan.tasks, offset),
        readiness=[
            item if item.due is None else replace(item, due=item.due + offset)
            for item in plan.readiness
        ],
        offset=plan.offset + offset,
    )
    if "index" in plan.__dict__:  # the ids do not move: keep what was computed
        moved.__dict__["index"] = plan.index
    if moved.offset:
        moved.__dict__["_own"] = plan.own
    return moved


class ShiftedTasks(Sequence[PlannedTask]):
    """A plan's tasks on another date (``shifted``): the time fields moved by an offset
    when read, column by column, the rest the tasks' own."""

    def __init__(self, tasks: Sequence[PlannedTask], offset: int) -> None:
        self._tasks = tasks
        self._offset = offset
        self._columns: dict[str, list[Any]] = {}
        self._built: dict[int, PlannedTask] = {}

    def column(self, name: str) -> list[Any]:
        """Every task's ``name`` field, moved when it is a time."""
        found = self._columns.get(name)
        if found is None:
            tasks = self._tasks
            column = getattr(tasks, "column", None)  # a cached plan's, or one appended to
            own = column(name) if column is not None else [getattr(t, name) for t in tasks]
            if name in MOVED:
                off = self._offset
                own = [None if v is None else v + off for v in own]
            found = self._columns[name] = own
        return found

    def __len__(self) -> int:
        return len(self._tasks)

    @overload
    def __getitem__(self, i: int) -> PlannedTask: ...
    @overload
    def __getitem__(self, i: slice) -> list[PlannedTask]: ...
    def __getitem__(self, i: int | slice) -> PlannedTask | list[PlannedTask]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        task = self._built.get(i)
        if task is None:
            own = self._tasks[i]
            off = self._offset
            moved = {
                name: value + off for name in MOVED if (value := getattr(own, name)) is not None
            }
            task = self._built[i] = replace(own, **moved)
        return task

    def __iter__(self) -> Iterator[PlannedTask]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list
