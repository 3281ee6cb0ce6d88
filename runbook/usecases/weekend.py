"""The use cases both faces call, as one object: a runbook and its state, opened (``Weekend``).

Each concern is a module of its own, read at once: opening (``opening``), reading the log and
the snapshot (``reading``), resolving what people type (``resolving``), what every write
shares (``writing``), check-ins (``checkins``), decisions (``decisions``), replanning
(``replanning``), closing (``closing``), the rest of the weekend's record: lessons, the
aftercare handover and revisions of the runbook (``recording``), and beginning a rehearsal
on its own date (``rehearsing``). ``Weekend`` is all of them.
"""

from __future__ import annotations

from runbook.usecases.checkins import CheckingIn
from runbook.usecases.closing import Closing
from runbook.usecases.decisions import Deciding
from runbook.usecases.recording import Recording
from runbook.usecases.rehearsing import Rehearsing
from runbook.usecases.replanning import Replanning


class Weekend(CheckingIn, Deciding, Replanning, Closing, Recording, Rehearsing):
    """A runbook and its state file, opened for the use cases."""
