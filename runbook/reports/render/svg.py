"""Hand-built SVG charts for the HTML reports: Gantt charts and the finish-time histogram.

The drawing functions (``gantt``, ``histogram``) know nothing of reports: they draw rows of
bars, vertical flags and bins. The last part of the module turns a readiness report or a
review into those rows and flags. Every colour and font is a presentation attribute, so a
chart looks the same outside the page (pasted into a slide, or with the page's style sheet
stripped). The time axis is ``runbook.planning.timeline``'s, one cell per pixel, so the
bars sit where they do in the terminal Gantt.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from runbook.common.text import shown
from runbook.format.durations import clock
from runbook.planning.timeline import Scale, ticks

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
INK, MUTED, GRID, GRID_MAJOR, ZEBRA = "#1f2933", "#616e7c", "#e4e7eb", "#9aa5b1", "#f5f7fa"
CHAR = 6.6  # pixels per character of 11px text, a generous average for label layout
BOLD = 7.2  # the same for bold 11px text (flag labels)
LANE = 17  # height of one lane of flags above a chart


def _esc(text: object) -> str:
    """Text for an SVG element or attribute: controls shown, then escaped (quotes too)."""
    return html.escape(shown(str(text), one_line=False), quote=True)


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def tag(name: str, content: str | None = None, /, **attrs: object) -> str:
    """An element; ``content`` is markup (already escaped). ``class_`` gives ``class`` and
    underscores become hyphens (``stroke_width``); None attributes are left out."""
    parts = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_esc(_number(value))}"'
        for key, value in attrs.items()
        if value is not None
    )
    return f"<{name}{parts}/>" if content is None else f"<{name}{parts}>{content}</{name}>"


def tip(text: str) -> str:
    """A tooltip: the ``<title>`` child of the element it describes."""
    return tag("title", _esc(text))


def _svg(width: int, height: float, label: str, body: list[str]) -> str:
    return tag(
        "svg",
        "".join(body),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {_number(float(height))}",
        width="100%",
        role="img",
        aria_label=label,
        font_family=FONT,
        font_size=11,
        fill=INK,
    )


@dataclass(frozen=True, slots=True)
class Flag:
    """A vertical line across a chart at a moment, labelled in a lane above it."""

    at: int
    label: str
    colour: str
    kind: str  # the element's class: deadline, ponr, percentile, finish ...
    dash: str | None = None
    key: str | None = None  # e.g. the gate id, as data-key
    note: str = ""  # tooltip


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded stretch of time behind the rows (the buffer before the deadline)."""

    begin: int
    end: int
    colour: str
    note: str


@dataclass(frozen=True, slots=True)
class Row:
    """One task of a Gantt chart: a bar (or a diamond) and, in a review, the planned bar."""

    key: str  # task id
    title: str
    begin: int | None
    end: int | None
    colour: str
    note: str  # tooltip
    diamond: float = 0.0  # radius of a milestone's diamond; 0 draws a bar
    strong: bool = False  # bold label: on the critical path
    outline: str | None = None
    planned: tuple[int, int] | None = None  # drawn thin and grey under the bar
    remark: str = ""  # small text after the bar, e.g. "skipped"
    phase: bool = False  # a phase's summary bar (data-phase) rather than a task (data-task)


def _flag_width(flag: Flag) -> float:
    return len(flag.label) * BOLD + 10


def _placed(
    flags: Sequence[Flag], x_of: dict[int, float], right: float
) -> list[tuple[Flag, float, int, bool]]:
    """Each flag with its x, its lane (labels never overlap) and whether its label sits to
    the left of the line (near the right edge)."""
    lanes: list[list[tuple[float, float]]] = []
    out = []
    for flag in sorted(flags, key=lambda f: (f.at, f.label)):
        x = x_of[flag.at]
        width = _flag_width(flag)
        left = x + width > right
        span = (x - width, x) if left else (x, x + width)
        lane = next(
            (
                i
                for i, used in enumerate(lanes)
                if all(span[1] + 4 < a or span[0] > b + 4 for a, b in used)
            ),
            len(lanes),
        )
        if lane == len(lanes):
            lanes.append([])
        lanes[lane].append(span)
        out.append((flag, x, lane, left))
    return out


def _flags(placed: list[tuple[Flag, float, int, bool]], top: float, bottom: float) -> str:
    """The flags' lines down to ``bottom``, then their labels over the lines (lane 0 nearest
    the chart)."""
    lanes = 1 + max((lane for _, _, lane, _ in placed), default=-1)
    lines, labels = [], []
    for flag, x, lane, left in placed:
        y = top + (lanes - 1 - lane) * LANE
        width = _flag_width(flag)
        box_x = x - width if left else x
        lines.append(
            tag(
                "line",
                tip(flag.note or flag.label),
                x1=x,
                x2=x,
                y1=y,
                y2=bottom,
                stroke=flag.colour,
                stroke_width=1.6,
                stroke_dasharray=flag.dash,
                class_=flag.kind,
                data_key=flag.key,
            )
        )
        box = tag("rect", x=box_x, y=y, width=width, height=LANE - 3, rx=2, fill=flag.colour)
        text = tag(
            "text",
            _esc(flag.label),
            x=x - 5 if left else x + 5,
            y=y + 11,
            fill="#fff",
            font_weight="bold",
            text_anchor="end" if left else None,
        )
        labels.append(
            tag("g", tip(flag.note or flag.label) + box + text, class_=f"{flag.kind}-label")
        )
    return "".join(lines + labels)


def _day(scale: Scale, zone: ZoneInfo, cell: int) -> str:
    """The date of the local midnight inside ``cell`` (the cell's last second is past it)."""
    moment = scale.start + (cell + 1) * scale.per_cell - 1
    return datetime.fromtimestamp(moment, zone).strftime("%a %d %b")


def _axis(
    scale: Scale, zone: ZoneInfo, x0: float, y: float, top: float, bottom: float, *, days: bool
) -> str:
    """Grid lines from ``top`` to ``bottom`` and hours at ``y``; with ``days``, the dates in a
    row above the hours, else the day's name in place of 00:00."""
    out = []
    marks = ticks(scale, zone, min_gap=44)
    if days and not any(t.major and t.cell < 70 for t in marks):
        out.append(tag("text", _esc(_day(scale, zone, -1)), x=x0 + 2, y=y - 15, font_weight="bold"))
    for t in marks:
        x = x0 + t.cell
        out.append(
            tag("line", x1=x, x2=x, y1=top, y2=bottom, stroke=GRID_MAJOR if t.major else GRID)
        )
        text = ("00:00" if days else t.label) if t.major else t.label
        out.append(
            tag(
                "text",
                _esc(text),
                x=x,
                y=y,
                text_anchor="middle",
                font_size=10,
                fill=INK if t.major else MUTED,
                font_weight="bold" if t.major else None,
            )
        )
        if t.major and days:
            out.append(
                tag("text", _esc(_day(scale, zone, t.cell)), x=x + 3, y=y - 15, font_weight="bold")
            )
    return "".join(out)


def _day_shading(scale: Scale, zone: ZoneInfo, x0: float, top: float, height: float) -> str:
    """Every other local day lightly shaded, so the eye finds the day of a bar."""
    edges = [0, *(t.cell for t in ticks(scale, zone, min_gap=44) if t.major), scale.width]
    return "".join(
        tag("rect", x=x0 + a, y=top, width=b - a, height=height, fill="#f0f4f8")
        for i, (a, b) in enumerate(pairwise(edges))
        if i % 2 == 1
    )


def _diamond(x: float, y: float, r: float, content: str = "", **attrs: object) -> str:
    """A diamond (a milestone or a gate) centred on ``x``, ``y``."""
    d = (
        f"M{_number(x)} {_number(y - r)}L{_number(x + r)} {_number(y)}"
        f"L{_number(x)} {_number(y + r)}L{_number(x - r)} {_number(y)}Z"
    )
    return tag("path", content, d=d, **attrs)


# --- Gantt chart ------------------------------------------------------------------------

GANTT_WIDTH, LABELS, ROW = 1160, 380, 18


def _label(row: Row, labels: int = LABELS) -> str:
    room = int((labels - 16) / CHAR) - len(row.key) - 1
    title = row.title if len(row.title) <= room else row.title[: max(0, room - 1)] + "…"
    return tag(
        "tspan",
        _esc(row.key),
        font_weight="bold" if row.strong else "600",
        fill="#b71c1c" if row.strong else INK,
    ) + tag("tspan", " " + _esc(title), fill=MUTED)


def _planned(row: Row, scale: Scale, x0: float, y: float) -> tuple[str, float, float]:
    """The thin grey baseline bar (or small diamond) of a review row, and its extent."""
    if row.planned is None:
        return "", x0 + scale.width, x0
    begin, end = row.planned
    if end > begin:
        first, cells = scale.span(begin, end)
        shape = tag(
            "rect",
            tip("planned"),
            x=x0 + first,
            y=y + 12,
            width=cells,
            height=4,
            fill="#9aa5b1",
            class_="planned",
        )
        return shape, x0 + first, x0 + first + cells
    x = x0 + scale.cell(begin)
    return _diamond(x, y + 14, 3.5, tip("planned"), fill="#9aa5b1", class_="planned"), x - 4, x + 4


def _actual(row: Row, scale: Scale, x0: float, y: float) -> tuple[str, float, float]:
    """The row's bar (or diamond), with the task id as data-task, and its extent."""
    if row.begin is None or row.end is None:
        return "", x0 + scale.width, x0
    stroke = {"stroke": row.outline, "stroke_width": 1.5 if row.outline else None}
    if row.diamond:
        x = x0 + scale.cell(row.begin)
        shape = _diamond(
            x,
            y + 9,
            row.diamond,
            tip(row.note),
            fill=row.colour,
            class_="milestone",
            **_data(row),
            **stroke,
        )
        return shape, x - row.diamond, x + row.diamond
    first, cells = scale.span(row.begin, row.end)
    top, height = (y + 2, 9) if row.planned else (y + 3, 12)
    shape = tag(
        "rect",
        tip(row.note),
        x=x0 + first,
        y=top,
        width=cells,
        height=height,
        rx=2,
        fill=row.colour,
        class_="bar",
        **_data(row),
        **stroke,
    )
    return shape, x0 + first, x0 + first + cells


def _data(row: Row) -> dict[str, str]:
    return {"data_phase": row.key} if row.phase else {"data_task": row.key}


def _bar(row: Row, scale: Scale, x0: float, y: float) -> str:
    planned, p_start, p_end = _planned(row, scale, x0, y)
    actual, a_start, a_end = _actual(row, scale, x0, y)
    out = planned + actual
    if row.remark:
        start, end = min(p_start, a_start), max(p_end, a_end, x0)
        left = end + 5 + len(row.remark) * CHAR > x0 + scale.width
        out += tag(
            "text",
            _esc(row.remark),
            x=start - 5 if left else end + 5,
            y=y + 13,
            fill=MUTED,
            font_size=10,
            font_style="italic",
            text_anchor="end" if left else None,
        )
    return out


def gantt(
    rows: Sequence[Row],
    flags: Sequence[Flag],
    bands: Sequence[Band],
    start: int,
    end: int,
    zone: ZoneInfo,
    *,
    label: str,
    size: tuple[int, int] = (GANTT_WIDTH, LABELS),
) -> str:
    """A Gantt chart: one row per task, hours and days along the top and bottom, flags
    (deadline, points of no return) as labelled vertical lines. ``size``: the chart's width
    and its label column's (a narrower chart reads larger on a phone)."""
    total, labels = size
    width = total - labels - 24
    scale = Scale(start, max(end, start + 3600), width)
    x0 = labels
    x_of = {f.at: x0 + scale.cell(f.at) + 0.5 for f in flags}
    placed = _placed(flags, x_of, total - 4)
    lanes = 1 + max((lane for _, _, lane, _ in placed), default=-1)
    axis_y = 8 + lanes * LANE + 30
    top = axis_y + 8
    bottom = top + len(rows) * ROW
    body = [_day_shading(scale, zone, x0, top, bottom - top)]
    for band in bands:
        first, cells = scale.span(band.begin, band.end)
        body.append(
            tag(
                "rect",
                tip(band.note),
                x=x0 + first,
                y=top,
                width=cells,
                height=bottom - top,
                fill=band.colour,
                class_="band",
            )
        )
    body += [
        tag(
            "rect",
            x=0,
            y=top + i * ROW,
            width=total,
            height=ROW,
            fill=ZEBRA,
            fill_opacity=0.6,
        )
        for i in range(0, len(rows), 2)
    ]
    body.append(_axis(scale, zone, x0, axis_y, top, bottom, days=True))
    body.append(
        tag("text", _esc(_span_caption(scale, zone)), x=x0, y=bottom + 16, fill=MUTED, font_size=10)
    )
    for i, row in enumerate(rows):
        y = top + i * ROW
        body.append(tag("text", _label(row, labels), x=8, y=y + 13))
        body.append(_bar(row, scale, x0, y))
    body.append(tag("line", x1=x0, x2=x0, y1=top, y2=bottom, stroke=GRID_MAJOR))
    body.append(_flags(placed, 8, bottom))
    return _svg(total, bottom + 24, label, body)


def _span_caption(scale: Scale, zone: ZoneInfo) -> str:
    """The chart's span in words, under the rows."""
    return (
        f"{clock(scale.start, zone, with_date=True)} – {clock(scale.end, zone, with_date=True)}"
        f", local time ({zone.key})"
    )


# --- Finish-time histogram --------------------------------------------------------------

HIST_WIDTH, HIST_HEIGHT, PLOT_LEFT = 760, 230, 46
ON_TIME, LATE = "#4a78b5", "#c62828"


def _bins(
    bins: Sequence[tuple[int, int, int]],
    deadline: int | None,
    scale: Scale,
    runs: int,
    zone: ZoneInfo,
    base: float,
    height: float,
) -> str:
    tallest = max((n for _, _, n in bins), default=0) or 1
    out = []
    for begin, end, n in bins:
        if n == 0:
            continue
        x, x_end = PLOT_LEFT + scale.cell(begin), PLOT_LEFT + scale.cell(end)
        x_end = max(x_end - 1, x + 3)
        h = height * n / tallest
        note = f"{clock(begin, zone)} – {clock(end, zone)}: {n:,} of {runs:,} runs ({n / runs:.1%})"
        split = (
            x_end
            if deadline is None or deadline >= end
            else max(x, min(x_end, PLOT_LEFT + scale.cell(deadline)))
        )
        if split > x:
            out.append(
                tag(
                    "rect",
                    tip(note),
                    x=x,
                    y=base - h,
                    width=split - x,
                    height=h,
                    fill=ON_TIME,
                    class_="bin",
                )
            )
        if split < x_end:
            out.append(
                tag(
                    "rect",
                    tip(note + ", past the deadline"),
                    x=split,
                    y=base - h,
                    width=x_end - split,
                    height=h,
                    fill=LATE,
                    class_="bin late",
                )
            )
    return "".join(out)


def histogram(
    bins: Sequence[tuple[int, int, int]],
    flags: Sequence[Flag],
    deadline: int | None,
    zone: ZoneInfo,
    *,
    runs: int,
    label: str,
) -> str:
    """The distribution of simulated finish times: bars of runs per bin, those past the
    deadline in red, and flags for the deadline, percentiles and the plan's finish."""
    moments = [m for b in bins for m in b[:2]] + [f.at for f in flags]
    low, high = min(moments), max(moments)
    pad = max(1800, (high - low) // 12)
    width = HIST_WIDTH - PLOT_LEFT - 16
    scale = Scale(low - pad, high + pad, width)
    x_of = {f.at: PLOT_LEFT + scale.cell(f.at) + 0.5 for f in flags}
    placed = _placed(flags, x_of, HIST_WIDTH - 4)
    lanes = 1 + max((lane for _, _, lane, _ in placed), default=-1)
    top = 8 + lanes * LANE + 6
    base = top + HIST_HEIGHT - 60
    tallest = max((n for _, _, n in bins), default=0) or 1
    body = []
    for share in (0.5, 1.0):
        y = base - (base - top - 6) * share
        body.append(tag("line", x1=PLOT_LEFT, x2=HIST_WIDTH - 16, y1=y, y2=y, stroke=GRID))
        body.append(
            tag(
                "text",
                f"{tallest * share / runs:.0%}",
                x=PLOT_LEFT - 6,
                y=y + 4,
                text_anchor="end",
                fill=MUTED,
                font_size=10,
            )
        )
    body.append(_axis(scale, zone, PLOT_LEFT, base + 18, base, base + 5, days=False))
    body.append(_bins(bins, deadline, scale, runs, zone, base, base - top - 6))
    body.append(tag("line", x1=PLOT_LEFT, x2=HIST_WIDTH - 16, y1=base, y2=base, stroke=INK))
    body.append(
        tag(
            "text",
            "share of runs finishing in each interval (local time)",
            x=PLOT_LEFT,
            y=base + 38,
            fill=MUTED,
            font_size=10,
        )
    )
    body.append(_flags(placed, 8, base))
    return _svg(HIST_WIDTH, base + 46, label, body)
