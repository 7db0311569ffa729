"""Reading rosters (xlsx, xls, ods with python-calamine; csv) and writing the template and the
annotated workbook (openpyxl). A file is judged by its content, never by its name."""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from huzhu.core import xlsx
from huzhu.rules.roster import (
    COLUMNS,
    HEADER_SEARCH_ROWS,
    SPECIAL_GROUPS,
    WARNING_CODES,
    CellIssue,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?>\s*<f[ >/]')
RED = PatternFill("solid", fgColor="FFC7CE")
YELLOW = PatternFill("solid", fgColor="FFEB9C")


class RosterFileError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Table:
    header: list[object]
    rows: list[tuple[int, list[object]]]  # (row number as the user sees it, cells)
    merged_rows: set[int] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based column)
    sheet: str = ""  # the worksheet read, in a workbook of several (else "")


HeaderTest = Callable[[Sequence[object]], bool]  # whether a row is the table's header


def cell_position(ref: str) -> tuple[int, int]:
    """'C3' → (3, 2)."""
    match = _CELL.match(ref)
    if match is None:
        raise ValueError(ref)
    letters, digits = match.groups()
    column = 0
    for char in letters:
        column = column * 26 + ord(char) - 64
    return int(digits), column - 1


def read_table(data: bytes, *, is_header: HeaderTest) -> Table:
    """The table of an uploaded file; of a workbook, the worksheet `_pick_sheet` chooses."""
    if not data or not data.strip():
        raise RosterFileError("empty", "文件为空，请选择填写好的名册")
    if len(data) > MAX_BYTES:
        raise RosterFileError("too_large", "文件超过 20 MB，请分批导入")
    if data[:4] == b"%PDF":
        raise RosterFileError(
            "not_spreadsheet", "这是 PDF 文件，不是表格；请上传 Excel（xlsx）或 CSV 名册"
        )
    if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0":
        table = _read_workbook(data, is_header)
    else:
        table = _read_csv(data)
    if not table.rows and not table.header:
        raise RosterFileError("empty", "表格中没有内容，请按模板填写后再上传")
    if len(table.rows) > MAX_ROWS:
        raise RosterFileError("too_many_rows", f"一次最多导入 {MAX_ROWS} 行，请分批导入")
    return table


def _read_workbook(data: bytes, is_header: HeaderTest) -> Table:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        index, sheet, values = _pick_sheet(book, is_header)
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:  # calamine raises several types for broken files
        raise RosterFileError(
            "not_spreadsheet",
            "无法读取该文件：它不是有效的 Excel 表格（可能已损坏或只是改了扩展名）",
        ) from exc
    table = _table(values)
    if len(book.sheet_names) > 1:
        table.sheet = book.sheet_names[index]
    for (top, _), (bottom, _) in merged:
        table.merged_rows.update(range(top + 1, bottom + 2))
    if data[:2] == b"PK":
        table.formulas = _formula_cells(data, index)
    return table


Values = list[list[Any]]


def _pick_sheet(
    book: python_calamine.CalamineWorkbook, is_header: HeaderTest
) -> tuple[int, python_calamine.CalamineSheet, Values]:
    """The worksheet to read: the first visible one with the table's header in its first rows,
    else the first visible one with anything in it, else the first. Workbooks often open with
    a sheet of instructions (填表说明) or an empty Sheet1 before the table; when only the first
    sheet was read, such a file was refused as empty or as missing its header."""
    shown = [
        index
        for index, meta in enumerate(book.sheets_metadata)
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        and meta.visible == python_calamine.SheetVisibleEnum.Visible
    ]
    fallback: list[tuple[int, python_calamine.CalamineSheet, Values]] = []
    for index in shown or [0]:
        sheet = book.get_sheet_by_index(index)
        values = sheet.to_python(skip_empty_area=False)
        if any(is_header(row) for row in values[:HEADER_SEARCH_ROWS]):
            return index, sheet, values
        if not fallback or (not _filled(fallback[0][2]) and _filled(values)):
            fallback[:] = [(index, sheet, values)]
    return fallback[0]


def _filled(values: Values) -> bool:
    return any(not _blank_row(row) for row in values)


def _formula_cells(data: bytes, index: int) -> set[tuple[int, int]]:
    """Cells of worksheet `index` that hold a formula (calamine reads only cached values)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name = _sheet_path(archive, index)
            if name is None:
                return set()
            xml = archive.read(name)
    except (zipfile.BadZipFile, KeyError):
        return set()
    if b"<f" not in xml:  # the usual case, found in a fraction of the regular expression's time
        return set()
    return {cell_position(m.decode()) for m in _FORMULA_CELL.findall(xml)}


def _sheet_path(archive: zipfile.ZipFile, index: int) -> str | None:
    """The part of the workbook's sheet `index`, in the order of workbook.xml (calamine's)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return None
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    sheets = re.findall(r"<sheet\b[^>]*?r:id=\"([^\"]+)\"", workbook)
    if index >= len(sheets):
        return None
    wanted = f'Id="{sheets[index]}"'
    relation = next((r for r in re.findall(r"<Relationship\b[^>]*>", rels) if wanted in r), "")
    target = re.search(r'Target="([^"]+)"', relation)
    if target is None:
        return None
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def _read_csv(data: bytes) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(
            "not_spreadsheet", "无法读取该文件：它不是 Excel 或 CSV 表格（无法识别文字编码）"
        )
    if "\x00" in text or not any(sep in text for sep in (",", "\t", "\n")):
        raise RosterFileError(
            "not_spreadsheet", "无法读取该文件：它不是 Excel 或 CSV 表格，请使用下载的模板"
        )
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    try:  # newline="": the csv module's own line ends, a lone CR (older Mac exports) included
        values = list(csv.reader(io.StringIO(text, newline=""), dialect=dialect))
    except csv.Error as exc:  # e.g. a cell longer than the csv module allows (128 KB)
        raise RosterFileError(
            "not_spreadsheet",
            "无法读取该 CSV 文件（格式有误或某一格内容过长），请用 Excel 另存为 xlsx 后上传",
        ) from exc
    return _table(values)


def _table(values: Sequence[Sequence[object]]) -> Table:
    rows = [list(r) for r in values]
    while rows and _blank_row(rows[-1]):
        rows.pop()
    if not rows:
        return Table([], [])
    header, body = rows[0], rows[1:]
    numbered = [(i, r) for i, r in enumerate(body, start=2) if not _blank_row(r)]
    return Table(header, numbered)


def _blank_row(row: Sequence[object]) -> bool:
    first = row[0] if row else None
    if type(first) is str and first.strip():  # a filled first cell (the name): not blank
        return False
    return all(_blank(v) for v in row)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def template_workbook(notice_version: str) -> bytes:
    """The roster template: the seven columns as text, choices for status and shares, and a
    sheet of instructions."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "名册"
    sheet.append([header for _, header, _ in COLUMNS])
    for index, width in enumerate(WIDTHS, start=1):
        letter = chr(64 + index)
        sheet.column_dimensions[letter].width = width
        for row in range(2, 2002):
            sheet[f"{letter}{row}"].number_format = "@"
        sheet[f"{letter}1"].font = Font(bold=True)
    status = DataValidation(type="list", formula1='"在职,退休"', allow_blank=False)
    shares = DataValidation(type="list", formula1='"1,2,3"', allow_blank=False)
    sheet.add_data_validation(status)
    sheet.add_data_validation(shares)
    status.add("F2:F2001")
    shares.add("E2:E2001")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    for line in (
        "济南市职工大病互助保障 · 职工名册填写说明",
        "1. 第1行为表头，请勿修改；每位职工一行，从第2行开始填写。",
        "2. 身份证号码、工商银行卡号请按文本填写（模板已设为文本格式），不要用公式。",
        "3. 份数填1至3；每人在所有有效合同中合计不超过3份。",
        "4. 在职状态填“在职”；退休人员不能入会。年龄须在合同生效日满18至60周岁。"
        "只列入身体健康、能正常工作的职工：提交入会或续会申请时由本单位作出声明。"
        "已身故的职工请勿列入。",
        f"5. 人员类别可填：{'、'.join(SPECIAL_GROUPS)}，多个用顿号分隔，可不填。",
        f"6. 上传即确认：本单位已取得名册中每位职工签署的《个人信息处理告知同意书》"
        f"（版本 {notice_version}），同意处理其身份证、银行卡及医疗信息。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    return xlsx.save(book)


WIDTHS = (12, 22, 14, 24, 8, 10, 24)  # the template's columns (COLUMNS)


def roster_workbook(rows: Iterable[Sequence[str]]) -> bytes:
    """A unit's roster in the template's columns, every cell text, to be edited and uploaded
    again. Written row by row (openpyxl's write-only mode), so a large unit's roster stays cheap."""
    book = Workbook(write_only=True)
    headers = [header for _, header, _ in COLUMNS]
    sheet = xlsx.table_sheet(book, "名册", zip(headers, WIDTHS, strict=True))
    for name, number, mobile, card, *rest in rows:
        # the long numbers as text cells: a number typed over one in Excel stays text too
        # (styling every cell took twice as long)
        sheet.append(
            xlsx.cells(sheet, [name, _as_text(sheet, number), mobile, _as_text(sheet, card), *rest])
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(sheet: Any, value: str) -> Cell:
    return xlsx.styled(sheet, value, number_format="@")


def annotated_workbook(
    table: Table, columns: dict[str, int], issues: Iterable[CellIssue], headers: dict[str, str]
) -> bytes:
    """The uploaded rows with bad cells in red, warnings in yellow and a reason column, each row
    where the user had it. Written row by row (openpyxl's write-only mode), so memory does not
    grow with the file: built in memory, the workbook for a 100,000-row roster with one mistake
    took the process to 540 MB."""
    by_row: dict[int, list[CellIssue]] = {}
    for issue in issues:  # file-level problems (row 0) are shown on the header row
        by_row.setdefault(max(issue.row, 1), []).append(issue)
    column_of = {headers[f]: i for f, i in columns.items()}
    width = max([len(table.header), *(len(r) for _, r in table.rows)])
    book = Workbook(write_only=True)
    sheet = book.create_sheet("校验结果")
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    header = [_text(v) for v in table.header] + [None] * (width - len(table.header))
    reasons = by_row.get(1)
    header.append("；".join(i.message for i in reasons) if reasons else "错误原因")
    sheet.append(
        xlsx.cells(sheet, [xlsx.styled(sheet, v, font=BOLD, alignment=WRAP) for v in header])
    )
    next_row, notes = 2, MAX_NOTES
    for row_no, cells in table.rows:
        for _ in range(row_no - next_row):  # blank rows of the upload stay blank
            sheet.append([])
        next_row = row_no + 1
        values = [_text(v) for v in cells]
        found = by_row.get(row_no)
        if found is not None:
            values = _marked(sheet, values, found, width, column_of, notes=notes > 0)
            notes -= len(found)
        sheet.append(xlsx.cells(sheet, values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True)
# Cell notes (comments) for the first problems only: each costs openpyxl several kilobytes held
# until the file is saved (50,000 of them took 300 MB); the reason column names every problem.
MAX_NOTES = 1000


def _marked(
    sheet: Any,
    values: list[object],
    found: list[CellIssue],
    width: int,
    column_of: dict[str, int],
    *,
    notes: bool,
) -> list[object]:
    """A row with its problems: each named cell coloured (with the message as a note when
    `notes`), and the messages in the reason column."""
    row: list[object] = values + [None] * (width - len(values))
    marks: dict[int, CellIssue] = {}  # the last problem named for a cell colours it
    for issue in found:
        column = column_of.get(issue.column)
        if column is not None:
            marks[column] = issue
    for column, issue in marks.items():
        row[column] = xlsx.styled(
            sheet,
            row[column],
            fill=YELLOW if issue.code in WARNING_CODES else RED,
            comment=Comment(issue.message, "huzhu") if notes else None,
        )
    row.append("；".join(i.message for i in found))
    return row


def _text(value: object) -> object:
    """A cell as the annotated workbook can hold it: whole floats as integers, control
    characters (which a workbook cannot store, found by fuzzing) shown as U+FFFD."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value
