"""Units from a spreadsheet (E-2): the association's list of member units, kept in spreadsheets
before this system, registered at once instead of one form per unit (the page 批量登记单位 and
`huzhu import-units`). Every row is checked as the unit form checks one unit; nothing here
writes (`actions.register_units` does), and nothing is registered unless every row passes."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from huzhu.accounts.models import User
from huzhu.core import xlsx
from huzhu.core.product import current_plan
from huzhu.members.spreadsheet import RosterFileError, Table, read_table
from huzhu.organizations.actions import UnitFacts
from huzhu.organizations.forms import UnitForm
from huzhu.organizations.models import Union, Unit
from huzhu.rules.identity import normalize, visible

# (form field, header, required, other headers read as it: the unit list's export among them)
COLUMNS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("name", "单位名称", True, ()),
    ("credit_code", "统一社会信用代码", True, ("社会信用代码", "信用代码")),
    ("union", "上级工会", True, ("上级工会名称",)),
    ("member_count", "工会会员人数", True, ("会员人数", "工会会员数")),
    ("contact_name", "联系人", True, ()),
    ("contact_phone", "联系电话", True, ("电话", "联系人电话")),
    ("address", "地址", False, ("单位地址",)),
)
HEADERS = {name: header for name, header, _, _ in COLUMNS}
_READ_AS = {key: name for name, header, _, more in COLUMNS for key in (header, *more)}
WIDTHS = (30, 22, 20, 12, 10, 16, 30)
MAX_UNITS = 10_000  # a file; the city has a few thousand member units
SHOWN = 200  # problems listed on the page


@dataclass(frozen=True)
class Problem:
    row: int  # as the user sees it in the spreadsheet (header = 1); 0 for the whole file
    column: str  # the column's header; "" for the file or the header row
    message: str


@dataclass
class UnitSheet:
    """A checked file: its rows, the units they make (only if every row passed) and what is
    wrong, each problem with its row and column."""

    rows: int = 0
    units: list[UnitFacts] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records: list["Record"] = field(default_factory=list)  # the rows read, for the confirmation

    @property
    def ok(self) -> bool:
        return bool(self.units) and not self.problems

    def as_json(self, registered: int = 0) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "registered": registered,
            "errors": [
                {"row": p.row, "column": p.column, "message": p.message} for p in self.problems
            ],
        }


Record = tuple[int, dict[str, str]]  # (row number, the row's text by form field)


def check_units(data: bytes, user: User | None) -> UnitSheet:
    """The file's units, every row checked (E-2); `user` None is the system (a command). A
    file that cannot be read as a list of units says only that; otherwise the problems of its
    cells (formulas, merged cells, codes stored as numbers) come with those of its rows."""
    records, problems = read_units(data)
    if not records or any(p.row <= 1 for p in problems):
        return UnitSheet(rows=len(records), problems=problems)
    checked = check_records(records, user)
    # a code in a number cell lost digits: its check character failing says nothing more
    lost = {(p.row, p.column) for p in problems if p.message == NUMBER_CODE}
    found = [p for p in checked.problems if (p.row, p.column) not in lost]
    checked.problems = sorted([*problems, *found], key=lambda p: p.row)
    if checked.problems:
        checked.units = []
    return checked


def read_units(data: bytes) -> tuple[list[Record], list[Problem]]:
    """The file's rows as text by form field, and what is wrong with the file or its cells."""
    try:
        table = read_table(data, is_header=_is_header)
    except RosterFileError as exc:
        return [], [Problem(0, "", exc.message)]
    columns = {_READ_AS[key]: i for i, h in enumerate(table.header) if (key := _key(h)) in _READ_AS}
    missing = [header for name, header, required, _ in COLUMNS if required and name not in columns]
    records = [(row_no, _texts(cells, columns)) for row_no, cells in table.rows]
    if missing:
        listed = "、".join(missing)
        return records, [Problem(1, "", f"表头缺少：{listed}。请使用下载的模板（第1行为表头）")]
    if not records:
        return [], [Problem(0, "", "表格中没有单位，请从第2行起每家单位填写一行")]
    if len(records) > MAX_UNITS:
        return records, [Problem(0, "", f"一次最多登记 {MAX_UNITS} 家单位，请分批导入")]
    return records, _cell_problems(table, columns)


def check_records(records: Sequence[Record], user: User | None) -> UnitSheet:
    """Each row as the unit form checks it, the union named by its name or code, and no credit
    code twice in the file. Codes registered before and the unions are read once for the file,
    not once a row (3,000 units took 4 s of queries)."""
    unions = Union.objects.all() if user is None else Union.objects.for_user(user)
    by_key = {key: u for u in unions for key in (u.name, u.code)}
    codes = {normalize(values.get("credit_code", "")) for _, values in records}
    registered = dict(Unit.objects.filter(credit_code__in=codes).values_list("credit_code", "name"))
    sheet = UnitSheet(rows=len(records), records=list(records))
    first: dict[str, int] = {}  # credit code → the row it was first on
    for row_no, values in records:
        form = UnitForm(values, user=user, registered=registered)
        del form.fields["union"]  # found here, by name or code
        union = by_key.get(values.get("union", ""))
        if union is None:
            sheet.problems.append(Problem(row_no, HEADERS["union"], _union_problem(values)))
        if not form.is_valid():
            for name, errors in form.errors.items():
                sheet.problems.append(Problem(row_no, HEADERS.get(name, ""), str(errors[0])))
            continue
        code = form.cleaned_data["credit_code"]
        if code in first:
            message = f"与第{first[code]}行的单位重复，每家单位只登记一次"
            sheet.problems.append(Problem(row_no, HEADERS["credit_code"], message))
            continue
        first[code] = row_no
        if union is not None:
            sheet.units.append(UnitFacts(**(form.cleaned_data | {"union": union})))
    if sheet.problems:
        sheet.units = []
    return sheet


def _union_problem(values: dict[str, str]) -> str:
    text = values.get("union", "")
    if not text:
        return "“上级工会”不能为空"
    return f"上级工会“{text}”不存在：请填写系统中的工会名称（见模板的“上级工会”表）或工会编码"


def _cell_problems(table: Table, columns: dict[str, int]) -> list[Problem]:
    merged = "此行含合并单元格，请取消合并后每格填写一个值"
    problems = [Problem(row, "", merged) for row in sorted(table.merged_rows)]
    at = {index: HEADERS[name] for name, index in columns.items()}
    for row, index in sorted(table.formulas):
        if index in at:
            problems.append(Problem(row, at[index], f"“{at[index]}”是公式，请改为直接填写的值"))
    code = columns["credit_code"]
    for row_no, cells in table.rows:  # 18 digits in a number cell: Excel kept 15 of them
        if code < len(cells) and isinstance(cells[code], int | float):
            problems.append(Problem(row_no, HEADERS["credit_code"], NUMBER_CODE))
    return problems


NUMBER_CODE = "统一社会信用代码被存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写"


def _texts(cells: list[object], columns: dict[str, int]) -> dict[str, str]:
    return {name: _text(cells[i] if i < len(cells) else None) for name, i in columns.items()}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a number cell: 120.0, 13905310000.0
        return str(int(value))
    return visible(str(value)).strip()


def _key(header: object) -> str:
    return "".join(visible(str(header or "")).split())  # 联 系 人, a space typed inside


def _is_header(cells: Sequence[object]) -> bool:
    return sum(_key(cell) in _READ_AS for cell in cells) >= 2


def template_workbook(unions: Sequence[Union]) -> bytes:
    """The file to fill: the seven columns (codes and phones as text), the unions to choose from
    on a sheet of their own (a list on 上级工会), and how to fill it."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "单位"
    sheet.append([header for _, header, _, _ in COLUMNS])
    last = 1 + MAX_UNITS
    for index, width in enumerate(WIDTHS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet[f"{letter}1"].font = Font(bold=True)
    for letter in ("B", "F"):  # the credit code and the phone: text, as typed
        for row in range(2, 1002):
            sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    names = book.create_sheet("上级工会")
    names.append(["工会名称", "工会编码"])
    for union in unions:
        names.append([union.name, union.code])
    names.column_dimensions["A"].width = 30
    names.column_dimensions["B"].width = 20
    if unions:
        choice = DataValidation(
            type="list", formula1=f"'上级工会'!$A$2:$A${len(unions) + 1}", allow_blank=False
        )
        sheet.add_data_validation(choice)
        choice.add(f"C2:C{last}")
    notes = book.create_sheet("填写说明")
    percent = current_plan().participation_percent  # E-3, a setting
    for line in (
        "济南市职工大病互助保障 · 批量登记单位填写说明",
        "1. 第1行为表头，请勿修改；每家单位一行，从第2行开始填写。",
        "2. 统一社会信用代码18位（末位为校验位），每家单位只能登记一次。",
        "3. 上级工会从下拉列表中选择，或填写“上级工会”表中的工会名称或编码。",
        f"4. 工会会员人数为整数，是入会时“参加人数不少于会员{percent}%”的依据；地址可不填。",
        "5. 上传后先检查，每一行都通过才能登记；有错误的行会列出行号和原因，改正后重新上传。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    return xlsx.save(book)
