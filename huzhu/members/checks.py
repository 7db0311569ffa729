"""A roster file checked against the rules and the database, without writing anything: what
the upload page previews, what an import saves, and the 3-share cap (P-2) that a correction of
one worker is checked against too. The writes are in `actions.py`."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from huzhu.contracts.holdings import holdings_of
from huzhu.contracts.models import Contract, ContractStatus
from huzhu.core import clock
from huzhu.core.bulk import keys_in, lookup_pks
from huzhu.members.models import Member, Membership, id_hash
from huzhu.members.spreadsheet import RosterFileError, Table, annotated_workbook, read_table
from huzhu.organizations.models import Unit
from huzhu.rules.dates import EARLIEST, add_years, contract_end
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN
from huzhu.rules.roster import (
    HEADER,
    CellIssue,
    RosterRow,
    is_roster_header,
    mark_duplicates,
    match_headers,
    misplaced_header,
    peak_shares,
    validate_row,
)


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    refused: int = 0
    errors: list[CellIssue] = field(default_factory=list)
    warnings: list[CellIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    left: int = 0  # taken off the unit's roster because the file (`replace`) does not list them
    saved: bool = False
    annotated: bytes | None = None
    sheet: str = ""  # the worksheet read, when the workbook has several

    def as_json(self) -> dict[str, Any]:
        def issue(i: CellIssue) -> dict[str, Any]:
            return {"row": i.row, "column": i.column, "code": i.code, "message": i.message}

        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "refused": self.refused,
            "saved": self.saved,
            "created": self.created,
            "updated": self.updated,
            "left": self.left,
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
        }


Checked = tuple[ImportReport, list[RosterRow], Table | None]


def check_roster(
    data: bytes, *, effective: date | None = None, annotate: bool = True, unit: Unit | None = None
) -> Checked:
    """Validate a roster file without writing: every row, duplicates, the 3-share cap (for
    `unit`'s roster: see `check_share_cap`). With errors, the annotated workbook is built too
    unless the caller has no use for it (`annotate=False`): for a large file it costs more than
    the check."""
    report = ImportReport()
    try:
        table = read_table(data, is_header=is_roster_header)
    except RosterFileError as exc:
        report.errors.append(CellIssue(0, "", exc.code, exc.message))
        return report, [], None
    report.rows, report.sheet = len(table.rows), table.sheet
    columns, header_issues = match_headers(table.header)
    if header_issues and (misplaced := misplaced_header(table.rows)) is not None:
        header_row, title = misplaced
        header_issues = [title]
        # the rows counted are the workers below the header, not the header and the title
        report.rows = sum(row_no > header_row for row_no, _ in table.rows)
    if header_issues:
        report.errors.extend(header_issues)
        report.refused = report.rows
        if annotate:
            report.annotated = annotated_workbook(table, columns, header_issues, HEADER)
        return report, [], table
    today = clock.today()
    start = effective or today
    if not EARLIEST <= start <= add_years(today, 2):  # a typo such as 9999: no end date exists
        report.errors.append(
            CellIssue(0, "", "effective", f"合同生效日 {start} 不合理（应在今后两年以内）")
        )
        report.refused = report.rows
        return report, [], table
    rows = _checked_rows(table, columns, start, today, unit)
    for row in rows:
        report.errors.extend(row.errors)
        report.warnings.extend(row.warnings)
    report.accepted = sum(r.ok for r in rows)
    report.refused = report.rows - report.accepted
    if report.errors and annotate:  # the file to fix; warnings alone are listed, not annotated
        report.annotated = annotated_workbook(
            table, columns, [*report.errors, *report.warnings], HEADER
        )
    return report, rows, table


def _checked_rows(
    table: Table, columns: dict[str, int], start: date, today: date, unit: Unit | None
) -> list[RosterRow]:
    """Every row checked (E-4, E-5), then the file's duplicates, then the 3-share cap against
    the contracts held (P-2)."""
    rows = []
    for row_no, cells in table.rows:
        values = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        row = validate_row(row_no, values, effective=start, today=today)
        if table.merged_rows or table.formulas:
            _file_problems(row, table, columns)
        rows.append(row)
    mark_duplicates(rows)
    for row in rows:
        if row.person is not None:
            row.digest = id_hash(row.person.number)
    check_share_cap(rows, start, unit)
    _refuse_deceased(rows)
    return rows


DECEASED = "该职工已登记身故（身故救助申请已受理，或已按“去世”移出名册），不能列入名册；请删除此行"


def _refuse_deceased(rows: list[RosterRow]) -> None:
    """E-5: a worker recorded as deceased is not in service; a payroll export that still lists
    him would otherwise enrol him again (and the import would record him as in service)."""
    registered = {r.member_id: r for r in rows if r.member_id is not None}
    if not registered:
        return
    dead = Member.objects.filter(pk__in=keys_in(list(registered)), status=Member.Status.DECEASED)
    for member_id in dead.values_list("pk", flat=True):
        registered[member_id].refuse("id_number", "deceased", DECEASED)


def _file_problems(row: RosterRow, table: Table, columns: dict[str, int]) -> None:
    if row.row in table.merged_rows:
        row.refuse("name", "merged", "此行含合并单元格，请取消合并后每格填写一个值")
    for name, index in columns.items():
        if (row.row, index) in table.formulas:
            row.refuse(name, "formula", f"“{HEADER[name]}”是公式，请改为直接填写的值")


def check_share_cap(rows: list[RosterRow], effective: date, unit: Unit | None) -> None:
    """P-2: planned shares plus shares held in active or submitted contracts may not exceed 3
    on any day of the new coverage window. The unit's own paid contracts are left out: the
    roster is what they are made from, so a unit re-uploading its roster after submitting its
    enrolment or renewal would otherwise count each worker's shares twice (the contract's own
    check at submission and confirmation counts every other contract). Its free PB shares and
    every other unit's contracts count."""
    valid = {r.digest: r for r in rows if r.ok and r.digest}
    if not valid:
        return
    found = dict(lookup_pks(Member, "id_hash", list(valid)))
    held = holdings_of(found.values(), exclude_paid_of=unit.pk if unit else None)
    window = (effective, contract_end(effective))
    for digest, member_id in found.items():
        row = valid[digest]
        row.member_id = member_id
        already = peak_shares(window, held[member_id])
        most = CRITICAL_ILLNESS_PLAN.max_shares
        if already + row.shares > most:
            row.refuse(
                "shares",
                "share_cap",
                f"该职工在有效合同中已有{already}份，再加{row.shares}份将超过每人{most}份上限（P-2）",
            )


def default_start(unit: Unit) -> date:
    """The date a roster is checked for: a unit whose contract is in force renews on its end
    date (K-5, K-6); otherwise today."""
    today = clock.today()
    ends = Contract.objects.filter(unit=unit, status=ContractStatus.ACTIVE, end__gte=today)
    latest = ends.order_by("-end").values_list("end", flat=True).first()
    return latest or today


def absent_from(unit: Unit, rows: list[RosterRow]) -> int:
    """How many of the unit's current workers the file does not list (by ID number): those
    an import with `replace` would take off the roster."""
    listed = {r.digest for r in rows if r.digest}
    current = Membership.objects.filter(unit=unit, left__isnull=True)
    return sum(digest not in listed for digest in current.values_list("member__id_hash", flat=True))
