"""The free-share programme (普惠服务, SPEC §5): programme years, their periods with the live
ledger, and every application with its answer."""

from collections.abc import Iterable
from datetime import time
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from huzhu.contracts.models import Contract
from huzhu.core import clock
from huzhu.organizations.models import Unit, opaque_code
from huzhu.rules.dates import FIRST_YEAR, LAST_YEAR
from huzhu.rules.quota import (
    Period,
    PeriodLedger,
    QuotaReason,
    local_moment,
    open_ledger,
    programme_problems,
)

SUPPORT_LENGTH = 200


class Programme(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    budget = models.DecimalField("预算（元）", max_digits=14, decimal_places=2)
    # the brochure's table names whom units call when the online application fails them;
    # shown on the application page, the board and GET /api/v1/quota/current
    support = models.CharField(
        "线上申请技术支持",
        max_length=SUPPORT_LENGTH,
        blank=True,
        help_text="单位线上申请遇到问题时拨打的电话与联系人，如“0531-81285015（武老师）”；"
        "显示在普惠申请页和名额看板上，不填则不显示",
    )

    class Meta:
        verbose_name = "普惠年度"
        verbose_name_plural = "普惠年度"
        ordering: ClassVar[list[str]] = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年普惠服务"

    @property
    def audit_code(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        """The checks `huzhu quota-programme load` makes of a file's year and budget, for an
        administrator's edit (a negative budget showed the board a negative share count)."""
        problems = {}
        if self.year is not None and not FIRST_YEAR <= self.year <= LAST_YEAR:
            problems["year"] = f"年度应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间"
        if self.budget is not None and self.budget < 0:
            problems["budget"] = "预算不能为负数"
        if not self.support.isprintable():
            problems["support"] = "技术支持电话中含有换行或不可见字符，请写在一行内"
        if problems:
            raise ValidationError(problems)


# what a period that has begun granting keeps (QuotaPeriod.clean)
FIXED_ONCE_OPENED = (("no", "期次"), ("quota", "基础名额"), ("opens", "申请开始日"))


class QuotaPeriod(models.Model):
    """One period (Q-2) and its ledger (Q-4, Q-5): the row every grant locks."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="periods")
    no = models.PositiveSmallIntegerField("期次")
    quota = models.PositiveIntegerField("基础名额")
    opens = models.DateField("申请开始日")
    closes = models.DateField("申请截止日")
    hours_from = models.TimeField("每日开始", default=time(9))
    hours_to = models.TimeField("每日结束", default=time(17))
    working_days_only = models.BooleanField("仅工作日", default=True)
    renewal_end_from = models.DateField("续会终止日自")
    renewal_end_to = models.DateField("续会终止日至")
    opened = models.BooleanField("已开始", default=False)
    rollover_in = models.PositiveIntegerField("上期顺延", default=0)
    advance_deducted = models.PositiveIntegerField("上期预先核减", default=0)
    granted = models.PositiveIntegerField("已发放名额", default=0)

    class Meta:
        verbose_name = "普惠期次"
        verbose_name_plural = "普惠期次"
        ordering: ClassVar[list[str]] = ["programme__year", "no"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "no"], name="one_period_number")
        ]

    def __str__(self) -> str:
        return f"{self.programme.year} 年第 {self.no} 期"

    @property
    def audit_code(self) -> str:
        return f"{self.programme.year}-{self.no}"

    def clean(self) -> None:
        """The checks of a programme file's period (Q-2), for an administrator's edit."""
        problems = {}
        if None not in (self.opens, self.closes) and self.closes < self.opens:
            problems["closes"] = "申请截止日不能早于开始日"
        if None not in (self.hours_from, self.hours_to) and self.hours_to <= self.hours_from:
            problems["hours_to"] = "每日结束时间应晚于开始时间"
        try:
            year = self.programme.year
        except Programme.DoesNotExist:  # a period not yet given its programme
            year = None
        if year is not None:  # as a programme file's periods are checked
            problems |= programme_problems(
                year, self.opens, self.closes, self.renewal_end_from, self.renewal_end_to
            )
        if self.pk is not None and self.opened:
            problems |= self._opened_problems()
        if problems:
            raise ValidationError(problems)

    def _opened_problems(self) -> dict[str, str]:
        """A period that has begun granting (Q-5: its ledger, and the next period's rollover
        and advance deduction, were computed from its number and base quota; its applications
        were taken in its window, Q-3) keeps them: a programme file cannot replace it either
        (`load_programme`). Its window may still be extended or its hours changed."""
        stored = QuotaPeriod.objects.filter(pk=self.pk).values(*dict(FIXED_ONCE_OPENED))
        before = stored.first() or {}
        problems = {
            key: f"本期已开始受理，{label}不能再修改（名额的顺延与核减已据此计算，见 Q-5）"
            for key, label in FIXED_ONCE_OPENED
            if key in before and before[key] != getattr(self, key)
        }
        last = self.applications.aggregate(last=models.Max("submitted_at"))["last"]
        if last is not None and self.closes is not None:
            day = local_moment(last).date()
            if self.closes < day:
                problems["closes"] = f"本期已受理到 {day}，申请截止日不能早于该日"
        return problems

    def rule(self) -> Period:
        return Period(
            no=self.no,
            quota=self.quota,
            opens=self.opens,
            closes=self.closes,
            renewal_end_from=self.renewal_end_from,
            renewal_end_to=self.renewal_end_to,
            hours=(self.hours_from, self.hours_to),
            working_days_only=self.working_days_only,
        )

    def ledger(self) -> PeriodLedger:
        return PeriodLedger(
            self.no, self.quota, self.rollover_in, self.advance_deducted, self.granted
        )

    @property
    def effective_quota(self) -> int:
        return self.ledger().effective_quota

    @property
    def remaining(self) -> int:
        return self.ledger().remaining

    def ledger_now(self) -> PeriodLedger:
        """The ledger as it stands now, for display (see `ledgers_now`)."""
        if self.opened:
            return self.ledger()
        earlier = self.programme.periods.filter(no__lt=self.no)
        return ledgers_now([*earlier, self])[self.pk]


def ledgers_now(periods: Iterable[QuotaPeriod]) -> dict[int, PeriodLedger]:
    """Q-5 as it stands, by period key: a period's ledger is written when it takes its first
    application; until then it is what it would open with now (its base, plus what the previous
    period left over, minus what that one granted in advance). Without this a period whose
    predecessor had closed showed only its base quota until someone applied: the board, the API
    and the statistics told units that far fewer shares were left than the allocator would
    grant. A period whose predecessor is still open shows what it would receive so far."""
    ledgers: dict[int, PeriodLedger] = {}
    previous: PeriodLedger | None = None
    for period in sorted(periods, key=lambda p: p.no):
        ledger = period.ledger() if period.opened else open_ledger(period.rule(), previous)
        ledgers[period.pk] = previous = ledger
    return ledgers


def new_application_code() -> str:
    return opaque_code("Q", 9)


class ApplicationStatus(models.TextChoices):
    GRANTED = "granted", "已获得名额"
    PARTIAL = "partial", "部分获得名额"
    REFUSED = "refused", "未获得名额"


# the refusal codes by their short names (the audit page and the admin show these; the
# application's message gives the full sentence)
REASON_LABELS = {
    QuotaReason.WINDOW_CLOSED: "不在申请期内",
    QuotaReason.OUTSIDE_HOURS: "不在受理时间内",
    QuotaReason.NOT_ELIGIBLE: "不符合本期申请条件",
    QuotaReason.ALREADY_GRANTED: "本年度已获得名额",
    QuotaReason.QUOTA_EXHAUSTED: "名额已满",
}


class FreeShareApplication(models.Model):
    code = models.CharField("编号", max_length=12, unique=True, default=new_application_code)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="applications", null=True
    )
    period = models.ForeignKey(
        QuotaPeriod, on_delete=models.PROTECT, related_name="applications", null=True, blank=True
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="free_share_applications")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField("受理时间", default=clock.now, db_index=True)
    kind = models.CharField("类型", max_length=10, choices=[("new", "新入会"), ("renewal", "续会")])
    current_end = models.DateField("现有合同终止日", null=True, blank=True)
    requested = models.PositiveIntegerField("申请人数")
    status = models.CharField("结果", max_length=10, choices=ApplicationStatus.choices)
    granted = models.PositiveIntegerField("获得名额", default=0)
    reason = models.CharField(
        "未获原因",
        max_length=20,
        blank=True,
        choices=[(code.value, label) for code, label in REASON_LABELS.items()],
    )
    message = models.CharField("说明", max_length=200, blank=True)
    contract = models.OneToOneField(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="free_share_application",
    )

    # the listed members an application left out, with why (set when it is decided, not stored)
    left_out: tuple[tuple[str, str], ...] = ()

    class Meta:
        verbose_name = "普惠名额申请"
        verbose_name_plural = "普惠名额申请"
        ordering: ClassVar[list[str]] = ["-submitted_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # a unit gets free shares at most once per programme year (the application
            # checks it under the unit's lock; the database holds it too)
            models.UniqueConstraint(
                fields=["programme", "unit"],
                condition=models.Q(status__in=["granted", "partial"]),
                name="unit_granted_once_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_status_display()} {self.granted}"

    @property
    def audit_code(self) -> str:
        return self.code
