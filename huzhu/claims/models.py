"""Claims (救助申请, SPEC §6): the facts of the event, the documents, the workflow, the engine's
decision and the lines it paid; and the editable holiday table for due dates (C-5)."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from huzhu.contracts.models import Contract
from huzhu.core import clock
from huzhu.core.fields import EncryptedTextField
from huzhu.members.models import Member
from huzhu.organizations.models import Unit
from huzhu.rules.dates import FIRST_YEAR, LAST_YEAR
from huzhu.rules.identity import normalize
from huzhu.rules.product import BENEFIT_LABELS, DEATH_TYPES, DISEASES

if TYPE_CHECKING:
    from huzhu.accounts.models import User


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    REGISTERED = "registered", "已查验登记"
    REVIEWED = "reviewed", "已病案审核"
    APPROVED = "approved", "已审批，待发放"
    REJECTED = "rejected", "不予救助"
    PAID = "paid", "已发放"
    ARCHIVED = "archived", "已归档"
    WITHDRAWN = "withdrawn", "已撤回"


class Circumstance(models.TextChoices):
    """C-3: what the accident proof depends on."""

    WORK_OR_FALL = "work_or_fall", "工伤或摔伤"
    DRIVING = "driving", "驾驶机动车"
    CRIMINAL = "criminal", "刑事案件"
    OTHER = "other", "其他"


KIND_CHOICES = [(k.value, label) for k, label in BENEFIT_LABELS.items()]
DISEASE_CHOICES = [(code, f"{code} {d.name}") for code, d in DISEASES.items()]


class ClaimQuerySet(models.QuerySet["Claim"]):
    def for_user(self, user: "User") -> "ClaimQuerySet":
        if user.sees_all_organizations:
            return self.all()
        return self.filter(unit__in=Unit.objects.for_user(user))

    def search(self, text: str) -> "ClaimQuerySet":
        """By claim number, or by the insured member: the whole ID number (through its keyed
        hash), the member code or part of the name."""
        key = normalize(text)
        if not key:
            return self
        member = Member.objects.search(text).values("pk")
        return self.filter(models.Q(number=key) | models.Q(member__in=member))


class Claim(models.Model):
    number = models.CharField("申请编号", max_length=16, unique=True)
    member = models.ForeignKey(
        Member, verbose_name="被保障人", on_delete=models.PROTECT, related_name="claims"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="claims"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    kind = models.CharField("救助类型", max_length=30, choices=KIND_CHOICES)
    event_date = models.DateField("事件日期")
    known_date = models.DateField("知道事件日期")
    first_diagnosed = models.DateField("疾病首次确诊日期", null=True, blank=True)
    disease = models.CharField("重大疾病", max_length=4, choices=DISEASE_CHOICES, blank=True)
    disability_grade = models.PositiveSmallIntegerField("伤残等级", null=True, blank=True)
    accident_id = models.CharField("事故标识", max_length=40, blank=True)
    circumstance = models.CharField(
        "事故情形", max_length=20, choices=Circumstance.choices, blank=True
    )
    hospital = models.CharField("医院", max_length=100, blank=True)
    admitted = models.DateField("入院日期", null=True, blank=True)
    discharged = models.DateField("出院日期", null=True, blank=True)
    description = models.TextField("经过说明", blank=True)
    # payee: the member for illness, hospitalisation and disability; a trustee for deaths (C-2)
    trustee_name = models.CharField("受托人姓名", max_length=50, blank=True)
    trustee_id_number = EncryptedTextField("受托人身份证号码", blank=True)
    trustee_card = EncryptedTextField("受托人工商银行卡号", blank=True)
    trustee_relation = models.CharField("与被保障人关系", max_length=20, blank=True)

    status = models.CharField(
        "状态", max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField("提交时间", default=clock.now)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    decision = models.JSONField("规则引擎裁定", null=True, blank=True)
    proposed_amount = models.DecimalField(
        "引擎建议金额", max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField("核定金额", max_digits=12, decimal_places=2, null=True, blank=True)
    override_reason = models.CharField("改变引擎结论的理由", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_on = models.DateField("审批日期", null=True, blank=True)
    reject_reason = models.CharField("不予救助理由", max_length=500, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=300, blank=True)
    due_date = models.DateField("应发放日期", null=True, blank=True)
    due_provisional = models.BooleanField("应发放日期为暂定", default=False)

    objects: ClassVar[ClaimQuerySet] = ClaimQuerySet.as_manager()  # type: ignore[assignment]

    AUDITED_FIELDS: ClassVar[list[str]] = [
        "status",
        "amount",
        "proposed_amount",
        "override_reason",
        "return_reason",
        "reject_reason",
        "withdraw_reason",
        "due_date",
    ]

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        ordering: ClassVar[list[str]] = ["-submitted_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["reviewed", "approved", "paid", "archived"])
                | models.Q(decision__isnull=False),
                name="reviewed_claim_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.member.name} {self.get_kind_display()}"

    @property
    def audit_code(self) -> str:
        return self.number

    @property
    def accepts_documents(self) -> bool:
        """Uploads are taken until registration checks them (C-3), and again once returned."""
        return self.status in (ClaimStatus.SUBMITTED, ClaimStatus.RETURNED)

    @property
    def is_death(self) -> bool:
        return self.kind in DEATH_TYPES

    def overdue_on(self, day: date) -> bool:
        return (
            self.status == ClaimStatus.APPROVED
            and self.due_date is not None
            and day > self.due_date
        )


class ClaimDocument(models.Model):
    """One item of the claim's checklist (C-3), with its upload once received."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    item = models.CharField("材料代码", max_length=40)
    label = models.CharField("材料", max_length=120)
    required = models.BooleanField("必须", default=True)
    received = models.BooleanField("已收到", default=False)
    file_path = models.CharField(max_length=200, blank=True)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["claim", "item"], name="one_item_per_claim")
        ]

    def __str__(self) -> str:
        return self.label


class ClaimLine(models.Model):
    """What the approved decision paid, or refused, under one contract: the member's claim
    history the engine reads next time (P-7, P-9, C-6)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="lines")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="claim_lines")
    shares = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    reason = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"{self.claim.number} {self.contract.contract_no} {self.amount}"


class Holiday(models.Model):
    """An override of the working-day calendar (C-5): a public holiday (working=False) or a
    make-up working day (working=True). A year listed in HolidayYear is fully described here."""

    day = models.DateField("日期", unique=True)
    working = models.BooleanField("调休上班", default=False)
    note = models.CharField("说明", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering: ClassVar[list[str]] = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.working else '放假'} {self.note}"

    @property
    def audit_code(self) -> str:
        return self.day.isoformat()


class HolidayYear(models.Model):
    year = models.PositiveSmallIntegerField("年份", unique=True)
    loaded_at = models.DateTimeField("载入时间", default=clock.now)

    class Meta:
        verbose_name = "已载入节假日的年份"
        verbose_name_plural = "已载入节假日的年份"

    def __str__(self) -> str:
        return str(self.year)

    @property
    def audit_code(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        """For an administrator listing a year (C-5): a listed year is described by its
        corrections alone, so one listed before any of its days were entered counted Monday to
        Friday, without a single holiday (for 2025 or 2026 even chinesecalendar's were gone),
        and a year such as 20277 failed the recomputation with a server error."""
        if self.year is None:
            return
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValidationError({"year": f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"})
        if not Holiday.objects.filter(day__year=self.year).exists():
            raise ValidationError(
                {
                    "year": f"{self.year} 年还没有录入任何放假日或调休上班日：请先在“节假日调整”中"
                    "逐日录入（或用 huzhu holidays load 载入整年），再把该年列为已载入"
                }
            )
