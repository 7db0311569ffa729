"""Issue 8 §1-2: lock-out, password rules, session timeout, two-factor for staff and
administrators, login history, separated duties, security headers and a strict CSP."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import second_factor_code
from huzhu.accounts.tests.factories import PASSWORD
from huzhu.core.models import AuditEntry

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def password_login(user, password=PASSWORD, address="10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/login/", {"username": user.username, "password": password})
    return client, response


def test_five_failures_lock_the_account_with_a_chinese_message(people):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _, response = password_login(people.officer_a, "wrong-password")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    _, response = password_login(people.officer_a, "wrong-password")
    assert response.status_code == 429 and "账号已暂时锁定" in response.content.decode()
    _, response = password_login(people.officer_a)  # even the right password, for a while
    assert response.status_code == 429
    _, response = password_login(people.officer_a, address="10.0.0.2")  # another machine
    assert response.status_code == 302


@pytest.mark.parametrize(("minutes", "shown"), [(15, "15 分钟"), (90, "90 分钟")])
def test_the_lock_out_page_says_how_long_in_minutes(people, settings, minutes, shown):
    """Django-axes's own context gives the length as an ISO duration: the page said `PT15M`."""
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _, response = password_login(people.officer_a, "wrong-password")
    page = response.content.decode()
    assert response.status_code == 429 and f"已被锁定 {shown}，请到时再试" in page
    assert "PT" not in page.split("<main", 1)[1] and "重置密码并解锁" in page


def test_the_login_page_says_whom_to_ask_for_a_forgotten_password(db):
    page = Client().get("/login/").content.decode()
    assert "忘记密码或账号被锁定：请联系互济会（电话 0531-86195716" in page


def test_behind_a_trusted_proxy_the_lock_out_is_per_forwarded_address(people, settings):
    """The lock-out's address is the look-up limit's (huzhu.core.clients): a mistyping colleague
    behind the same proxy does not lock the account for everyone behind that proxy."""
    from huzhu.core.clients import parse_proxies

    def via_proxy(address, password):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        return client.post("/login/", {"username": people.officer_a.username, "password": password})

    settings.TRUSTED_PROXIES = parse_proxies("127.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = via_proxy("198.51.100.1", "wrong-password")
    assert response.status_code == 429
    assert via_proxy("198.51.100.2", PASSWORD).status_code == 302
    assert via_proxy("198.51.100.1", PASSWORD).status_code == 429


def test_login_history_shows_own_logins_and_failures_only(people, login):
    password_login(people.officer_a, "wrong-password")
    client = login(people.officer_a)
    login(people.officer_b)
    page = client.get("/account/logins/").content.decode()
    assert page.count("<tr><td>") == 2  # one login, one failure; nothing of officer_b
    assert "10.0.0.1" in page


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1!", False),
        ("alllowercaseletters", False),
        ("lowercase and 123", True),
        ("Quancheng2026", True),
        ("1234567890123", False),
    ],
)
def test_password_rules(db, password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_password_change_checks_the_rules_and_is_audited(people, login):
    client = login(people.officer_a)
    weak = {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"}
    response = client.post("/account/password/", weak)
    assert response.status_code == 200 and "至少" in response.content.decode()
    strong = "Tianqiao-2026!"
    good = {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    assert client.post("/account/password/", good).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.user.password_changed").exists()
    assert client.get("/").status_code == 200  # still signed in


def test_a_temporary_password_opens_nothing_but_the_password_page_until_changed(people, login):
    """An administrator's password (a new login, a reset) was told by phone: the user sets his
    own before anything else, and comes back to the page he asked for."""
    people.officer_a.temporary_password = True
    people.officer_a.save(update_fields=["temporary_password"])
    client = login(people.officer_a)
    for path in ("/", "/claims/?view=overdue", "/admin/"):
        sent = client.get(path)
        assert sent.status_code == 302 and sent["Location"].startswith("/account/password/?next=")
    htmx = client.get("/quota/", headers={"HX-Request": "true", "HX-Current-URL": "/quota/"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == "/account/password/?next=%2Fquota%2F"
    page = client.get("/account/password/?next=/claims/%3Fview%3Doverdue")
    text = page.content.decode()
    assert "您正在使用管理员设置的临时密码。请先设置您自己的密码" in text
    assert 'class="nav"' not in text  # every item would lead back here
    own = "Tianqiao-2026!"
    change = {"old_password": PASSWORD, "new_password1": own, "new_password2": own}
    done = client.post("/account/password/", change | {"next": "/claims/?view=overdue"})
    assert done["Location"] == "/claims/?view=overdue"
    people.officer_a.refresh_from_db()
    assert not people.officer_a.temporary_password
    assert (
        client.get("/").status_code == 200
        and "临时密码" not in client.get("/account/password/").content.decode()
    )


def test_the_password_page_goes_back_only_to_this_site(people, login):
    client = login(people.officer_a)
    own = "Tianqiao-2026!"
    change = {"old_password": PASSWORD, "new_password1": own, "new_password2": own}
    done = client.post("/account/password/", change | {"next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_a_password_change_whose_audit_entry_fails_changes_nothing(people, login, monkeypatch):
    """Rule 6: the new password and its audit entry are written together, or neither."""
    from huzhu.core import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    client = login(people.officer_a)
    client.raise_request_exception = False
    monkeypatch.setattr(audit, "record", broken)
    strong = "Tianqiao-2026!"
    good = {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    assert client.post("/account/password/", good).status_code == 500
    people.officer_a.refresh_from_db()
    assert people.officer_a.check_password(PASSWORD)


def test_sessions_end_after_30_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_staff_must_enrol_an_authenticator_then_give_its_code(people):
    client, response = password_login(people.registrar)
    assert response.status_code == 302
    page = client.get("/claims/")
    assert page.status_code == 302 and page["Location"].startswith("/account/2fa/")
    enrol = client.get(page["Location"])
    html = enrol.content.decode()
    assert "<svg" in html and "扫描" in html
    device = TOTPDevice.objects.get(user=people.registrar, confirmed=False)
    wrong = client.post("/account/2fa/", {"code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    code = f"{totp(device.bin_key):06d}"
    hurried = client.post("/account/2fa/", {"code": code})  # at once after a wrong code
    assert hurried.status_code == 400 and "请稍等片刻" in hurried.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=5)  # ... a few seconds later
    device.save(update_fields=["throttling_failure_timestamp"])
    response = client.post("/account/2fa/", {"code": code, "next": "/claims/"})
    assert response.status_code == 302 and response["Location"] == "/claims/"
    assert client.get("/claims/").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.user.2fa_enrolled").exists()

    again, _ = password_login(people.registrar)
    assert again.get("/").status_code == 302
    page = again.get("/account/2fa/").content.decode()
    assert "<svg" not in page  # enrolled: only the code is asked
    # no menu before the code is given (each item would lead back here); the card's 退出 is
    # drawn for the white card, not for the red top bar (where it was white on white)
    assert 'class="nav"' not in page and 'href="/claims/">救助申请</a>' not in page
    assert 'class="link-dark">退出' in page
    assert "核对手机的时间是否准确" in page and "请联系系统管理员重置二次验证" in page
    answer = again.post("/account/2fa/", {"code": second_factor_code(people.registrar)})
    assert answer.status_code == 302, answer.content.decode()[-600:]
    home = again.get("/")
    assert home.status_code == 200 and 'href="/claims/">救助申请</a>' in home.content.decode()


def test_admin_site_needs_the_second_factor_too(people):
    client, _ = password_login(people.admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/account/2fa/" in response["Location"]


def test_unit_officers_sign_in_with_a_password_only(people):
    client, _ = password_login(people.officer_a)
    assert client.get("/").status_code == 200


def test_system_admin_cannot_approve_claims_or_payments(people, login):
    client = login(people.admin)
    for path in ("/claims/X1/actions/approve/", "/payment-batches/"):
        assert client.post(path).status_code in (403, 404)
    assert not people.admin.has_duty("approver") and not people.admin.has_duty("cashier")


def test_audit_entries_cannot_be_changed_through_the_admin(people, login, tree):
    from huzhu.core import audit

    entry = audit.record(None, "x.y.z", tree.unit_a, after={"a": 1})
    client = login(people.admin)
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {}).status_code == 403
    assert (
        client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.after == {"a": 1}


def test_every_page_carries_a_strict_content_security_policy(people, login):
    response = login(people.officer_a).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_style_or_handlers():
    """What the policy would block in the browser, caught before it gets there."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\sstyle=|\son[a-z]+=")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_an_htmx_request_without_the_second_factor_sends_the_page_to_the_code_page(people, login):
    """An administrator resets a signed-in staff member's authenticator: the quota board's
    next poll takes the whole page to the code page instead of swapping it into the board."""
    client = login(people.registrar)
    assert client.get("/quota/", headers={"HX-Request": "true"}).status_code == 200
    TOTPDevice.objects.filter(user=people.registrar).delete()
    answer = client.get(
        "/quota/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/quota/?year=2025"},
    )
    assert answer.status_code == 204 and answer.content == b""
    assert answer["HX-Redirect"] == "/account/2fa/?next=%2Fquota%2F%3Fyear%3D2025"
    plain = client.get("/quota/")
    assert plain.status_code == 302 and plain["Location"] == "/account/2fa/?next=%2Fquota%2F"
