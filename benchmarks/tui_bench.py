"""Time mission control on a large runbook, to the paint: the first screen, and outside check-ins.

Run as a child process by ``run.py``, ``pg_bench.py`` and ``control_bench.py``::

    python tui_bench.py RUNBOOK STATE RUNBOOK_CMD [--checkins N] [--size 160x50]

The real app runs headless (``App.run_test``) at the given size. Every screen update Textual's
compositor hands to the display (``App._display``: what a terminal would be sent) is turned
into its terminal bytes, as a real terminal driver does, and applied to a model of the screen
(its text, cell by cell). The clock stops when the screen shows it, not when the app's data
changed:

* ``first_screen_s``: from interpreter start (before any import) to the first update after
  which the table's rows are on the screen;
* ``all_rows_s``: to the moment every task is a row of the table (it is full; the check-ins
  below are made only then);
* for each of ``--checkins`` outside check-ins (a ``runbook start`` of a task whose row shows
  READY on the screen, selected first so that its row stays in sight whatever the new order,
  by another process, the real command): from that process having exited
  (it leaves right after its commit and one line of output) to the first update after which
  the screen shows that task's row as running (``painted_s``); and to the app's snapshot
  saying so (``data_s``), for comparison.

Each check-in is undone (``runbook undo``) once measured, so the state is as it was. Prints one
JSON line. STATE may be a PostgreSQL URI: the dashboard then hears of a check-in by LISTEN, or
polls with ``RUNBOOK_PG_LISTEN=0``.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # as early as this script can take it

import argparse  # noqa: E402  (after the clock started)
import asyncio  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

TIMEOUT_S = 30.0


class ScreenModel:
    """The text of a terminal's screen, as the updates Textual sends it leave it."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.lines = [[" "] * width for _ in range(height)]

    def _put(self, x: int, y: int, text: str) -> None:
        if 0 <= y < self.height:
            row = self.lines[y]
            for i, char in enumerate(text):
                if 0 <= x + i < self.width:
                    row[x + i] = char

    def apply(self, update: Any) -> None:
        """Apply a ``LayoutUpdate`` or a ``ChopsUpdate`` as a terminal would."""
        from textual._compositor import ChopsUpdate, LayoutUpdate

        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    self._put(x, y, strip.text)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                line = update.chops[y].items()
                for end, (x, strip) in zip(update.chop_ends[y], line, strict=False):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    if not (x2 > x >= x1 and end <= x2):
                        strip = strip.crop(0, min(end, x2) - x)
                    self._put(x, y, strip.text)

    def text(self) -> list[str]:
        return ["".join(row) for row in self.lines]


def row_shows(lines: list[str], task: str, status: str) -> bool:
    """Whether a line of the screen is the table's row of ``task`` with ``status``."""
    pattern = re.compile(rf"(^|\s){re.escape(task)}\s+{status}\b")
    return any(pattern.search(line) for line in lines)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    from runbook.cli.options import actor, host
    from runbook.tui.app import MissionControl
    from runbook.tui.widgets import TaskTable
    from runbook.usecases import Weekend

    width, height = (int(n) for n in args.size.split("x"))
    weekend = Weekend.open(args.runbook, args.state, create=True)
    app = MissionControl(weekend, actor=actor(None), host=host())  # as `runbook control`
    model = ScreenModel(width, height)
    # What the screen is waited for: a condition on its lines, and when it first held.
    watched: dict[str, Any] = {"condition": None, "at": None}
    real_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        real_display(screen, renderable)
        if renderable is None:
            return
        renderable.render_segments(app.console)  # the terminal bytes, as the driver makes them
        model.apply(renderable)
        condition = watched["condition"]
        if condition is not None and watched["at"] is None and condition(model.text()):
            watched["at"] = time.perf_counter()

    app._display = display  # type: ignore[method-assign]
    ids = list(weekend.plan.index)
    known = set(ids)
    figures: dict[str, Any] = {"tasks": len(ids), "size": args.size}

    def watch(condition: Any) -> None:
        watched["condition"], watched["at"] = condition, None
        if condition(model.text()):
            watched["at"] = time.perf_counter()

    async def painted(since: float, what: str) -> float:
        """Seconds from ``since`` to the update after which the watched condition held."""
        while watched["at"] is None:
            if time.perf_counter() - since > TIMEOUT_S:
                raise SystemExit(f"{what} not painted within {TIMEOUT_S} s")
            await asyncio.sleep(0.002)
        return float(watched["at"]) - since

    def rows_shown(lines: list[str]) -> bool:
        """The table's rows are on the screen: lines starting with a task's id."""
        return sum(1 for line in lines if any(w in known for w in line.split()[:2])) >= 5

    watch(rows_shown)
    async with app.run_test(size=(width, height)) as pilot:
        table = app.query_one(TaskTable)
        figures["first_screen_s"] = await painted(STARTED, "the first screen")
        while table.row_count < len(ids):
            if time.perf_counter() - STARTED > 120:
                raise SystemExit("the table never filled")
            await asyncio.sleep(0.01)
        figures["all_rows_s"] = time.perf_counter() - STARTED
        await pilot.pause(0.5)
        painted_s, data_s, started, cells = [], [], [], []
        for _ in range(args.checkins):
            lines = model.text()
            ready = [t for t in ids if t not in started and row_shows(lines, t, "READY")]
            if not ready:
                raise SystemExit("no READY row on the screen to start")
            task = ready[0]
            table.select(task)  # the cursor on it: its row stays in sight whatever the order
            await pilot.pause(0.3)
            watch(lambda ls, task=task: row_shows(ls, task, "running"))
            subprocess.run(
                [
                    *(args.command, "start", task, "-f", args.runbook),
                    *("--state", args.state, "--by", "bench"),
                ],
                check=True,
                capture_output=True,
            )
            committed = time.perf_counter()
            if watched["at"] is not None:  # shown before the process had even exited
                watched["at"] = committed
            while app.snap is None or app.snap.by_id(task).status != "running":
                await asyncio.sleep(0.001)
                if time.perf_counter() - committed > TIMEOUT_S:
                    raise SystemExit("the check-in never reached the app")
            data_s.append(max(0.0, time.perf_counter() - committed))
            painted_s.append(await painted(committed, f"{task} running"))
            cells.append(table.cells_updated)
            started.append(task)
            await pilot.pause(0.3)
    for task in reversed(started):
        subprocess.run(
            [
                *(args.command, "undo", task, "-f", args.runbook),
                *("--state", args.state, "--by", "bench"),
            ],
            check=True,
            capture_output=True,
        )
    weekend.close()
    figures.update(
        painted_s=painted_s,
        data_s=data_s,
        checkin_shown_s=statistics.median(painted_s),
        cells_redrawn=max(cells),
        cells=len(ids) * len(table.columns),
        started=started,
    )
    return figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runbook")
    parser.add_argument("state")
    parser.add_argument("command", help="the runbook console script that checks in")
    parser.add_argument("--checkins", type=int, default=3)
    parser.add_argument("--size", default="160x50")
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args(sys.argv[1:])))))
