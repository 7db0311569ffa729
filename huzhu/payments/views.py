"""Cashier pages: claims awaiting payment, batches, the bank workbook, results (M-1, M-2)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from huzhu.accounts.models import user_of
from huzhu.claims.models import Claim, ClaimStatus
from huzhu.core import clock
from huzhu.core.access import staff_duty
from huzhu.core.downloads import xlsx_response
from huzhu.core.uploaded import read_bounded
from huzhu.members import spreadsheet
from huzhu.payments import actions
from huzhu.payments.models import Payment, PaymentBatch, PaymentStatus, get_batch
from huzhu.payments.workflow import RESULTS_IN, batch_steps
from huzhu.rules.dates import DAY_FORMATS, read_day


@staff_duty("cashier")
def payment_list(request: HttpRequest) -> HttpResponse:
    failures = Payment.objects.filter(claim=OuterRef("pk"), status=PaymentStatus.FAILED)
    waiting = (
        Claim.objects.filter(status=ClaimStatus.APPROVED)
        .exclude(payments__status=PaymentStatus.PENDING)
        .select_related("member")
        # a claim back here after the bank refused it: the cashier sees why before batching it
        .annotate(failed=Subquery(failures.order_by("-pk").values("failure_reason")[:1]))
        .order_by("due_date")
    )
    counted = PaymentBatch.objects.annotate(
        pending=Count("payments", filter=Q(payments__status=PaymentStatus.PENDING)),
        failed=Count("payments", filter=Q(payments__status=PaymentStatus.FAILED)),
    ).order_by("-created_at", "-pk")
    page = Paginator(counted, BATCHES_PAGE_SIZE).get_page(request.GET.get("page"))
    batches = [(b, b.stage(b.pending, b.failed)) for b in page]
    context = {"waiting": waiting, "page": page, "batches": batches, "today": clock.today()}
    return render(request, "payments/payment_list.html", context)


BATCHES_PAGE_SIZE = 30


@staff_duty("cashier")
@require_POST
def batch_create(request: HttpRequest) -> HttpResponse:
    chosen = Claim.objects.filter(number__in=request.POST.getlist("claims"))
    try:
        batch = actions.create_batch(list(chosen), actor=user_of(request))
    except actions.PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("payments:list")
    messages.success(
        request, f"已生成发放批次 {batch.code}：{batch.count} 笔，合计 {batch.total} 元"
    )
    return redirect("payments:batch", code=batch.code)


@staff_duty("cashier", "approver")
def batch_detail(request: HttpRequest, code: str) -> HttpResponse:
    batch = get_batch(code)
    payments = list(batch.payments.select_related("claim").order_by("pk"))
    user = user_of(request)
    steps = batch_steps(batch.state)
    pending = sum(p.status == PaymentStatus.PENDING for p in payments)
    failed = sum(p.status == PaymentStatus.FAILED for p in payments)
    context = {
        "batch": batch,
        "payments": payments,
        "stage": batch.stage(pending, failed),
        "pending": pending,
        "is_cashier": user.has_duty("cashier"),
        "can_approve": user.has_duty("approver") and "approve" in steps,
        "can_export": user.has_duty("cashier") and "export" in steps,
        "can_withdraw": "withdraw" in steps,
        "results_open": batch.state in RESULTS_IN,
        "today": clock.today(),
    }
    return render(request, "payments/batch_detail.html", context)


@staff_duty("approver")
@require_POST
def batch_approve(request: HttpRequest, code: str) -> HttpResponse:
    try:
        actions.approve_batch(get_batch(code), actor=user_of(request))
        messages.success(request, "批次已审批，出纳可以导出银行文件")
    except actions.PaymentError as exc:
        messages.error(request, str(exc))
    return redirect("payments:batch", code=code)


@staff_duty("cashier", "approver")
@require_POST
def batch_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    try:
        actions.withdraw_batch(
            get_batch(code), actor=user_of(request), reason=request.POST.get("reason", "")
        )
        messages.success(request, "批次已撤回，其中的申请回到待发放列表")
    except actions.PaymentError as exc:
        messages.error(request, str(exc))
    return redirect("payments:batch", code=code)


@staff_duty("cashier")
def batch_export(request: HttpRequest, code: str) -> HttpResponse:
    try:
        data = actions.export_batch(get_batch(code), actor=user_of(request))
    except actions.PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("payments:batch", code=code)
    return xlsx_response(data, f"icbc-{code}.xlsx")


@staff_duty("cashier")
@require_POST
def payment_result(request: HttpRequest, code: str, claim_number: str) -> HttpResponse:
    batch = get_batch(code)
    payment = Payment.objects.filter(batch=batch, claim__number=claim_number).first()
    if payment is None:
        raise Http404("没有该笔发放")
    paid = request.POST.get("result") == "paid"
    typed = request.POST.get("paid_on", "").strip()
    paid_on = read_day(typed) if paid and typed else None
    try:
        if paid_on is None and paid and typed:  # typed where the browser has no date picker
            raise actions.PaymentError(f"到账日期应写作 {DAY_FORMATS}")
        actions.record_result(
            payment,
            actor=user_of(request),
            paid=paid,
            bank_ref=request.POST.get("bank_ref", ""),
            paid_on=paid_on,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"{claim_number} 已登记结果")
    except actions.PaymentError as exc:
        messages.error(request, str(exc))
    return redirect("payments:batch", code=batch.code)


@staff_duty("cashier")
@require_POST
def reissue(request: HttpRequest, claim_number: str) -> HttpResponse:
    claim = Claim.objects.filter(number=claim_number).first()
    if claim is None:
        raise Http404("没有该申请")
    try:
        batch = actions.reissue(claim, actor=user_of(request), card=request.POST.get("card", ""))
    except actions.PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("payments:list")
    return redirect("payments:batch", code=batch.code)


@staff_duty("cashier")
@require_POST
def bank_results(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the bank's result file (回盘) for a batch: all rows recorded, or none."""
    batch = get_batch(code)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise actions.PaymentError("请选择回盘文件")
        count = actions.import_bank_results(
            batch, read_bounded(upload, spreadsheet.MAX_BYTES), actor=user_of(request)
        )
        messages.success(request, f"已登记 {count} 笔银行结果")
    except actions.PaymentError as exc:
        if exc.problems:  # one line each: joined, twenty rows' problems were one paragraph
            lines = format_html_join("", "<li>{}</li>", ((p,) for p in exc.problems))
            messages.error(request, format_html("回盘文件未导入：<ul>{}</ul>", lines))
        else:
            messages.error(request, f"回盘文件未导入：{exc}")
    return redirect("payments:batch", code=batch.code)
