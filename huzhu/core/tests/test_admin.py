from datetime import date

from huzhu.claims.models import Holiday
from huzhu.core.models import AuditEntry
from huzhu.organizations.models import Union, Unit


def test_admin_creating_a_union_builds_its_path_and_is_audited(tree, people, login):
    client = login(people.admin)
    response = client.post(
        "/admin/organizations/union/add/",
        {
            "code": "lixia_b",
            "name": "历下区新街道工会",
            "kind": "district",
            "parent": tree.lixia.pk,
            "contract_series": "31",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    union = Union.objects.get(code="lixia_b")
    assert union.path == "/city/lixia/lixia_b/"
    entry = AuditEntry.objects.get(action="organizations.union.created")
    assert entry.actor == people.admin
    assert entry.after["contract_series"] == "31"


def test_admin_changes_to_a_user_are_audited(people, login):
    client = login(people.admin)
    page = client.get(f"/admin/accounts/user/{people.officer_a.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {
        "username": "officer_a",
        "role": "unit_officer",
        "unit": people.officer_a.unit_id,
        "display_name": "改过的名字",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(f"/admin/accounts/user/{people.officer_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="accounts.user.updated")
    assert entry.before["display_name"] != "改过的名字"
    assert entry.after["display_name"] == "改过的名字"
    assert "password" not in entry.after


def test_units_and_audit_are_read_only_in_admin(tree, people, login):
    client = login(people.admin)
    assert client.get("/admin/organizations/unit/add/").status_code == 403
    assert client.get(f"/admin/organizations/unit/{tree.unit_a.pk}/change/").status_code == 200
    client.post(f"/admin/organizations/unit/{tree.unit_a.pk}/delete/", {"post": "yes"})
    assert Unit.objects.filter(pk=tree.unit_a.pk).exists()
    assert client.get("/admin/core/auditentry/add/").status_code == 403


def test_non_admin_cannot_enter_admin(people, login):
    response = login(people.registrar).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_deleting_selected_rows_in_the_admin_audits_each_one(people, login):
    """The admin's “delete selected” action skips delete_model: every row it deletes is still
    audited, as one deleted on its own page is (brief rule 6)."""
    days = [Holiday.objects.create(day=date(2027, 1, d), note="元旦") for d in (1, 2)]
    response = login(people.admin).post(
        "/admin/claims/holiday/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    entries = AuditEntry.objects.filter(action="claims.holiday.deleted")
    assert sorted(e.before["day"] for e in entries) == ["2027-01-01", "2027-01-02"]
    assert {e.actor for e in entries} == {people.admin}
