"""Statistics (SPEC S-1): exact figures per year and since inception, scoped to a coordinating
union's subtree, the same numbers in the page, the xlsx and `huzhu stats --json`."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from huzhu.claims.facts import ClaimFacts
from huzhu.claims.tests.journeys import approved_claim, on, paid_contract
from huzhu.members.models import Member
from huzhu.payments import actions as payments
from huzhu.stats.figures import compute


@pytest.fixture
def history(tree, people, settings):
    """2023: unit A 2 shares, unit A2 (under lixia's street union) 1, unit B (shizhong) 1; one
    accident hospitalisation of A's member, paid on 2023-06-15 (3,200 yuan)."""
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=2)
    paid_contract(settings, tree.unit_a2, people.registrar, "2023-04-01", shares=1, index=3)
    paid_contract(settings, tree.unit_b, people.registrar, "2023-03-01", shares=1, index=2)
    member = Member.objects.get(name="职工1")
    on(settings, "2023-06-12")
    claim = approved_claim(
        member,
        people,
        ClaimFacts("accident_hospitalization", date(2023, 6, 1), circumstance="other"),
    )
    batch = payments.create_batch([claim], actor=people.cashier)
    batch = payments.approve_batch(batch, actor=people.approver)
    payments.export_batch(batch, actor=people.cashier)
    on(settings, "2023-06-15")
    payments.record_result(
        batch.payments.get(),
        actor=people.cashier,
        paid=True,
        bank_ref="ICBC0001",
        paid_on=date(2023, 6, 15),
    )
    return claim


def test_city_figures_for_a_year(history):
    f = compute(2023, None)
    t = f.totals
    assert (t.members, t.shares, t.fees, t.claims, t.benefits) == (
        3,
        4,
        Decimal("80.00"),
        1,
        Decimal("3200.00"),
    )
    assert t.loss_ratio == Decimal("4000.00")
    assert f.by_type == [
        {
            "kind": "accident_hospitalization",
            "label": "意外伤害住院",
            "tier": "",
            "count": 1,
            "amount": Decimal("3200.00"),
        }
    ]
    assert [(name, u.members, u.fees) for name, u in f.per_union] == [
        ("历下区总工会", 2, Decimal("60.00")),
        ("市中区总工会", 1, Decimal("20.00")),
    ]
    assert f.timeliness == {"paid": 1, "on_time": 1, "late": 0, "on_time_percent": 100.0}
    assert [y for y, _ in f.per_year] == [2023]
    empty = compute(2024, None).totals
    assert (empty.members, empty.fees, empty.loss_ratio) == (0, Decimal("0.00"), None)
    assert compute(None, None).inception.benefits == Decimal("3200.00")


def test_coordinating_union_sees_its_subtree_only(history, tree):
    f = compute(2023, tree.lixia)
    assert (f.totals.members, f.totals.fees, f.totals.claims) == (2, Decimal("60.00"), 1)
    assert [(name, u.members, u.fees) for name, u in f.per_union] == [
        ("历下区某街道工会", 1, Decimal("20.00")),
        ("直属单位", 1, Decimal("40.00")),
    ]
    shizhong = compute(2023, tree.shizhong)
    assert (shizhong.totals.members, shizhong.totals.claims) == (1, 0)


def test_dashboard_and_xlsx_for_a_coordinating_officer(history, people, login, tree):
    client = login(people.union_officer)
    response = client.get("/stats/?year=2023")
    html = response.content.decode()
    assert response.status_code == 200
    assert "历下区总工会" in html and "市中区总工会" not in html
    assert "js/Chart.min.js" in html and 'id="chart-data"' in html
    assert 'id="chart-types"' in html and "暂无已发放的救助金" not in html
    # a year without payments or programme says so instead of drawing an empty chart
    quiet = client.get("/stats/?year=2021").content.decode()
    assert 'id="chart-types"' not in quiet and "暂无已发放的救助金" in quiet
    assert 'id="chart-quota"' not in quiet and "没有普惠名额计划" in quiet
    assert "/stats/history/?year=2023" in html  # the since-inception part loads separately
    fragment = client.get("/stats/history/?year=2023").content.decode()
    assert 'id="history-data"' in fragment and "<td>2023</td>" in fragment
    assert "自开办以来：参保 2 人" in fragment
    assert client.get("/stats/history/?union=shizhong").status_code == 404
    assert client.get("/stats/?year=2023&union=shizhong").status_code == 404
    export = client.get("/stats/overview.xlsx?year=2023")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert sheet["A1"].value.startswith("历下区总工会")
    assert [c.value for c in sheet[3]] == ["2023年", 2, 3, 60, 1, 3200, 5333.33]
    everything = load_workbook(io.BytesIO(client.get("/stats/all.xlsx?year=2023").content))
    assert everything.sheetnames == [
        "总览",
        "逐年",
        "按救助类型",
        "按上级工会",
        "普惠名额",
        "发放时效",
    ]


def test_unit_officers_and_strangers_have_no_statistics(history, people, login, client):
    assert login(people.officer_a).get("/stats/").status_code == 403
    assert client.get("/stats/").status_code == 302
    staff = login(people.registrar)
    assert staff.get("/stats/?year=1999").status_code == 404
    assert staff.get("/stats/nothing.xlsx").status_code == 404
    assert staff.get("/stats/?year=all").status_code == 200


def test_stats_command_prints_the_same_figures(history, capsys):
    call_command("stats", "--year", "2023", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(compute(2023, None).as_json()))
    assert printed["totals"]["benefits"] == "3200.00"
    assert printed["totals"]["loss_ratio_percent"] == "4000.00"
    call_command("stats", "--union", "lixia", "--json")
    assert json.loads(capsys.readouterr().out)["scope"] == "历下区总工会"


def test_history_is_cached_until_the_next_audited_change(history, tree, people, settings):
    from huzhu.stats.figures import history_of

    before, _ = history_of(tree.lixia)
    assert (before.members, before.fees) == (2, Decimal("60.00"))
    paid_contract(settings, tree.unit_a2, people.registrar, "2024-05-01", shares=1, index=5)
    after, per_year = history_of(tree.lixia)
    assert (after.members, after.fees) == (3, Decimal("100.00"))  # A2 re-enrols 3 and adds 5
    assert [y for y, _ in per_year] == [2023, 2024]
    assert compute(None, tree.lixia).inception == after
