"""Roster rows (SPEC E-4, E-5, P-2): each spreadsheet row validated on its own, with every
problem named by row and column in Chinese. Pure: the importer feeds raw cell values in."""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from huzhu.rules.dates import age_on
from huzhu.rules.errors import RuleViolation
from huzhu.rules.identity import (
    BankCard,
    ResidentId,
    clean_name,
    normalize,
    validate_bank_card,
    validate_mobile,
    validate_resident_id,
)
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, Plan

# (field, header in the template, accepted header variants)
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("name", "姓名", ("职工姓名",)),
    ("id_number", "身份证号码", ("身份证号", "公民身份号码", "身份证")),
    ("mobile", "手机号码", ("手机号", "手机", "联系电话")),
    ("bank_card", "工商银行卡号", ("银行卡号", "工行卡号", "工商银行卡")),
    ("shares", "份数", ("参保份数", "认购份数")),
    ("status", "在职状态", ("人员状态", "在职/退休")),
    ("tags", "人员类别", ("特殊群体", "类别")),
)
REQUIRED = ("name", "id_number", "mobile", "bank_card", "shares", "status")
HEADER = {f: h for f, h, _ in COLUMNS}
SPECIAL_GROUPS = ("劳模工匠", "困难职工", "农民工之星", "新就业形态劳动者", "海右人才")  # E-4
STATUSES = {"在职": "in_service", "退休": "retired"}
# what HR spreadsheets also write (E-5: 在职在岗); the template and the export use STATUSES
STATUS_ALIASES = {"在岗": "in_service", "在职在岗": "in_service", "已退休": "retired"}
# issues that do not refuse a row (E-4): an unknown ID region code, a card failing Luhn
WARNING_CODES = frozenset({"id_region_unknown", "card_luhn"})
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class CellIssue:
    """A problem of one cell: `row` as the user sees it (header = 1), `column` its header."""

    row: int
    column: str
    code: str
    message: str


@dataclass
class RosterRow:
    row: int
    name: str = ""
    person: ResidentId | None = None
    mobile: str = ""
    card: BankCard | None = None
    shares: int = 0
    status: str = ""
    tags: tuple[str, ...] = ()
    digest: str = ""  # the keyed hash of the ID number, filled by the importer
    member_id: int | None = None  # the member already registered with it, filled likewise
    errors: list[CellIssue] = field(default_factory=list)
    warnings: list[CellIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, column: str, code: str, message: str) -> None:
        self.errors.append(CellIssue(self.row, HEADER.get(column, column), code, message))

    def warn(self, column: str, code: str, message: str) -> None:
        self.warnings.append(CellIssue(self.row, HEADER.get(column, column), code, message))


def _header_key(text: object) -> str:
    return normalize(str(text or "")).replace("*", "").replace("（必填）", "").replace("(必填)", "")


def match_headers(header: Sequence[object]) -> tuple[dict[str, int], list[CellIssue]]:
    """Column index of each field, headers in any order; extra columns are ignored."""
    wanted = {_header_key(h): f for f, h, _ in COLUMNS}
    wanted |= {_header_key(alias): f for f, _, aliases in COLUMNS for alias in aliases}
    found: dict[str, int] = {}
    issues: list[CellIssue] = []
    for index, text in enumerate(header):
        name = wanted.get(_header_key(text))
        if name is None:
            continue
        if name in found:
            issues.append(CellIssue(1, HEADER[name], "header_duplicate", f"“{HEADER[name]}”列重复"))
        found[name] = index
    missing = [HEADER[f] for f in REQUIRED if f not in found]
    if missing:
        issues.append(
            CellIssue(
                1,
                "、".join(missing),
                "header_missing",
                f"表头缺少：{'、'.join(missing)}。请使用下载的模板（第1行为表头）",
            )
        )
    return found, issues


def is_roster_header(cells: Sequence[object]) -> bool:
    """Whether a row names at least two of the roster's columns: the header of a roster sheet
    (a sheet of instructions names them one to a row, if at all)."""
    return len(match_headers(cells)[0]) >= 2


HEADER_SEARCH_ROWS = 5  # how far below row 1 a misplaced header is looked for


def misplaced_header(rows: Sequence[tuple[int, Sequence[object]]]) -> tuple[int, CellIssue] | None:
    """When row 1 is not the header but one of the next rows is (a title row such as
    “某单位职工名册” above it, a common habit): the header's row number and the issue that says
    so, instead of a list of missing headers that the user can see are there."""
    for row_no, cells in rows[:HEADER_SEARCH_ROWS]:
        if not match_headers(cells)[1]:
            return row_no, CellIssue(
                1,
                "",
                "header_not_first",
                f"表头应在第1行，本文件的表头在第{row_no}行：请删除表头上方的"
                f"{row_no - 1}行（如标题行）后重新上传",
            )
    return None


_FIELDS = tuple(name for name, _, _ in COLUMNS)


def _text(value: object) -> str:
    if type(value) is str:  # the common case first: a text cell
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def validate_row(
    row: int,
    cells: Mapping[str, object],
    *,
    effective: date,
    today: date,
    plan: Plan = CRITICAL_ILLNESS_PLAN,
) -> RosterRow:
    """One row: required fields, ID number, age on the effective date (E-5), status, phone,
    bank card, shares 1-3 (P-2 within the row), special groups."""
    result = RosterRow(row)
    texts = {name: _text(cells.get(name)) for name in _FIELDS}
    for name in REQUIRED:
        if texts[name] == "":
            result.refuse(name, "missing", f"“{HEADER[name]}”不能为空")
    _name(result, texts["name"])
    _id_number(result, cells.get("id_number"), texts["id_number"], effective, today, plan)
    _details(result, cells, texts, plan)
    _status(result, texts["status"])
    return result


EDITABLE = ("name", "mobile", "bank_card", "shares", "tags")


def validate_changes(
    cells: Mapping[str, object], *, plan: Plan = CRITICAL_ILLNESS_PLAN
) -> RosterRow:
    """A roster manager's correction of one worker already on the roster: name, phone, bank
    card, planned shares and special groups, each checked as its roster column is. The ID number
    (the person) and the status (移出名册 for a retirement) are not changed here; a blank card
    means the stored card is kept."""
    result = RosterRow(0)
    texts = {name: _text(cells.get(name)) for name in EDITABLE}
    for name in ("name", "mobile", "shares"):
        if texts[name] == "":
            result.refuse(name, "missing", f"“{HEADER[name]}”不能为空")
    _name(result, texts["name"])
    _details(result, cells, texts, plan)
    return result


def _details(
    result: RosterRow, cells: Mapping[str, object], texts: Mapping[str, str], plan: Plan
) -> None:
    """Phone, bank card, planned shares (P-2 within the row) and special groups (E-4)."""
    _checked(result, "mobile", texts["mobile"], validate_mobile)
    _bank_card(result, cells.get("bank_card"), texts["bank_card"])
    _shares(result, texts["shares"], plan)
    _tags(result, texts["tags"])


_LETTER = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _name(result: RosterRow, text: str) -> None:
    name = clean_name(text)
    if not name.isprintable():  # e.g. "_x0000_" in the sheet's XML is read as a NUL
        result.refuse("name", "name_control", "姓名中含有不可见的控制字符，请删除后重新填写")
    elif name and (len(name) > 30 or not _LETTER.search(name)):
        result.refuse("name", "name_format", f"姓名“{name}”不正确")
    result.name = name


def _id_number(
    result: RosterRow, value: object, text: str, effective: date, today: date, plan: Plan
) -> None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        result.refuse(
            "id_number",
            "id_not_text",
            "身份证号码被存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写",
        )
        return
    if text == "":
        return
    try:
        person = validate_resident_id(text, today)
    except RuleViolation as exc:
        result.refuse("id_number", exc.code, exc.message)
        return
    result.person = person
    for warning in person.warnings:  # E-4: numbers keep the code of where they were issued
        result.warn("id_number", "id_region_unknown", warning)
    age = age_on(person.birth_date, effective)
    if not plan.min_age <= age <= plan.max_age:  # E-5
        result.refuse(
            "id_number",
            "age",
            f"合同生效日 {effective} 时年龄为{age}周岁，不在{plan.min_age}至{plan.max_age}周岁之间",
        )


def _checked(result: RosterRow, column: str, text: str, check: Callable[[str], str]) -> None:
    if not text:
        return
    try:
        setattr(result, column, check(text))
    except RuleViolation as exc:
        result.refuse(column, exc.code, exc.message)


def _bank_card(result: RosterRow, value: object, text: str) -> None:
    if isinstance(value, float | Decimal):
        result.refuse(
            "bank_card",
            "card_not_text",
            "银行卡号被存成了数字，可能已丢失末几位；请把该列设为“文本”格式后重新填写",
        )
        return
    if not text:
        return
    try:
        result.card = validate_bank_card(text)
    except RuleViolation as exc:
        result.refuse("bank_card", exc.code, exc.message)
        return
    for warning in result.card.warnings:  # E-4: some ICBC debit cards fail the Luhn check
        result.warn("bank_card", "card_luhn", warning)


def _shares(result: RosterRow, value: str, plan: Plan) -> None:
    text = normalize(value).removesuffix("份")
    if not text:
        return
    if not text.isdigit() or not 1 <= int(text) <= plan.max_shares:
        result.refuse("shares", "shares", f"份数应为1至{plan.max_shares}的整数，当前为“{text}”")
        return
    result.shares = int(text)


def _status(result: RosterRow, text: str) -> None:
    if not text:
        return
    status = STATUSES.get(text) or STATUS_ALIASES.get(text)
    if status is None:
        result.refuse("status", "status", f"在职状态应填“在职”或“退休”，当前为“{text}”")
    elif status == "retired":  # E-5
        result.refuse("status", "retired", "退休人员不符合入会条件（须在职在岗）")
    result.status = status or ""


def _tags(result: RosterRow, text: str) -> None:
    if not text:
        return
    tags = tuple(t for t in _TAG_SPLIT.split(text) if t and t not in ("无", "-"))
    unknown = [t for t in tags if t not in SPECIAL_GROUPS]
    if unknown:
        result.refuse(
            "tags",
            "tags",
            f"人员类别“{'、'.join(unknown)}”不在可选范围内（{'、'.join(SPECIAL_GROUPS)}）",
        )
    result.tags = tuple(t for t in tags if t in SPECIAL_GROUPS)


def mark_duplicates(rows: Iterable[RosterRow]) -> None:
    """The same person twice in one file: every repeat is refused, naming the first row."""
    first: dict[str, int] = {}
    for row in rows:
        if row.person is None:
            continue
        seen = first.setdefault(row.person.number, row.row)
        if seen != row.row:
            row.refuse("id_number", "duplicate", f"与第{seen}行是同一人（身份证号码重复）")


def peak_shares(window: tuple[date, date], held: Iterable[tuple[date, date, int]]) -> int:
    """P-2: the most shares held on any one day of the coverage window (start, end], from
    contracts (effective, end, shares) that cover days (effective, end]."""
    start, end = window
    changes: dict[date, int] = {}
    for effective, until, shares in held:
        first, last = max(effective, start), min(until, end)
        if first >= last:
            continue
        changes[first] = changes.get(first, 0) + shares
        changes[last] = changes.get(last, 0) - shares
    peak = running = 0
    for day in sorted(changes):
        running += changes[day]
        peak = max(peak, running)
    return peak


def participation_needed(member_count: int, plan: Plan = CRITICAL_ILLNESS_PLAN) -> int:
    """E-3: the fewest members an enrolment must cover (the plan's share of union members)."""
    needed = Decimal(member_count) * plan.participation_threshold
    return int(needed.to_integral_value(rounding="ROUND_CEILING"))


def participation_problem(
    counted: int, member_count: int, what: str, plan: Plan = CRITICAL_ILLNESS_PLAN
) -> str | None:
    """E-3: why `counted` people (`what` they are, e.g. 入会人数) are too few for a unit of
    `member_count` union members, or None."""
    needed = participation_needed(member_count, plan)
    if counted >= needed:
        return None
    return (
        f"{what}{counted}人，少于本单位会员人数{member_count}人的{plan.participation_percent}%"
        f"（至少{needed}人，E-3）"
    )
