"""The stdout console every rich-drawn command prints with: text in it is data, never markup,
and no control character reaches the terminal from it."""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment

from runbook.common.text import shown


class _Shown:
    """A renderable drawn as the wrapped one, with any control character left in its text
    made visible (the renderers already pass titles and names through ``shown``; this is the
    last guard, for whatever reaches the console another way)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control:
                yield segment
            else:
                yield Segment(shown(segment.text, one_line=False), segment.style)


class _SafeConsole(Console):
    """A console whose strings are never read as markup and whose output holds no control
    character that came from data."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(
            *(_Shown(o) if not isinstance(o, str) else shown(o, one_line=False) for o in objects),
            **kwargs,
        )


def console(*, stderr: bool = False) -> Console:
    """The stdout console (no colour with NO_COLOR or when not a terminal); ``stderr``: the
    one for what is said beside data written to stdout."""
    return _SafeConsole(
        stderr=stderr,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=bool(os.environ.get("NO_COLOR")) or None,
    )
