"""The unit list as a spreadsheet (单位名录): the units a list page shows with whom to call and
the contracts they hold today, for a coordinating union notifying its units (SPEC §0)."""

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet

from huzhu.contracts.models import Contract, ContractStatus
from huzhu.core import xlsx
from huzhu.organizations.models import Unit

# a unit's columns in every list of units taken away (this directory, the free-share reminders)
UNIT_COLUMNS = (
    ("单位名称", 30),
    ("统一社会信用代码", 21),
    ("上级工会", 20),
    ("会员人数", 9),
    ("联系人", 10),
    ("联系电话", 14),
)
COLUMNS = (
    ("单位编号", 10),
    *UNIT_COLUMNS,
    ("地址", 30),
    ("有效合同", 22),
    ("合同终止日", 11),
)


def unit_cells(unit: Unit) -> list[object]:
    """The unit in UNIT_COLUMNS (its union selected with it)."""
    return [
        unit.name,
        unit.credit_code,
        unit.union.name,
        unit.member_count,
        unit.contact_name,
        unit.contact_phone,
    ]


def unit_workbook(units: QuerySet[Unit], today: date) -> bytes:
    """The workbook of `units` in their list order. A unit's contracts are those active as read
    `today` (K-4), confirmed ones still to start among them; the end day is the latest."""
    return xlsx.table_workbook("单位名录", COLUMNS, _rows(units, today))


def _rows(units: QuerySet[Unit], today: date) -> Iterator[list[object]]:
    # active contracts have a number and an end date (the model's check constraint)
    held: dict[int, list[tuple[str, date]]] = {}
    active = Contract.objects.in_state(ContractStatus.ACTIVE, today).filter(unit__in=units)
    for unit_id, number, end in active.order_by("effective", "contract_no").values_list(
        "unit_id", "contract_no", "end"
    ):
        held.setdefault(unit_id, []).append((number or "", end or today))
    for unit in units.select_related("union").iterator(chunk_size=2000):
        contracts = held.get(unit.pk, [])
        yield [
            unit.code,
            *unit_cells(unit),
            unit.address,
            "、".join(number for number, _ in contracts),
            max((end for _, end in contracts), default=None),
        ]
