"""Time mission control on a large runbook: first screen, an outside check-in, redraw work.

Run by ``run.py`` as a child process: ``python tui_bench.py RUNBOOK STATE RUNBOOK_CMD``.
Prints one JSON line: seconds from interpreter start to the first screen drawn (and how many
rows it had: the table adds the rows near "now" first, then the rest a chunk at a time),
seconds from an outside ``runbook start`` committing to the dashboard showing it, how many
table cells the dashboard redrew for that one event (out of how many), seconds from
interpreter start until every row was in the table, and the task it started. STATE may be a
PostgreSQL URI (``pg_bench.py``): the dashboard then hears of the check-in by LISTEN, or polls
with ``RUNBOOK_PG_LISTEN=0``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

STARTED = time.perf_counter()  # as early as this script can take it


async def main(runbook: str, state: str, command: str) -> dict[str, float | int | str]:
    from runbook.cli.common import actor, host
    from runbook.tui.app import MissionControl
    from runbook.tui.widgets import TaskTable
    from runbook.usecases import Weekend

    weekend = Weekend.open(runbook, state, create=True)
    app = MissionControl(weekend, actor=actor(None), host=host(), poll_seconds=0.25)
    figures: dict[str, float | int | str] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        # Every start-up message handled and the screen painted. (``pause()`` without a delay
        # would also wait, up to 1 s, for 20 ms without CPU work: at 10,000 tasks the table
        # is then still adding rows in the background, so that would time the filling.)
        await pilot.pause(0)
        figures["first_screen_s"] = time.perf_counter() - STARTED
        table = app.query_one(TaskTable)
        assert app.snap is not None
        # The table adds the rows near "now" first and the rest a chunk at a time.
        figures["rows"] = len(app.snap.tasks)
        figures["cells"] = len(app.snap.tasks) * len(table.columns)
        figures["rows_on_first_screen"] = table.row_count
        ready = next(s.id for s in app.snap.tasks if s.status == "ready")
        subprocess.run(
            [command, "start", ready, "-f", runbook, "--state", state, "--by", "bench"],
            check=True,
            capture_output=True,
        )
        committed = time.perf_counter()
        while app.snap.by_id(ready).status != "running":
            await asyncio.sleep(0.005)
            if time.perf_counter() - committed > 10:
                raise SystemExit("the check-in never showed")
        figures["checkin_shown_s"] = time.perf_counter() - committed
        figures["cells_redrawn"] = table.cells_updated
        figures["task"] = ready
        while table.filling:
            await asyncio.sleep(0.01)
        figures["all_rows_in_s"] = time.perf_counter() - STARTED
    weekend.close()
    return figures


if __name__ == "__main__":
    result = asyncio.run(main(*sys.argv[1:4]))
    print(json.dumps(result))
