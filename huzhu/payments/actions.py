"""Every write to payments: batches, their export, results from the bank, re-issue (M-1, M-2)."""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from huzhu.accounts.models import Duty, User
from huzhu.claims import actions as claims
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.core import audit, clock, xlsx
from huzhu.members.models import Member, card_hash
from huzhu.members.spreadsheet import RosterFileError, read_table
from huzhu.payments.models import PURPOSE, BatchState, Payment, PaymentBatch, PaymentStatus
from huzhu.payments.workflow import RESULTS_IN, batch_allows, payment_allows
from huzhu.rules.dates import DAY_FORMATS, read_day
from huzhu.rules.errors import RuleViolation
from huzhu.rules.identity import mask_card, validate_bank_card
from huzhu.rules.money import ZERO, money, read_yuan


class PaymentError(ValueError):
    """A refusal in Chinese; a result file's carries its problems one by one too, for a page
    to list them (`problems`)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def payee_of(claim: Claim) -> tuple[str, str]:
    """C-2: the insured member, or the trustee for deaths."""
    if claim.is_death:
        return claim.trustee_name, claim.trustee_card
    return claim.member.name, claim.member.bank_card


def create_batch(claims_to_pay: Iterable[Claim], *, actor: Any) -> PaymentBatch:
    """A batch of approved claims that have no payment in flight or paid."""
    wanted = [claim.pk for claim in claims_to_pay]
    with transaction.atomic():
        # The claims are read again under their row lock: a bank result recorded meanwhile
        # (which locks the claim to mark it paid) is seen here, not raced, so a claim just paid
        # cannot get a second payment in flight.
        rows = Claim.objects.select_for_update(of=("self",)).select_related("member")
        locked = rows.in_bulk(wanted)
        batch = PaymentBatch.objects.create(created_by=actor)
        payments = []
        for claim in (locked[pk] for pk in wanted if pk in locked):
            if claim.status != ClaimStatus.APPROVED or not claim.amount:
                raise PaymentError(f"{claim.number} 不是待发放状态")
            name, card = payee_of(claim)
            payments.append(
                Payment(claim=claim, batch=batch, payee_name=name, card=card, amount=claim.amount)
            )
        if not payments:
            raise PaymentError("没有待发放的救助申请")
        try:
            with transaction.atomic():
                Payment.objects.bulk_create(payments)
        except IntegrityError as exc:
            raise PaymentError("所选申请中有已在发放中的，不能重复发放") from exc
        batch.count = len(payments)
        batch.total = money(sum((p.amount for p in payments), ZERO))
        batch.save(update_fields=["count", "total"])
        audit.record(
            actor,
            "payments.batch.created",
            batch,
            after={
                "count": batch.count,
                "total": str(batch.total),
                "claims": [p.claim.number for p in payments],
            },
        )
    return batch


def approve_batch(batch: PaymentBatch, *, actor: Any) -> PaymentBatch:
    """A second person (an approver, not the cashier who built it) releases the batch."""
    with transaction.atomic(durable=True):
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        _check_step(locked, "approve")
        if not (isinstance(actor, User) and actor.has_duty(Duty.APPROVER)):
            raise PermissionDenied("只有互济会审批人员可以审批发放批次")
        if locked.created_by_id == actor.pk:
            raise PaymentError("审批人不能是生成批次的人（双人复核）")
        locked.approved_by, locked.approved_at = actor, clock.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        audit.record(
            actor,
            "payments.batch.approved",
            locked,
            after={"count": locked.count, "total": str(locked.total)},
        )
    return locked


def withdraw_batch(batch: PaymentBatch, *, actor: Any, reason: str) -> PaymentBatch:
    """Take back a batch whose file has not gone to the bank (wrong claims chosen, or the
    approver will not release it): its payments end as withdrawn and its claims wait for a new
    batch. Under the batch's lock, as the export is, so a file can never leave for a withdrawn
    batch (its claims could then be paid twice)."""
    if not reason.strip():
        raise PaymentError("撤回批次须说明原因")
    if not (
        isinstance(actor, User) and (actor.has_duty(Duty.CASHIER) or actor.has_duty(Duty.APPROVER))
    ):
        raise PermissionDenied("只有互济会出纳或审批人员可以撤回发放批次")
    with transaction.atomic(durable=True):
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        _check_step(locked, "withdraw")
        # every payment is still pending: bank results need an exported file
        payments = list(locked.payments.select_for_update().select_related("claim"))
        locked.payments.update(status=PaymentStatus.WITHDRAWN)
        locked.withdrawn_by, locked.withdrawn_at = actor, clock.now()
        locked.withdraw_reason = reason.strip()[:200]
        locked.save(update_fields=["withdrawn_by", "withdrawn_at", "withdraw_reason"])
        audit.record(
            actor,
            "payments.batch.withdrawn",
            locked,
            before={"status": PaymentStatus.PENDING},
            after={
                "status": PaymentStatus.WITHDRAWN,
                "reason": locked.withdraw_reason,
                "claims": [p.claim.number for p in payments],
            },
        )
    return locked


# why a batch refuses a step, by step and the batch's state (`payments.workflow`)
REFUSALS = {
    ("approve", BatchState.APPROVED): "该批次已审批",
    ("approve", BatchState.EXPORTED): "该批次已审批",
    ("approve", BatchState.WITHDRAWN): "该批次已撤回",
    ("export", BatchState.CREATED): "批次须先经审批人员审批，才能导出给银行",
    ("export", BatchState.WITHDRAWN): "该批次已撤回，不能导出",
    ("withdraw", BatchState.EXPORTED): "银行文件已导出，不能撤回；请按银行回盘登记每笔结果",
    ("withdraw", BatchState.WITHDRAWN): "该批次已撤回",
}


def _check_step(batch: PaymentBatch, action: str) -> None:
    state = batch.state
    if not batch_allows(action, state):
        raise PaymentError(REFUSALS[action, state])


def export_batch(batch: PaymentBatch, *, actor: Any) -> bytes:
    """The xlsx for ICBC bulk payment (M-1): card numbers as text cells, amounts with two
    decimals, a total row. Only an approved batch is exported; the first export fixes the
    file's hash; every download is logged. A withdrawn batch has no file."""
    _check_step(batch, "export")
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "批量代发"
    sheet.append(
        ["序号", "收款人姓名", "工商银行卡号", "金额（元）", "救助申请编号", "合同单号", "用途"]
    )
    payments = batch.payments.select_related("claim").prefetch_related("claim__lines__contract")
    for index, payment in enumerate(payments.order_by("pk"), start=1):
        contracts = "、".join(
            sorted({x.contract.contract_no or "" for x in payment.claim.lines.all() if x.amount})
        )
        sheet.append(
            [
                index,
                payment.payee_name,
                payment.card,
                payment.amount,
                payment.claim.number,
                contracts,
                PURPOSE,
            ]
        )
        sheet.cell(row=index + 1, column=3).number_format = "@"
        sheet.cell(row=index + 1, column=4).number_format = "0.00"
    sheet.append(["合计", f"{batch.count} 笔", "", batch.total, "", "", ""])
    sheet.cell(row=sheet.max_row, column=4).number_format = "0.00"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (6, 12, 24, 12, 16, 24, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    data = xlsx.save(book)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic(durable=True):
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        _check_step(locked, "export")  # withdrawn while the file was being built?
        if not locked.file_sha256:
            locked.file_sha256 = digest
            locked.save(update_fields=["file_sha256"])
        audit.record(actor, "payments.batch.downloaded", locked, after={"sha256": digest})
    return data


def record_result(
    payment: Payment,
    *,
    actor: Any,
    paid: bool,
    bank_ref: str = "",
    paid_on: date | None = None,
    reason: str = "",
) -> Payment:
    """M-2: paid (bank reference and date) — the claim becomes paid — or failed (reason). Only
    for a batch whose file went to the bank: the bank pays nothing else, and a result typed for
    a batch no approver released would make a claim paid past the four eyes (M-1)."""
    with transaction.atomic():
        locked = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("claim", "batch")
            .get(pk=payment.pk)
        )
        if not payment_allows("record_paid" if paid else "record_failed", locked.status):
            raise PaymentError(f"该笔已是“{locked.get_status_display()}”，不能再登记结果")
        if locked.batch.state not in RESULTS_IN:
            raise PaymentError("该批次的银行文件尚未导出（须先经审批），不能登记银行结果")
        before = {"status": locked.status}
        bank_ref = bank_ref.strip()
        refusal = result_refusal(
            locked.claim, paid=paid, bank_ref=bank_ref, paid_on=paid_on, reason=reason
        )
        if refusal is not None:
            raise PaymentError(refusal)
        if paid:
            locked.status, locked.bank_ref, locked.paid_on = PaymentStatus.PAID, bank_ref, paid_on
            locked.save(update_fields=["status", "bank_ref", "paid_on"])
            claims.mark_paid(locked.claim, actor=actor)
        else:
            locked.status, locked.failure_reason = PaymentStatus.FAILED, reason.strip()[:200]
            locked.save(update_fields=["status", "failure_reason"])
        audit.record(
            actor,
            "payments.payment.result",
            locked,
            before=before,
            after={"status": locked.status, "bank_ref": bank_ref, "reason": reason},
        )
    return locked


def result_refusal(
    claim: Claim, *, paid: bool, bank_ref: str, paid_on: date | None, reason: str = ""
) -> str | None:
    """Why a result cannot be recorded (M-2), or None. A failure needs the bank's reason. A bank
    confirms money that has left: with its reference, not on a day still to come (China's date),
    nor before the claim was approved (C-5 timeliness and the figures per year read this date)."""
    if not paid:
        return None if reason.strip() else "发放失败须登记银行给出的原因"
    if not bank_ref or paid_on is None:
        return "到账须登记银行流水号和到账日期"
    limit = Payment._meta.get_field("bank_ref").max_length or 0
    if len(bank_ref) > limit:  # PostgreSQL would refuse it with a server error
        return f"银行流水号不能超过{limit}个字符"
    today = clock.today()
    if paid_on > today:
        return f"到账日期 {paid_on} 晚于今天（{today}），请核对银行回盘"
    if claim.approved_on is not None and paid_on < claim.approved_on:
        return f"到账日期 {paid_on} 早于该申请的审批日期 {claim.approved_on}，请核对银行回盘"
    return None


def reissue(claim: Claim, *, actor: Any, card: str = "") -> PaymentBatch:
    """After a failure: a new payment in a new batch (approved again before export), never a
    second paid one (the database refuses that). `card`, when given, is the payee's corrected
    card (M-2), written in the same transaction as the new payment: the member's, or for a death
    the trustee's, which no other step can correct."""
    if not Payment.objects.filter(claim=claim, status=PaymentStatus.FAILED).exists():
        raise PaymentError("只有发放失败的申请可以重新发放")
    corrected = None
    if card.strip():
        try:
            corrected = validate_bank_card(card).number
        except RuleViolation as exc:
            raise PaymentError(exc.message) from exc
    with transaction.atomic(durable=True):
        if corrected is not None:
            _correct_card(claim, corrected, actor)
        return create_batch([claim], actor=actor)


def _correct_card(claim: Claim, number: str, actor: Any) -> None:
    """The payee's card, corrected before a re-issue; audited with masked numbers."""
    target: Claim | Member
    if claim.is_death:
        target = Claim.objects.select_for_update().get(pk=claim.pk)
        old = target.trustee_card
        target.trustee_card = number
        target.save(update_fields=["trustee_card"])
    else:
        target = Member.objects.select_for_update().get(pk=claim.member_id)
        old = target.bank_card
        target.bank_card, target.bank_card_hash = number, card_hash(number)
        target.updated_at = clock.now()
        target.save(update_fields=["bank_card", "bank_card_hash", "updated_at"])
    audit.record(
        actor,
        "payments.payee_card.corrected",
        target,
        before={"bank_card": mask_card(str(old))},
        after={"bank_card": mask_card(number), "claim": claim.number},
    )


# the columns of the bank's result file, by the names we give them and the names return files
# give them (a bank often sends back our file with its own result columns)
RESULT_COLUMNS = {
    "claim": ("救助申请编号",),
    "result": ("结果", "处理结果", "交易结果"),
    "bank_ref": ("银行流水号", "交易流水号", "流水号"),
    "paid_on": ("到账日期", "入账日期"),
    "reason": ("失败原因", "失败描述"),
    # optional; our export's own column, which a bank's return file echoes (M-1)
    "amount": ("金额（元）", "金额", "交易金额"),
}
RESULT_HEADERS = {name: field for field, names in RESULT_COLUMNS.items() for name in names}


# the 结果 of a row: 成功 or 失败, or as banks' return files word them (exact words only: a
# 未成功 must never read as paid)
RESULT_WORDS = {
    word: paid
    for paid, words in (
        (True, ("成功", "交易成功", "处理成功", "代发成功", "入账成功", "已入账")),
        (False, ("失败", "交易失败", "处理失败", "代发失败", "入账失败")),
    )
    for word in words
}


SHOWN = 20  # a result file's problems listed at most


def import_bank_results(batch: PaymentBatch, data: bytes, *, actor: Any) -> int:
    """The bank's result file (回盘, xlsx or csv) for a batch: every row checked first, then
    all recorded in one transaction, or none. Returns the number of results recorded."""
    try:
        table = read_table(data, is_header=_is_result_header)
    except RosterFileError as exc:
        raise PaymentError(exc.message) from exc
    columns = _result_columns(table.header)
    pending = {
        p.claim.number: p
        for p in batch.payments.select_related("claim").filter(status=PaymentStatus.PENDING)
    }
    parsed, problems = [], []
    seen: dict[str, int] = {}  # claim number → the row it was first on
    for row_no, cells in table.rows:
        values = {key: _cell(cells, index) for key, index in columns.items()}
        number = values["claim"]
        problem = _row_problem(values, pending, seen)
        if number in pending:  # a second answer for it is refused, even when this one is
            seen.setdefault(number, row_no)
        if problem is not None:
            problems.append(f"第{row_no}行：{problem}")
            continue
        parsed.append((pending[number], RESULT_WORDS[values["result"]], values, row_no))
    if problems:  # the first SHOWN, and how many more: a file is often wrong the same way
        listed = problems[:SHOWN]
        if len(problems) > SHOWN:
            more = len(problems) - SHOWN
            listed.append(f"另有 {more} 处问题未列出，改正后重新导入时会一并检查")
        raise PaymentError("；".join(listed), listed)
    with transaction.atomic(durable=True):
        for payment, paid, values, row_no in parsed:
            try:
                record_result(
                    payment,
                    actor=actor,
                    paid=paid,
                    bank_ref=values.get("bank_ref", ""),
                    paid_on=read_day(values.get("paid_on", "")) if paid else None,
                    reason=values.get("reason", ""),
                )
            except PaymentError as exc:  # changed meanwhile: which row, not just what
                raise PaymentError(f"第{row_no}行：{exc}") from exc
    return len(parsed)


def _row_problem(
    values: dict[str, str], pending: dict[str, Payment], seen: dict[str, int]
) -> str | None:
    """What is wrong with one row of a result file, or None: every row is checked before any
    is recorded, and every problem is listed with its row."""
    number, result = values["claim"], values["result"]
    if not all(value.isprintable() for value in values.values()):
        return "含有不可见的控制字符，请删除后重新导入"
    if number in seen:
        return f"{number} 与第{seen[number]}行重复，每笔只能有一个结果"
    if number not in pending:
        return f"{number or '（空）'} 不是本批次待处理的发放"
    if result not in RESULT_WORDS:
        return "结果应填“成功”或“失败”"
    if "amount" in values and (wrong := _amount_problem(values["amount"], pending[number])):
        return wrong
    paid, written = RESULT_WORDS[result], values.get("paid_on", "")
    paid_on = read_day(written) if paid else None
    if paid and paid_on is None and written:
        return f"到账日期“{written}”无法识别，应写作 {DAY_FORMATS}"
    return result_refusal(
        pending[number].claim,
        paid=paid,
        bank_ref=values.get("bank_ref", "").strip(),
        paid_on=paid_on,
        reason=values.get("reason", ""),
    )


def _amount_problem(text: str, payment: Payment) -> str | None:
    """M-2: where the file carries the amount, it is the payment's. A row whose number was
    mistyped into another payment of the batch would otherwise record that one as paid."""
    if not text.strip():  # the column is there, this row leaves it empty: nothing to compare
        return None
    amount = read_yuan(text)
    if amount is None:
        return f"金额“{text}”无法识别"
    if amount != payment.amount:
        return f"金额 {text} 与该笔发放的 {payment.amount} 元不符，请核对救助申请编号"
    return None


def _result_columns(header: Sequence[object]) -> dict[str, int]:
    """Where each column of the result file is; the file is refused without the claim and
    result columns, or with two columns for one thing (which of them would count?)."""
    columns: dict[str, int] = {}
    for index, text in enumerate(str(h).strip() for h in header):
        field = RESULT_HEADERS.get(text)
        if field is None:
            continue
        if field in columns:
            first = str(header[columns[field]]).strip()
            raise PaymentError(
                f"回盘文件有两列都是“{RESULT_COLUMNS[field][0]}”（{first}、{text}），请只保留一列"
            )
        columns[field] = index
    if not {"claim", "result"} <= set(columns):
        raise PaymentError("回盘文件须有“救助申请编号”和“结果”两列")
    return columns


def _is_result_header(cells: Sequence[object]) -> bool:
    """Whether a row names at least two columns of the bank's result file (its header)."""
    return sum(str(cell).strip() in RESULT_HEADERS for cell in cells) >= 2


def _cell(cells: list[object], index: int) -> str:
    value = cells[index] if index < len(cells) else None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()
