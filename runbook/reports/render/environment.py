"""The Jinja2 environment of the HTML reports: built once, autoescaping, every text shown safely.

Only the HTML renderer imports this module, so no other command pays for Jinja2. Every value a
template prints goes through ``finalize``: a plain string is shown with its control characters
made visible (``runbook.common.text.shown``) and then escaped by autoescape, so no template can
forget either. ``Markup`` (a macro's output, or our own SVG marked ``|safe``) passes as it is.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from runbook.common.display import count
from runbook.common.text import shown
from runbook.format.durations import clock, format_duration
from runbook.reports.render.markdown import signed


def _finalize(value: object) -> object:
    """What ``{{ value }}`` prints: user text with its controls made visible, before escaping."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value, one_line=False)
    return value


def _code(text: str) -> Markup:
    """Text with Markdown's `code` spans as <code> (the text shown and escaped first)."""
    escaped = str(escape(shown(text, one_line=False)))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def _moment(seconds: float, zone: tzinfo, with_date: bool = True) -> str:
    """A moment in the runbook's time zone: ``Sat 05 Dec 14:30`` (``Sat 14:30`` without date)."""
    return clock(seconds, zone, with_date=with_date)


def _anchor(title: str) -> str:
    """A section's id: the words of its title before any comma, joined by hyphens."""
    return re.sub(r"[^a-z]+", "-", title.lower().split(",")[0]).strip("-")


_CELL = re.compile(r"<td(?=[\s>])")


def _labelled(row: str, head: tuple[str, ...] | list[str]) -> Markup:
    """A table row's cells each labelled with its column's heading (``data-label``): on a
    phone the report shows a row as a card, a cell a line beneath its label. The row is
    markup the templates made (every text in it escaped), so ``<td`` is only ever a cell."""
    labels = iter(head)

    def label(found: re.Match[str]) -> str:
        heading = next(labels, "")
        return f'<td data-label="{escape(heading)}"' if heading else found.group(0)

    return Markup(_CELL.sub(label, str(row)))


@cache
def environment() -> Environment:
    """The one environment of the HTML reports, built on first use."""
    env = Environment(
        loader=PackageLoader("runbook.reports.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        code=_code,
        moment=_moment,
        duration=format_duration,
        signed=signed,
        percent=lambda share: f"{share:.0%}",
        thousands=lambda number: f"{number:,}",
        count=count,
        anchor=_anchor,
        labelled=_labelled,
    )
    return env
