"""Spreadsheets to download: `workbook_response(filename, sheets)` writes an XLSX with openpyxl in write-only mode.

A sheet is a `Sheet(title, columns, rows)`; each row is a list of values: text, numbers, dates, None (an empty cell)
or a `suppression.Cell` (a figure about citizens), which is written as its number only when it is shown; a hidden
one is written as the text "<5" (1 to 4) or "vises ikke" (hidden so that another cannot be worked out), never as
the number. Text is always written as text: a name beginning with "=" does not become a formula (CSV/formula
injection). The header row is bold and frozen.
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from samspil.organisations.suppression import Cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORBIDDEN_IN_TITLES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass
class Sheet:
    title: str  # at most 31 characters in a workbook; longer titles are cut
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def cell_value(value):
    """What a value is written as: a hidden `Cell` as text, never its number."""
    if isinstance(value, Cell):
        if value.hidden:
            return "<5" if value.small else _("not shown")
        value = value.value
    if isinstance(value, (int, float, Decimal, datetime.date)) or value is None:
        return value
    return str(value)


def _titles(sheets: list[Sheet]) -> list[str]:
    """Sheet titles as Excel allows them: no []:*?/\\, at most 31 characters, unique."""
    titles = []
    for sheet in sheets:
        title = (str(sheet.title).translate(_FORBIDDEN_IN_TITLES).strip() or "Ark")[:31]
        base, number = title, 2
        while title.lower() in (t.lower() for t in titles):
            suffix = f" ({number})"
            title, number = base[: 31 - len(suffix)] + suffix, number + 1
        titles.append(title)
    return titles


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet, title in zip(sheets, _titles(sheets), strict=True):
        worksheet = workbook.create_sheet(title=title)
        worksheet.freeze_panes = "A2"
        header = []
        for name in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=str(name))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(worksheet, value=cell_value(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                cells.append(cell)
            worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(filename: str, sheets: list[Sheet]) -> HttpResponse:
    """An XLSX download named `filename` (ASCII, e.g. "resultater-vejen.xlsx") with one sheet per `Sheet`."""
    response = HttpResponse(workbook_bytes(sheets), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
