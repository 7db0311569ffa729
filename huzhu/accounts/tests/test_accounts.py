import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from huzhu.accounts.models import ApiToken
from huzhu.core import clock
from huzhu.core.models import AuditEntry


def test_login_page_is_chinese(client, db):
    body = client.get("/login/").content.decode()
    assert "登录" in body
    assert 'lang="zh-Hans"' in body


def test_phones_do_not_capitalise_or_correct_what_is_typed_as_a_login_or_id_number(client, db):
    """A phone's keyboard capitalised the first letter of the user name (Unit_a is not unit_a:
    a failed login, counted towards the lock-out) and could “correct” it; the self-service
    page's ID number asks for capitals, for its check character X."""
    login = re.search(r'<input name="username"[^>]*>', client.get("/login/").content.decode())
    assert login is not None
    for attribute in ('autocapitalize="none"', 'autocorrect="off"', 'spellcheck="false"'):
        assert attribute in login.group(0)
    lookup = re.search(r'<input name="id_number"[^>]*>', client.get("/lookup/").content.decode())
    assert lookup is not None and 'autocapitalize="characters"' in lookup.group(0)


def test_pages_name_a_tab_icon_that_exists(client, db):
    """Without one, every browser asks for /favicon.ico, which is a 404 in the log each visit."""
    body = client.get("/login/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', body)
    assert icon is not None and finders.find(icon.group(1)) is not None
    assert "<svg" in Path(finders.find(icon.group(1))).read_text()


def test_wrong_password_gets_chinese_message(client, people):
    response = client.post("/login/", {"username": "officer_a", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "words"),
    [
        ("registrar", ["登记单位", "最近操作", "职责：登记"]),
        ("union_officer", ["历下区总工会", "下属单位"]),
        ("officer_a", ["甲单位", "本单位信息"]),
    ],
)
def test_home_page_per_role(people, login, persona, words):
    body = login(getattr(people, persona)).get("/").content.decode()
    for word in words:
        assert word in body


def test_navigation_hides_staff_pages_from_unit_officers(people, login):
    body = login(people.officer_a).get("/").content.decode()
    assert "审计日志" not in body
    assert "审计日志" in login(people.reviewer).get("/").content.decode()


def test_logout_ends_the_session(people, login):
    client = login(people.officer_a)
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_create_token_prints_a_working_token(people, capsys):
    call_command("create-token", "officer_a")
    token = capsys.readouterr().out.strip()
    assert token.startswith("hz_")
    stored = ApiToken.objects.get(user=people.officer_a)
    assert token not in (stored.key_hash, stored.prefix)
    assert AuditEntry.objects.filter(action="accounts.token.created").count() == 1
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["role"] == "unit_officer"
    assert me.json()["unit"] == people.officer_a.unit.code


def test_create_token_for_unknown_user_fails_in_chinese(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="用户不存在"):
        call_command("create-token", "nobody")


@pytest.mark.parametrize("header", [None, "Bearer hz_wrong", "Basic abc"])
def test_api_without_valid_token_is_401_json(db, header):
    headers = {"Authorization": header} if header else {}
    response = Client(headers=headers).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "缺少或无效的访问令牌"}}


def test_revoked_token_and_inactive_user_are_refused(people):
    from huzhu.accounts.actions import issue_token

    token = issue_token(people.officer_a, actor=None)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.update(revoked_at=clock.now())
    assert client.get("/api/v1/me").status_code == 401
    other = issue_token(people.officer_b, actor=None)
    people.officer_b.is_active = False
    people.officer_b.save()
    assert Client(headers={"Authorization": f"Bearer {other}"}).get("/api/v1/me").status_code == 401


def test_staff_me_lists_duties(people):
    from huzhu.accounts.actions import issue_token

    token = issue_token(people.approver, actor=None)
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").json()
    assert me["duties"] == ["approver"]
    assert me["union"] is None


def test_openapi_and_docs_are_served(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units/{code}" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200
