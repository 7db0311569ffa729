"""Payments of approved claims to ICBC accounts, in batches (SPEC M-1, M-2)."""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.http import Http404

from huzhu.claims.models import Claim
from huzhu.core import clock
from huzhu.core.fields import EncryptedTextField
from huzhu.organizations.models import opaque_code

PURPOSE = "职工大病互助救助金"


def new_batch_code() -> str:
    return opaque_code("PAY", 8)


def new_payment_code() -> str:
    return opaque_code("P", 9)


class PaymentBatch(models.Model):
    code = models.CharField("批次号", max_length=12, unique=True, default=new_batch_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", default=clock.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    count = models.PositiveIntegerField("笔数", default=0)
    total = models.DecimalField("合计金额", max_digits=14, decimal_places=2, default=Decimal(0))
    file_sha256 = models.CharField("导出文件 SHA-256", max_length=64, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    @property
    def audit_code(self) -> str:
        return self.code

    @property
    def state(self) -> "BatchState":
        """Where the batch stands in its workflow (`payments.workflow`), read from what was
        done to it: each step keeps who and when, so no state column can disagree with them."""
        if self.withdrawn_at is not None:
            return BatchState.WITHDRAWN
        if self.approved_by_id is None:
            return BatchState.CREATED
        return BatchState.EXPORTED if self.file_sha256 else BatchState.APPROVED

    def stage(self, pending: int, failed: int) -> str:
        """Where the batch stands, for the cashier's list (M-1, M-2): `pending` and `failed`
        are its payments still waiting for the bank and those the bank refused."""
        state = self.state
        if state is not BatchState.EXPORTED:
            return state.label
        if pending:
            return f"待登记银行结果（{pending} 笔）"
        if failed:
            return f"已办结，{failed} 笔发放失败"
        return "已办结"


class BatchState(models.TextChoices):
    CREATED = "created", "待审批"
    APPROVED = "approved", "待导出银行文件"
    EXPORTED = "exported", "银行文件已导出"
    WITHDRAWN = "withdrawn", "已撤回"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "待银行处理"
    PAID = "paid", "已到账"
    FAILED = "failed", "发放失败"
    WITHDRAWN = "withdrawn", "批次已撤回"


class Payment(models.Model):
    """One transfer for one claim. A claim has at most one payment that is pending or paid (a
    database constraint): never two paid, never one in flight beside a paid one; a failed one is
    re-issued as a new payment after the card is corrected (M-2)."""

    code = models.CharField("编号", max_length=12, unique=True, default=new_payment_code)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    payee_name = models.CharField("收款人", max_length=50)
    card = EncryptedTextField("工商银行卡号")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    status = models.CharField(
        "状态", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    bank_ref = models.CharField("银行流水号", max_length=60, blank=True)
    paid_on = models.DateField("到账日期", null=True, blank=True)
    failure_reason = models.CharField("失败原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "发放记录"
        verbose_name_plural = "发放记录"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # nothing paid twice (M-2): at most one payment of a claim is pending or paid; a
            # failed one may be followed by a re-issue
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(status__in=["pending", "paid"]),
                name="one_payment_pending_or_paid",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.claim.number} {self.amount}"

    @property
    def audit_code(self) -> str:
        return self.code


def get_batch(code: str) -> PaymentBatch:
    """A batch by its code; a 404 (page or JSON) when there is none."""
    batch = PaymentBatch.objects.filter(code=code).first()
    if batch is None:
        raise Http404("没有该批次")
    return batch
