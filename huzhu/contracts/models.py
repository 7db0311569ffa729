"""Contracts (保障合同, SPEC §4): one unit's roster for one enrolment, numbered on activation."""

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from huzhu.core import clock
from huzhu.members.models import Member
from huzhu.organizations.models import Unit, opaque_code
from huzhu.rules.dates import renewed_in_time
from huzhu.rules.identity import normalize

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def new_contract_code() -> str:
    return opaque_code("K", 9)


RENEWAL_NOTICE_DAYS = 30  # contracts ending this soon without a renewal are listed (K-5)

# the start of a contract number (K-2): B + series + year + sequence, PB + year + sequence
NUMBER_PREFIX = re.compile(r"P?B\d*")


class Funding(models.TextChoices):
    PAID = "paid", "缴费（会费）"
    FREE = "free", "普惠（免费）"


class FundingSource(models.TextChoices):
    """K-3: the five ways a unit pays the fee."""

    UNION_FUNDS = "union_funds", "工会经费列支"
    ADMINISTRATION = "administration", "单位行政列支"
    SHARED_ADMIN_UNION = "shared_admin_union", "行政与工会分担"
    SHARED_ALL = "shared_all", "行政、工会、个人分担"
    PERSONAL = "personal", "个人交纳"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交，待确认会费"
    ACTIVE = "active", "有效"
    EXPIRED = "expired", "已到期"
    CANCELLED = "cancelled", "已撤销"


class ContractQuerySet(models.QuerySet["Contract"]):
    def for_user(self, user: "User") -> "ContractQuerySet":
        if user.sees_all_organizations:
            return self.all()
        return self.filter(unit__in=Unit.objects.for_user(user))

    def holding(self) -> "ContractQuerySet":
        """Contracts whose shares count against the 3-share cap: active, and submitted ones
        that are about to be (P-2)."""
        return self.filter(status__in=[ContractStatus.SUBMITTED, ContractStatus.ACTIVE])

    def in_state(self, state: str, day: date) -> "ContractQuerySet":
        """Contracts whose status on `day` is `state`, as `state_on` reads it (K-4): an active
        contract past its end date is expired, though its row still says active."""
        past = Q(status=ContractStatus.ACTIVE, end__lt=day)
        if state == ContractStatus.EXPIRED:
            return self.filter(Q(status=ContractStatus.EXPIRED) | past)
        if state == ContractStatus.ACTIVE:
            return self.filter(status=ContractStatus.ACTIVE).exclude(past)
        return self.filter(status=state)

    def search(self, text: str) -> "ContractQuerySet":
        """Contracts found by their number (a prefix such as PB25 lists a year's free
        contracts) or by their unit: part of its name, its code or credit code."""
        text = text.strip()
        if not text:
            return self
        compact = normalize(text)  # full-width, spaces and case as people type them
        by_number = Q(contract_no__startswith=compact) if NUMBER_PREFIX.fullmatch(compact) else Q()
        return self.filter(by_number | Q(unit__in=Unit.objects.search(text)))

    def expiring(self, day: date, days: int = RENEWAL_NOTICE_DAYS) -> "ContractQuerySet":
        """Paid contracts in force whose end date is at most `days` away and that no renewal
        continues yet (submitted or active): the units to remind of 续会 (K-5)."""
        return self.filter(
            status=ContractStatus.ACTIVE,
            funding=Funding.PAID,
            end__gte=day,
            end__lte=day + timedelta(days=days),
        ).exclude(renewals__status__in=[ContractStatus.SUBMITTED, ContractStatus.ACTIVE])


def state_on(status: str, end: date | None, day: date) -> str:
    """The status as it is on `day`: an active contract is expired the day after its end
    date, with or without a nightly job (SPEC K-4)."""
    if status == ContractStatus.ACTIVE and end is not None and day > end:
        return ContractStatus.EXPIRED
    return status


def in_force(status: str, effective: date | None, end: date | None, day: date) -> bool:
    """P-3: covered days are (effective, end]."""
    return (
        status == ContractStatus.ACTIVE
        and effective is not None
        and end is not None
        and effective < day <= end
    )


class Contract(models.Model):
    code = models.CharField("编号", max_length=12, unique=True, default=new_contract_code)
    contract_no = models.CharField("合同单号", max_length=16, unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="contracts"
    )
    funding = models.CharField("类型", max_length=8, choices=Funding.choices, default=Funding.PAID)
    funding_source = models.CharField(
        "会费来源", max_length=24, choices=FundingSource.choices, blank=True
    )
    status = models.CharField(
        "状态", max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    requested_start = models.DateField("申请生效日", null=True, blank=True)
    effective = models.DateField("生效日", null=True, blank=True)
    end = models.DateField("终止日", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="续会自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    total_shares = models.PositiveIntegerField("总份数", default=0)
    fee = models.DecimalField("会费", max_digits=12, decimal_places=2, default=Decimal("0.00"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField("创建时间", default=clock.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # what the fee's confirmation rests on (a bank transfer's serial, a receipt's number): the
    # staff member's word alone said only that someone had seen the money
    fee_reference = models.CharField("收款凭证号", max_length=60, blank=True)
    # E-5: health and fitness for work cannot be checked; the unit declares them for the roster
    # it submits, and the words it agreed to are kept with the contract
    declaration = models.CharField("单位声明", max_length=200, blank=True)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=200, blank=True)

    objects: ClassVar[ContractQuerySet] = ContractQuerySet.as_manager()  # type: ignore[assignment]

    AUDITED_FIELDS: ClassVar[list[str]] = [
        "status",
        "contract_no",
        "effective",
        "end",
        "total_shares",
        "fee",
        "funding_source",
        "requested_start",
        "fee_reference",
        "declaration",
    ]

    class Meta:
        verbose_name = "保障合同"
        verbose_name_plural = "保障合同"
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~models.Q(status="active")
                | models.Q(contract_no__isnull=False, effective__isnull=False, end__isnull=False),
                name="active_contract_is_numbered",
            ),
        ]

    def __str__(self) -> str:
        return self.contract_no or f"{self.unit.name}（{self.get_status_display()}）"

    @property
    def audit_code(self) -> str:
        return self.contract_no or self.code

    @property
    def public_id(self) -> str:
        """What URLs use: the contract number once it has one, the opaque code before."""
        return self.contract_no or self.code

    @property
    def state(self) -> str:
        return state_on(self.status, self.end, clock.today())

    @property
    def state_label(self) -> str:
        """The status in words; an active contract whose effective date is still to come (a
        renewal confirmed early, a requested later start: K-6) says so."""
        state = self.state
        if state == ContractStatus.ACTIVE and self.effective and clock.today() < self.effective:
            return f"已确认，{self.effective:%Y-%m-%d} 生效"
        return ContractStatus(state).label

    def in_force_on(self, day: date) -> bool:
        return in_force(self.status, self.effective, self.end, day)

    @property
    def continues_previous(self) -> bool:
        """A renewal not yet confirmed that was submitted by its previous contract's end date
        (the day in China): its fee, whenever confirmed, makes it effective on that end date
        (K-5, K-6)."""
        previous = self.previous
        if self.effective or self.submitted_at is None or previous is None:
            return False
        return renewed_in_time(previous.end, timezone.localdate(self.submitted_at))

    @property
    def first_covered_day(self) -> date | None:
        return self.effective + timedelta(days=1) if self.effective else None


class ContractLine(models.Model):
    """One member on a contract's roster with his shares (K-1: 1-3; free contracts 1)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contract_lines")
    shares = models.PositiveSmallIntegerField("份数")

    class Meta:
        verbose_name = "合同名册"
        verbose_name_plural = "合同名册"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["contract", "member"], name="one_line_per_member"),
            models.CheckConstraint(
                condition=models.Q(shares__gte=1, shares__lte=3), name="line_shares_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.member} × {self.shares}"


class NumberSequence(models.Model):
    """K-2: the last sequence number per prefix and 2-digit year, taken under a row lock so two
    confirmations never get the same number; it widens past 9999 instead of wrapping."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year:02d}: {self.last}"
