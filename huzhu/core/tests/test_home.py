"""Home pages that point each role at its work: contracts to renew soon (K-5), fees to confirm,
claims under way, units without free shares during a window (Q-2); the contract list's
filters read each contract's status as of today (K-4)."""

import io
import re
from datetime import date

from openpyxl import load_workbook

from huzhu.claims.tests.journeys import on, paid_contract
from huzhu.contracts import actions
from huzhu.quota.actions import load_programme
from huzhu.rules.quota import Period


def _listed(client, query: str) -> set[str]:
    page = client.get(f"/contracts/?{query}").content.decode()
    return set(re.findall(r">(B\d{8,})<", page))


def _sheet(client) -> list[tuple[object, ...]]:
    answer = client.get("/contracts/?status=expiring&format=xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_contract_list_reads_each_status_as_of_today_and_lists_renewals_due(
    tree, people, login, settings
):
    ended = paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    ending = paid_contract(settings, tree.unit_b, people.registrar, "2024-03-20", shares=1)
    on(settings, "2025-03-01")  # the first ended 2024-03-01; the second ends 2025-03-20
    staff = login(people.registrar)
    assert _listed(staff, "status=expired") == {ended.contract_no}
    assert _listed(staff, "status=active") == {ending.contract_no}
    assert _listed(staff, "status=expiring") == {ending.contract_no}
    assert "30日内到期未续会" in staff.get("/contracts/").content.decode()
    assert "format=xlsx" in staff.get("/contracts/?status=expiring").content.decode()
    rows = _sheet(staff)
    assert rows[0][:4] == ("合同单号", "单位名称", "上级工会", "终止日")
    assert [(r[0], r[1], r[3].date(), r[5]) for r in rows[1:]] == [
        (ending.contract_no, "乙单位", date(2025, 3, 20), 1)
    ]
    assert len(_sheet(login(people.union_officer))) == 1  # 市中区's contract is not his
    officer = login(people.officer_b)
    home = officer.get("/").content.decode()
    assert f"合同 {ending.contract_no} 将于 2025-03-20 到期，请在到期前续会" in home
    detail = officer.get(f"/contracts/{ending.contract_no}/").content.decode()
    assert "2025-03-20（终止日）前提交续会申请" in detail
    assert "（生效日 2024-03-20，保障责任自次日开始）" in detail and "保险" not in detail
    renewal = actions.start_renewal(ending, actions.EnrolmentFacts("union_funds"), actor=None)
    actions.submit_contract(renewal, actor=None)
    assert _listed(staff, "status=expiring") == set()  # a renewal is on its way
    detail = officer.get(f"/contracts/{renewal.code}/").content.decode()
    assert "自上期合同终止日 2025-03-20 起连续生效" in detail  # K-6, before the fee is in
    assert "到期前续会" not in officer.get("/").content.decode()


def test_coordinating_officer_home_counts_his_subtree_only(tree, people, login, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2024-03-20", shares=1)
    paid_contract(settings, tree.unit_b, people.registrar, "2024-03-20", shares=1)  # 市中区
    on(settings, "2025-03-03")
    load_programme(
        2025,
        7_000_000,
        [Period(1, 10, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31))],
        actor=None,
    )
    home = login(people.union_officer).get("/").content.decode()
    tiles = {
        label.strip(): int(count)
        for count, label in re.findall(r"<strong>(\d+)</strong><span>([^<（]+)", home)
    }
    assert tiles["下属单位，其中 1 家有有效合同"] == 2  # unit A and its street's unit A2
    assert tiles["份合同30日内到期、尚未续会"] == 1  # unit A's; unit B's is not his
    assert tiles["家单位可在第1期申请、尚未获得普惠名额"] == 2  # A renews in period 1, A2 is new
    assert "受理至 2025-03-21" in home
    officer = login(people.union_officer)
    covered = officer.get("/units/?cover=covered").content.decode()
    uncovered = officer.get("/units/?cover=none").content.decode()
    assert tree.unit_a.name in covered and tree.unit_a2.name not in covered
    assert tree.unit_a2.name in uncovered and tree.unit_a.name not in uncovered
    assert tree.unit_b.name not in covered + uncovered  # another district's
    assert 'name="cover"' in covered
    assert 'name="cover"' not in login(people.officer_a).get("/units/").content.decode()
    staff_home = login(people.registrar).get("/").content.decode()
    assert "<strong>2</strong><span>30日内到期、尚未续会的合同</span>" in staff_home


def test_unit_officer_home_says_whether_his_unit_may_apply_in_the_open_window(
    tree, people, login, settings
):
    from huzhu.quota.tests.test_pages import PERIOD_1, programme_2025, two_units_of_two

    programme_2025(PERIOD_1)  # 3 places, 2025-02-28 .. 2025-03-21
    two_units_of_two(tree, settings)  # a Monday at 10:00 in period 1
    officer = login(people.officer_a)

    def tile() -> str:
        page = officer.get("/").content.decode()
        found = re.search(r'data-testid="quota-window">([^<]*)<', page)
        assert found, page
        return found.group(1)

    assert tile() == "第1期受理中（至 2025-03-21），剩余 3 个名额：现在受理本单位的申请"
    settings.HUZHU_NOW = "2025-03-03T18:00:00+08:00"  # after hours
    assert (
        tile() == "第1期受理中（至 2025-03-21），剩余 3 个名额：只能在工作日 09:00-17:00 提交申请"
    )
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    officer.post(f"/units/{tree.unit_a.code}/free-shares/apply/")
    assert tile() == "第1期受理中（至 2025-03-21）：本单位本年度已获得普惠名额，每年只能获得一次"
    other = login(people.officer_b).get("/").content.decode()
    assert "剩余 1 个名额：现在受理本单位的申请" in other  # unit B: what unit A left
    settings.HUZHU_NOW = "2025-03-24T10:00:00+08:00"  # the window has closed
    assert tile() == "申请市总工会赠送的份额"
