"""The use cases both faces call: a weekend opened (``Weekend``: reading it, resolving ids,
checking in, decisions, replanning, closing), live following (``live``), setting up a
PostgreSQL weekend (``admin``)."""

from __future__ import annotations

from runbook.usecases.weekend import (
    ONLY_MISSION_CONTROL,
    Clock,
    Weekend,
    read_moment,
    system_clock,
    watch_only,
)

__all__ = ["ONLY_MISSION_CONTROL", "Clock", "Weekend", "read_moment", "system_clock", "watch_only"]
