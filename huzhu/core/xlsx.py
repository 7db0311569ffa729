"""Workbooks people open in Excel or WPS hold text as text. openpyxl stores every string that
starts with "=" as a formula, so a name such as =HYPERLINK("http://…") typed into an uploaded
roster, a unit's contact or a trustee's name came back as a live formula in the annotated
workbook or an export (formula injection). Nothing we write is meant to be a formula: every
workbook goes through `save` (or, written row by row, through `cells`)."""

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

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


def save(book: Workbook) -> bytes:
    """The workbook's bytes, every formula-looking value stored as text."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
