"""Workbooks people open in Excel or WPS hold text as text. openpyxl stores every string that
starts with "=" as a formula, so a name such as =HYPERLINK("http://…") typed into an uploaded
roster, a unit's contact or a trustee's name came back as a live formula in the annotated
workbook or an export (formula injection). Nothing we write is meant to be a formula: every
workbook goes through `save` (or, written row by row, through `cells`)."""

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA = "f"
TEXT = "s"


def as_text(cell: Any) -> Any:
    """The cell, stored as text if openpyxl took its value for a formula."""
    if getattr(cell, "data_type", None) == FORMULA:
        cell.data_type = TEXT
    return cell


def cells(sheet: Any, values: Iterable[object]) -> list[object]:
    """A row for a write-only sheet: values openpyxl would store as formulas become text cells."""
    row: list[object] = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            value = as_text(WriteOnlyCell(sheet, value=value))
        elif isinstance(value, Cell):  # a styled cell (WriteOnlyCell makes these)
            as_text(value)
        row.append(value)
    return row


def styled(sheet: Any, value: object, **style: Any) -> Cell:
    """A cell for a write-only sheet with `style` set (font, number_format, alignment …)."""
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


DAY = "yyyy-mm-dd"
BOLD = Font(bold=True)


def table_sheet(book: Workbook, title: str, columns: Iterable[tuple[str, int]]) -> Any:
    """A write-only workbook's sheet with a bold header row of (title, width) columns that
    stays in view while the rows scroll."""
    sheet = book.create_sheet(title)
    header = []
    for index, (name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        header.append(styled(sheet, name, font=BOLD))
    sheet.freeze_panes = "A2"
    sheet.append(header)
    return sheet


def table_workbook(
    title: str, columns: Iterable[tuple[str, int]], rows: Iterable[Iterable[object]]
) -> bytes:
    """A one-sheet workbook of `rows` under a `table_sheet` header, written row by row (a
    year's register stays cheap), days and amounts as `typed` cells."""
    book = Workbook(write_only=True)
    sheet = table_sheet(book, title, columns)
    for row in rows:
        sheet.append(cells(sheet, [typed(sheet, value) for value in row]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def typed(sheet: Any, value: object) -> object:
    """A value for a write-only sheet: days as date cells shown as 2026-11-30 (Excel sorts and
    filters them as days), amounts with their two decimals, anything else as it is."""
    if isinstance(value, date):
        return styled(sheet, value, number_format=DAY)
    if isinstance(value, Decimal):
        return styled(sheet, value, number_format="0.00")
    return value


def save(book: Workbook) -> bytes:
    """The workbook's bytes, every formula-looking value stored as text."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
