"""The use cases both faces call: a weekend opened (``Weekend``: reading it, resolving ids,
checking in, decisions, replanning, closing, each a module), live following (``live``),
setting up a PostgreSQL weekend (``admin``)."""

from __future__ import annotations

from runbook.usecases.opening import Clock, system_clock, watch_only
from runbook.usecases.resolving import read_moment
from runbook.usecases.weekend import Weekend
from runbook.usecases.writing import ONLY_MISSION_CONTROL

__all__ = ["ONLY_MISSION_CONTROL", "Clock", "Weekend", "read_moment", "system_clock", "watch_only"]
