"""Real roster files for tests: xlsx written by openpyxl, ods by hand, csv as text."""

import io
import random
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

from huzhu.rules.identity import id_check_char, luhn_ok

HEADER = ["姓名", "身份证号码", "手机号码", "工商银行卡号", "份数", "在职状态", "人员类别"]


def resident_id(birth: str = "19850613", region: str = "370102", serial: int = 123) -> str:
    stem = f"{region}{birth}{serial:03d}"
    return stem + id_check_char(stem)


def bank_card(seed: int) -> str:
    stem = f"622202{seed:012d}"
    return stem + next(str(c) for c in range(10) if luhn_ok(stem + str(c)))


def person(index: int, *, shares: int = 1, birth: str | None = None, **changes: object) -> list:
    rng = random.Random(index)
    born = birth or f"19{rng.randint(70, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
    row: dict[str, object] = {
        "姓名": f"职工{index}",
        "身份证号码": resident_id(born, serial=index % 1000),
        "手机号码": f"139{index:08d}",
        "工商银行卡号": bank_card(index),
        "份数": str(shares),
        "在职状态": "在职",
        "人员类别": "",
    }
    row.update(changes)
    return [row[h] for h in HEADER]


def xlsx(rows: list[list], header: list | None = None, *, text_cells: bool = True) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    if text_cells:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], header: list | None = None, encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(header or HEADER)] + [",".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def workbook(*sheets: tuple[str, list[list], str]) -> bytes:
    """A workbook of (title, rows, state) sheets, in that order."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


INSTRUCTIONS = [["填表说明"], ["列名", "说明"], ["姓名", "与身份证一致"], ["份数", "1至3"]]


def ods(*sheets: tuple[str, list[list]]) -> bytes:
    """An OpenDocument spreadsheet of (name, rows) sheets, every cell text, written by hand
    (the project writes xlsx only): what LibreOffice or WPS saves as .ods."""

    def table(name: str, rows: list[list]) -> str:
        cells = (
            "".join(
                '<table:table-cell office:value-type="string">'
                f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                for value in row
            )
            for row in rows
        )
        body = "".join(f"<table:table-row>{c}</table:table-row>" for c in cells)
        return f'<table:table table:name="{escape(name)}">{body}</table:table>'

    office = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        f' xmlns:office="{office}:office:1.0" xmlns:table="{office}:table:1.0"'
        f' xmlns:text="{office}:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
        + "".join(table(name, rows) for name, rows in sheets)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        f' xmlns:manifest="{office}:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        mimetype = "application/vnd.oasis.opendocument.spreadsheet"
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()
