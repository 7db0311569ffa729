"""Free-share pages and API: the board, a unit's application, units yet to apply; strangers."""

import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from huzhu.accounts.actions import issue_token
from huzhu.claims.tests.journeys import on, paid_contract
from huzhu.members.actions import import_roster
from huzhu.members.models import Member
from huzhu.members.tests.rosters import person, resident_id, xlsx
from huzhu.quota.actions import load_programme
from huzhu.quota.models import QuotaPeriod
from huzhu.rules.quota import Period
from huzhu.stats.figures import compute

PERIOD_1 = Period(1, 3, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31))


def programme_2025(*periods: Period) -> None:
    """The 2025 programme (SPEC Q-1 budget) with the given periods."""
    load_programme(2025, 7_000_000, list(periods), actor=None)


def two_units_of_two(tree, settings):
    """Units A and B with two members each on their rosters; then a Monday in period 1."""
    on(settings, "2025-02-01")
    for unit, base in ((tree.unit_a, 1), (tree.unit_b, 100)):
        unit.member_count = 2
        unit.save()
        import_roster(unit, xlsx([person(base), person(base + 1)]), actor=None)
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"


@pytest.fixture
def open_window(tree, settings):
    programme_2025(PERIOD_1)
    two_units_of_two(tree, settings)


def test_unit_sees_why_and_applies(tree, people, login, open_window):
    officer = login(people.officer_a)
    page = officer.get(f"/units/{tree.unit_a.code}/free-shares/").content.decode()
    assert "可以申请" in page and "剩余 3 个名额" in page
    done = officer.post(
        f"/units/{tree.unit_a.code}/free-shares/apply/", follow=True
    ).content.decode()
    assert "申请成功" in done and "PB25" in done
    again = officer.post(
        f"/units/{tree.unit_a.code}/free-shares/apply/", follow=True
    ).content.decode()
    assert "每年只能获得一次" in again
    after = officer.get(f"/units/{tree.unit_a.code}/free-shares/").content.decode()
    assert "不能获赠的职工（2 人）" in after and "本年度已获得过普惠名额" in after
    assert "可以获赠的职工（0 人" in after
    board = login(people.registrar).get("/quota/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-remaining="1"><strong>1</strong>' in board
    assert '<td class="num">1 / 0</td>' in board  # one unit, granted (then refused: Q-3)
    assert "<html" not in board


def test_quota_exhausted_closes_the_channel(tree, people, login, open_window):
    login(people.officer_a).post(f"/units/{tree.unit_a.code}/free-shares/apply/")
    second = (
        login(people.officer_b)
        .post(f"/units/{tree.unit_b.code}/free-shares/apply/", follow=True)
        .content.decode()
    )
    # 3 places: unit A took 2; unit B asks 2 with 1 left in the only (last) period → partial 1
    assert "申请成功" in second
    page = login(people.officer_b).get(f"/units/{tree.unit_b.code}/free-shares/").content.decode()
    assert "每年只能获得一次" in page


def test_strangers_cannot_apply_for_another_unit(tree, people, login, open_window):
    assert login(people.officer_b).get(f"/units/{tree.unit_a.code}/free-shares/").status_code == 404
    assert (
        login(people.officer_b).post(f"/units/{tree.unit_a.code}/free-shares/apply/").status_code
        == 404
    )
    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_b, actor=None)}"})
    refused = api.post(
        "/api/v1/quota/applications", {"unit": tree.unit_a.code}, content_type="application/json"
    )
    assert refused.status_code == 404
    bad = api.post(
        "/api/v1/quota/applications",
        {"unit": tree.unit_b.code, "members": "some"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_an_application_naming_a_worker_not_on_the_roster_records_nothing(
    tree, people, open_window
):
    """A mistyped or foreign member code refuses the whole application (422): dropping it
    silently would grant the others, and the unit could not apply again this year (Q-3)."""
    from huzhu.core.models import AuditEntry
    from huzhu.members.models import Member
    from huzhu.quota.models import FreeShareApplication

    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"})
    mine, also = (Member.objects.get(name=f"职工{n}").code for n in (1, 2))
    foreign = Member.objects.get(name="职工100").code
    written = AuditEntry.objects.count()
    for members, codes in (([mine, foreign], [foreign]), ([mine, "M-TYPO"], ["M-TYPO"])):
        body = {"unit": tree.unit_a.code, "members": members}
        refused = api.post("/api/v1/quota/applications", body, content_type="application/json")
        assert refused.status_code == 422, refused.content
        error = refused.json()["error"]
        assert error["details"] == [{"field": "members", "codes": codes}]
        assert codes[0] in error["message"] and "不在本单位当前名册上" in error["message"]
    empty = api.post(
        "/api/v1/quota/applications",
        {"unit": tree.unit_a.code, "members": []},
        content_type="application/json",
    )
    assert empty.status_code == 422
    assert FreeShareApplication.objects.count() == 0 and AuditEntry.objects.count() == written
    granted = api.post(
        "/api/v1/quota/applications",
        {"unit": tree.unit_a.code, "members": [mine, also]},  # both: E-3 wants 70%
        content_type="application/json",
    ).json()
    assert (granted["status"], granted["granted"], granted["left_out"]) == ("granted", 2, [])


def test_listed_members_who_cannot_have_a_free_share_are_named_and_left_out(tree, people, settings):
    """The others keep their place in the queue; the answer says who was left out and why."""
    programme_2025(PERIOD_1)
    on(settings, "2025-02-01")
    tree.unit_a.member_count = 2
    tree.unit_a.save()
    turning_61 = person(3, 身份证号码=resident_id("19640301", serial=3))  # 60 today
    import_roster(tree.unit_a, xlsx([person(1), person(2), turning_61]), actor=None)
    code = {m.name: m.code for m in Member.objects.all()}
    settings.HUZHU_NOW = "2025-03-03T10:00:00+08:00"
    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"})
    answer = api.post(
        "/api/v1/quota/applications",
        {"unit": tree.unit_a.code, "members": [code["职工1"], code["职工3"], code["职工2"]]},
        content_type="application/json",
    ).json()
    assert (answer["status"], answer["granted"]) == ("granted", 2), answer
    assert answer["left_out"] == [
        {"member": code["职工3"], "reason": "生效日 2025-03-03 时61周岁或已退休，不符合入会条件"}
    ]


def test_current_period_api(people, open_window):
    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"})
    body = api.get("/api/v1/quota/current").json()
    assert (body["year"], body["period"], body["remaining"]) == (2025, 1, 3)
    assert body["support"] == ""


def test_the_pages_say_whom_to_call_about_the_online_application(tree, people, login, settings):
    """The brochure's table names the technical support for the online application: the
    application page, the board and the API say it where the year has one."""
    support = "0531-81285015（武老师）"
    load_programme(2025, 7_000_000, [PERIOD_1], actor=None, support=support)
    two_units_of_two(tree, settings)
    line = f"请致电技术支持：{support}"
    officer = login(people.officer_a)
    assert line in officer.get(f"/units/{tree.unit_a.code}/free-shares/").content.decode()
    assert line in officer.get("/quota/").content.decode()
    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"})
    assert api.get("/api/v1/quota/current").json()["support"] == support
    settings.HUZHU_NOW = "2025-04-01T10:00:00+08:00"  # between windows: the year's line still
    assert line in officer.get(f"/units/{tree.unit_a.code}/free-shares/").content.decode()


def test_a_year_without_support_says_nothing_of_it(tree, people, login, open_window):
    officer = login(people.officer_a)
    assert "技术支持" not in officer.get(f"/units/{tree.unit_a.code}/free-shares/").content.decode()
    assert "技术支持" not in officer.get("/quota/").content.decode()


def test_pending_units_are_scoped_and_exported(tree, people, login, open_window):
    login(people.officer_a).post(f"/units/{tree.unit_a.code}/free-shares/apply/")
    union = login(people.union_officer).get("/quota/pending-units/").content.decode()
    assert "甲二单位" in union and "甲单位</a>" not in union and "乙单位" not in union
    staff = login(people.registrar).get("/quota/pending-units/?format=xlsx")
    names = {
        row[0].value
        for row in load_workbook(io.BytesIO(staff.content)).worksheets[0].iter_rows(min_row=2)
    }
    assert names == {"甲二单位", "乙单位"}
    assert login(people.officer_a).get("/quota/pending-units/").status_code == 403


def test_the_list_to_remind_holds_the_units_the_open_period_takes(tree, people, login, settings):
    """Q-2: a renewing unit applies in the period whose renewal range holds its contract's end
    date. Unit A's contract ends in August: period 1 does not take it, period 3 will, so the
    coordinating union's list of units to remind now leaves it out and says when it may."""
    paid_contract(settings, tree.unit_a, people.registrar, "2024-08-01", shares=1)
    programme_2025(
        PERIOD_1,
        Period(3, 5, date(2025, 8, 29), date(2025, 9, 19), date(2025, 4, 1), date(2025, 9, 30)),
    )
    on(settings, "2025-03-03")
    officer = login(people.union_officer)
    due = officer.get("/quota/pending-units/").content.decode()
    assert "本期可申请（1 家）" in due and "全部尚未获得（2 家）" in due
    assert "甲二单位" in due and "甲单位</a>" not in due
    everyone = officer.get("/quota/pending-units/?show=all").content.decode()
    assert "甲单位</a>" in everyone and "续会（合同至 2025-08-01）" in everyone
    assert "第3期可申请（2025-08-29 起）" in everyone
    book = officer.get("/quota/pending-units/?show=all&format=xlsx")
    rows = list(load_workbook(io.BytesIO(book.content)).worksheets[0].values)
    assert rows[0][-2:] == ("类别", "可申请期次")
    assert ("甲单位", "第3期可申请（2025-08-29 起）") in {(r[0], r[-1]) for r in rows[1:]}
    home = officer.get("/").content.decode()
    assert "<strong>1</strong><span>家单位可在第1期申请" in home


def test_a_period_shows_what_it_rolls_over_before_its_first_application(
    tree, people, login, settings
):
    """Q-5: a period's ledger is written when it takes its first application. Before that, the
    board, the API, the unit's page and the statistics show what it would open with (its base
    plus what the previous period left), and the allocator then grants exactly that."""
    programme_2025(
        PERIOD_1,
        Period(2, 5, date(2025, 5, 30), date(2025, 6, 20), date(2025, 1, 1), date(2025, 6, 30)),
    )
    two_units_of_two(tree, settings)
    login(people.officer_a).post(f"/units/{tree.unit_a.code}/free-shares/apply/")  # 2 of 3
    staff = login(people.registrar)
    board = staff.get("/quota/", headers={"HX-Request": "true"}).content
    assert "顺延 1（按目前计算）" in board.decode()  # period 1 is open: it may grant the last one
    settings.HUZHU_NOW = "2025-06-03T10:00:00+08:00"  # period 2, nobody has applied yet
    board = staff.get("/quota/", headers={"HX-Request": "true"}).content
    assert 'data-remaining="2"><strong>6</strong>' in board.decode()  # 5 + 1 left over
    assert "顺延 1</small>" in board.decode()  # final: period 1 has closed
    assert 'data-remaining="1"><span class="muted">已结束</span>' in board.decode()  # rolled over
    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_b, actor=None)}"})
    body = api.get("/api/v1/quota/current").json()
    assert (body["period"], body["effective_quota"], body["remaining"]) == (2, 6, 6)
    page = login(people.officer_b).get(f"/units/{tree.unit_b.code}/free-shares/").content
    assert "剩余 6 个名额" in page.decode()
    quota = {row["period"]: row for row in compute(2025, None, history=False).quota}
    assert (quota[1]["effective_quota"], quota[2]["effective_quota"]) == (3, 6)
    login(people.officer_b).post(f"/units/{tree.unit_b.code}/free-shares/apply/")
    period = QuotaPeriod.objects.get(no=2)
    assert (period.opened, period.rollover_in, period.effective_quota) == (True, 1, 6)
    assert api.get("/api/v1/quota/current").json()["remaining"] == 4
    board = login(people.registrar).get("/quota/", headers={"HX-Request": "true"}).content
    assert "合 350000 份；全年已发放 4 份。" in board.decode()
    assert "退回年度预算" not in board.decode()  # the last period is still open
    settings.HUZHU_NOW = "2025-06-23T10:00:00+08:00"
    board = login(people.registrar).get("/quota/").content.decode()
    assert "未使用的 4 个名额退回年度预算（Q-5）" in board  # 6 − 2 granted in period 2


def test_the_page_says_too_few_workers_before_the_unit_applies(tree, people, login, open_window):
    """E-3: a unit whose eligible workers are under 70% of its union members is told so on the
    page, with no button to press; before, the page said 可以申请 and the application was then
    refused with the period's text about renewal ranges."""
    tree.unit_a.member_count = 5  # two on the roster: at least 4 needed
    tree.unit_a.save()
    officer = login(people.officer_a)
    page = officer.get(f"/units/{tree.unit_a.code}/free-shares/").content.decode()
    assert "不能：可获赠的职工2人，少于本单位会员人数5人的70%（至少4人，E-3）" in page
    assert "提交申请</button>" not in page
    api = Client(headers={"Authorization": f"Bearer {issue_token(people.officer_a, actor=None)}"})
    answer = api.post(
        "/api/v1/quota/applications", {"unit": tree.unit_a.code}, content_type="application/json"
    ).json()
    assert (answer["status"], answer["reason"]) == ("refused", "not_eligible")
    assert "E-3" in answer["message"] and "续会单位" not in answer["message"]
    tree.unit_b.member_count = 0
    tree.unit_b.save()
    for member in Member.objects.filter(memberships__unit=tree.unit_b):
        member.status = "retired"
        member.save(update_fields=["status"])
    page = login(people.officer_b).get(f"/units/{tree.unit_b.code}/free-shares/").content.decode()
    assert "不能：名册上没有可获赠普惠名额的职工" in page
