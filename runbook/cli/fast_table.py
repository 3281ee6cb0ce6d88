"""The plan's tables drawn row by row: the layout and the bytes rich's Table gives, at a
fraction of its cost.

A rich Table measures and renders every cell through rich's whole machinery (about 0.4 ms a
row: 4 s for a 10,000-task plan). These tables are simple (one line of text a cell, a few
kinds of column), so :class:`RowTable` works out the column widths once, the way the Table
would, and formats each row with string operations, styled segments only where the cell has
a style. Whatever is not simple it leaves to rich: a table that does not fit (rich squeezes
its columns) is drawn by the Table itself, and a cell that wraps over lines (a long id on a
narrow terminal) or that rich would trim by rules of its own is rendered by rich as the Table
renders it. ``rich_table`` is the Table these tables always were; the tests hold the two to
the same bytes (issue 28 §3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Span, Text

Cell = str | Text
Kind = Literal["fixed", "title", "team", "fold"]

_BOX = box.SIMPLE_HEAD
_HEADER_STYLE = "bold"


@dataclass(frozen=True)
class TableColumn:
    """A column as laid out: ``fixed`` (never cut: at least ``size`` cells), ``title`` (takes
    the room left, cut with an ellipsis), ``team`` (at most ``size`` cells, cut with an
    ellipsis) or ``fold`` (exactly ``size`` cells, a longer value goes on over more lines)."""

    header: str
    kind: Kind
    justify: JustifyMethod = "left"
    size: int = 0


@dataclass(frozen=True)
class _Layout:
    """A column's place in the drawn table: its width, padding and how its cells are cut."""

    width: int  # the column's cells, padding included
    pad: int  # spaces after the cell's text (none in the last column)
    right: bool  # right-justified
    no_wrap: bool  # False: the fold column, whose long values rich wraps

    @property
    def room(self) -> int:
        """The cells the text gets."""
        return self.width - self.pad


class RowTable:
    """A rich renderable drawing ``rows`` under ``columns`` as ``rich_table()`` would, the
    table's own cells measured once (``lengths``: each cell's width in terminal cells)."""

    def __init__(
        self,
        columns: Sequence[TableColumn],
        rows: Sequence[Sequence[Cell]],
        lengths: Sequence[Sequence[int]],
        *,
        title: str,
        caption: str,
        gap: int,
        expand: bool,
    ) -> None:
        self.columns = list(columns)
        self.rows = rows
        self.lengths = lengths
        self.title = title
        self.caption = caption
        self.gap = gap
        self.expand = expand

    def rich_table(self) -> Table:
        """The same table as a rich Table (what is drawn when it does not fit)."""
        table = Table(
            title=self.title,
            caption=self.caption,
            header_style=_HEADER_STYLE,
            expand=self.expand,
            box=_BOX,
            show_edge=False,
            pad_edge=False,
            collapse_padding=True,
            padding=(0, self.gap - 1),
        )
        for c in self.columns:
            if c.kind == "title":
                table.add_column(c.header, overflow="ellipsis", no_wrap=True, min_width=5, ratio=1)
            elif c.kind == "team":
                table.add_column(c.header, no_wrap=True, overflow="ellipsis", max_width=c.size)
            elif c.kind == "fold":
                table.add_column(c.header, overflow="fold", width=c.size, justify=c.justify)
            else:
                table.add_column(c.header, no_wrap=True, min_width=c.size, justify=c.justify)
        for row in self.rows:
            table.add_row(*row)
        return table

    def _widths(self, max_width: int) -> list[int] | None:
        """Each column's width as rich's Table works it out, or None when the table does not
        fit (rich then squeezes columns by rules of its own)."""
        n = len(self.columns)
        room = max_width - (n - 1)  # a divider between columns
        if room < 1:
            return None
        pads = [self.gap - 1] * (n - 1) + [0]
        longest = [cell_len(c.header) for c in self.columns]
        for row in self.lengths:
            for k, length in enumerate(row):
                if length > longest[k]:
                    longest[k] = length
        measured = []
        for c, pad, most in zip(self.columns, pads, longest, strict=True):
            if c.kind == "fold":
                width = min(c.size + pad, room)
            else:
                width = min(most + pad, room)
                if c.kind == "fixed":
                    width = max(width, c.size + pad)
                elif c.kind == "team":
                    width = min(width, c.size + pad)
            measured.append(width)
        widths = [w or 1 for w in measured]
        if self.expand:
            flexible = [k for k, c in enumerate(self.columns) if c.kind == "title"]
            if len(flexible) != 1:
                return None
            t = flexible[0]
            rest = sum(w for k, w in enumerate(measured) if k != t)
            widths[t] = max(1 + pads[t], room - rest)
        if sum(widths) > room:
            return None
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths(options.max_width)
        if widths is None:
            # rich squeezes the columns and may still draw wider than the terminal: its lines
            # cut at the edge, as printing them does.
            drawn = console.render(self.rich_table(), options)
            for line in Segment.split_and_crop_lines(drawn, options.max_width, pad=False):
                yield from line
            return
        n = len(self.columns)
        layouts = [
            _Layout(
                width=w,
                pad=self.gap - 1 if k < n - 1 else 0,
                right=c.justify == "right",
                no_wrap=c.kind != "fold",
            )
            for k, (c, w) in enumerate(zip(self.columns, widths, strict=True))
        ]
        table_width = sum(widths) + n - 1
        options = options.update(width=table_width, highlight=False, height=None)
        shape = _BOX.substitute(options, safe=console.safe_box)
        if self.title:
            yield from _annotation(console, options, self.title, "table.title")
        header = [c.header for c in self.columns]
        head = _Drawing(console, options, layouts, shape.head_vertical)
        yield from head.lines(header, console.get_style(_HEADER_STYLE))
        yield Segment(shape.get_row(widths, "head", edge=False))
        yield Segment.line()
        # The box's verticals: one kind between the cells of the last row, one for the rest.
        draw = _Drawing(console, options, layouts, shape.mid_vertical)
        final = len(self.rows) - 1
        for r, (row, lengths) in enumerate(zip(self.rows, self.lengths, strict=True)):
            if r == final:
                draw = _Drawing(console, options, layouts, shape.foot_vertical)
            simple = draw.line(row, lengths)
            if simple is None:
                yield from draw.lines(row, None)
            else:
                yield from simple
                yield Segment.line()
        if self.caption:
            yield from _annotation(console, options, self.caption, "table.caption")


def _annotation(console: Console, options: ConsoleOptions, text: str, style: str) -> RenderResult:
    """The title or the caption, centred over the table as rich's Table draws them."""
    shown = console.render_str(text, style=style, highlight=False)
    return console.render(shown, options.update(justify="center"))


class _Drawing:
    """Draws rows of cells: plain strings where the terminal has no colour, styled segments
    where it has; what is not simple is rendered by rich, cell by cell, as its Table does."""

    def __init__(
        self, console: Console, options: ConsoleOptions, layouts: list[_Layout], divider: str
    ) -> None:
        self.console = console
        self.options = options
        self.layouts = layouts
        self.divider = divider
        self.plain = console.color_system is None and not console.record
        self._styles: dict[str | Style, Style] = {}
        # Per column: the text's room, what follows it (padding, then the divider), right-
        # justified, and whether rich would strip trailing whitespace (right, or wrapping).
        self._columns = [
            (
                c.room,
                " " * c.pad + ("" if k == len(layouts) - 1 else divider),
                c.right,
                c.right or not c.no_wrap,
                c.no_wrap,
            )
            for k, c in enumerate(layouts)
        ]
        self.simple = all(c.room >= 1 for c in layouts)

    def line(self, cells: Sequence[Cell], lengths: Sequence[int]) -> list[Segment] | None:
        """A row of the body as one line of segments (``lengths``: the cells' widths), or
        None when a cell is not simple."""
        if not self.simple:
            return None
        out: list[Segment] = []
        text: list[str] = []  # plain text not yet in a segment
        plain = self.plain
        for cell, (room, after, right, strips, no_wrap), length in zip(
            cells, self._columns, lengths, strict=True
        ):
            fill = room - length
            if isinstance(cell, str):
                if strips and cell[-1:].isspace():
                    return None  # rich strips it by rules of its own
                if fill >= 0:
                    text.append(" " * fill + cell if right else cell + " " * fill)
                elif no_wrap:
                    text.append(set_cell_size(cell, room - 1) + "…")
                else:
                    return None  # wrapped over lines
            else:
                body = cell.plain
                if (
                    fill < 0
                    or cell.justify is not None
                    or cell.overflow is not None
                    or cell.no_wrap is not None
                    or cell.end != "\n"
                    or not body.isprintable()  # a line break, a tab: rich's rules
                    or (strips and body.endswith(" "))
                ):
                    return None
                if plain or (not cell.style and not cell.spans):
                    text.append(" " * fill + body if right else body + " " * fill)
                else:
                    if text:
                        out.append(Segment("".join(text)))
                        text.clear()
                    out.extend(self._styled(cell, fill, right))
            text.append(after)
        if text:
            out.append(Segment("".join(text)))
        return out

    def _styled(self, cell: Text, fill: int, right: bool) -> list[Segment]:
        """A styled cell's segments, as rich's Text renders it justified in its column: the
        cell's style over the padding too, each span moved with the text."""
        padded = " " * fill + cell.plain if right else cell.plain + " " * fill
        shift = fill if right else 0
        spans = [Span(0, len(padded), cell.style)] if cell.style else []
        spans += [Span(s.start + shift, s.end + shift, s.style) for s in cell.spans]
        if not cell.spans:  # the cell's style over all of it
            return [Segment(padded, self._style(spans[0].style))]
        return list(_render_spans(padded, spans, self._style))

    def _style(self, name: str | Style) -> Style:
        found = self._styles.get(name)
        if found is None:
            found = self.console.get_style(name, default=Style.null())
            self._styles[name] = found
        return found

    def lines(self, cells: Sequence[Cell], style: Style | None) -> Iterator[Segment]:
        """A row rendered by rich cell by cell, the cells aligned and shaped as its Table does
        them: the header (``style``: bold), or a row with a cell that wraps or that rich cuts
        by rules of its own."""
        header = style is not None
        console = self.console
        null = Style.null()
        cell_style = style or null
        rendered = []
        for cell, layout in zip(cells, self.layouts, strict=True):
            options = self.options.update(
                width=layout.width,
                justify="right" if layout.right else "left",
                no_wrap=layout.no_wrap,
                overflow="ellipsis" if layout.no_wrap else "fold",
                height=None,
                highlight=False,
            )
            padded = Padding(cell, (0, layout.pad, 0, 0))
            rendered.append(console.render_lines(padded, options, style=style))
        height = max(len(lines) for lines in rendered)
        align = Segment.align_bottom if header else Segment.align_top
        shaped = [
            Segment.set_shape(
                align(lines, layout.width, height, cell_style), layout.width, max(1, height)
            )
            for lines, layout in zip(rendered, self.layouts, strict=True)
        ]
        for n in range(max(1, height)):
            for k, lines in enumerate(shaped):
                if k:
                    yield Segment(self.divider)
                yield from lines[n]
            yield Segment.line()


def text_width(cell: Text) -> int:
    """The cells a Text takes as rich measures it: its widest line."""
    plain = cell.plain
    if plain.isprintable():
        return cell_len(plain)
    return max(map(cell_len, plain.splitlines()), default=0)


def _render_spans(
    text: str, spans: list[Span], style_of: Callable[[str | Style], Style]
) -> Iterator[Segment]:
    """``text`` with ``spans`` as rich's Text renders it: a segment wherever a span starts
    or ends, each with the spans over it combined in their order."""
    marks = [(0, False, 0)]
    marks += [(s.start, False, i) for i, s in enumerate(spans, 1)]
    marks += [(s.end, True, i) for i, s in enumerate(spans, 1)]
    marks.append((len(text), True, 0))
    marks.sort(key=lambda m: (m[0], m[1]))
    styles = {0: Style.null(), **{i: style_of(s.style) for i, s in enumerate(spans, 1)}}
    stack: list[int] = []
    for (offset, leaving, index), (following, _, _) in pairwise(marks):
        if leaving:
            stack.remove(index)
        else:
            stack.append(index)
        if following > offset:
            yield Segment(text[offset:following], Style.combine(styles[i] for i in sorted(stack)))
