"""The live allocator reproduces the example year when the same applications arrive through
the API with a frozen clock (issue 6), and keeps the rules of SPEC §5 on real data."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from django.test import Client

from huzhu.accounts.actions import issue_token
from huzhu.accounts.models import Role
from huzhu.accounts.tests.factories import UserFactory
from huzhu.contracts.models import Contract, ContractLine
from huzhu.members.actions import import_roster
from huzhu.members.tests.rosters import person, xlsx
from huzhu.organizations.tests.factories import UnitFactory
from huzhu.quota.actions import load_programme
from huzhu.quota.models import QuotaPeriod
from huzhu.rules.dates import add_years
from huzhu.rules.quotafile import read_periods

CASES = Path(__file__).resolve().parents[2] / "rules" / "tests" / "cases" / "quota"


def enrol_unit(tree, index, members, settings):
    settings.HUZHU_TODAY, settings.HUZHU_NOW = "2025-01-02", ""
    unit = UnitFactory(union=tree.lixia, member_count=members)
    rows = [person(1000 * index + i) for i in range(members)]
    assert import_roster(unit, xlsx(rows), actor=None).saved
    officer = UserFactory(role=Role.UNIT_OFFICER, unit=unit)
    client = Client(headers={"Authorization": f"Bearer {issue_token(officer, actor=None)}"})
    return unit, client


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_live_allocator_reproduces_the_example_year(tree, settings, path):
    case = json.loads(path.read_text())
    load_programme(2025, 7_000_000, read_periods(case["periods"]), actor=None)
    clients = {}
    for index, app in enumerate(case["applications"], start=1):
        unit, client = enrol_unit(tree, index, app["members"], settings)
        if app["kind"] == "renewal":
            end = date.fromisoformat(app["current_end"])
            Contract.objects.create(
                unit=unit,
                status="active",
                contract_no=f"B0199{index:04d}",
                effective=add_years(end, -1),
                end=end,
            )
        clients[app["id"]] = client, unit
    order = sorted(
        enumerate(case["applications"]),
        key=lambda x: (datetime.fromisoformat(x[1]["submitted_at"]), x[0]),
    )
    answers = {}
    for _, app in order:
        settings.HUZHU_NOW = app["submitted_at"]
        client, unit = clients[app["id"]]
        response = client.post(
            "/api/v1/quota/applications", {"unit": unit.code}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        answers[app["id"]] = response.json()
    for expected in case["expect"]["applications"]:
        got = answers[expected["id"]]
        assert {k: got[k] for k in ("period", "status", "granted", "reason")} == {
            k: expected[k] for k in ("period", "status", "granted", "reason")
        }, expected["id"]
        if got["granted"]:
            contract = Contract.objects.get(contract_no=got["contract_no"])
            assert contract.contract_no.startswith("PB25") and contract.funding == "free"
            assert ContractLine.objects.filter(contract=contract).count() == got["granted"]
    for expected in case["expect"]["periods"]:
        period = QuotaPeriod.objects.get(no=expected["no"])
        assert (
            period.quota,
            period.rollover_in,
            period.advance_deducted,
            period.effective_quota,
            period.granted,
        ) == (
            expected["base"],
            expected["rollover_in"],
            expected["advance_deducted"],
            expected["effective_quota"],
            expected["granted"],
        )
