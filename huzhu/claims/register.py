"""The claim register (救助申请台账): the claims a list page shows, as the spreadsheet the
association's staff keep. Names and illnesses, no ID or card numbers."""

from collections.abc import Iterator

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from huzhu.claims.models import Claim
from huzhu.core import xlsx

COLUMNS = (
    ("申请编号", 15),
    ("被保障人", 10),
    ("会员编号", 12),
    ("申请单位", 30),
    ("救助类型", 12),
    ("病种 / 伤残等级", 24),
    ("事件日期", 11),
    ("提交日期", 11),
    ("状态", 12),
    ("核定金额（元）", 12),
    ("审批日期", 11),
    ("应发放日", 11),
    ("到账日期", 11),
)


def register_workbook(claims: QuerySet[Claim]) -> tuple[bytes, list[str]]:
    """The workbook of `claims` in their list order, and the claim numbers it holds."""
    numbers: list[str] = []

    def noted(rows: Iterator[list[object]]) -> Iterator[list[object]]:
        for row in rows:
            numbers.append(str(row[0]))
            yield row

    return xlsx.table_workbook("救助申请台账", COLUMNS, noted(_rows(claims))), numbers


def _rows(claims: QuerySet[Claim]) -> Iterator[list[object]]:
    listed = claims.select_related("member", "unit").annotate(
        paid_on=Max("payments__paid_on", filter=Q(payments__status="paid"))
    )
    for claim in listed.iterator(chunk_size=2000):
        detail = claim.get_disease_display() if claim.disease else ""
        if claim.disability_grade:
            detail = f"{claim.disability_grade}级伤残"
        due = claim.due_date
        yield [
            claim.number,
            claim.member.name,
            claim.member.code,
            claim.unit.name,
            claim.get_kind_display(),
            detail,
            claim.event_date,
            timezone.localdate(claim.submitted_at),
            claim.get_status_display(),
            claim.amount,
            claim.approved_on,
            f"{due:%Y-%m-%d}（暂定）" if due and claim.due_provisional else due,
            claim.paid_on,
        ]
