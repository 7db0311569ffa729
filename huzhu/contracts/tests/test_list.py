"""The contract list: found by number or unit, filtered by type, and exported as the register
staff keep (保障合同台账) with exactly the contracts the list holds, within the account's scope."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from huzhu.claims.tests.journeys import free_contract, on, paid_contract
from huzhu.contracts.models import Contract
from huzhu.contracts.register import COLUMNS


@pytest.fixture
def three(tree, people, settings) -> dict[str, Contract]:
    """Unit A's paid contract (2 shares) and free one for the same member, unit B's paid one."""
    a = paid_contract(settings, tree.unit_a, people.registrar, "2025-03-03", shares=2)
    member = a.lines.get().member
    free = free_contract(settings, tree.unit_a, member, people.registrar, "2025-03-04")
    b = paid_contract(settings, tree.unit_b, people.registrar, "2025-03-05", shares=1, index=2)
    on(settings, "2025-06-02")
    return {"a": a, "free": free, "b": b}


def _listed(client, query: str) -> set[str]:
    page = client.get(f"/contracts/?{query}").content.decode()
    return set(re.findall(r">(PB\d{6,}|B\d{8,})<", page))


def _register(client, query: str) -> list[tuple[object, ...]]:
    answer = client.get(f"/contracts/?{query}&format=xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert answer["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(answer.content))
    return list(book["保障合同台账"].iter_rows(values_only=True))


def test_contracts_are_found_by_number_as_typed_and_by_unit(three, tree, people, login):
    a, free, b = three["a"], three["free"], three["b"]
    staff = login(people.registrar)
    everything = {a.contract_no, free.contract_no, b.contract_no}
    assert _listed(staff, "") == everything
    assert _listed(staff, f"q={a.contract_no.lower()}") == {a.contract_no}
    spaced = f"{a.contract_no[:3]} {a.contract_no[3:]}"
    assert _listed(staff, f"q={spaced}") == {a.contract_no}
    full_width = a.contract_no.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789B"})
    assert _listed(staff, f"q={full_width}") == {a.contract_no}
    assert _listed(staff, "q=PB25") == {free.contract_no}  # a year's free contracts
    assert _listed(staff, "q=PB24") == set()
    assert _listed(staff, "q=乙") == {b.contract_no}  # part of the unit's name
    assert _listed(staff, f"q={tree.unit_a.credit_code}") == {a.contract_no, free.contract_no}
    assert _listed(staff, f"q={tree.unit_b.code.lower()}") == {b.contract_no}
    assert _listed(staff, "funding=free") == {free.contract_no}
    assert _listed(staff, "funding=paid&q=甲") == {a.contract_no}
    assert "没有符合“丙”的合同" in staff.get("/contracts/?q=丙").content.decode()
    # the page's links keep the search and filters; the export link takes them too
    page = staff.get("/contracts/?q=甲&funding=paid").content.decode()
    assert "q=%E7%94%B2&amp;funding=paid&amp;status=&amp;format=xlsx" in page
    # another district's officer finds nothing of unit B, however he searches
    district = login(people.union_officer)
    assert _listed(district, f"q={b.contract_no}") == set()
    assert _listed(district, "q=乙") == set()
    assert _listed(district, "") == {a.contract_no, free.contract_no}


def test_register_holds_what_the_list_holds_with_days_and_amounts_as_cells(
    three, people, login, settings
):
    a, free, b = three["a"], three["free"], three["b"]
    staff = login(people.registrar)
    rows = _register(staff, "")
    assert rows[0] == tuple(title for title, _ in COLUMNS)
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {a.contract_no, free.contract_no, b.contract_no}
    paid = by_number[a.contract_no]
    assert paid[1:5] == ("甲单位", "历下区总工会", "缴费（会费）", "工会经费列支")
    assert [cell.date() for cell in paid[5:8]] == [
        date(2025, 3, 3),
        date(2025, 3, 4),  # P-3: cover starts the day after the effective date
        date(2026, 3, 3),
    ]
    assert paid[8:] == (1, 2, Decimal("40.00"), "有效")
    assert by_number[free.contract_no][3:5] == ("普惠（免费）", None)
    assert by_number[free.contract_no][10] == 0
    # the filters and the search hold for the export, on every page of the list
    assert [row[0] for row in _register(staff, "q=乙")[1:]] == [b.contract_no]
    assert [row[0] for row in _register(staff, "funding=free")[1:]] == [free.contract_no]
    district = login(people.union_officer)
    assert {row[0] for row in _register(district, "")[1:]} == {a.contract_no, free.contract_no}
    # the status as read today (K-4): unit A's paid contract ended on 2026-03-03
    on(settings, "2026-03-04")
    rows = _register(login(people.registrar), "status=expired")
    assert [(row[0], row[7].date(), row[11]) for row in rows[1:]] == [
        (a.contract_no, date(2026, 3, 3), "已到期")
    ]
