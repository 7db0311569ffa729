"""The contract list as spreadsheets: the register (保障合同台账) staff keep, and the contracts
to renew soon with whom to call (K-5). Units and figures only, no member's data. Both take the
list's query set, which counts each contract's people (`people`)."""

from collections.abc import Iterator

from django.db.models import QuerySet

from huzhu.contracts.models import Contract
from huzhu.core import xlsx

COLUMNS = (
    ("合同单号", 12),
    ("单位名称", 30),
    ("上级工会", 20),
    ("类型", 12),
    ("会费来源", 18),
    ("生效日", 11),
    ("保障起始日", 11),
    ("终止日", 11),
    ("人数", 8),
    ("份数", 8),
    ("会费（元）", 12),
    ("状态", 18),
)


RENEWALS_DUE_COLUMNS = (
    ("合同单号", 12),
    ("单位名称", 30),
    ("上级工会", 20),
    ("终止日", 11),
    ("人数", 8),
    ("份数", 8),
    ("联系人", 10),
    ("联系电话", 14),
)


def register_workbook(contracts: QuerySet[Contract]) -> bytes:
    """The register of `contracts` in their list order, each status as read today (K-4)."""
    return xlsx.table_workbook("保障合同台账", COLUMNS, _register_rows(contracts))


def renewals_due_workbook(contracts: QuerySet[Contract]) -> bytes:
    """The contracts to renew soon, with the unit's contact (for coordinating unions, K-5)."""
    return xlsx.table_workbook(
        "即将到期未续会", RENEWALS_DUE_COLUMNS, _renewals_due_rows(contracts)
    )


def _renewals_due_rows(contracts: QuerySet[Contract]) -> Iterator[list[object]]:
    for contract in contracts.select_related("unit__union").iterator(chunk_size=2000):
        unit = contract.unit
        yield [
            contract.contract_no,
            unit.name,
            unit.union.name,
            contract.end,
            contract.people,  # type: ignore[attr-defined]
            contract.total_shares,
            unit.contact_name,
            unit.contact_phone,
        ]


def _register_rows(contracts: QuerySet[Contract]) -> Iterator[list[object]]:
    for contract in contracts.select_related("unit__union").iterator(chunk_size=2000):
        yield [
            contract.contract_no or "（未编号）",
            contract.unit.name,
            contract.unit.union.name,
            contract.get_funding_display(),
            contract.get_funding_source_display(),
            contract.effective,
            contract.first_covered_day,
            contract.end,
            contract.people,  # type: ignore[attr-defined]
            contract.total_shares,
            contract.fee,
            contract.state_label,
        ]
