"""Claims from intake to archive with a moving clock (SPEC §6), and their bad input."""

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from huzhu.claims import actions, engine
from huzhu.claims.facts import ClaimFacts
from huzhu.claims.models import Claim, ClaimLine, ClaimStatus, Holiday, HolidayYear
from huzhu.claims.tests.journeys import (
    PDF,
    PNG,
    death_facts,
    free_contract,
    on,
    paid_contract,
    sent_batch,
)
from huzhu.claims.workflow import TRANSITIONS, next_actions
from huzhu.core import clock, crypto
from huzhu.core.models import AuditEntry
from huzhu.members.models import Member
from huzhu.rules.workdays import is_working_day

ACCIDENT = ClaimFacts("accident_hospitalization", date(2023, 5, 23), circumstance="other")


@pytest.fixture
def covered(tree, people, settings) -> Member:
    """Unit A's one member, under a one-share contract since 2022-07-08; today is 2023-07-10."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    return Member.objects.get()


def file_with_documents(member, facts, actor):
    claim = actions.submit_claim(member, facts, actor=actor)
    for document in claim.documents.filter(required=True):
        actions.attach_document(claim, document.item, PDF, f"{document.item}.pdf", actor=actor)
    return claim


def through_review(claim, people, *, accept=True, **override):
    actions.register_claim(claim, actor=people.registrar)
    return actions.review_claim(claim, actor=people.reviewer, accept=accept, **override)


def settle(claim, people, settings, paid_on):
    """approve → batch → the bank confirms → archive; returns the payment."""
    from huzhu.payments import actions as payments

    actions.approve_claim(claim, actor=people.approver)
    payment = sent_batch([Claim.objects.get(pk=claim.pk)], people).payments.get()
    on(settings, paid_on.isoformat())  # the bank confirms on that day
    payments.record_result(payment, actor=people.cashier, paid=True, bank_ref="R1", paid_on=paid_on)
    assert actions.archive_claim(claim, actor=people.registrar).status == ClaimStatus.ARCHIVED
    return payment


def test_seed_case_1_uremia_three_shares_from_enrolment_to_archive(tree, people, settings):
    paid = paid_contract(settings, tree.unit_a, people.registrar, "2022-02-25", shares=2)
    member = Member.objects.get()
    free = free_contract(settings, tree.unit_a, member, people.registrar, "2022-05-13")
    assert (paid.contract_no, free.contract_no) == ("B01220001", "PB220001")
    on(settings, "2023-03-07")
    facts = ClaimFacts(
        "critical_illness", date(2023, 1, 2), disease="CI01", hospital="山东省立医院"
    )
    claim = file_with_documents(member, facts, people.officer_a)
    assert claim.number == "JZ2023000001"
    reviewed = through_review(claim, people)
    assert reviewed.proposed_amount == Decimal("15000.00")
    assert [x["amount"] for x in reviewed.decision["lines"]] == ["10000.00", "5000.00"]
    assert "P-5" in reviewed.decision["lines"][0]["clauses"]
    approved = actions.approve_claim(claim, actor=people.approver)
    assert approved.due_date == date(2023, 3, 21) and not approved.due_provisional
    assert sorted(ClaimLine.objects.values_list("amount", flat=True)) == [
        Decimal("5000.00"),
        Decimal("10000.00"),
    ]
    actions.mark_paid(claim, actor=people.cashier)
    archived = actions.archive_claim(claim, actor=people.registrar)
    assert archived.status == ClaimStatus.ARCHIVED
    steps = list(
        AuditEntry.objects.filter(target_code=claim.number).values_list("action", flat=True)
    )
    for step in ("submitted", "register", "review", "approve", "pay", "archive"):
        assert f"claims.claim.{step}" in steps


def test_seed_case_2_accident_hospitalisation(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1, birth="19910101")
    on(settings, "2023-07-10")
    facts = ClaimFacts(
        "accident_hospitalization",
        date(2023, 5, 23),
        circumstance="work_or_fall",
        hospital="山东省千佛山医院",
    )
    claim = file_with_documents(Member.objects.get(), facts, people.officer_a)
    assert "事故经过（时间、地点、经过）已写入救助申请表" in [
        d.label for d in claim.documents.all()
    ]
    assert through_review(claim, people).proposed_amount == Decimal("1600.00")


def test_seed_case_3_death_by_illness_pays_the_trustee(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2023-06-20", shares=1)
    on(settings, "2023-10-27")
    facts = death_facts("death_illness", date(2023, 9, 8))
    claim = file_with_documents(Member.objects.get(), facts, people.officer_a)
    assert "授权委托书" in [d.label for d in claim.documents.all()]
    assert claim.trustee_card == "6222020200112233445"
    assert through_review(claim, people).proposed_amount == Decimal("3000.00")
    payment = settle(claim, people, settings, date(2023, 11, 6))
    assert (payment.payee_name, payment.card) == ("李娜", "6222020200112233445")


def test_claim_in_the_waiting_period_pays_nothing_and_is_rejected(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2024-05-10", shares=2)
    on(settings, "2024-06-03")
    claim = file_with_documents(
        Member.objects.get(),
        ClaimFacts("critical_illness", date(2024, 5, 25), disease="CI12"),
        people.officer_a,
    )
    reviewed = through_review(claim, people)
    assert reviewed.proposed_amount == Decimal("0.00")
    assert reviewed.decision["denials"][0]["reason"] == "waiting_period"
    with pytest.raises(actions.ClaimError, match="不予救助"):
        actions.approve_claim(claim, actor=people.approver)
    rejected = actions.reject_claim(claim, actor=people.approver, reason="免责期内确诊（P-5）")
    assert rejected.status == ClaimStatus.REJECTED
    # the zero line ends that contract's critical-illness cover (P-7) for the next claim
    assert ClaimLine.objects.get().reason == "waiting_period"


def test_returned_claim_is_corrected_and_resubmitted(people, covered):
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    with pytest.raises(actions.ClaimError, match="缺少必需材料"):
        actions.register_claim(claim, actor=people.registrar)
    with pytest.raises(actions.ClaimError, match="原因"):
        actions.return_claim(claim, actor=people.registrar, reason=" ")
    actions.return_claim(claim, actor=people.registrar, reason="缺住院病历，请补交")
    for document in claim.documents.filter(required=True):
        actions.attach_document(claim, document.item, PNG, "scan.png", actor=people.officer_a)
    fixed = ClaimFacts("accident_hospitalization", date(2023, 5, 22), circumstance="other")
    actions.resubmit_claim(claim, fixed, actor=people.officer_a)
    registered = actions.register_claim(claim, actor=people.registrar)
    assert (registered.status, registered.event_date) == ("registered", date(2023, 5, 22))


def test_a_document_the_server_cannot_store_is_refused_in_chinese(people, covered, settings):
    """The disk refusing (here a file where the documents' folder should be) is said in
    Chinese and changes nothing: before, the officer saw a server error."""
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    document = claim.documents.filter(required=True).first()
    blocked = Path(settings.MEDIA_ROOT)
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_bytes(b"")  # a file, not a folder
    with pytest.raises(
        actions.ClaimError, match="服务器未能保存文件（路径中有同名文件），本次未上传"
    ):
        actions.attach_document(claim, document.item, PNG, "scan.png", actor=people.officer_a)
    document.refresh_from_db()
    assert not document.received and not document.file_path
    assert not AuditEntry.objects.filter(action="claims.document.received").exists()


def test_a_claim_is_withdrawn_before_registration_or_once_returned_only(people, covered):
    """The filing unit takes a claim back with a reason; a registered one can no longer be."""
    filed = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    with pytest.raises(actions.ClaimError, match="原因"):
        actions.withdraw_claim(filed, actor=people.officer_a, reason=" ")
    actions.return_claim(filed, actor=people.registrar, reason="缺住院病历，请补交")
    gone = actions.withdraw_claim(filed, actor=people.officer_a, reason="重复提交，撤回")
    assert (gone.status, gone.withdraw_reason) == (ClaimStatus.WITHDRAWN, "重复提交，撤回")
    entry = AuditEntry.objects.get(action="claims.claim.withdraw")
    assert entry.before["status"] == "returned" and entry.after["status"] == "withdrawn"
    assert not gone.accepts_documents
    with pytest.raises(actions.ClaimError, match="不能重新提交"):
        actions.resubmit_claim(gone, None, actor=people.officer_a)
    registered = file_with_documents(covered, ACCIDENT, people.officer_a)
    actions.register_claim(registered, actor=people.registrar)
    with pytest.raises(actions.ClaimError, match="不能撤回申请"):
        actions.withdraw_claim(registered, actor=people.officer_a, reason="不想要了")


def test_only_the_filing_unit_or_staff_take_the_filers_steps(people, covered):
    """Resubmission and withdrawal belong to the filer (C-4): the coordinating union that
    oversees the unit sees the claim but cannot take them, whichever page or call it uses."""
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    actions.return_claim(claim, actor=people.registrar, reason="缺住院病历，请补交")
    with pytest.raises(PermissionDenied, match="申请单位或互济会工作人员"):
        actions.withdraw_claim(claim, actor=people.union_officer, reason="撤回")
    with pytest.raises(PermissionDenied):
        actions.resubmit_claim(claim, None, actor=people.union_officer)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED
    staff = actions.withdraw_claim(claim, actor=people.registrar, reason="单位来电撤回")
    assert staff.status == ClaimStatus.WITHDRAWN


def test_four_eyes_and_duties(people, covered):
    claim = file_with_documents(covered, ACCIDENT, people.officer_a)
    with pytest.raises(PermissionDenied):
        actions.register_claim(claim, actor=people.officer_a)
    actions.register_claim(claim, actor=people.registrar)
    both = people.reviewer
    both.duty_approver = True
    both.save()
    actions.review_claim(claim, actor=both, accept=True)
    with pytest.raises(actions.ClaimError, match="双人复核"):
        actions.approve_claim(claim, actor=both)
    # a reviewed claim may be reviewed again before approval; four eyes still hold
    assert actions.review_claim(claim, actor=people.reviewer, accept=True).reviewed_by == both
    assert actions.approve_claim(claim, actor=people.approver).status == ClaimStatus.APPROVED
    with pytest.raises(actions.ClaimError, match="不能病案审核"):
        actions.review_claim(claim, actor=people.reviewer, accept=True)


def test_approval_refuses_a_review_made_stale_by_another_approval(tree, people, settings, login):
    """P-9: a disability and a death of one member share 3000 a share. Reviewed side by side,
    both proposed their full amount; after the disability is approved, the death's review is
    stale: approval says so, and a new review proposes what is left."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    member = Member.objects.get()
    disability = ClaimFacts(
        "disability_accident", date(2023, 5, 23), circumstance="other", disability_grade=3
    )
    death = death_facts("death_accident", date(2023, 6, 30), circumstance="other")
    first = through_review(file_with_documents(member, disability, people.officer_a), people)
    second = through_review(file_with_documents(member, death, people.officer_a), people)
    assert (first.amount, second.amount) == (Decimal("2400.00"), Decimal("3000.00"))
    actions.approve_claim(first, actor=people.approver)
    with pytest.raises(actions.ClaimError, match="重新计算为 600.00 元（审核时为 3000.00 元）"):
        actions.approve_claim(second, actor=people.approver)
    assert Claim.objects.get(pk=second.pk).status == ClaimStatus.REVIEWED
    page = login(people.reviewer).get(f"/claims/{second.number}/").content.decode()
    assert "重新审核" in page
    second = actions.review_claim(second, actor=people.reviewer, accept=True)
    assert second.amount == Decimal("600.00")
    assert actions.approve_claim(second, actor=people.approver).status == ClaimStatus.APPROVED


def test_rejected_claims_count_in_history_as_paying_nothing(tree, people, settings):
    """P-7: a critical illness in the waiting period ends that contract's critical-illness
    liability; the claim pays nothing, so it is rejected, and it must count from then on (not
    only once archived). A claim rejected although the engine found it payable paid nothing:
    it must not count as paid."""
    paid_contract(settings, tree.unit_a, people.registrar, "2023-03-01", shares=1)
    member = Member.objects.get()
    on(settings, "2023-03-20")
    early = ClaimFacts("critical_illness", date(2023, 3, 15), disease="CI05")
    first = through_review(file_with_documents(member, early, people.officer_a), people)
    assert first.amount == Decimal("0.00")
    actions.reject_claim(first, actor=people.approver, reason="免责期内确诊")
    on(settings, "2023-08-01")
    later = ClaimFacts("critical_illness", date(2023, 7, 20), disease="CI07")
    second = through_review(file_with_documents(member, later, people.officer_a), people)
    assert [d["reason"] for d in second.decision["denials"]] == ["coverage_ended"]
    assert second.amount == Decimal("0.00")


def test_a_claim_rejected_though_payable_leaves_the_event_open(people, covered):
    first = through_review(file_with_documents(covered, ACCIDENT, people.officer_a), people)
    assert first.amount == Decimal("1600.00")
    actions.reject_claim(first, actor=people.approver, reason="材料存疑，待补充后重新申请")
    actions.archive_claim(first, actor=people.registrar)
    again = through_review(file_with_documents(covered, ACCIDENT, people.officer_a), people)
    assert again.amount == Decimal("1600.00") and again.decision["denials"] == []


def test_time_bar_counts_the_submission_day_in_china(tree, people, settings):
    """P-11: known on 2023-03-06, the second anniversary is 2025-03-06. Submitted at 07:30 on
    2025-03-07 in Jinan (still the 6th in UTC): one day too late."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    settings.HUZHU_NOW = "2025-03-07T07:30:00+08:00"
    facts = ClaimFacts("accident_hospitalization", date(2023, 3, 6), circumstance="other")
    claim = through_review(
        file_with_documents(Member.objects.get(), facts, people.officer_a), people
    )
    assert [d["reason"] for d in claim.decision["denials"]] == ["time_barred"]
    assert claim.amount == Decimal("0.00")


def test_override_needs_amount_and_reason(people, covered):
    claim = file_with_documents(covered, ACCIDENT, people.officer_a)
    actions.register_claim(claim, actor=people.registrar)
    with pytest.raises(actions.ClaimError, match="书面理由"):
        actions.review_claim(claim, actor=people.reviewer, accept=False, amount=Decimal(800))
    # more than any claim can pay (3 shares of at most 5000, P-2, P-4), or not a number at all
    for wrong, words in (
        (Decimal("15000.01"), "不能超过 15000.00 元"),
        (Decimal("1E+30"), "不能超过"),
        (Decimal("NaN"), "书面理由"),
        (Decimal("800.005"), "核定金额最多两位小数（元、角、分）：800.005"),
    ):
        with pytest.raises(actions.ClaimError, match=words):
            actions.review_claim(
                claim, actor=people.reviewer, accept=False, amount=wrong, reason="x"
            )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REGISTERED and claim.amount is None
    reviewed = actions.review_claim(
        claim,
        actor=people.reviewer,
        accept=False,
        amount=Decimal("800.000"),  # trailing zeros are still whole fen
        reason="住院两天即出院，协商一半",
    )
    assert (reviewed.amount, reviewed.proposed_amount) == (Decimal("800.00"), Decimal("1600.00"))


def test_duplicate_event_is_flagged_by_the_engine(people, covered):
    first = file_with_documents(covered, ACCIDENT, people.officer_a)
    through_review(first, people)
    actions.approve_claim(first, actor=people.approver)
    second = file_with_documents(covered, ACCIDENT, people.officer_a)
    assert through_review(second, people).decision["denials"][0]["reason"] == "duplicate_event"


def test_two_claims_of_one_event_reviewed_side_by_side_are_not_both_approved(people, covered):
    """C-6: both reviews ran before either approval, so neither saw the other."""
    first = file_with_documents(covered, ACCIDENT, people.officer_a)
    second = file_with_documents(covered, ACCIDENT, people.officer_a)
    for claim in (first, second):
        assert through_review(claim, people).amount == Decimal("1600.00")
    actions.approve_claim(first, actor=people.approver)
    with pytest.raises(actions.ClaimError, match=f"{first.number}，不能重复给付"):
        actions.approve_claim(second, actor=people.approver)
    second.refresh_from_db()
    assert second.status == ClaimStatus.REVIEWED and second.due_date is None
    # another accident of the same member is a different event
    other = ClaimFacts("accident_hospitalization", date(2023, 6, 2), circumstance="other")
    third = file_with_documents(covered, other, people.officer_a)
    through_review(third, people)
    assert actions.approve_claim(third, actor=people.approver).status == ClaimStatus.APPROVED


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (ClaimFacts("critical_illness", date(2030, 1, 1), disease="CI01"), "晚于今天"),
        (ClaimFacts("critical_illness", date(2023, 1, 1), disease="CI99"), "34类重大疾病"),
        (
            ClaimFacts(
                "accident_hospitalization",
                date(2023, 1, 1),
                circumstance="other",
                admitted=date(2023, 1, 5),
                discharged=date(2023, 1, 2),
            ),
            "出院日期",
        ),
        (
            ClaimFacts(
                "disability_accident", date(2023, 1, 1), circumstance="other", disability_grade=11
            ),
            "伤残等级",
        ),
        (ClaimFacts("accident_hospitalization", date(2023, 1, 1)), "事故情形"),
        (ClaimFacts("death_accident", date(2023, 1, 1), circumstance="other"), "受托人"),
        (ClaimFacts("flood", date(2023, 1, 1)), "救助类型"),
        (
            ClaimFacts(
                "critical_illness", date(2023, 1, 5), disease="CI01", known_date=date(2023, 1, 1)
            ),
            "知道事件",
        ),
    ],
)
def test_bad_facts_are_refused_and_nothing_is_written(tree, people, settings, facts, words):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    with pytest.raises(actions.ClaimError, match=words):
        actions.submit_claim(Member.objects.get(), facts, actor=people.officer_a)
    assert not Claim.objects.exists()


def test_uploads_are_checked_by_content_and_size(people, settings, covered):
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    with pytest.raises(actions.ClaimError, match="PDF、JPG、PNG"):
        actions.attach_document(
            claim, "application_form", b"MZ\x90\x00 evil.exe", "表.pdf", actor=people.officer_a
        )
    with pytest.raises(actions.ClaimError, match="20 MB"):
        actions.attach_document(
            claim,
            "application_form",
            PDF + b"0" * (20 * 1024 * 1024),
            "big.pdf",
            actor=people.officer_a,
        )
    with pytest.raises(actions.ClaimError, match="没有这项材料"):
        actions.attach_document(claim, "nonsense", PDF, "x.pdf", actor=people.officer_a)
    with pytest.raises(actions.ClaimError, match="没有这项材料"):  # PostgreSQL refuses NUL
        actions.attach_document(claim, "application\x00", PDF, "x.pdf", actor=people.officer_a)
    assert not claim.documents.filter(received=True).exists()
    stored = Path(settings.MEDIA_ROOT) / "claims" / claim.number
    assert not stored.exists() or not any(stored.iterdir())  # no file left behind
    document = actions.attach_document(
        claim, "application_form", PDF, "申请\x00表\n.pdf", actor=people.officer_a
    )
    assert document.original_name == "申请表.pdf"


def approved_on(tree, people, settings, day: str, accident: date) -> Claim:
    """Unit A's member, covered since 2026-06-01, has an accident; his claim is approved on
    `day`: due after ten working days (C-5)."""
    paid_contract(settings, tree.unit_a, people.registrar, "2026-06-01", shares=1)
    on(settings, day)
    claim = file_with_documents(
        Member.objects.get(),
        ClaimFacts("accident_hospitalization", accident, circumstance="other"),
        people.officer_a,
    )
    through_review(claim, people)
    return actions.approve_claim(claim, actor=people.approver)


def test_due_date_in_an_unknown_year_is_provisional_until_the_year_is_loaded(
    tree, people, settings
):
    approved = approved_on(tree, people, settings, "2026-12-24", date(2026, 12, 20))
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 7), True)
    # another year's calendar leaves it alone: still provisional, not recomputed or audited
    assert actions.load_holiday_year(2028, {date(2028, 1, 3): False}, actor=people.admin) == 0
    assert not AuditEntry.objects.filter(action="claims.claim.due_recomputed").exists()
    # 2027: 1-3 January off (New Year), Saturday 9 January a make-up working day (example)
    days = {date(2027, 1, 1): False, date(2027, 1, 4): False, date(2027, 1, 9): True}
    assert actions.load_holiday_year(2027, days, actor=people.admin) == 1
    approved.refresh_from_db()
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 9), False)
    assert approved.overdue_on(date(2027, 1, 11)) and not approved.overdue_on(date(2027, 1, 9))


def test_a_day_corrected_in_the_admin_moves_the_due_dates_it_reaches(tree, people, settings, login):
    approved = approved_on(tree, people, settings, "2026-12-24", date(2026, 12, 20))
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 7), True)
    admin = login(people.admin)
    added = admin.post(
        "/admin/claims/holiday/add/",
        {"day": "2027-01-01", "working": "", "note": "元旦"},
        follow=True,
    )
    assert "重新计算 1 件申请的应发放日期" in added.content.decode()
    approved.refresh_from_db()  # one working day fewer in its ten: a day later, still provisional
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 8), True)
    entry = AuditEntry.objects.get(action="claims.claim.due_recomputed")
    assert entry.actor == people.admin
    assert (entry.before["due_date"], entry.after["due_date"]) == ("2027-01-07", "2027-01-08")
    # a day beyond its ten working days changes nothing
    later = {"day": "2027-03-01", "working": "", "note": "x"}
    assert admin.post("/admin/claims/holiday/add/", later).status_code == 302
    approved.refresh_from_db()
    assert approved.due_date == date(2027, 1, 8)
    assert AuditEntry.objects.filter(action="claims.claim.due_recomputed").count() == 1
    # a year with no day entered cannot be listed (it would count Monday to Friday, no holiday:
    # for 2026 chinesecalendar's own would be gone), nor a year out of range
    when = {"loaded_at_0": "2026-12-24", "loaded_at_1": "10:00:00"}
    for year, words in [("2026", "2026 年还没有录入任何放假日"), ("20277", "2000 至 2100")]:
        refused = admin.post("/admin/claims/holidayyear/add/", when | {"year": year})
        assert refused.status_code == 200 and words in refused.content.decode()
    assert not HolidayYear.objects.exists()
    # the year listed as fully described: no longer provisional
    listed = when | {"year": "2027"}
    assert admin.post("/admin/claims/holidayyear/add/", listed).status_code == 302
    approved.refresh_from_db()
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 8), False)
    # the correction deleted from the list: back to ten weekdays
    new_year = Holiday.objects.get(day=date(2027, 1, 1))
    deleted = admin.post(
        "/admin/claims/holiday/",
        {"action": "delete_selected", "_selected_action": [new_year.pk], "post": "yes"},
    )
    assert deleted.status_code == 302
    approved.refresh_from_db()
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 7), False)


def test_a_listed_year_left_without_a_day_in_the_admin_is_unlisted(tree, people, settings, login):
    """C-5: a listed year is described by its days alone. Before, deleting its last day (or
    moving it to another year) left it listed with none: Monday to Friday without a holiday,
    every due date of the year final; for a year chinesecalendar knows, its holidays gone."""
    approved = approved_on(tree, people, settings, "2026-12-24", date(2026, 12, 20))
    actions.load_holiday_year(2027, {date(2027, 1, 1): False}, actor=people.admin)
    approved.refresh_from_db()
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 8), False)
    admin = login(people.admin)
    only = Holiday.objects.get()
    moved = admin.post(
        f"/admin/claims/holiday/{only.pk}/change/",
        {"day": "2028-01-03", "working": "", "note": "元旦"},
        follow=True,
    )
    assert "2027 年已没有任何放假日或调休上班日，已不再列为" in moved.content.decode()
    assert not HolidayYear.objects.filter(year=2027).exists()
    approved.refresh_from_db()  # 2027 counts as not loaded again: ten weekdays, provisional
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 7), True)
    entry = AuditEntry.objects.get(action="claims.holiday_year.unlisted")
    assert (entry.actor, entry.before) == (people.admin, {"year": 2027})
    # 2026, which chinesecalendar knows: its one listed day deleted, its own holidays count again
    actions.load_holiday_year(2026, {date(2026, 1, 1): False}, actor=people.admin)
    assert HolidayYear.objects.filter(year=2026).exists()
    day = Holiday.objects.get(day=date(2026, 1, 1))
    deleted = admin.post(f"/admin/claims/holiday/{day.pk}/delete/", {"post": "yes"}, follow=True)
    assert "2026 年已没有任何放假日" in deleted.content.decode()
    assert not HolidayYear.objects.filter(year=2026).exists()
    assert not is_working_day(date(2026, 10, 1), engine.holiday_table(fresh=True))  # 国庆节
    # a year keeping other days stays listed, and nothing is said
    actions.load_holiday_year(
        2027, {date(2027, 1, 1): False, date(2027, 2, 1): False}, actor=people.admin
    )
    day = Holiday.objects.get(day=date(2027, 1, 1))
    kept = admin.post(f"/admin/claims/holiday/{day.pk}/delete/", {"post": "yes"}, follow=True)
    assert "已没有任何放假日" not in kept.content.decode()
    assert HolidayYear.objects.filter(year=2027).exists()


def test_an_approval_reads_the_calendar_as_it_is_now(tree, people, settings):
    """Each server process keeps the calendar a minute; an approval reads it afresh, so a day
    corrected a moment ago in another process (here: written past this process's cache) counts
    for the due date."""
    engine.holiday_table()  # this process's copy, from before the correction
    Holiday.objects.create(day=date(2027, 1, 1), working=False, note="元旦")
    approved = approved_on(tree, people, settings, "2026-12-24", date(2026, 12, 20))
    assert (approved.due_date, approved.due_provisional) == (date(2027, 1, 8), True)


def test_loading_a_year_again_moves_due_dates_it_reaches_even_when_not_provisional(
    tree, people, settings
):
    from huzhu.rules.workdays import library_calendar

    approved = approved_on(tree, people, settings, "2026-09-15", date(2026, 9, 10))
    # Sunday 20 September worked, 25 September (中秋节) off
    assert (approved.due_date, approved.due_provisional) == (date(2026, 9, 29), False)
    days = {day: working for day, (working, _) in library_calendar(2026).items()}
    assert actions.load_holiday_year(2026, days, actor=people.admin) == 0  # the same calendar
    days[date(2026, 9, 28)] = False  # a day off announced later
    assert actions.load_holiday_year(2026, days, actor=people.admin) == 1
    approved.refresh_from_db()
    assert (approved.due_date, approved.due_provisional) == (date(2026, 9, 30), False)


def test_the_transition_table_is_complete():
    reachable = {t.target for t in TRANSITIONS.values()} | {ClaimStatus.SUBMITTED}
    assert reachable == set(ClaimStatus.values)
    assert next_actions("archived") == next_actions("withdrawn") == []
    assert next_actions("submitted") == ["register", "return", "withdraw"]
    assert next_actions("returned") == ["resubmit", "withdraw"]


def test_staff_are_warned_of_this_years_missing_calendar_all_year(tree, people, login, settings):
    """Before, only next year's was asked about, from November: in March 2027 a 2027 never
    loaded went unmentioned while every due date of the year stayed provisional (C-5)."""
    on(settings, "2027-03-01")
    assert "2027 年的法定节假日安排尚未载入" in login(people.registrar).get("/").content.decode()
    actions.load_holiday_year(2027, {date(2027, 1, 1): False}, actor=None)
    assert "尚未载入" not in login(people.registrar).get("/").content.decode()
    on(settings, "2027-11-02")
    assert "2028 年的法定节假日安排尚未载入" in login(people.registrar).get("/").content.decode()


def test_holidays_command_and_the_staff_warning(tree, people, login, settings, tmp_path):
    from django.core.management import call_command

    on(settings, "2026-11-02")
    assert "2027 年的法定节假日安排尚未载入" in login(people.registrar).get("/").content.decode()
    calendar = tmp_path / "2027.json"
    calendar.write_text('{"2027-01-01": false, "2027-02-06": true}')
    call_command("holidays", "load", "2027", str(calendar))
    assert "尚未载入" not in login(people.registrar).get("/").content.decode()
    on(settings, "2026-10-31")
    bad = tmp_path / "bad.json"
    bad.write_text('{"2028-01-01": false}')
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不属于 2027"):
        call_command("holidays", "load", "2027", str(bad))
    # the action keeps its own guard for callers other than the command's reader
    with pytest.raises(actions.ClaimError, match="不属于 2027"):
        actions.load_holiday_year(2027, {date(2028, 1, 1): False}, actor=None)
    # "false" in quotes is not false: before, it loaded New Year's Day as a working day
    quoted = tmp_path / "quoted.json"
    quoted.write_text('{"2027-01-01": "false", "2027-01-02": false}')
    with pytest.raises(CommandError, match="未载入：2027-01-01: 应为 true") as caught:
        call_command("holidays", "load", "2027", str(quoted))
    assert caught.value.returncode == 2
    assert engine.holiday_table(fresh=True).days == {
        date(2027, 1, 1): False,
        date(2027, 2, 6): True,
    }


def test_holidays_seed_copies_the_library_years(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("holidays", "seed", "2025")
    assert Holiday.objects.get(day=date(2025, 10, 1)).note == "国庆节"
    assert Holiday.objects.get(day=date(2025, 9, 28)).working
    assert HolidayYear.objects.filter(year=2025).exists()
    with pytest.raises(CommandError, match="没有 2031 年"):
        call_command("holidays", "seed", "2031")


def test_an_upload_is_kept_with_its_name_type_size_hash_and_time(people, settings, covered):
    """What the claim page lists of an upload is what the upload stored (C-3)."""
    settings.HUZHU_NOW = "2023-07-10T10:15:00+08:00"
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    actions.attach_document(claim, "member_id", PNG, "身份证\x07.png", actor=people.officer_a)
    stored = claim.documents.get(item="member_id")
    assert (stored.original_name, stored.content_type, stored.size) == (
        "身份证.png",
        "image/png",
        len(PNG),
    )
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    assert stored.uploaded_at == clock.now() and stored.received and stored.file_path


def test_documents_are_sealed_on_disk_and_a_replaced_file_is_deleted(
    people, settings, login, django_capture_on_commit_callbacks, covered
):
    """Copies of ID and bank cards are personal data at rest (brief rule 5): the file on disk
    is sealed with the field key; the page shows the upload; a replaced upload's file goes
    once the replacement is committed; an altered or missing file is a 404, not a 500."""
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    card_copy = PDF + b"370102197103011234 6222020200112233445"
    first = actions.attach_document(claim, "member_id", card_copy, "a.pdf", actor=people.officer_a)
    on_disk = (Path(settings.MEDIA_ROOT) / first.file_path).read_bytes()
    assert on_disk.startswith(crypto.FILE_MAGIC) and b"370102197103011234" not in on_disk
    url = f"/claims/{claim.number}/documents/member_id/file"
    officer = login(people.officer_a)
    assert officer.get(url).content == card_copy

    with django_capture_on_commit_callbacks(execute=True):
        second = actions.attach_document(claim, "member_id", PNG, "b.png", actor=people.officer_a)
    assert not (Path(settings.MEDIA_ROOT) / first.file_path).exists()
    assert officer.get(url).content == PNG
    entry = AuditEntry.objects.filter(action="claims.document.received").latest("pk")
    assert entry.before == {"sha256": first.sha256}

    path = Path(settings.MEDIA_ROOT) / second.file_path
    altered = bytearray(path.read_bytes())
    altered[-1] ^= 1
    path.write_bytes(bytes(altered))
    assert officer.get(url).status_code == 404
    path.unlink()
    assert officer.get(url).status_code == 404


def test_an_upload_that_arrives_after_registration_is_refused_and_not_kept(
    people, settings, covered
):
    claim = file_with_documents(covered, ACCIDENT, people.officer_a)
    stale = Claim.objects.get(pk=claim.pk)  # read by the upload before the registration
    actions.register_claim(claim, actor=people.registrar)
    folder = Path(settings.MEDIA_ROOT) / "claims" / claim.number
    files_before = sorted(folder.iterdir())
    with pytest.raises(actions.ClaimError, match="不能再更换材料"):
        actions.attach_document(stale, "member_id", PNG, "late.png", actor=people.officer_a)
    assert sorted(folder.iterdir()) == files_before


def test_an_override_that_pays_a_denied_claim_is_recorded_on_a_contract_in_force(
    tree, people, settings
):
    """The engine denies (waiting period) and the reviewer pays 2000 with a reason: the amount is
    recorded on the contract in force on the event day, not on the first contract listed (an
    old one that was not in force), so later claims read it where it was paid (P-7, P-12)."""
    paid_contract(settings, tree.unit_a, people.registrar, "2021-03-01", shares=1)
    current = paid_contract(settings, tree.unit_a, people.registrar, "2024-05-10", shares=1)
    on(settings, "2024-06-03")
    claim = file_with_documents(
        Member.objects.get(),
        ClaimFacts("critical_illness", date(2024, 5, 25), disease="CI12"),
        people.officer_a,
    )
    reviewed = through_review(claim, people, accept=False, amount=Decimal("2000"), reason="酌情")
    assert [d["reason"] for d in reviewed.decision["denials"]] == ["not_in_force", "waiting_period"]
    actions.approve_claim(reviewed, actor=people.approver)
    paid = ClaimLine.objects.get(claim=claim, amount__gt=0)
    assert (paid.contract, paid.amount, paid.reason) == (current, Decimal("2000.00"), "")


def test_an_override_of_a_claim_paid_under_two_contracts_is_spread_over_both(
    tree, people, settings
):
    """Seed case 1 (2 paid + 1 free share, 15000) reduced by the reviewer to 12000: each
    contract keeps its part (8000 and 4000), so both count as having paid a critical illness and
    a second one is refused under both (P-7). Put on the first contract alone, the free one
    looked unpaid and would have paid 5000 again."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-02-25", shares=2)
    member = Member.objects.get()
    free_contract(settings, tree.unit_a, member, people.registrar, "2022-05-13")
    on(settings, "2023-03-07")
    first = file_with_documents(
        member, ClaimFacts("critical_illness", date(2023, 1, 2), disease="CI01"), people.officer_a
    )
    reviewed = through_review(first, people, accept=False, amount=Decimal("12000"), reason="酌减")
    actions.approve_claim(reviewed, actor=people.approver)
    lines = ClaimLine.objects.filter(claim=first).order_by("contract__effective")
    assert [(x.contract.contract_no, x.amount) for x in lines] == [
        ("B01220001", Decimal("8000.00")),
        ("PB220001", Decimal("4000.00")),
    ]
    second = file_with_documents(
        member, ClaimFacts("critical_illness", date(2023, 2, 2), disease="CI12"), people.officer_a
    )
    decision = through_review(second, people).decision
    assert decision["amount"] == "0.00"
    assert {(d["contract_no"], d["reason"]) for d in decision["denials"]} == {
        ("B01220001", "coverage_ended"),
        ("PB220001", "coverage_ended"),
    }


def test_a_worker_who_left_is_claimed_for_at_the_window(tree, people, covered):
    """P-12: a claim may come after the worker has left the unit (and after cover ended): it is
    filed for the unit whose contract covered the event, by that unit or at the window (C-2).
    Once he is on another unit's roster, that unit files for him."""
    from huzhu.members.actions import import_roster, leave_roster
    from huzhu.members.tests.rosters import person, resident_id, xlsx

    leave_roster(tree.unit_a, covered, actor=people.officer_a, reason="离职")
    assert actions.submit_claim(covered, ACCIDENT, actor=people.officer_a).unit == tree.unit_a
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.registrar)  # at the window
    assert claim.unit == tree.unit_a
    assert through_review(file_with_documents_of(claim, people), people).amount == Decimal(
        "1600.00"
    )
    # he joins unit B: unit B files for him now, unit A no longer can
    row = person(1, 身份证号码=resident_id("19710301", serial=1))
    assert import_roster(tree.unit_b, xlsx([row]), actor=None).saved
    later = ClaimFacts("accident_hospitalization", date(2023, 7, 1), circumstance="other")
    assert actions.submit_claim(covered, later, actor=people.officer_b).unit == tree.unit_b
    with pytest.raises(actions.ClaimError, match="不在本单位名册上"):
        actions.submit_claim(covered, later, actor=people.officer_a)


def file_with_documents_of(claim, people):
    for document in claim.documents.filter(required=True):
        actions.attach_document(
            claim, document.item, PDF, f"{document.item}.pdf", actor=people.registrar
        )
    return claim


def test_a_claim_for_someone_on_no_units_roster_is_refused(people, covered):
    """C-2: a claim is filed for the unit whose roster the worker is or was on; a record with
    no place on any roster has no unit to file for it, and nothing is written."""
    from huzhu.members.models import Membership

    Membership.objects.filter(member=covered).delete()
    before = ClaimFacts("accident_hospitalization", date(2022, 6, 1), circumstance="other")
    with pytest.raises(actions.ClaimError, match="不在任何单位的名册上"):
        actions.submit_claim(covered, before, actor=people.registrar)
    assert not Claim.objects.exists()


def test_a_leaver_whose_event_no_contract_covered_is_filed_for_by_his_last_unit(
    tree, people, covered
):
    """C-2, P-12: after he left, an event outside every contract still has a filing unit (the
    last one he was on); the engine then finds nothing in force."""
    from huzhu.members.actions import leave_roster

    leave_roster(tree.unit_a, covered, actor=people.officer_a, reason="离职")
    before = ClaimFacts("accident_hospitalization", date(2022, 6, 1), circumstance="other")
    claim = actions.submit_claim(covered, before, actor=people.registrar)
    assert claim.unit == tree.unit_a
    reviewed = through_review(file_with_documents_of(claim, people), people)
    assert reviewed.proposed_amount == Decimal("0.00")
    assert [d["reason"] for d in reviewed.decision["denials"]] == ["not_in_force"]


def test_papers_of_a_registered_claim_are_refused_before_anything_is_stored(
    people, covered, settings
):
    claim = file_with_documents(covered, ACCIDENT, people.officer_a)
    actions.register_claim(claim, actor=people.registrar)
    claim.refresh_from_db()
    stored = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    item = claim.documents.first().item
    with pytest.raises(actions.ClaimError, match="已登记的申请不能再更换材料"):
        actions.attach_document(claim, item, PDF, "late.pdf", actor=people.officer_a)
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == stored


def test_a_statement_not_on_the_claims_checklist_cannot_be_confirmed(people, covered):
    """C-3: the account of a work injury is asked only of a work injury or fall; a claim of
    another circumstance has no such item to confirm, and nothing is recorded."""
    from huzhu.claims.checklist import STATEMENTS

    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    mine = set(claim.documents.values_list("item", flat=True))
    other = sorted(STATEMENTS - mine)[0]
    with pytest.raises(actions.ClaimError, match="没有这项材料"):
        actions.confirm_statement(claim, other, actor=people.officer_a)
    assert not AuditEntry.objects.filter(action="claims.document.confirmed").exists()


def test_a_returned_claim_keeps_its_type(people, covered):
    """C-4: a correction may not turn the claim into another type (another claim)."""
    claim = actions.submit_claim(covered, ACCIDENT, actor=people.officer_a)
    actions.return_claim(claim, actor=people.registrar, reason="请核对")
    other = ClaimFacts("critical_illness", date(2023, 5, 23), disease="CI01")
    with pytest.raises(actions.ClaimError, match="救助类型不能更改"):
        actions.resubmit_claim(claim, other, actor=people.officer_a)
    claim.refresh_from_db()
    assert (claim.status, claim.kind) == ("returned", "accident_hospitalization")


def test_a_corrected_trustee_id_number_is_audited_masked(tree, people, settings):
    """C-4 and personal data: the correction of a trustee's ID number is audited, masked on
    both sides; the full number is only in the claim's encrypted field."""
    from huzhu.members.tests.rosters import resident_id

    paid_contract(settings, tree.unit_a, people.registrar, "2023-06-20", shares=1)
    on(settings, "2023-10-27")
    facts = death_facts("death_illness", date(2023, 9, 8))
    claim = actions.submit_claim(Member.objects.get(), facts, actor=people.officer_a)
    actions.return_claim(claim, actor=people.registrar, reason="受托人身份证号码有误")
    old, new = facts.trustee_id_number, resident_id("19720505", serial=333)
    actions.resubmit_claim(claim, replace(facts, trustee_id_number=new), actor=people.officer_a)
    claim.refresh_from_db()
    assert claim.trustee_id_number == new
    entry = AuditEntry.objects.get(action="claims.claim.corrected")
    assert entry.before["trustee_id_number"] == f"{old[:4]}{'*' * 10}{old[-4:]}"
    assert entry.after["trustee_id_number"] == f"{new[:4]}{'*' * 10}{new[-4:]}"
    assert new not in str(entry.after) and old not in str(entry.before)


def test_a_circumstance_corrected_back_asks_for_its_papers_again(people, covered):
    """C-3: items a correction stopped asking for are required again when a later correction
    returns to the circumstance that needs them."""
    work = replace(ACCIDENT, circumstance="work_or_fall")
    claim = actions.submit_claim(covered, work, actor=people.officer_a)

    def corrected_to(circumstance: str) -> dict[str, bool]:
        actions.return_claim(claim, actor=people.registrar, reason="事故情形有误")
        facts = replace(ACCIDENT, circumstance=circumstance)
        actions.resubmit_claim(claim, facts, actor=people.officer_a)
        return {d.item: d.required for d in claim.documents.all()}

    first = {d.item: d.required for d in claim.documents.all()}
    driving = corrected_to("driving")
    dropped = {item for item, required in first.items() if required and not driving[item]}
    assert dropped == {"accident_account"}  # the account of the injury, in the form
    assert corrected_to("work_or_fall") == first | dict.fromkeys(
        driving.keys() - first.keys(), False
    )


def test_a_rejection_needs_a_reason_and_a_second_person(people, covered):
    """C-4: 不予救助 is a decision of the approver, with its reason, never by the reviewer."""
    claim = through_review(file_with_documents(covered, ACCIDENT, people.officer_a), people)
    with pytest.raises(actions.ClaimError, match="须说明理由"):
        actions.reject_claim(claim, actor=people.approver, reason="  ")
    both = people.reviewer
    both.duty_approver = True
    both.save()
    with pytest.raises(actions.ClaimError, match="双人复核"):
        actions.reject_claim(claim, actor=both, reason="材料不实")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVIEWED
    assert not AuditEntry.objects.filter(action="claims.claim.rejected").exists()


def test_a_registered_death_claim_records_the_death_and_takes_him_off_the_roster(
    tree, people, settings
):
    """E-5 and K-5: once a death claim's papers (死亡证明) are checked at registration, the
    worker is recorded as deceased and leaves his unit's roster (audited), a renewal drafted
    before cannot be submitted with him, the next one leaves him out, and a roster upload still
    listing him (a payroll export not yet updated) is refused. Before, he stayed on the roster,
    was renewed every year and the unit paid his fee."""
    from huzhu.contracts import actions as contracts
    from huzhu.members.actions import import_roster
    from huzhu.members.tests.rosters import person, resident_id, xlsx

    active = paid_contract(settings, tree.unit_a, people.registrar, "2023-06-20", shares=1)
    on(settings, "2023-10-27")
    member = Member.objects.get()
    facts = contracts.EnrolmentFacts("union_funds")
    draft = contracts.start_renewal(active, facts, actor=people.officer_a)
    accident = file_with_documents(member, ACCIDENT, people.officer_a)
    actions.register_claim(accident, actor=people.registrar)  # not a death: nothing changes
    assert Member.objects.get().status == Member.Status.IN_SERVICE
    claim = file_with_documents(
        member, death_facts("death_illness", date(2023, 9, 8)), people.officer_a
    )
    assert Member.objects.get().status == Member.Status.IN_SERVICE  # filed, not yet checked
    actions.register_claim(claim, actor=people.registrar)
    member.refresh_from_db()
    assert member.status == Member.Status.DECEASED
    assert member.memberships.get().left == date(2023, 10, 27)
    entry = AuditEntry.objects.get(action="members.member.deceased")
    assert (entry.target_code, entry.actor) == (member.code, people.registrar)
    assert entry.before == {"status": "in_service", "unit": tree.unit_a.code, "shares": 1}
    assert entry.after == {
        "status": "deceased",
        "claim": claim.number,
        "unit": None,
        "reason": "去世",
    }
    twin = file_with_documents(  # a second death claim (C-6 decides on it) records nothing more
        member,
        death_facts("death_accident", date(2023, 9, 8), circumstance="other"),
        people.officer_a,
    )
    actions.register_claim(twin, actor=people.registrar)
    assert AuditEntry.objects.filter(action="members.member.deceased").count() == 1
    with pytest.raises(contracts.ContractError, match=f"{member.name}：已登记身故"):
        contracts.submit_contract(draft, actor=people.officer_a)
    contracts.cancel_contract(draft, actor=people.officer_a, reason="职工身故，重新生成")
    with pytest.raises(contracts.ContractError, match="名册为空"):
        contracts.start_renewal(active, facts, actor=people.officer_a)
    again = person(1, shares=1, 身份证号码=resident_id("19710301", serial=1))
    report = import_roster(tree.unit_a, xlsx([again]), actor=None)
    assert not report.saved and [(e.row, e.code) for e in report.errors] == [(2, "deceased")]
    assert "已登记身故" in report.errors[0].message
    assert Member.objects.get().status == Member.Status.DECEASED  # not made in service again
    assert not member.memberships.filter(left__isnull=True).exists()


def test_an_event_after_the_recorded_death_is_refused(tree, people, settings):
    """Once a death claim is registered, the member's death has a date: a claim (or a returned
    claim's correction) dated after it is a typo or the wrong worker, refused with both dates;
    events up to that day are claimed as before (P-12). A worker recorded as deceased only by
    移出名册（去世）, without a death claim, has no date to hold against."""
    from huzhu.members.actions import leave_roster

    paid_contract(settings, tree.unit_a, people.registrar, "2023-01-20", shares=1)
    on(settings, "2023-10-27")
    member = Member.objects.get()
    returned = actions.submit_claim(
        member, replace(ACCIDENT, event_date=date(2023, 7, 1)), actor=people.officer_a
    )
    actions.return_claim(returned, actor=people.registrar, reason="请附出院记录")
    death = file_with_documents(
        member, death_facts("death_illness", date(2023, 9, 8)), people.officer_a
    )
    actions.register_claim(death, actor=people.registrar)
    member.refresh_from_db()
    late = replace(ACCIDENT, event_date=date(2023, 9, 9))
    words = f"该职工已于 2023-09-08 身故（救助申请 {death.number}），事件日期 2023-09-09 不能晚于"
    with pytest.raises(actions.ClaimError, match=words):
        actions.submit_claim(member, late, actor=people.officer_a)
    with pytest.raises(actions.ClaimError, match=words):
        actions.resubmit_claim(returned, late, actor=people.officer_a)
    assert Claim.objects.get(pk=returned.pk).event_date == date(2023, 7, 1)
    on_the_day = replace(ACCIDENT, event_date=date(2023, 9, 8))
    assert actions.submit_claim(member, on_the_day, actor=people.officer_a).pk
    assert actions.resubmit_claim(returned, on_the_day, actor=people.officer_a).pk
    # recorded as deceased by 移出名册 alone: no date to check against
    paid_contract(settings, tree.unit_b, people.registrar, "2023-01-20", shares=1, index=2)
    on(settings, "2023-10-27")
    other = Member.objects.exclude(pk=member.pk).get()
    leave_roster(tree.unit_b, other, actor=people.officer_b, reason="去世")
    other.refresh_from_db()
    assert other.status == Member.Status.DECEASED
    assert actions.submit_claim(other, late, actor=people.registrar).pk
