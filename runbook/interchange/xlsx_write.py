"""Drawing the export's sheets as an Excel workbook with openpyxl: frozen header, filters,
column widths, real Excel durations and times, critical tasks marked. The only module that
writes a workbook, imported only by `runbook export xlsx`."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from runbook.interchange.export import Column, SheetData, WorkbookData

TIME_FORMAT = "ddd yyyy-mm-dd hh:mm"
MAX_WIDTH = 60
_HEADER_FILL = "FF1F3864"  # dark blue, white bold text
_CRITICAL_FILL = "FFFCE4E4"  # a light red for the rows of critical tasks
_FIGURE_FILL = "FFF2F2F2"  # the plan's and the weekend's figures: grey, read back as nothing


def _duration_format(value: timedelta) -> str:
    return "[h]:mm:ss" if value.total_seconds() % 60 else "[h]:mm"


def _shown_length(value: object, column: Column) -> int:
    """How wide a value is on screen, roughly (the longest line of a text)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 20
    if isinstance(value, timedelta):
        return 8
    if value is True:
        return 5
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _write_sheet(book: object, data: SheetData) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.create_sheet(data.name)  # type: ignore[attr-defined]
    wrap = Alignment(wrap_text=True, vertical="top")
    if data.table:
        sheet.append([c.header for c in data.columns])
        header_font = Font(bold=True, color="FFFFFFFF")
        for cell, column in zip(sheet[1], data.columns, strict=True):
            cell.font = header_font
            cell.fill = PatternFill("solid", fgColor=_HEADER_FILL if column.read else _FIGURE_FILL)
            if not column.read:
                cell.font = Font(bold=True)
    # Room for the header and its filter button; then for the widest value.
    widths = [max(len(c.header) + 5, 8) for c in data.columns]
    wrapped = [i for i, c in enumerate(data.columns) if c.kind == "lines"]
    first = 2 if data.table else 1
    for number, values in enumerate(data.rows, start=first):
        sheet.append(values)
        for index, value in enumerate(values):
            if isinstance(value, timedelta):
                sheet.cell(number, index + 1).number_format = _duration_format(value)
            elif isinstance(value, datetime):
                sheet.cell(number, index + 1).number_format = TIME_FORMAT
            if value is not None:
                column = data.columns[min(index, len(data.columns) - 1)]
                widths[index] = max(widths[index], _shown_length(value, column) + 2)
        for index in wrapped:
            if index < len(values) and values[index] is not None:
                sheet.cell(number, index + 1).alignment = wrap
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, MAX_WIDTH)
    if not data.table:
        for row in sheet.iter_rows(min_col=1, max_col=1):
            row[0].font = Font(bold=True)
        return
    last = get_column_letter(len(data.columns))
    end = max(2, len(data.rows) + 1)
    sheet.freeze_panes = f"{get_column_letter(data.frozen_columns + 1)}2"
    sheet.auto_filter.ref = f"A1:{last}{end}"
    marker = next((i for i, c in enumerate(data.columns) if c.header == "Critical"), None)
    if marker is not None:  # the rows of critical tasks, light red (and so as they change)
        flag = get_column_letter(marker + 1)
        sheet.conditional_formatting.add(
            f"A2:{last}{end}",
            FormulaRule(
                formula=[f"${flag}2=TRUE"], fill=PatternFill("solid", bgColor=_CRITICAL_FILL)
            ),
        )
    rows = max(len(data.rows) + 200, 1000)  # room for the rows a PMO adds
    for index, column in enumerate(data.columns):
        if column.kind != "choice":
            continue
        letter = get_column_letter(index + 1)
        check = DataValidation(
            type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
        )
        check.add(f"{letter}2:{letter}{rows}")
        sheet.add_data_validation(check)


def workbook_bytes(data: WorkbookData) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.title = data.title
    book.properties.creator = "runbook export xlsx"
    for sheet in data.sheets:
        _write_sheet(book, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
