"""Enrolment, submission, fee confirmation, numbering, cancellation, renewal (SPEC §4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from huzhu.contracts import actions, workflow
from huzhu.contracts.models import Contract, ContractStatus, NumberSequence
from huzhu.contracts.pdf import certificate
from huzhu.core.models import AuditEntry
from huzhu.members.actions import import_roster
from huzhu.members.models import Membership
from huzhu.members.tests.rosters import person, xlsx

FACTS = actions.EnrolmentFacts("union_funds")


@pytest.fixture
def today(settings):
    settings.HUZHU_TODAY = "2025-03-03"
    settings.HUZHU_NOW = ""
    return date(2025, 3, 3)


def enrolled(unit, rows, people=None):
    unit.member_count = len(rows)
    unit.save()
    report = import_roster(unit, xlsx(rows), actor=None)
    assert report.saved, report.errors
    return actions.create_enrolment(unit, FACTS, actor=people.officer_a if people else None)


def test_enrolment_draft_takes_the_roster_and_the_fee(tree, today):
    contract = enrolled(tree.unit_a, [person(1, shares=2), person(2), person(3, shares=3)])
    assert contract.status == ContractStatus.DRAFT
    assert contract.contract_no is None
    assert (contract.lines.count(), contract.total_shares) == (3, 6)
    assert contract.fee == Decimal("120.00")  # K-3: 20 × 6
    assert AuditEntry.objects.filter(action="contracts.contract.created").exists()


def test_full_journey_numbers_the_contract(tree, people, today):
    tree.lixia.contract_series = "07"
    tree.lixia.save()
    contract = enrolled(tree.unit_a, [person(1), person(2)])
    actions.submit_contract(contract, actor=people.officer_a)
    active = actions.confirm_fee(contract, actor=people.registrar)
    assert active.status == ContractStatus.ACTIVE
    assert active.contract_no == "B07250001"
    assert (active.effective, active.end) == (today, date(2026, 3, 3))
    assert active.confirmed_by == people.registrar
    entry = AuditEntry.objects.get(action="contracts.contract.fee_confirmed")
    assert entry.before["status"] == "submitted" and entry.after["contract_no"] == "B07250001"


def test_requested_later_start_is_kept(tree, people, today):
    unit = tree.unit_a
    unit.member_count = 1
    unit.save()
    import_roster(unit, xlsx([person(1)]), actor=None)
    later = actions.EnrolmentFacts("personal", today + timedelta(days=10))
    contract = actions.create_enrolment(unit, later, actor=None)
    actions.submit_contract(contract, actor=None)
    assert actions.confirm_fee(contract, actor=people.cashier).effective == date(2025, 3, 13)


def test_requested_start_in_the_past_or_beyond_a_year_is_refused(tree, today):
    unit = tree.unit_a
    unit.member_count = 1
    unit.save()
    import_roster(unit, xlsx([person(1)]), actor=None)
    for day, words in (
        (today - timedelta(days=1), "不能早于今天"),
        (today.replace(year=today.year + 1) + timedelta(days=1), "不能晚于一年以后"),
        (date(9999, 12, 31), "不能晚于一年以后"),  # its end date could not be computed
    ):
        with pytest.raises(actions.ContractError, match=words):
            actions.create_enrolment(unit, actions.EnrolmentFacts("personal", day), actor=None)
    assert not Contract.objects.exists()
    a_year_on = today.replace(year=today.year + 1)
    contract = actions.create_enrolment(
        unit, actions.EnrolmentFacts("personal", a_year_on), actor=None
    )
    assert contract.requested_start == a_year_on


def test_participation_below_70_percent_is_refused(tree, today):
    contract = enrolled(tree.unit_a, [person(1), person(2)])
    tree.unit_a.member_count = 3
    tree.unit_a.save()
    with pytest.raises(actions.ContractError, match="70%"):
        actions.submit_contract(Contract.objects.get(pk=contract.pk), actor=None)
    tree.unit_a.member_count = 2
    tree.unit_a.save()
    assert actions.submit_contract(contract, actor=None).status == ContractStatus.SUBMITTED


def test_fourth_share_across_two_units_is_refused_at_submission_and_confirmation(
    tree, people, today
):
    first = enrolled(tree.unit_a, [person(1, shares=2)])
    second = enrolled(tree.unit_b, [person(1, shares=2)])  # the member moves; drafts both remain
    actions.submit_contract(first, actor=None)
    with pytest.raises(actions.ContractError, match="超过每人3份上限") as caught:
        actions.submit_contract(second, actor=None)
    assert "已有2份" in caught.value.problems[0]
    assert Contract.objects.get(pk=second.pk).status == ContractStatus.DRAFT
    # both submitted before either is confirmed: the second confirmation is refused
    actions.cancel_contract(first, actor=None, reason="test")
    actions.submit_contract(second, actor=None)
    member = second.lines.get().member
    third = Contract.objects.create(unit=tree.unit_a, funding_source="personal", status="submitted")
    third.lines.create(member=member, shares=2)  # as if both had been submitted at once
    actions.confirm_fee(second, actor=people.registrar)
    with pytest.raises(actions.ContractError, match="超过每人3份上限"):
        actions.confirm_fee(third, actor=people.registrar)


def test_roster_import_refuses_a_fourth_share_held_elsewhere(tree, today):
    first = enrolled(tree.unit_a, [person(1, shares=3)])
    actions.submit_contract(first, actor=None)
    report = import_roster(tree.unit_b, xlsx([person(1, shares=1)]), actor=None)
    assert [e.code for e in report.errors] == ["share_cap"]
    assert not report.saved


def test_a_renewal_sent_in_time_does_not_overlap_the_contract_it_continues(
    tree, people, today, settings
):
    """P-2 with K-6: until its fee is confirmed, a renewal submitted in time counts from its
    previous contract's end date, not from today, so the member's 2 shares are not counted
    twice and a third share elsewhere fits."""
    contract = enrolled(tree.unit_a, [person(1, shares=2)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)  # ends 2026-03-03
    settings.HUZHU_TODAY = "2026-02-20"
    renewal = actions.start_renewal(contract, FACTS, actor=None)
    actions.submit_contract(renewal, actor=None)
    report = import_roster(tree.unit_b, xlsx([person(1, shares=1)]), actor=None)
    assert report.saved, report.errors
    report = import_roster(tree.unit_b, xlsx([person(1, shares=2)]), actor=None)
    assert [e.code for e in report.errors] == ["share_cap"]  # 2 + 2 on the same days: refused


def test_a_unit_re_uploads_its_roster_after_submitting_its_renewal(tree, people, today, settings):
    """P-2 at the import counts what the roster would add to other contracts: the unit's own
    paid contracts are made from the roster, so a worker's 3 shares in the submitted renewal
    are not counted again (a newcomer is being added). Another unit's contract still counts."""
    contract = enrolled(tree.unit_a, [person(1, shares=3), person(2)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)
    settings.HUZHU_TODAY = "2026-02-20"
    renewal = actions.start_renewal(contract, FACTS, actor=None)
    actions.submit_contract(renewal, actor=None)
    rows = [person(1, shares=3), person(2), person(3)]
    report = import_roster(tree.unit_a, xlsx(rows), actor=None)
    assert report.saved and report.created == 1, report.errors
    elsewhere = import_roster(tree.unit_b, xlsx([person(1, shares=1)]), actor=None)
    assert [e.code for e in elsewhere.errors] == ["share_cap"]


def test_one_pending_enrolment_per_unit(tree, people, today, login):
    """A second click on 生成入会申请 makes no second draft; once the first is cancelled (or has
    taken effect) the unit may enrol again, and a pending enrolment does not stop a renewal."""
    first = enrolled(tree.unit_a, [person(1)])
    with pytest.raises(actions.ContractError, match=f"已有尚未生效的入会申请 {first.public_id}"):
        actions.create_enrolment(tree.unit_a, FACTS, actor=None)
    page = login(people.officer_a).get(f"/units/{tree.unit_a.code}/enrol/").content.decode()
    assert 'data-testid="pending"' in page and first.public_id in page
    actions.submit_contract(first, actor=None)
    with pytest.raises(actions.ContractError, match="（已提交，待确认会费）"):
        actions.create_enrolment(tree.unit_a, FACTS, actor=None)
    actions.cancel_contract(first, actor=None, reason="重复")
    second = actions.create_enrolment(tree.unit_a, FACTS, actor=None)
    actions.submit_contract(second, actor=None)
    active = actions.confirm_fee(second, actor=people.registrar)
    again = actions.create_enrolment(tree.unit_a, FACTS, actor=None)  # beside the active one
    renewal = actions.start_renewal(active, FACTS, actor=None)  # despite the pending draft
    assert (again.status, renewal.previous) == (ContractStatus.DRAFT, active)


def test_sequence_widens_past_9999(tree, people, today):
    NumberSequence.objects.create(prefix="B01", year=25, last=9999)
    contract = enrolled(tree.unit_a, [person(1)])
    actions.submit_contract(contract, actor=None)
    assert actions.confirm_fee(contract, actor=people.registrar).contract_no == "B012510000"


def test_expired_on_read_the_day_after_the_end(tree, people, today, settings):
    contract = enrolled(tree.unit_a, [person(1)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)
    contract.refresh_from_db()
    settings.HUZHU_TODAY = "2026-03-03"
    assert contract.state == ContractStatus.ACTIVE and contract.state_label == "有效"
    assert contract.in_force_on(date(2026, 3, 3)) and not contract.in_force_on(date(2025, 3, 3))
    settings.HUZHU_TODAY = "2026-03-04"
    assert contract.state == ContractStatus.EXPIRED
    assert contract.state_label == "已到期"


def test_only_drafts_and_submitted_can_be_cancelled(tree, people, today):
    contract = enrolled(tree.unit_a, [person(1)])
    with pytest.raises(actions.ContractError, match="撤销原因"):
        actions.cancel_contract(contract, actor=None, reason=" ")
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)
    with pytest.raises(actions.ContractError, match="不能撤销"):
        actions.cancel_contract(contract, actor=None, reason="错了")
    other = enrolled(tree.unit_b, [person(2)])
    assert actions.cancel_contract(other, actor=None, reason="重复申请").status == "cancelled"
    with pytest.raises(actions.ContractError, match="当前状态为“已撤销”，不能撤销"):
        actions.cancel_contract(other, actor=None, reason="再撤一次")


def test_the_contract_transition_table_is_complete():
    """K-4: every state is where a contract starts, a step leads or time leads; only a draft
    or a submitted contract takes a step (an active one expires by its end date)."""
    reachable = {t.target for t in workflow.TRANSITIONS.values()} | set(workflow.STARTS)
    assert reachable | set(workflow.BY_TIME.values()) == set(ContractStatus.values)
    assert workflow.next_actions("draft") == ["submit", "cancel"]
    assert workflow.next_actions("submitted") == ["confirm_fee", "cancel"]
    for final in ("active", "cancelled", "expired"):
        assert workflow.next_actions(final) == []


def test_steps_out_of_order_are_refused(tree, people, today):
    contract = enrolled(tree.unit_a, [person(1)])
    with pytest.raises(actions.ContractError, match="不能确认会费"):
        actions.confirm_fee(contract, actor=people.registrar)
    actions.submit_contract(contract, actor=None)
    with pytest.raises(actions.ContractError, match="不能提交"):
        actions.submit_contract(contract, actor=None)


def test_empty_roster_and_bad_source_are_refused(tree, today):
    with pytest.raises(actions.ContractError, match="名册为空"):
        actions.create_enrolment(tree.unit_a, FACTS, actor=None)
    with pytest.raises(actions.ContractError, match="会费来源"):
        actions.create_enrolment(tree.unit_a, actions.EnrolmentFacts("gift"), actor=None)
    past = actions.EnrolmentFacts("personal", today - timedelta(days=1))
    with pytest.raises(actions.ContractError, match="不能早于今天"):
        actions.create_enrolment(tree.unit_a, past, actor=None)


def test_renewal_prefills_today_roster_and_continues_on_the_end_date(tree, people, today, settings):
    contract = enrolled(tree.unit_a, [person(1), person(2, shares=2)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)
    # a year later: person 2 left, person 3 joined, person 1 now takes 3 shares
    settings.HUZHU_TODAY = "2026-02-20"
    Membership.objects.filter(member__name="职工2").update(left=date(2026, 1, 31))
    import_roster(tree.unit_a, xlsx([person(1, shares=3), person(3)]), actor=None)
    tree.unit_a.member_count = 2
    tree.unit_a.save()
    renewal = actions.start_renewal(contract, FACTS, actor=people.officer_a)
    assert {(x.member.name, x.shares) for x in renewal.lines.select_related("member")} == {
        ("职工1", 3),
        ("职工3", 1),
    }
    with pytest.raises(actions.ContractError, match="已有续会申请"):
        actions.start_renewal(contract, FACTS, actor=None)
    assert not renewal.continues_previous  # a draft: not yet sent
    actions.submit_contract(renewal, actor=None)  # before the end date 2026-03-03
    assert Contract.objects.get(pk=renewal.pk).continues_previous
    settings.HUZHU_TODAY = "2026-03-10"  # the fee arrives after the end date
    renewed = actions.confirm_fee(renewal, actor=people.registrar)
    assert renewed.effective == date(2026, 3, 3)  # K-6: continuous
    assert renewed.previous == contract


def test_late_renewal_is_not_continuous(tree, people, today, settings):
    contract = enrolled(tree.unit_a, [person(1)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)
    settings.HUZHU_TODAY = "2026-03-05"
    renewal = actions.start_renewal(Contract.objects.get(pk=contract.pk), FACTS, actor=None)
    actions.submit_contract(renewal, actor=None)
    assert not Contract.objects.get(pk=renewal.pk).continues_previous
    assert actions.confirm_fee(renewal, actor=people.registrar).effective == date(2026, 3, 5)


def test_renewal_sent_early_morning_after_the_end_date_is_late(tree, people, today, settings):
    """K-5 counts the day in China: 07:00 on 2026-03-04 in Jinan is still 2026-03-03 in UTC."""
    contract = enrolled(tree.unit_a, [person(1)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)  # ends 2026-03-03
    settings.HUZHU_NOW = "2026-03-04T07:00:00+08:00"
    renewal = actions.start_renewal(Contract.objects.get(pk=contract.pk), FACTS, actor=None)
    actions.submit_contract(renewal, actor=None)
    settings.HUZHU_NOW = "2026-03-05T10:00:00+08:00"
    renewal = Contract.objects.get(pk=renewal.pk)
    assert actions.confirm_fee(renewal, actor=people.registrar).effective == date(2026, 3, 5)


def test_certificate_pdf_has_chinese_text(tree, people, today):
    contract = enrolled(tree.unit_a, [person(1, shares=2), person(2)])
    actions.submit_contract(contract, actor=None)
    contract = actions.confirm_fee(contract, actor=people.registrar)
    text = "".join(p.extract_text() for p in PdfReader(_io(certificate(contract))).pages)
    for words in (
        "保障合同",
        contract.contract_no,
        "甲单位",
        "2025-03-04 至 2026-03-03",
        "60.00 元（陆拾元整）",
        "职工1",
        "工会经费列支",
        "身体健康、能正常工作",  # the unit's declaration at submission (E-5)
    ):
        assert words in text
    assert person(1)[1] not in text  # the annex shows masked numbers only


def test_certificate_draws_the_middle_dot_with_a_glyph_of_the_font(tree, people, today):
    """The font's Unicode map has no U+00B7: the dot of the title, the footer and a minority
    name (阿依古丽·买买提) was drawn as a box; it is the GB middle dot (U+30FB) now."""
    contract = enrolled(tree.unit_a, [person(1), person(2, 姓名="阿依古丽·买买提")])
    text = "".join(p.extract_text() for p in PdfReader(_io(certificate(contract))).pages)
    assert "\u00b7" not in text
    assert "阿依古丽\u30fb买买提" in text and "项目 \u30fb 保障合同" in text
    assert "互济会 \u30fb 服务电话" in text


def test_certificate_annex_of_a_large_roster_runs_page_by_page(tree, people, today):
    """The annex starts on its own page and is cut into one table per page: every page has the
    header row, every member is listed once, in order, and no page spills onto another."""
    contract = enrolled(tree.unit_a, [person(i) for i in range(1, 121)])
    pages = [p.extract_text() for p in PdfReader(_io(certificate(contract))).pages]
    annex = pages[1:]
    assert "附件：保障人员名册" in annex[0] and "附件" not in pages[0]
    words = [page.split() for page in annex]  # each cell comes out as a word
    header = ["序号", "姓名", "身份证号码", "份数"]
    assert all(page[page.index("序号") : page.index("序号") + 4] == header for page in words)
    listed = [word for page in words for word in page if word.startswith("职工")]
    names = sorted(f"职工{i}" for i in range(1, 121))  # the annex is in name order
    assert listed == names
    assert len(annex) == 3  # 48 rows on the annex's first page, 49 on the next ones
    # a page taken out of the stack still says whose it is
    number = f"{contract.code}（未生效）"  # a draft's: its B number comes with the fee
    assert f"附件：保障人员名册（合同单号 {number}）" in annex[0]
    assert all(f"合同单号 {number} \u30fb 济南市职工互助互济会" in page for page in pages)


def test_certificate_terms_follow_the_associations_settings(tree, people, today, settings):
    """P-5's waiting periods and P-6 are settings (the scheme page reads them): the
    certificate said 30 days and the waiver whatever they were."""
    contract = enrolled(tree.unit_a, [person(1)])

    def first_page() -> str:
        text = PdfReader(_io(certificate(contract))).pages[0].extract_text()
        return "".join(text.split())  # reportlab's CJK lines break anywhere

    said = first_page()
    assert "重大疾病、疾病身故自合同生效30日后可申请救助" in said
    assert "意外伤害住院、意外身故、意外伤残自合同生效次日即可申请" in said
    assert "不间断续会的份数免等待期" in said and "保险" not in said
    settings.DEATH_ILLNESS_WAITING_DAYS = 0
    settings.RENEWAL_WAIVES_WAITING = False
    said = first_page()
    assert "重大疾病自合同生效30日后可申请救助" in said
    assert "意外伤害住院、疾病身故、意外身故、意外伤残自合同生效次日即可申请" in said
    assert "免等待期" not in said


def _io(data):
    import io

    return io.BytesIO(data)


def test_an_active_contract_whose_effective_date_is_to_come_says_so(tree, people, today, settings):
    """K-6: a renewal confirmed before the previous contract ends takes effect on that end date;
    until then its page does not call it simply 有效."""
    contract = enrolled(tree.unit_a, [person(1)])
    actions.submit_contract(contract, actor=None)
    actions.confirm_fee(contract, actor=people.registrar)  # ends 2026-03-03
    settings.HUZHU_TODAY = "2026-02-20"
    renewal = actions.start_renewal(Contract.objects.get(pk=contract.pk), FACTS, actor=None)
    actions.submit_contract(renewal, actor=None)
    renewed = actions.confirm_fee(renewal, actor=people.registrar)
    assert renewed.state == ContractStatus.ACTIVE
    assert renewed.state_label == "已确认，2026-03-03 生效"
    settings.HUZHU_TODAY = "2026-03-03"
    assert renewed.state_label == "有效"


def test_a_worker_past_60_on_the_day_the_fee_is_confirmed_blocks_the_confirmation(
    tree, people, today, settings
):
    """E-5 on the effective date: the fee confirmed after his 61st birthday makes that day the
    effective date (K-6), when he is no longer eligible; nothing changes."""
    contract = enrolled(tree.unit_a, [person(1, birth="19640310")])
    actions.submit_contract(contract, actor=None)  # on 2025-03-03 he is 60
    settings.HUZHU_TODAY = "2025-03-12"
    with pytest.raises(actions.ContractError, match="生效日 2025-03-12 时61周岁"):
        actions.confirm_fee(contract, actor=people.registrar)
    contract.refresh_from_db()
    assert (contract.status, contract.contract_no) == (ContractStatus.SUBMITTED, None)


def test_a_worker_who_retired_after_submission_blocks_the_confirmation(tree, people, today):
    """E-5: in service on the effective date; one who retired (移出, 退休) after the unit sent
    its enrolment is refused at the fee's confirmation, with his name."""
    from huzhu.members.actions import leave_roster
    from huzhu.members.models import Member

    contract = enrolled(tree.unit_a, [person(1), person(2)])
    actions.submit_contract(contract, actor=None)
    worker = Member.objects.get(name="职工2")
    leave_roster(tree.unit_a, worker, actor=people.officer_a, reason="退休")
    with pytest.raises(actions.ContractError, match="职工2：已退休"):
        actions.confirm_fee(contract, actor=people.registrar)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.SUBMITTED


def test_only_an_active_contract_is_renewed(tree, today):
    """K-5: 续会 continues a contract in force; a draft or a submitted one has nothing to
    continue yet."""
    contract = enrolled(tree.unit_a, [person(1)])
    actions.submit_contract(contract, actor=None)
    with pytest.raises(actions.ContractError, match="只有生效的合同可以续会"):
        actions.start_renewal(contract, FACTS, actor=None)
    assert Contract.objects.count() == 1


def test_the_unit_declares_its_workers_fit_when_it_submits(tree, people, today, login):
    """E-5: health and fitness for work cannot be checked, so the unit declares them for the
    roster it submits: the page asks for the box to be ticked (nothing is submitted without
    it), and the words are kept with the contract, shown on its page, in the audit entry of
    the submission, in the API's answer and on the certificate."""
    from django.test import Client

    from huzhu.accounts.actions import issue_token

    contract = enrolled(tree.unit_a, [person(1), person(2)])
    officer = login(people.officer_a)
    url = f"/contracts/{contract.public_id}/"
    page = officer.get(url).content.decode()
    assert 'name="declare" required' in page and actions.declaration() in page
    refused = officer.post(f"{url}submit/", follow=True).content.decode()
    assert "请阅读并勾选单位声明后再提交" in refused
    contract.refresh_from_db()
    assert (contract.status, contract.declaration) == ("draft", "")
    assert not AuditEntry.objects.filter(action="contracts.contract.submitted").exists()
    officer.post(f"{url}submit/", {"declare": "on"})
    contract.refresh_from_db()
    assert contract.status == "submitted"
    assert contract.declaration.startswith("本单位声明：本申请名单所列职工均在职在岗、身体健康")
    assert "年满18至60周岁（E-5）" in contract.declaration
    entry = AuditEntry.objects.get(action="contracts.contract.submitted")
    assert (entry.before["declaration"], entry.after["declaration"]) == ("", contract.declaration)
    shown = officer.get(url).content.decode()
    assert f"<dt>单位声明</dt><dd>{contract.declaration}（" in shown
    assert 'name="declare"' not in shown  # nothing left to submit
    # through the API, submitting is the declaration (its description says so)
    other = enrolled(tree.unit_b, [person(3)])
    token = issue_token(people.officer_b, actor=None)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    answer = client.post(f"/api/v1/contracts/{other.public_id}/submit")
    assert answer.status_code == 200, answer.content
    assert answer.json()["declaration"] == actions.declaration()
