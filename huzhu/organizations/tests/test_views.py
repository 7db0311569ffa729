import io
import re
from html import unescape

import pytest

from huzhu.core.models import AuditEntry
from huzhu.demo.loader import credit_code
from huzhu.organizations.models import Unit


def _names(response):
    return {u.name for u in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("registrar", {"甲单位", "甲二单位", "乙单位"}),
        ("admin", {"甲单位", "甲二单位", "乙单位"}),
        ("union_officer", {"甲单位", "甲二单位"}),
        ("officer_a", {"甲单位"}),
        ("officer_b", {"乙单位"}),
    ],
)
def test_unit_list_is_scoped_by_role(people, login, persona, expected):
    response = login(getattr(people, persona)).get("/units/")
    assert response.status_code == 200
    assert _names(response) == expected


def test_unit_officer_sees_own_unit(tree, people, login):
    response = login(people.officer_a).get(f"/units/{tree.unit_a.code}/")
    assert response.status_code == 200
    assert "甲单位" in response.content.decode()


def test_an_officer_is_told_whom_to_ask_to_change_his_units_details(tree, people, login):
    """He cannot edit them (the member count decides E-3's 70%): the page says who can."""
    said = "以上信息如有变化（工会会员人数、联系人、电话、地址），请致电互济会"
    officer = login(people.officer_a).get(f"/units/{tree.unit_a.code}/").content.decode()
    assert said in officer and "不少于会员 70%" in officer
    staff = login(people.registrar).get(f"/units/{tree.unit_a.code}/").content.decode()
    assert said not in staff and f"/units/{tree.unit_a.code}/edit/" in staff


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("officer_b", "unit_a"), ("officer_a", "unit_b"), ("union_officer", "unit_b")],
)
def test_strangers_get_404_for_units_outside_their_scope(tree, people, login, persona, unit):
    client = login(getattr(people, persona))
    code = getattr(tree, unit).code
    assert client.get(f"/units/{code}/").status_code == 404
    assert client.get(f"/units/{code}/edit/").status_code in (403, 404)


def test_coordinating_officer_sees_nested_units(tree, people, login):
    response = login(people.union_officer).get(f"/units/{tree.unit_a2.code}/")
    assert response.status_code == 200


def test_search_and_union_filter(tree, people, login):
    client = login(people.registrar)
    assert _names(client.get("/units/", {"q": "甲二"})) == {"甲二单位"}
    assert _names(client.get("/units/", {"q": tree.unit_b.credit_code.lower()})) == {"乙单位"}
    assert _names(client.get("/units/", {"union": "lixia"})) == {"甲单位", "甲二单位"}


def test_htmx_search_returns_only_the_rows(people, login):
    response = login(people.registrar).get("/units/", {"q": "乙"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "乙单位" in body
    assert "<html" not in body


def test_union_officer_cannot_filter_by_a_foreign_union(people, login):
    assert login(people.union_officer).get("/units/", {"union": "shizhong"}).status_code == 404


def _form(tree, **changes):
    import random

    data = {
        "name": "济南新登记有限公司",
        "credit_code": credit_code(random.Random(99), "370102"),
        "union": tree.lixia.pk,
        "member_count": "80",
        "contact_name": "李娜",
        "contact_phone": "13805310001",
        "address": "",
    }
    return data | changes


def test_staff_create_unit_with_bad_credit_code_saves_nothing(tree, people, login):
    data = _form(tree)
    data["credit_code"] = data["credit_code"][:-1] + (
        "1" if data["credit_code"][-1] != "1" else "2"
    )
    before_units, before_audit = Unit.objects.count(), AuditEntry.objects.count()
    response = login(people.registrar).post("/units/new/", data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert Unit.objects.count() == before_units
    assert AuditEntry.objects.count() == before_audit


def test_staff_create_unit_saves_and_audits(tree, people, login):
    data = _form(tree)
    response = login(people.registrar).post("/units/new/", data)
    unit = Unit.objects.get(name="济南新登记有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/units/{unit.code}/"
    entry = AuditEntry.objects.get(action="organizations.unit.created", target_code=unit.code)
    assert entry.actor == people.registrar
    assert entry.after["credit_code"] == data["credit_code"]
    assert entry.after["union"] == "lixia"


def test_zero_width_characters_copied_from_a_web_page_are_dropped(tree, people, login):
    data = _form(tree)
    code = data["credit_code"]
    data |= {"name": "济南新\u200b登记有限公司", "credit_code": f"\u200b{code[:9]}\ufeff{code[9:]}"}
    data["contact_name"] = "李\u200b娜"
    assert login(people.registrar).post("/units/new/", data).status_code == 302
    unit = Unit.objects.get(credit_code=code)
    assert (unit.name, unit.contact_name) == ("济南新登记有限公司", "李娜")


def test_duplicate_credit_code_is_refused(tree, people, login):
    response = login(people.registrar).post(
        "/units/new/", _form(tree, credit_code=tree.unit_b.credit_code)
    )
    assert "已登记（乙单位）" in response.content.decode()


def test_a_credit_code_registered_between_check_and_save_saves_nothing(
    tree, people, login, monkeypatch
):
    """E-2: another officer registers the same code after the form's check: a message on the
    form, not a server error, and no second unit."""
    from huzhu.organizations import actions
    from huzhu.organizations.tests.factories import UnitFactory

    data = _form(tree)
    create = actions.create_unit

    def meanwhile(facts, *, actor):
        UnitFactory(name="别人刚登记的单位", credit_code=data["credit_code"], union=tree.lixia)
        return create(facts, actor=actor)

    monkeypatch.setattr(actions, "create_unit", meanwhile)
    response = login(people.registrar).post("/units/new/", data)
    assert response.status_code == 200
    assert "该统一社会信用代码刚被另一单位登记，未保存" in response.content.decode()
    assert not Unit.objects.filter(name="济南新登记有限公司").exists()
    assert not AuditEntry.objects.filter(action="organizations.unit.created").exists()


def test_edit_records_before_and_after(tree, people, login):
    data = _form(tree, name="甲单位（更名）", credit_code=tree.unit_a.credit_code)
    response = login(people.registrar).post(f"/units/{tree.unit_a.code}/edit/", data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="organizations.unit.updated")
    assert entry.before["name"] == "甲单位"
    assert entry.after["name"] == "甲单位（更名）"
    assert ("member_count", 100, 80) in entry.changed_fields


def test_unchanged_edit_writes_no_audit(tree, people, login):
    unit = tree.unit_a
    data = _form(
        tree,
        name=unit.name,
        credit_code=unit.credit_code,
        member_count=str(unit.member_count),
        contact_name=unit.contact_name,
        contact_phone=unit.contact_phone,
    )
    login(people.registrar).post(f"/units/{unit.code}/edit/", data)
    assert not AuditEntry.objects.filter(action="organizations.unit.updated").exists()


@pytest.mark.parametrize("persona", ["officer_a", "union_officer"])
def test_officers_cannot_create_or_edit_units(tree, people, login, persona):
    client = login(getattr(people, persona))
    assert client.post("/units/new/", _form(tree)).status_code == 403
    assert client.post(f"/units/{tree.unit_a.code}/edit/", _form(tree)).status_code == 403
    assert not Unit.objects.filter(name="济南新登记有限公司").exists()


def test_union_pages_are_scoped(tree, people, login):
    officer = login(people.union_officer)
    listing = officer.get("/unions/").content.decode()
    assert "历下区某街道工会" in listing
    assert "市中区总工会" not in listing
    assert officer.get("/unions/shizhong/").status_code == 404
    assert officer.get("/unions/lixia_street/").status_code == 200
    assert login(people.officer_a).get("/unions/").status_code == 403


def _directory(client, query: str) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    answer = client.get(f"/units/?{query}&format=xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(answer.content))["单位名录"].iter_rows(values_only=True))


def test_unit_directory_exports_the_filtered_list_with_contacts_and_contracts_held(
    tree, people, login, settings
):
    from huzhu.claims.tests.journeys import on, paid_contract
    from huzhu.organizations.register import COLUMNS

    contract = paid_contract(settings, tree.unit_a, people.registrar, "2025-03-03", shares=1)
    on(settings, "2025-06-02")
    tree.unit_b.contact_name = '=HYPERLINK("http://x.example","张三")'  # typed into a form
    tree.unit_b.save()
    staff = login(people.registrar)
    rows = _directory(staff, "")
    assert rows[0] == tuple(title for title, _ in COLUMNS)
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"甲单位", "甲二单位", "乙单位"}
    unit_a = by_name["甲单位"]
    assert unit_a[0] == tree.unit_a.code
    assert unit_a[2:7] == (
        tree.unit_a.credit_code,
        "历下区总工会",
        1,
        tree.unit_a.contact_name,
        tree.unit_a.contact_phone,
    )
    assert unit_a[8] == contract.contract_no and unit_a[9].date() == contract.end
    assert by_name["乙单位"][8:] == (None, None)  # no contract: empty cells
    from openpyxl import load_workbook

    answer = staff.get("/units/?q=乙&format=xlsx")
    contact = load_workbook(io.BytesIO(answer.content))["单位名录"]["F2"]
    assert (contact.value, contact.data_type) == (tree.unit_b.contact_name, "s")  # not a formula
    # the search and filters hold for the export, and so does the account's scope
    assert {row[1] for row in _directory(staff, "cover=none")[1:]} == {"乙单位", "甲二单位"}
    assert [row[1] for row in _directory(staff, "q=乙")[1:]] == ["乙单位"]
    district = login(people.union_officer)
    assert {row[1] for row in _directory(district, "cover=none")[1:]} == {"甲二单位"}
    page = district.get("/units/?cover=none").content.decode()
    assert "cover=none&amp;format=xlsx" in page and "共 1 家" in page
    # a year on, unit A's contract has ended: it is listed among the units without one
    on(settings, "2026-03-04")
    rows = _directory(login(people.registrar), "cover=none")
    assert {row[1] for row in rows[1:]} == {"乙单位", "甲单位", "甲二单位"}


def test_staff_see_who_acts_for_a_unit_and_the_admin_opens_an_account_for_it(tree, people, login):
    """When a unit calls, staff see its officers' accounts (never logged in, a temporary
    password not yet changed); a unit without one cannot work online, and the admin's new-user
    page opens filled in for it (before, he searched for the unit there)."""
    people.officer_a.temporary_password = True
    people.officer_a.save(update_fields=["temporary_password"])
    staff = login(people.registrar).get(f"/units/{tree.unit_a.code}/").content.decode()
    officers = staff.split('<h2 id="officers">')[1].split("</table>")[0]
    assert people.officer_a.username in officers and "尚未修改临时密码" in officers
    assert people.officer_b.username not in officers
    assert "开设经办人账号" not in staff  # accounts are the administrator's
    admin = login(people.admin)
    empty = admin.get(f"/units/{tree.unit_a2.code}/").content.decode()
    assert "本单位尚无经办人账号" in empty
    link = re.search(r'href="([^"]+)" data-testid="add-officer"', empty).group(1)
    form = admin.get(unescape(link)).content.decode()
    assert f'<option value="{tree.unit_a2.pk}" selected>' in form
    assert '<option value="unit_officer" selected>' in form
    assert f'value="{tree.unit_a2.contact_name}"' in form
    for person in (people.officer_a, people.union_officer):
        page = login(person).get(f"/units/{tree.unit_a.code}/").content.decode()
        assert 'id="officers"' not in page


def test_a_units_page_lists_its_claims(tree, people, login, settings):
    """When a unit calls about its claims, staff find them on its page (the claim list searches
    by claim number or worker, not by unit)."""
    from datetime import date

    from huzhu.claims.facts import ClaimFacts
    from huzhu.claims.models import Claim
    from huzhu.claims.tests.journeys import approved_claim, on, paid_contract
    from huzhu.members.models import Member

    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    paid_contract(settings, tree.unit_b, people.registrar, "2023-03-01", shares=1, index=2)
    on(settings, "2023-07-10")
    facts = ClaimFacts("accident_hospitalization", date(2023, 6, 1), circumstance="other")
    mine = approved_claim(Member.objects.get(name="职工1"), people, facts)
    other = Member.objects.get(name="职工2")
    theirs = Claim.objects.create(  # filed at the window for unit B
        number="JZ2023999998",
        member=other,
        unit=tree.unit_b,
        kind="accident_hospitalization",
        event_date=date(2023, 6, 1),
        known_date=date(2023, 6, 1),
        decision={},
    )
    for person in (people.registrar, people.officer_a, people.union_officer):
        page = login(person).get(f"/units/{tree.unit_a.code}/").content.decode()
        listed = page.split('<h2 id="claims">')[1]
        assert f'<a href="/claims/{mine.number}/">{mine.number}</a>' in listed
        assert theirs.number not in listed and "职工1" in listed and "1600.00" in listed
    page = login(people.registrar).get(f"/units/{tree.unit_a2.code}/").content.decode()
    assert "暂无救助申请" in page
