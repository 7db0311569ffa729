"""Issue 6's browser journey: two unit officers apply in the same window for a quota that fits
one; one gets a PB contract, the other sees 名额已满, and the board shows 0 remaining."""

from datetime import date

import pytest
from django.contrib.sessions.models import Session

from e2e.conftest import ARTIFACTS
from e2e.test_foundation import log_in
from huzhu.claims.tests.journeys import on
from huzhu.members.actions import import_roster
from huzhu.members.tests.rosters import person, xlsx
from huzhu.quota.actions import load_programme
from huzhu.rules.quota import Period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_units_race_for_one_quota(browser, live_server, tree, people, settings):
    window = Period(
        1, 2, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31)
    )
    load_programme(2025, 7_000_000, [window], actor=None)
    on(settings, "2025-02-01")
    for unit, base in ((tree.unit_a, 1), (tree.unit_b, 100)):
        unit.member_count = 2
        unit.save()
        import_roster(unit, xlsx([person(base), person(base + 1)]), actor=None)
    settings.HUZHU_NOW = "2025-03-03T09:00:00+08:00"

    pages = {}
    for username, unit in (("officer_a", tree.unit_a), ("officer_b", tree.unit_b)):
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, username)
        page.goto(f"/units/{unit.code}/free-shares/")
        assert "可以申请" in page.content()
        pages[username] = page
    pages["officer_a"].get_by_role("button", name="提交申请").click()
    pages["officer_b"].get_by_role("button", name="提交申请").click()
    texts = {name: page.locator(".messages").inner_text() for name, page in pages.items()}
    winners = [name for name, text in texts.items() if "申请成功" in text]
    losers = [name for name, text in texts.items() if "名额已满" in text]
    assert len(winners) == 1 and len(losers) == 1, texts
    assert "PB25" in texts[winners[0]]
    board = pages[losers[0]]
    board.goto("/quota/")
    assert board.locator('[data-remaining="1"]').inner_text() == "0"
    assert board.locator("tbody tr").first.locator("td").last.inner_text() == "1 / 1"  # units
    ARTIFACTS.mkdir(exist_ok=True)
    board.screenshot(path=str(ARTIFACTS / "free-shares-board.png"), full_page=True)
    # the board left open: once the session has ended (idle timeout), its next poll takes the
    # whole page to the login, to come back to the board (not a login form inside the table)
    Session.objects.all().delete()
    board.wait_for_url("**/login/?next=%2Fquota%2F", timeout=10_000)
    assert board.locator("#board").count() == 0
    for page in pages.values():
        page.context.close()
