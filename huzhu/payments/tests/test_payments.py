"""Payments (M-1, M-2): batches, the bank file, results, re-issue, never paid twice."""

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from openpyxl import load_workbook

from huzhu.accounts.actions import issue_token
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.claims.tests.journeys import (
    TRUSTEE_CARD,
    approved_claim,
    death_facts,
    on,
    paid_contract,
    sent_batch,
)
from huzhu.core.models import AuditEntry
from huzhu.members.models import Member, card_hash
from huzhu.members.tests.rosters import resident_id
from huzhu.payments import actions, workflow
from huzhu.payments.models import BatchState, Payment, PaymentBatch, PaymentStatus
from huzhu.payments.views import BATCHES_PAGE_SIZE


@pytest.fixture
def approved(tree, people, settings):
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    return approved_claim(Member.objects.get(), people)


def test_batch_export_is_a_bank_ready_workbook(approved, people):
    batch = actions.create_batch([approved], actor=people.cashier)
    assert (batch.count, batch.total) == (1, Decimal("1600.00"))
    with pytest.raises(actions.PaymentError, match="须先经审批"):
        actions.export_batch(batch, actor=people.cashier)
    batch = actions.approve_batch(batch, actor=people.approver)
    data = actions.export_batch(batch, actor=people.cashier)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    row = [c.value for c in sheet[2]]
    member = approved.member
    assert row[1:3] == [member.name, member.bank_card]
    assert isinstance(row[2], str) and sheet["C2"].number_format == "@"
    assert sheet["D2"].value == 1600 and sheet["D2"].number_format == "0.00"
    assert row[4:] == [approved.number, "B01220001", "职工大病互助救助金"]
    assert [c.value for c in sheet[3]][:4] == ["合计", "1 笔", None, 1600]
    batch.refresh_from_db()
    assert len(batch.file_sha256) == 64
    actions.export_batch(batch, actor=people.cashier)
    assert AuditEntry.objects.filter(action="payments.batch.downloaded").count() == 2


def test_paid_result_pays_the_claim_once(approved, people, settings):
    batch = actions.create_batch([approved], actor=people.cashier)
    payment = batch.payments.get()
    with pytest.raises(actions.PaymentError, match="尚未导出"):  # no approver released it yet
        actions.record_result(payment, actor=people.cashier, paid=False, reason="x")
    actions.export_batch(actions.approve_batch(batch, actor=people.approver), actor=people.cashier)
    with pytest.raises(actions.PaymentError, match="流水号"):
        actions.record_result(payment, actor=people.cashier, paid=True)
    with pytest.raises(actions.PaymentError, match="须登记银行给出的原因"):
        actions.record_result(payment, actor=people.cashier, paid=False, reason=" ")
    on(settings, "2023-07-11")
    actions.record_result(
        payment,
        actor=people.cashier,
        paid=True,
        bank_ref="ICBC2023071100001",
        paid_on=date(2023, 7, 11),
    )
    approved.refresh_from_db()
    assert approved.status == ClaimStatus.PAID
    with pytest.raises(actions.PaymentError, match="不是待发放"):
        actions.create_batch([approved], actor=people.cashier)
    # a copy read before the bank result (a cashier's page, a concurrent request) still says
    # approved: the batch reads the claim again under its lock and refuses it
    stale = Claim.objects.get(pk=approved.pk)
    stale.status = ClaimStatus.APPROVED
    with pytest.raises(actions.PaymentError, match="不是待发放"):
        actions.create_batch([stale], actor=people.cashier)
    assert Payment.objects.filter(claim=approved).count() == 1
    with pytest.raises(actions.PaymentError, match="不能再登记"):
        actions.record_result(
            payment, actor=people.cashier, paid=True, bank_ref="again", paid_on=date(2023, 7, 12)
        )


def test_the_database_refuses_a_second_payment_beside_a_paid_one(approved, people):
    batch = actions.create_batch([approved], actor=people.cashier)
    first = batch.payments.get()
    first.status = PaymentStatus.PAID
    first.save()
    for status in (PaymentStatus.PAID, PaymentStatus.PENDING):  # nor one in flight beside it
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(
                claim=approved, batch=batch, payee_name="x", card="1", amount=1, status=status
            )
    Payment.objects.create(  # a failed attempt may stand beside it
        claim=approved, batch=batch, payee_name="x", card="1", amount=1, status=PaymentStatus.FAILED
    )


def test_failed_payment_is_reissued_after_the_card_is_corrected(approved, people, settings):
    batch = sent_batch([approved], people)
    with pytest.raises(actions.PaymentError, match="重新发放"):
        actions.reissue(approved, actor=people.cashier)
    actions.record_result(
        batch.payments.get(), actor=people.cashier, paid=False, reason="户名与卡号不符"
    )
    member = approved.member
    member.bank_card = "6222020200112233445"
    member.save()
    second = actions.reissue(approved, actor=people.cashier)
    assert second.payments.get().card == "6222020200112233445"
    actions.export_batch(actions.approve_batch(second, actor=people.approver), actor=people.cashier)
    on(settings, "2023-07-20")
    actions.record_result(
        second.payments.get(),
        actor=people.cashier,
        paid=True,
        bank_ref="R2",
        paid_on=date(2023, 7, 20),
    )
    assert Payment.objects.filter(claim=approved, status="paid").count() == 1


def test_a_claim_in_flight_cannot_be_batched_twice(approved, people):
    actions.create_batch([approved], actor=people.cashier)
    with pytest.raises(actions.PaymentError, match="已在发放中"):
        actions.create_batch([approved], actor=people.cashier)


def test_batch_approval_is_four_eyes(approved, people):
    batch = actions.create_batch([approved], actor=people.cashier)
    with pytest.raises(PermissionDenied):
        actions.approve_batch(batch, actor=people.cashier)
    people.cashier.duty_approver = True
    people.cashier.save()
    with pytest.raises(actions.PaymentError, match="双人复核"):
        actions.approve_batch(batch, actor=people.cashier)
    approved_batch = actions.approve_batch(batch, actor=people.approver)
    assert approved_batch.approved_by == people.approver
    with pytest.raises(actions.PaymentError, match="已审批"):
        actions.approve_batch(batch, actor=people.approver)
    assert AuditEntry.objects.filter(action="payments.batch.approved").count() == 1


def test_a_batch_not_yet_exported_can_be_withdrawn_and_its_claims_batched_again(
    approved, people, login
):
    batch = actions.create_batch([approved], actor=people.cashier)
    with pytest.raises(actions.PaymentError, match="原因"):
        actions.withdraw_batch(batch, actor=people.cashier, reason=" ")
    with pytest.raises(PermissionDenied):
        actions.withdraw_batch(batch, actor=people.registrar, reason="选错了")
    stale = PaymentBatch.objects.get(pk=batch.pk)  # read before the withdrawal
    cashier = login(people.cashier)
    page = cashier.post(
        f"/payments/batches/{batch.code}/withdraw/", {"reason": "选错了申请"}, follow=True
    )
    assert "批次已撤回" in page.content.decode()
    batch.refresh_from_db()
    assert batch.withdraw_reason == "选错了申请" and batch.withdrawn_by == people.cashier
    assert batch.payments.get().status == PaymentStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="payments.batch.withdrawn").count() == 1
    assert approved.number in cashier.get("/payments/").content.decode()  # waiting again
    for step in (
        lambda: actions.approve_batch(batch, actor=people.approver),
        lambda: actions.withdraw_batch(batch, actor=people.cashier, reason="again"),
    ):
        with pytest.raises(actions.PaymentError, match="已撤回"):
            step()
    # an export begun before the withdrawal is refused under the batch's lock
    stale.approved_by = people.approver
    with pytest.raises(actions.PaymentError, match="已撤回"):
        actions.export_batch(stale, actor=people.cashier)
    again = actions.create_batch([approved], actor=people.cashier)
    assert again.payments.get().status == PaymentStatus.PENDING


def test_a_withdrawn_batch_has_no_bank_file(approved, people):
    """M-1: a batch withdrawn before its export is never exported, even once approved."""
    batch = actions.approve_batch(
        actions.create_batch([approved], actor=people.cashier), actor=people.approver
    )
    batch = actions.withdraw_batch(batch, actor=people.cashier, reason="金额有误")
    with pytest.raises(actions.PaymentError, match="该批次已撤回，不能导出"):
        actions.export_batch(batch, actor=people.cashier)
    assert not AuditEntry.objects.filter(action="payments.batch.downloaded").exists()


def test_an_exported_batch_cannot_be_withdrawn(approved, people):
    batch = actions.approve_batch(
        actions.create_batch([approved], actor=people.cashier), actor=people.approver
    )
    assert batch.state == BatchState.APPROVED
    assert workflow.batch_allows("withdraw", batch.state)
    actions.export_batch(batch, actor=people.cashier)
    exported = PaymentBatch.objects.get(pk=batch.pk)
    assert exported.state == BatchState.EXPORTED
    assert not workflow.batch_allows("withdraw", exported.state)
    with pytest.raises(actions.PaymentError, match="已导出"):
        actions.withdraw_batch(batch, actor=people.approver, reason="太晚了")
    assert batch.payments.get().status == PaymentStatus.PENDING


def _failed(claim, people):
    batch = sent_batch([claim], people)
    actions.record_result(
        batch.payments.get(), actor=people.cashier, paid=False, reason="户名与卡号不符"
    )


def test_the_payment_transition_tables_are_complete():
    """Every state is a start or the target of a step, and the final ones have no step."""
    tables = (
        (workflow.BATCH_TRANSITIONS, workflow.BATCH_STARTS, BatchState),
        (workflow.PAYMENT_TRANSITIONS, workflow.PAYMENT_STARTS, PaymentStatus),
    )
    for transitions, starts, states in tables:
        reachable = {t.target for t in transitions.values()} | set(starts)
        assert reachable == set(states.values)
        assert all(t.sources <= set(states.values) for t in transitions.values())
    assert workflow.batch_steps(BatchState.CREATED) == ["approve", "withdraw"]
    assert workflow.batch_steps(BatchState.APPROVED) == ["export", "withdraw"]
    assert workflow.batch_steps(BatchState.EXPORTED) == ["export"]
    assert workflow.batch_steps(BatchState.WITHDRAWN) == []
    refused = {
        (name, state)
        for name, t in workflow.BATCH_TRANSITIONS.items()
        for state in BatchState.values
        if state not in t.sources
    }
    assert refused == set(actions.REFUSALS)  # each refusal says why in words
    for final in (PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.WITHDRAWN):
        assert not workflow.payment_steps(final)
    assert workflow.payment_steps(PaymentStatus.PENDING) == [
        "record_paid",
        "record_failed",
        "withdraw",
    ]


def test_a_batch_page_offers_the_steps_its_state_allows(approved, people, login):
    """The batch page's buttons follow the transition table, per state and duty."""
    batch = actions.create_batch([approved], actor=people.cashier)
    cashier, approver = login(people.cashier), login(people.approver)

    def offered(client: Client, stage: str) -> set[str]:
        html = client.get(f"/payments/batches/{batch.code}/").content.decode()
        assert re.search(rf'data-testid="batch-stage">{re.escape(stage)}</span>', html)
        names = {"审批批次": "approve", "下载工商银行批量代发文件": "export"}
        names |= {"撤回批次": "withdraw", "导入回盘": "results"}
        return {step for text, step in names.items() if text in html}

    assert offered(cashier, "待审批") == {"withdraw"}
    assert offered(approver, "待审批") == {"approve", "withdraw"}
    batch = actions.approve_batch(batch, actor=people.approver)
    assert offered(cashier, "待导出银行文件") == {"export", "withdraw"}
    assert offered(approver, "待导出银行文件") == {"withdraw"}
    actions.export_batch(batch, actor=people.cashier)
    assert offered(cashier, "待登记银行结果（1 笔）") == {"export", "results"}
    assert offered(approver, "待登记银行结果（1 笔）") == set()
    actions.record_result(batch.payments.get(), actor=people.cashier, paid=False, reason="销户")
    assert offered(cashier, "已办结，1 笔发放失败") == {"export"}  # no result is left to import


def test_a_trustees_card_is_corrected_with_the_reissue(tree, people, settings):
    """M-2 for a death: the trustee's card lives on the claim and only the re-issue can correct
    it; the correction and the new payment are one step, audited with masked numbers."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    claim = approved_claim(
        Member.objects.get(), people, death_facts("death_illness", date(2023, 7, 1))
    )
    _failed(claim, people)
    with pytest.raises(actions.PaymentError, match="16至19位"):
        actions.reissue(claim, actor=people.cashier, card="6222 0202")
    assert Payment.objects.filter(claim=claim).count() == 1  # nothing written
    batch = actions.reissue(claim, actor=people.cashier, card="6222 0202 0011 2233 447")
    assert batch.payments.get().card == "6222020200112233447"
    claim.refresh_from_db()
    assert claim.trustee_card == "6222020200112233447"
    entry = AuditEntry.objects.get(action="payments.payee_card.corrected")
    assert entry.before == {"bank_card": "6222 **** **** 3445"}
    assert entry.after == {"bank_card": "6222 **** **** 3447", "claim": claim.number}


def test_a_members_card_is_corrected_with_the_reissue_over_the_api(approved, people):
    _failed(approved, people)
    failed = Payment.objects.get(claim=approved)
    cashier = Client(headers={"Authorization": f"Bearer {issue_token(people.cashier, actor=None)}"})
    url = f"/api/v1/payments/{failed.code}/reissue"
    answer = cashier.post(url, {"card": "6222020200112233447"}, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["payments"][0]["status"] == "pending"
    member = Member.objects.get()
    assert member.bank_card == "6222020200112233447"
    assert Member.objects.filter(bank_card_hash=card_hash("6222020200112233447")).exists()
    again = cashier.post(url, {"card": ""}, content_type="application/json")
    assert again.status_code == 409  # one payment in flight already


def _stage_of(page: str, code: str) -> str:
    """The status cell of batch `code` on the cashier's list."""
    stage = r'<span class="status[^"]*" data-testid="batch-stage">([^<]*)</span>'
    row = re.search(rf">{code}</a></td>(?:<td[^>]*>[^<]*</td>)*?<td>{stage}\s*</td></tr>", page)
    assert row is not None, code
    return row.group(1)


def test_the_batch_list_says_where_each_batch_stands(approved, people, login, settings):
    """M-1, M-2 on the cashier's list: each batch's stage, and a claim the bank refused shows
    why when it waits again."""
    cashier = login(people.cashier)
    built = actions.create_batch([approved], actor=people.cashier)
    assert _stage_of(cashier.get("/payments/").content.decode(), built.code) == "待审批"
    actions.withdraw_batch(built, actor=people.cashier, reason="选错了")
    sent = sent_batch([approved], people)
    page = cashier.get("/payments/").content.decode()
    assert _stage_of(page, built.code) == "已撤回"
    assert _stage_of(page, sent.code) == "待登记银行结果（1 笔）"
    actions.record_result(sent.payments.get(), actor=people.cashier, paid=False, reason="卡已销户")
    page = cashier.get("/payments/").content.decode()
    assert _stage_of(page, sent.code) == "已办结，1 笔发放失败"
    assert "上次发放失败：卡已销户" in page  # the claim waits again, with the bank's reason
    again = actions.reissue(approved, actor=people.cashier)
    released = actions.approve_batch(again, actor=people.approver)
    assert _stage_of(cashier.get("/payments/").content.decode(), again.code) == "待导出银行文件"
    actions.export_batch(released, actor=people.cashier)
    on(settings, "2023-07-20")
    actions.record_result(
        again.payments.get(),
        actor=people.cashier,
        paid=True,
        bank_ref="R3",
        paid_on=date(2023, 7, 20),
    )
    page = cashier.get("/payments/").content.decode()
    assert _stage_of(page, again.code) == "已办结" and "上次发放失败" not in page


def test_the_batch_list_is_paged(approved, people, login):
    for _ in range(BATCHES_PAGE_SIZE):  # built and withdrawn: each leaves a batch behind
        batch = actions.create_batch([approved], actor=people.cashier)
        actions.withdraw_batch(batch, actor=people.cashier, reason="测试")
    newest = actions.create_batch([approved], actor=people.cashier)
    cashier = login(people.cashier)
    first = cashier.get("/payments/").content.decode()
    assert newest.code in first and "第 1 / 2 页" in first
    oldest = PaymentBatch.objects.order_by("created_at", "pk").first()
    assert oldest is not None and oldest.code not in first
    assert oldest.code in cashier.get("/payments/?page=2").content.decode()


def test_the_cashier_sees_which_waiting_claims_are_late(approved, people, login, settings):
    """C-5: payment is due within 10 working days of approval; past that the claim is marked."""
    cashier = login(people.cashier)
    row = f">{approved.number}</a>"
    page = cashier.get("/payments/").content.decode()
    assert row in page and "逾期" not in page
    on(settings, (approved.due_date + timedelta(days=1)).isoformat())
    assert "逾期</span>" in cashier.get("/payments/").content.decode()


def test_a_trustees_numbers_typed_with_spaces_reach_the_bank_file_clean(tree, people, settings):
    """M-1: the trustee's card goes to the bank as digits only, however it was typed at intake
    (spaces, full-width digits); his ID number likewise, with an upper-case X; his name as on
    his ID card (no blanks, the card's middle dot)."""
    paid_contract(settings, tree.unit_a, people.registrar, "2022-07-08", shares=1)
    on(settings, "2023-07-10")
    typed = " ".join([TRUSTEE_CARD[:4], TRUSTEE_CARD[4:8], "０" + TRUSTEE_CARD[9:]])
    number = resident_id("19720505", serial=9)  # ends in X
    facts = replace(
        death_facts("death_illness", date(2023, 7, 1)),
        trustee_card=typed,
        trustee_id_number=number.lower(),
        trustee_name=" 热依拉 • 买买提 ",
    )
    claim = approved_claim(Member.objects.get(), people, facts)
    assert (claim.trustee_card, claim.trustee_id_number) == (TRUSTEE_CARD, number.upper())
    batch = sent_batch([claim], people)
    sheet = load_workbook(io.BytesIO(actions.export_batch(batch, actor=people.cashier)))
    assert sheet.worksheets[0]["C2"].value == TRUSTEE_CARD
    assert sheet.worksheets[0]["B2"].value == "热依拉\u00b7买买提"
