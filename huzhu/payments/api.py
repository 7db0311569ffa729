"""/api/v1/payment-batches and /api/v1/payments: cashiers only."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from huzhu.accounts.models import Duty, user_of
from huzhu.claims.models import Claim
from huzhu.core.api_errors import ApiError
from huzhu.core.downloads import xlsx_response
from huzhu.payments import actions
from huzhu.payments.models import BatchState, Payment, PaymentBatch, get_batch

router = Router(tags=["救助金发放"])


class BatchIn(Schema):
    claims: list[str]


class PaymentOut(Schema):
    id: str
    claim: str
    payee_name: str
    amount: Decimal
    status: str
    bank_ref: str
    paid_on: date | None
    failure_reason: str


class BatchOut(Schema):
    id: str
    state: BatchState = Field(
        description="批次状态（payments.workflow）：created 待审批，approved 待导出银行文件，"
        "exported 银行文件已导出（按回盘登记结果），withdrawn 已撤回"
    )
    approved: bool
    withdrawn: bool
    withdraw_reason: str
    count: int
    total: Decimal
    file_sha256: str
    payments: list[PaymentOut]


class WithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=200, description="撤回原因")


class ReissueIn(Schema):
    card: str = Field("", max_length=40, description="更正后的收款卡号（受托人或职工）；不变则留空")


class ResultIn(Schema):
    paid: bool
    bank_ref: str = ""
    paid_on: date | None = None
    reason: str = ""


def _cashier(request: HttpRequest) -> None:
    if not user_of(request).has_duty(Duty.CASHIER):
        raise PermissionDenied("只有互济会出纳可以办理发放")


def _payment(p: Payment) -> PaymentOut:
    return PaymentOut(
        id=p.code,
        claim=p.claim.number,
        payee_name=p.payee_name,
        amount=p.amount,
        status=p.status,
        bank_ref=p.bank_ref,
        paid_on=p.paid_on,
        failure_reason=p.failure_reason,
    )


def _batch(batch: PaymentBatch) -> BatchOut:
    payments = batch.payments.select_related("claim").order_by("pk")
    return BatchOut(
        id=batch.code,
        state=batch.state,
        approved=batch.approved_by_id is not None,
        withdrawn=batch.withdrawn_at is not None,
        withdraw_reason=batch.withdraw_reason,
        count=batch.count,
        total=batch.total,
        file_sha256=batch.file_sha256,
        payments=[_payment(p) for p in payments],
    )


@router.post("/payment-batches", response={201: BatchOut}, summary="把已审批的申请生成发放批次")
def create_batch(request: HttpRequest, body: BatchIn) -> Status[BatchOut]:
    _cashier(request)
    claims = list(Claim.objects.filter(number__in=body.claims))
    if len(claims) != len(set(body.claims)):
        raise ApiError(404, "not_found", "有申请编号不存在")
    try:
        return Status(201, _batch(actions.create_batch(claims, actor=user_of(request))))
    except actions.PaymentError as exc:
        raise ApiError(409, "payment_refused", str(exc)) from exc


@router.post("/payment-batches/{id}/approve", response=BatchOut, summary="审批发放批次（双人复核）")
def approve_batch(request: HttpRequest, id: str) -> BatchOut:
    batch = get_batch(id)
    try:
        return _batch(actions.approve_batch(batch, actor=user_of(request)))
    except actions.PaymentError as exc:
        raise ApiError(409, "payment_refused", str(exc)) from exc


@router.post(
    "/payment-batches/{id}/withdraw",
    response=BatchOut,
    summary="撤回尚未导出银行文件的发放批次（其中的申请回到待发放）",
)
def withdraw_batch(request: HttpRequest, id: str, body: WithdrawIn) -> BatchOut:
    batch = get_batch(id)
    try:
        return _batch(actions.withdraw_batch(batch, actor=user_of(request), reason=body.reason))
    except actions.PaymentError as exc:
        raise ApiError(409, "payment_refused", str(exc)) from exc


@router.get("/payment-batches/{id}/export", summary="下载工商银行批量代发文件（xlsx），下载被记录")
def export_batch(request: HttpRequest, id: str) -> HttpResponse:
    _cashier(request)
    batch = get_batch(id)
    try:
        data = actions.export_batch(batch, actor=user_of(request))
    except actions.PaymentError as exc:
        raise ApiError(409, "payment_refused", str(exc)) from exc
    return xlsx_response(data, f"icbc-{batch.code}.xlsx")


@router.post("/payments/{id}/result", response=PaymentOut, summary="登记一笔发放的银行结果")
def record_result(request: HttpRequest, id: str, body: ResultIn) -> PaymentOut:
    _cashier(request)
    payment = Payment.objects.filter(code=id).first()
    if payment is None:
        raise ApiError(404, "not_found", "没有该笔发放")
    try:
        return _payment(
            actions.record_result(
                payment,
                actor=user_of(request),
                paid=body.paid,
                bank_ref=body.bank_ref,
                paid_on=body.paid_on,
                reason=body.reason,
            )
        )
    except actions.PaymentError as exc:
        raise ApiError(409, "payment_refused", str(exc)) from exc


@router.post(
    "/payments/{id}/reissue",
    response={201: BatchOut},
    summary="发放失败的一笔：更正收款卡号（可选）并生成新的发放批次（须再经审批）",
)
def reissue(request: HttpRequest, id: str, body: ReissueIn) -> Status[BatchOut]:
    _cashier(request)
    payment = Payment.objects.select_related("claim").filter(code=id).first()
    if payment is None:
        raise ApiError(404, "not_found", "没有该笔发放")
    try:
        batch = actions.reissue(payment.claim, actor=user_of(request), card=body.card)
    except actions.PaymentError as exc:
        raise ApiError(409, "payment_refused", str(exc)) from exc
    return Status(201, _batch(batch))
