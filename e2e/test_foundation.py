"""Issue 2's browser journey: scoping for a unit officer, validated and audited unit creation
by staff."""

import random

import pytest

from huzhu.accounts.tests.factories import PASSWORD
from huzhu.core.models import AuditEntry
from huzhu.demo.loader import credit_code
from huzhu.organizations.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    """Password, then (staff and administrators) the code of the authenticator."""
    from conftest import second_factor_code
    from huzhu.accounts.models import User
    from huzhu.accounts.twofactor import required_for

    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    user = User.objects.get(username=username)
    if required_for(user):
        page.wait_for_url("**/account/2fa/**")
        page.get_by_label("验证码").fill(second_factor_code(user))
        page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/")


def test_unit_officer_sees_own_unit_and_not_another(page, tree, people):
    log_in(page, "officer_a")
    page.get_by_role("link", name="本单位").first.click()
    rows = page.locator("#unit-rows tbody tr")
    assert rows.count() == 1
    assert "甲单位" in rows.first.inner_text()
    page.get_by_role("link", name="甲单位").click()
    assert page.locator("h1").inner_text() == "甲单位"

    response = page.goto(f"/units/{tree.unit_b.code}/")
    assert response.status == 404
    assert "页面不存在" in page.locator("h1").inner_text()
    assert "乙单位" not in page.content()


def test_the_longest_staff_menu_stays_on_one_line(page, tree, people):
    """The cashier's menu has every staff item and 救助金发放: at the usual 1280-pixel office
    screen and at 1100 it stays on one line beside the user's links (it used to wrap), even
    beside a long name (the factory's names grow with the tests run before, which made the
    room this test measured depend on them)."""
    people.cashier.display_name = "互济会出纳员测试用户1234"
    people.cashier.save(update_fields=["display_name"])
    log_in(page, "cashier")
    for width in (1280, 1100):
        page.set_viewport_size({"width": width, "height": 720})
        tops = page.locator(".topbar nav a").evaluate_all(
            "links => links.map(link => Math.round(link.getBoundingClientRect().top))"
        )
        assert len(tops) == 11 and len(set(tops)) == 1, (width, tops)
        user_box, menu_box = (
            page.locator(".topbar .who").bounding_box(),
            page.locator(".nav").bounding_box(),
        )
        assert user_box and menu_box and user_box["y"] < menu_box["y"] + menu_box["height"]


def fill_unit_form(page, name: str, code: str) -> None:
    """登记新单位's fields, for a unit of 历下区总工会."""
    page.get_by_label("单位名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("上级工会").select_option(label="历下区总工会")
    page.get_by_label("工会会员人数").fill("45")
    page.get_by_label("联系人").fill("王芳")
    page.get_by_label("联系电话").fill("13905310099")


def test_staff_bad_credit_code_is_refused_then_fixed_and_audited(page, tree, people):
    log_in(page, "registrar")
    page.goto("/units/")
    page.get_by_role("link", name="登记新单位").click()
    good = credit_code(random.Random(5), "370102")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    fill_unit_form(page, "济南浏览器测试有限公司", bad)
    page.get_by_role("button", name="保存").click()

    assert "统一社会信用代码校验位不正确" in page.locator(".field.invalid").inner_text()
    assert not Unit.objects.filter(name="济南浏览器测试有限公司").exists()

    page.get_by_label("统一社会信用代码").fill(good)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/units/U*/")
    assert "已登记" in page.locator(".messages").inner_text()
    unit = Unit.objects.get(name="济南浏览器测试有限公司")
    assert unit.credit_code == good
    assert AuditEntry.objects.filter(
        action="organizations.unit.created", target_code=unit.code, actor=people.registrar
    ).exists()

    page.get_by_role("link", name="审计日志").click()
    assert unit.code in page.locator("table").first.inner_text()


def test_a_long_form_warns_before_the_idle_timeout_and_typing_keeps_the_session(page, tree, people):
    """A claim form filled for longer than the idle timeout was lost at its submission. The
    page's clock is moved on (Playwright), the server's expiry set in the database."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    def asked():
        return page.expect_response(lambda response: "/account/session/" in response.url)

    page.clock.install()
    log_in(page, "officer_a")
    page.goto("/claims/new/", wait_until="networkidle")  # its own htmx request answered too
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = Session.objects.filter(session_key=cookie["value"])
    warning = page.locator("#session-warning")
    assert warning.is_hidden()

    session.update(expire_date=timezone.now() + timedelta(seconds=90))  # 28.5 idle minutes
    with asked():
        page.clock.fast_forward("28:00")
    warning.wait_for(state="visible")
    assert "约 2 分钟后将自动退出登录" in warning.inner_text()
    assert session.get().expire_date < timezone.now() + timedelta(seconds=91)  # only asked
    with asked():
        page.get_by_role("button", name="继续使用").click()
    warning.wait_for(state="hidden")
    assert session.get().expire_date > timezone.now() + timedelta(minutes=25)

    session.update(expire_date=timezone.now() + timedelta(minutes=10))
    page.clock.fast_forward("02:00")
    with asked():
        page.get_by_label("查找职工").fill("张")  # typing is activity
    assert session.get().expire_date > timezone.now() + timedelta(minutes=25)

    session.delete()  # the timeout passed after all
    with asked():
        page.clock.fast_forward("31:00")
    warning.wait_for(state="visible")
    assert "登录已超时，本页尚未提交的内容已无法提交" in warning.inner_text()
    assert page.get_by_role("link", name="重新登录").is_visible()
    assert page.get_by_role("button", name="继续使用").is_hidden()


def test_a_second_click_while_the_answer_is_on_its_way_sends_nothing(page, tree, people):
    """A second click on 保存 while the first was on its way sent the form again: the unit was
    registered by the first and the second came back refused, as a code already registered.
    The answer to the first is held back half a second, as on a slow connection."""
    import time
    from contextlib import suppress

    from playwright.sync_api import Error

    def slow(route):
        answer = route.fetch(max_redirects=0)  # the server has it ...
        time.sleep(0.5)  # ... and the browser waits for its answer
        with suppress(Error):  # the browser gave this answer up for a second sending
            route.fulfill(response=answer)

    log_in(page, "registrar")
    page.goto("/units/new/")
    code = credit_code(random.Random(9), "370102")
    fill_unit_form(page, "济南双击测试有限公司", code)
    page.route("**/units/new/", slow)
    page.evaluate(
        """() => {
            const button = [...document.querySelectorAll("main button")]
                .find((b) => b.textContent.trim() === "保存");
            button.click();
            setTimeout(() => button.click(), 150);
        }"""
    )
    answer = page.locator(".messages, .errors, .field.invalid").first
    answer.wait_for()  # the page of the answer the browser kept
    assert "已登记" in answer.inner_text() and "/units/U" in page.url
    assert Unit.objects.filter(credit_code=code).count() == 1
    assert AuditEntry.objects.filter(action="organizations.unit.created").count() == 1
