"""Reads for the free-share pages: what a unit may do now, the board, units yet to apply."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from huzhu.claims.engine import holiday_table
from huzhu.core import clock
from huzhu.organizations.models import Unit, UnitQuerySet
from huzhu.quota.actions import (
    Eligibility,
    Standing,
    eligible_members,
    paid_contracts,
    participation_shortfall,
    standing,
)
from huzhu.quota.models import (
    ApplicationStatus,
    FreeShareApplication,
    Programme,
    QuotaPeriod,
    ledgers_now,
)
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN
from huzhu.rules.quota import (
    REASON_MESSAGES,
    Application,
    PeriodLedger,
    QuotaReason,
    admit,
    applicant_kind,
)


@dataclass
class Preview:
    period: QuotaPeriod | None
    standing: Standing
    eligibility: Eligibility
    reason: QuotaReason | None
    message: str
    remaining: int = 0  # of the open period, as it stands
    programme: Programme | None = None  # the open period's, else the latest


def current_period() -> QuotaPeriod | None:
    today = clock.today()
    return (
        QuotaPeriod.objects.select_related("programme")
        .filter(opens__lte=today, closes__gte=today)
        .first()
    )


def programme_of(period: QuotaPeriod | None) -> Programme | None:
    """The programme of the open period, else the latest one."""
    return period.programme if period else Programme.objects.first()


def current_programme() -> Programme | None:
    return programme_of(current_period())


def preview(unit: Unit) -> Preview:
    """Whether the unit may apply right now, and why not (nothing is written)."""
    period = current_period()
    programme = programme_of(period)
    place = standing(unit, clock.today(), programme)
    start = place.in_force.end if place.in_force and place.in_force.end else clock.today()
    eligibility = eligible_members(unit, programme, start)
    if period is None:
        reason: QuotaReason | None = QuotaReason.WINDOW_CLOSED
        message = REASON_MESSAGES[QuotaReason.WINDOW_CLOSED]
        return Preview(None, place, eligibility, reason, message, programme=programme)
    window = _window(unit, period, place)
    reason, message = window.reason, window.message
    if reason is None and (short := participation_shortfall(unit, len(eligibility.members))):
        reason, message = QuotaReason.NOT_ELIGIBLE, short  # E-3, as the application would be
    return Preview(period, place, eligibility, reason, message, window.remaining, programme)


@dataclass
class Window:
    """An open period and whether a unit may apply in it now."""

    period: QuotaPeriod
    reason: QuotaReason | None  # why the unit cannot apply now, or None
    message: str
    remaining: int  # as it stands


def window_for(unit: Unit) -> Window | None:
    """For the unit's home page: the open period, if any, and whether the unit may apply now,
    without reading its roster."""
    period = current_period()
    if period is None:
        return None
    return _window(unit, period, standing(unit, clock.today(), period.programme))


def _window(unit: Unit, period: QuotaPeriod, place: Standing) -> Window:
    """Q-2, Q-3, Q-4, Q-6 as of now: hours, the renewal range, once a year, quota left."""
    already = FreeShareApplication.objects.filter(
        programme=period.programme,
        unit=unit,
        status__in=[ApplicationStatus.GRANTED, ApplicationStatus.PARTIAL],
    ).exists()
    request = Application("", unit.code, place.kind, place.current_end, 1, clock.now())
    reason = admit(period.rule(), request, unit_already_granted=already, table=holiday_table())
    remaining = period.ledger_now().remaining
    if reason is None and remaining <= 0:
        reason = QuotaReason.QUOTA_EXHAUSTED
    message = period.rule().message(reason) if reason else "现在可以申请"
    return Window(period, reason, message, remaining)


@dataclass
class BoardRow:
    """One period on the live board."""

    period: QuotaPeriod
    ledger: (
        PeriodLedger  # as it stands: a period not yet opened shows what it would open with
    )
    effective: int
    remaining: int
    over: bool  # its window has closed: what it did not grant has rolled over (or returned)
    provisional: bool  # its quota may still change: the period before it is still to close
    percent: int
    granted_units: int
    refused_units: int


def board(programme: Programme | None) -> list[BoardRow]:
    """Per period: effective quota, granted, remaining, units granted and refused so far (live
    board)."""
    if programme is None:
        return []
    applications = FreeShareApplication.objects.filter(programme=programme)
    granted = ~Q(status=ApplicationStatus.REFUSED)
    # units, not answers: a unit refused (outside the hours, or already granted) and granted
    # this year counts once, as granted
    counts = {
        row["period"]: row
        for row in applications.values("period").annotate(
            granted_units=Count("unit", distinct=True, filter=granted),
            refused_units=Count(
                "unit",
                distinct=True,
                filter=~granted & ~Q(unit__in=applications.filter(granted).values("unit")),
            ),
        )
    }
    rows = []
    today = clock.today()
    periods = list(programme.periods.order_by("no"))
    ledgers = ledgers_now(periods)
    for index, period in enumerate(periods):
        ledger = ledgers[period.pk]
        effective = max(ledger.effective_quota, 0)
        row = counts.get(period.pk, {})
        rows.append(
            BoardRow(
                period=period,
                ledger=ledger,
                effective=effective,
                remaining=ledger.remaining,
                over=today > period.closes,
                # what the previous period passes on is final once its window has closed
                provisional=not period.opened and index > 0 and today <= periods[index - 1].closes,
                percent=min(100, period.granted * 100 // effective) if effective else 100,
                granted_units=row.get("granted_units", 0),
                refused_units=row.get("refused_units", 0),
            )
        )
    return rows


@dataclass
class YearSummary:
    budget_shares: int  # the budget in free shares of 20 yuan
    granted: int
    returned: int | None  # the last period's unused quota, once its window has closed


def year_summary(programme: Programme | None, rows: list[BoardRow]) -> YearSummary | None:
    """The programme year under the board (its `rows`): budget, granted so far and, after the
    last period, what returns to the budget (Q-1, Q-5)."""
    if programme is None or not rows:
        return None
    last = rows[-1]
    return YearSummary(
        budget_shares=int(programme.budget // CRITICAL_ILLNESS_PLAN.fee_per_share),
        granted=sum(r.period.granted for r in rows),
        returned=last.ledger.remaining if last.over else None,
    )


def not_applied(units: UnitQuerySet, programme: Programme | None) -> UnitQuerySet:
    """Units of the scope without a granted application this programme year."""
    if programme is None:
        return units.none()
    done = FreeShareApplication.objects.filter(
        programme=programme, status__in=[ApplicationStatus.GRANTED, ApplicationStatus.PARTIAL]
    ).values("unit")
    return units.exclude(pk__in=done).select_related("union")


@dataclass
class PendingUnit:
    """A unit of the scope without free shares this programme year, and the periods it may
    apply in by its standing (Q-2): any for a new unit, for a renewing one those whose renewal
    range holds its contract's end date."""

    unit: Unit
    kind: str
    current_end: date | None
    periods: list[QuotaPeriod]
    now: bool  # the open period takes it

    @property
    def standing_label(self) -> str:
        return f"续会（合同至 {self.current_end}）" if self.kind == "renewal" else "新入会"

    @property
    def when(self) -> str:
        """When it may apply, in words."""
        if self.now:
            return "本期可申请"
        today = clock.today()
        later = next((p for p in self.periods if p.opens > today), None)
        if later is not None:
            return f"第{later.no}期可申请（{later.opens} 起）"
        return "本年度已无可申请的期次"


def pending(
    units: UnitQuerySet, programme: Programme | None, period: QuotaPeriod | None
) -> list[PendingUnit]:
    """`not_applied` with each unit's standing, read for all of them in one grouped query (the
    same decision as `standing`, which reads one unit's contracts)."""
    if programme is None:
        return []
    today = clock.today()
    periods = list(programme.periods.order_by("no"))
    rules = [p.rule() for p in periods]
    waiting = not_applied(units, programme)
    ends = {
        row["unit"]: row
        for row in paid_contracts()
        .filter(unit__in=waiting.values("pk"))
        .values("unit")
        .annotate(
            in_force=Max("end", filter=Q(effective__lt=today, end__gte=today)), latest=Max("end")
        )
    }
    rows = []
    for unit in waiting.order_by("union__path", "name"):
        found = ends.get(unit.pk, {})
        kind, end = applicant_kind(found.get("in_force"), found.get("latest"), rules)
        takes = [p for p, rule in zip(periods, rules, strict=True) if rule.takes(kind, end)]
        now = period is not None and any(p.pk == period.pk for p in takes)
        rows.append(PendingUnit(unit, kind, end, takes, now))
    return rows
