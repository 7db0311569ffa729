import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from huzhu.accounts.models import User
from huzhu.claims.models import Holiday
from huzhu.core.models import AuditEntry
from huzhu.organizations.models import Union, Unit
from huzhu.quota.actions import load_programme
from huzhu.rules.quota import Period


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


def test_a_unions_contract_series_is_two_digits(tree, people, login):
    """K-2: paid contract numbers are B + the 2-digit series + year + sequence."""
    data = {"code": "x1", "name": "新工会", "kind": "district", "parent": tree.lixia.pk}
    data |= {"sort_order": "0"}
    client = login(people.admin)
    for series in ("1", "AB", "1a"):
        response = client.post(
            "/admin/organizations/union/add/", data | {"contract_series": series}
        )
        assert "合同号系列应为两位数字" in response.content.decode(), series
    assert not Union.objects.filter(code="x1").exists()
    ok = client.post("/admin/organizations/union/add/", data | {"contract_series": "07"})
    assert ok.status_code == 302 and Union.objects.get(code="x1").contract_series == "07"


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


class _Form(HTMLParser):
    """The values a browser would post from a page's form (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name and a.get("type") not in {"submit", "checkbox"}:
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and "checked" in a:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


FIRST = Period(1, 5, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31))
LAST = Period(2, 5, date(2025, 5, 30), date(2025, 6, 20), date(2025, 1, 1), date(2025, 6, 30))


def _programme_page(people, login):
    """A 2025 programme of two periods and its admin page, read as the administrator."""
    programme = load_programme(2025, 7_000_000, [FIRST, LAST], actor=None)
    client = login(people.admin)
    url = f"/admin/quota/programme/{programme.pk}/change/"
    form = _Form()
    form.feed(client.get(url).content.decode())
    return programme, client, url, form


def test_admin_edits_of_a_programmes_periods_are_audited(people, login):
    """A period is edited inline on its programme's page: its quota, window and hours are
    configuration whose changes are audited like the programme's own (brief rule 6)."""
    programme, client, url, form = _programme_page(people, login)
    quota = next(k for k in form.data if k.startswith("periods-0-") and k.endswith("-quota"))
    assert form.data[quota] == "5"
    form.data[quota] = "8"
    response = client.post(url, form.data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert programme.periods.get(no=1).quota == 8
    entry = AuditEntry.objects.get(action="quota.quotaperiod.updated")
    assert (entry.before, entry.after, entry.actor) == ({"quota": 5}, {"quota": 8}, people.admin)

    # the second period deleted and a new one added on the same page
    form = _Form()
    form.feed(client.get(url).content.decode())
    second = {k[len("periods-1-") :]: v for k, v in form.data.items() if k.startswith("periods-1-")}
    form.data["periods-1-DELETE"] = "on"
    added = second | {"id": "", "no": "3", "quota": "7"}
    form.data |= {f"periods-2-{k}": v for k, v in added.items()}
    form.data["periods-TOTAL_FORMS"] = "3"
    response = client.post(url, form.data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(programme.periods.values_list("no", "quota")) == [(1, 8), (3, 7)]
    deleted = AuditEntry.objects.get(action="quota.quotaperiod.deleted")
    assert (deleted.before["no"], deleted.before["quota"], deleted.after) == (2, 5, None)
    created = AuditEntry.objects.get(action="quota.quotaperiod.created")
    assert (created.before, created.after["no"], created.after["quota"]) == (None, 3, 7)


def test_an_administrator_setting_a_users_password_is_audited(people, login):
    """The admin's own password page saves past save_model: the reset is still audited, with
    no trace of the password, and the old password stops working."""
    client = login(people.admin)
    url = f"/admin/accounts/user/{people.officer_a.pk}/password/"
    new = "Huzhu-reset-2026"
    refused = client.post(url, {"usable_password": "true", "password1": new, "password2": "x"})
    assert refused.status_code == 200
    assert not AuditEntry.objects.filter(action="accounts.user.password_reset").exists()
    done = client.post(url, {"usable_password": "true", "password1": new, "password2": new})
    assert done.status_code == 302
    entry = AuditEntry.objects.get(action="accounts.user.password_reset")
    assert (entry.actor, entry.target_code) == (people.admin, people.officer_a.username)
    assert new not in str(entry.before) + str(entry.after)
    people.officer_a.refresh_from_db()
    assert people.officer_a.check_password(new)
    assert people.officer_a.temporary_password  # told by phone: he sets his own at his login
    assert entry.after == {"usable_password": True, "temporary_password": True}
    shown = client.get("/audit/?action=accounts.user.password_reset").content.decode()
    assert "可以用密码登录" in shown and "临时密码（下次登录须修改）" in shown


def test_a_user_added_with_a_password_sets_his_own_and_one_without_has_nothing_to_set(
    people, login
):
    client = login(people.admin)
    new = "Huzhu-officer-2026"
    scope = {"role": "unit_officer", "unit": people.officer_a.unit.pk}
    given = {"usable_password": "true", "password1": new, "password2": new}
    added = client.post("/admin/accounts/user/add/", {"username": "given"} | scope | given)
    none = {"usable_password": "false"}
    also = client.post("/admin/accounts/user/add/", {"username": "none"} | scope | none)
    assert (added.status_code, also.status_code) == (302, 302)
    temporary = dict(User.objects.values_list("username", "temporary_password"))
    assert temporary["given"] is True and temporary["none"] is False
    waiting = client.get("/admin/accounts/user/?temporary_password__exact=1").content.decode()
    assert "临时密码（下次登录须修改）" in waiting
    listed = re.findall(r'class="field-username"><a href="[^"]*">([^<]+)</a>', waiting)
    assert listed == ["given"]


def test_an_administrator_can_reset_a_second_factor_but_never_read_its_secret(people, login):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    login(people.registrar)  # enrols the registrar's authenticator
    device = TOTPDevice.objects.get(user=people.registrar, confirmed=True)
    client = login(people.admin)
    base = "/admin/accounts/authenticator/"
    page = client.get(f"{base}{device.pk}/change/")
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert "启用时间" in page.content.decode() and "Created at" not in page.content.decode()
    assert client.get(f"{base}{device.pk}/config/").status_code != 200
    assert client.get(f"{base}{device.pk}/qrcode/").status_code != 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{device.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.authenticator.deleted")
    assert entry.actor == people.admin and entry.before["user"] == "registrar"
    assert entry.target_code == "registrar"
    assert "key" not in entry.before and device.key not in str(entry.before)


def test_unlocking_an_account_is_audited_and_the_login_history_is_kept(people, login):
    from axes.models import AccessAttempt, AccessLog

    attempt = AccessAttempt.objects.create(
        username="officer_a", ip_address="10.0.0.9", failures_since_start=5, user_agent="x"
    )
    client = login(people.admin)
    history = AccessLog.objects.filter(username="admin").first()
    assert history is not None
    delete = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get(action="axes.accessattempt.deleted")
    assert (entry.actor, entry.before["username"]) == (people.admin, "officer_a")
    audit_page = client.get("/audit/?action=axes.").content.decode()
    assert "解除登录锁定" in audit_page and '<optgroup label="登录锁定">' in audit_page
    client.post(f"/admin/axes/accesslog/{history.pk}/delete/", {"post": "yes"})
    assert AccessLog.objects.filter(pk=history.pk).exists()
    assert client.get("/admin/auth/group/").status_code == 404


def test_tokens_are_issued_by_the_command_and_only_named_or_revoked_in_the_admin(people, login):
    from huzhu.accounts.actions import issue_token
    from huzhu.accounts.models import ApiToken

    issue_token(people.officer_a, actor=None)
    token = ApiToken.objects.get()
    client = login(people.admin)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    form = _Form()
    url = f"/admin/accounts/apitoken/{token.pk}/change/"
    form.feed(client.get(url).content.decode())
    assert "user" not in form.data and "kind" not in form.data  # shown, not editable
    form.data |= {"revoked_at_0": "2026-12-01", "revoked_at_1": "10:00:00"}
    form.data |= {"user": str(people.admin.pk), "kind": "app"}  # ignored if sent anyway
    assert client.post(url, form.data).status_code == 302
    token.refresh_from_db()
    assert (token.user, token.kind, token.revoked_at is not None) == (
        people.officer_a,
        "user",
        True,
    )
    entry = AuditEntry.objects.get(action="accounts.apitoken.updated")
    assert entry.before == {"revoked_at": None} and entry.after["revoked_at"]


def test_an_administrator_adds_a_user_with_role_and_scope_in_the_admin(tree, people, login):
    """The add page asked for a name and password only, and the new login (a unit officer by
    default, with no unit) broke a constraint: a server error. Now role and scope are on it."""
    client = login(people.admin)
    login_data = {"usable_password": "true", "password1": "Huzhu-new-2026x"}
    login_data["password2"] = login_data["password1"]
    refused = client.post(
        "/admin/accounts/user/add/", {"username": "newbie", "role": "unit_officer"} | login_data
    )
    assert refused.status_code == 200
    assert "基层工会经办人须选择所属单位" in refused.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    chosen = {"username": "newbie", "role": "unit_officer", "unit": tree.unit_a.pk}
    added = client.post(
        "/admin/accounts/user/add/", chosen | {"display_name": "新经办人"} | login_data
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    user = User.objects.get(username="newbie")
    assert (user.unit, user.display_name, user.is_staff, user.is_superuser) == (
        tree.unit_a,
        "新经办人",
        False,
        False,
    )
    assert user.check_password(login_data["password1"])
    entry = AuditEntry.objects.get(action="accounts.user.created", target_code="newbie")
    assert entry.actor == people.admin and entry.after["unit"] == tree.unit_a.code


def test_the_admins_staff_and_superuser_flags_follow_the_role(tree, people, login):
    """A unit officer ticked as staff and superuser would have entered the admin without a
    second factor (it is asked by role): the flags are not offered and follow the role."""
    client = login(people.admin)
    url = f"/admin/accounts/user/{people.officer_a.pk}/change/"
    form = _Form()
    form.feed(client.get(url).content.decode())
    assert "is_staff" not in form.data and "is_superuser" not in form.data
    form.data |= {"is_staff": "on", "is_superuser": "on"}
    assert client.post(url, form.data).status_code == 302
    people.officer_a.refresh_from_db()
    assert not people.officer_a.is_staff and not people.officer_a.is_superuser
    form.data |= {"role": "admin", "unit": ""}
    assert client.post(url, form.data).status_code == 302
    people.officer_a.refresh_from_db()
    assert people.officer_a.is_staff and people.officer_a.is_superuser


def test_periods_edited_in_the_admin_are_checked_as_a_programme_file_is(people, login):
    programme, client, url, page = _programme_page(people, login)
    for changes, message in [
        ({"periods-0-closes": "2025-02-01"}, "申请截止日不能早于开始日"),
        ({"periods-0-hours_to": "08:00:00"}, "每日结束时间应晚于开始时间"),
        ({"periods-1-renewal_end_to": "2024-12-31"}, "续会终止日范围的结束日不能早于开始日"),
        ({"periods-1-opens": "2025-03-21"}, "第2期的申请时间与第1期重叠"),
        ({"periods-1-closes": "2026-01-05"}, "申请期应在 2025 年内"),
        ({"year": "2026"}, "申请期应在 2026 年内"),  # the programme's own year moved
        ({"budget": "-1"}, "预算不能为负数"),
        ({"year": "1999"}, "年度应在 2000 至 2100 之间"),
        ({"support": "0531-81285015\t武老师"}, "技术支持电话中含有换行或不可见字符"),
    ]:
        response = client.post(url, page.data | changes)
        assert response.status_code == 200 and message in response.content.decode(), changes
    programme.refresh_from_db()
    assert (programme.year, programme.budget, programme.support) == (2025, 7_000_000, "")
    assert sorted(programme.periods.values_list("no", "opens", "closes", "hours_to")) == [
        (1, FIRST.opens, FIRST.closes, FIRST.hours[1]),
        (2, LAST.opens, LAST.closes, LAST.hours[1]),
    ]
    assert not AuditEntry.objects.filter(action__startswith="quota.quotaperiod").exists()


def test_a_period_that_has_begun_granting_keeps_its_number_quota_and_start(tree, people, login):
    """Q-5: an opened period's ledger, and the next period's rollover and advance deduction,
    were computed from its number and base quota, and its applications were taken in its
    window (Q-3). A programme file cannot replace it; before, the admin could still change them
    (a base quota lowered below what was granted counted as an advance on the next period)."""
    from huzhu.quota.models import FreeShareApplication

    programme, client, url, page = _programme_page(people, login)
    first = programme.periods.get(no=1)
    first.opened, first.granted = True, 3
    first.save(update_fields=["opened", "granted"])
    FreeShareApplication.objects.create(
        programme=programme,
        period=first,
        unit=tree.unit_a,
        submitted_at=datetime(2025, 3, 10, 1, 30, tzinfo=UTC),  # 09:30 on 10 March in Jinan
        kind="new",
        requested=3,
        status="granted",
        granted=3,
    )
    for changes, message in [
        ({"periods-0-quota": "2"}, "本期已开始受理，基础名额不能再修改"),
        ({"periods-0-no": "3"}, "本期已开始受理，期次不能再修改"),
        ({"periods-0-opens": "2025-03-01"}, "本期已开始受理，申请开始日不能再修改"),
        ({"periods-0-closes": "2025-03-09"}, "本期已受理到 2025-03-10，申请截止日不能早于该日"),
    ]:
        response = client.post(url, page.data | changes)
        assert response.status_code == 200 and message in response.content.decode(), changes
    first.refresh_from_db()
    assert (first.no, first.quota, first.opens, first.closes) == (1, 5, FIRST.opens, FIRST.closes)
    # its window can still end on its last application's day, or later; the next period,
    # not yet opened, stays editable
    changes = {"periods-0-closes": "2025-03-10", "periods-1-quota": "9"}
    assert client.post(url, page.data | changes).status_code == 302
    assert sorted(programme.periods.values_list("no", "quota", "closes")) == [
        (1, 5, date(2025, 3, 10)),
        (2, 9, LAST.closes),
    ]


def test_the_admins_pages_of_the_login_libraries_are_in_chinese(people, login):
    index = login(people.admin).get("/admin/").content.decode()
    for name in ("登录锁定与登录记录", "登录锁定", "登录失败记录", "登录记录", "身份验证器"):
        assert name in index, name
    assert "Access attempts" not in index and "TOTP" not in index
    assert 'rel="icon"' in index  # the app's icon, not a request for /favicon.ico


def test_createsuperuser_makes_an_audited_administrator(db, monkeypatch):
    """The first administrator of a new installation: Django's command left the role at a unit
    officer without a unit, which the database refused."""
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Huzhu-admin-2026x")
    call_command("createsuperuser", interactive=False, username="boss", verbosity=0)
    boss = User.objects.get(username="boss")
    assert (boss.role, boss.is_staff, boss.is_superuser) == ("admin", True, True)
    assert boss.check_password("Huzhu-admin-2026x")
    entry = AuditEntry.objects.get(action="accounts.user.created", target_code="boss")
    assert entry.actor is None and entry.after["role"] == "admin"
