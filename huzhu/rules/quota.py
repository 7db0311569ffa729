"""The free-share allocator (SPEC §5, appendix B). Both `huzhu quota-simulate` and the live
system decide with these functions, so they cannot disagree.

The live system keeps one `PeriodLedger` per period (a locked row) and calls `admit` and
`grant` for each application as it arrives; `allocate` replays a whole year in receipt order.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from huzhu.rules.workdays import NO_OVERRIDES, HolidayTable, is_working_day

CHINA = timezone(timedelta(hours=8), "CST")  # China Standard Time, no daylight saving


class QuotaReason(StrEnum):
    WINDOW_CLOSED = "window_closed"
    OUTSIDE_HOURS = "outside_hours"
    NOT_ELIGIBLE = "not_eligible"
    ALREADY_GRANTED = "already_granted"
    QUOTA_EXHAUSTED = "quota_exhausted"


REASON_MESSAGES = {
    QuotaReason.WINDOW_CLOSED: "不在任何一期普惠名额的申请时间段内",
    QuotaReason.OUTSIDE_HOURS: "只能在{hours} 提交申请",
    QuotaReason.NOT_ELIGIBLE: (
        "续会单位应在现有合同终止日所属的期次申请（本期受理终止日为 {range}）"
    ),
    QuotaReason.ALREADY_GRANTED: "本单位本年度已获得普惠名额，每年只能获得一次",
    QuotaReason.QUOTA_EXHAUSTED: "名额已满，申请通道已关闭",
}


class GrantStatus(StrEnum):
    GRANTED = "granted"
    PARTIAL = "partial"
    REFUSED = "refused"


@dataclass(frozen=True)
class Period:
    """One period of a programme year (Q-2)."""

    no: int
    quota: int
    opens: date
    closes: date
    renewal_end_from: date
    renewal_end_to: date
    hours: tuple[time, time] = (time(9), time(17))
    working_days_only: bool = True

    def contains_day(self, day: date) -> bool:
        return self.opens <= day <= self.closes

    def takes(self, kind: str, current_end: date | None) -> bool:
        """Q-2: a new unit applies in any period, a renewing one in the period whose renewal
        range holds its current contract's end date."""
        if kind != "renewal":
            return True
        return (
            current_end is not None and self.renewal_end_from <= current_end <= self.renewal_end_to
        )

    def message(self, reason: QuotaReason) -> str:
        start, end = (t.strftime("%H:%M") for t in self.hours)
        days = "工作日" if self.working_days_only else "每天"  # a setting of the period
        return REASON_MESSAGES[reason].format(
            hours=f"{days} {start}-{end}",
            range=f"{self.renewal_end_from} 至 {self.renewal_end_to}",
        )


@dataclass(frozen=True)
class Application:
    id: str
    unit: str
    kind: str  # "new" or "renewal"
    current_end: date | None
    members: int
    submitted_at: datetime  # aware


@dataclass(frozen=True)
class PeriodLedger:
    """What a period has: its base quota, what the previous period passed on, what it granted."""

    no: int
    base: int
    rollover_in: int = 0
    advance_deducted: int = 0
    granted: int = 0

    @property
    def effective_quota(self) -> int:
        """Q-5: base + unused of the previous period − what it granted in advance."""
        return self.base + self.rollover_in - self.advance_deducted

    @property
    def remaining(self) -> int:
        """What can still be granted; after the period, what rolls over (Q-5)."""
        return max(self.effective_quota - self.granted, 0)

    @property
    def overdrawn(self) -> int:
        """Q-4: what this period granted in advance (beyond what it had), deducted from the next
        period (Q-5). A period whose quota an earlier advance already took below zero grants
        nothing, so it grants nothing in advance either: the rest of that advance is not passed
        on [interpretation: Q-5 deducts "what the previous period granted in advance"]."""
        return max(self.granted - max(self.effective_quota, 0), 0)


@dataclass(frozen=True)
class Allocation:
    id: str
    period: int | None
    status: GrantStatus
    granted: int
    reason: QuotaReason | None
    message: str = ""


def local_moment(moment: datetime) -> datetime:
    """The receipt instant in China Standard Time (naive input is taken as CST)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA)
    return moment.astimezone(CHINA)


def find_period(periods: Sequence[Period], moment: datetime) -> Period | None:
    """Q-3: the period whose application window contains the receipt date."""
    day = local_moment(moment).date()
    return next((p for p in periods if p.contains_day(day)), None)


def programme_problems(
    year: int,
    opens: date | None,
    closes: date | None,
    renewal_end_from: date | None,
    renewal_end_to: date | None,
) -> dict[str, str]:
    """Q-2: what a period of programme year `year` may not be, by field (a value not given is
    not judged): a window outside the year (it would be open beside that year's own, and Q-3
    would count the grant against the wrong year; renewal ranges may reach outside it), or a
    renewal range written backwards (it holds no end date: every renewing unit would be
    refused not_eligible there, Q-6). For a programme file and the admin alike."""
    problems = {
        key: f"申请期应在 {year} 年内，当前为 {day}"
        for key, day in (("opens", opens), ("closes", closes))
        if day is not None and day.year != year
    }
    if renewal_end_from and renewal_end_to and renewal_end_to < renewal_end_from:
        problems["renewal_end_to"] = (
            f"续会终止日范围的结束日不能早于开始日，当前为 {renewal_end_from} 至 {renewal_end_to}"
        )
    return problems


def overlapping(periods: Iterable[Period]) -> tuple[Period, Period] | None:
    """Q-3: an application belongs to the one period whose window holds its day, so in the
    order of their numbers each period's window opens after the previous one closes. The first
    pair that does not, if any."""
    ordered = sorted(periods, key=lambda p: p.no)
    return next(
        ((a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b.opens <= a.closes), None
    )


def open_ledger(period: Period, previous: PeriodLedger | None) -> PeriodLedger:
    """Q-5: a period starts with what the previous one left over or overdrew."""
    if previous is None:
        return PeriodLedger(period.no, period.quota)
    return PeriodLedger(
        period.no,
        period.quota,
        rollover_in=previous.remaining,
        advance_deducted=previous.overdrawn,
    )


def applicant_kind(
    in_force_end: date | None, latest_end: date | None, periods: Sequence[Period]
) -> tuple[str, date | None]:
    """Q-2: new or renewal, and the end date that picks a renewing unit's period. A unit with
    a contract in force renews by that contract's end. A unit whose last contract ended inside
    one of the year's renewal ranges also renews [interpretation, as in the rulebook's example
    year]; any other unit applies as new."""
    if in_force_end is not None:
        return "renewal", in_force_end
    if latest_end is not None and any(p.takes("renewal", latest_end) for p in periods):
        return "renewal", latest_end
    return "new", None


def admit(
    period: Period,
    application: Application,
    *,
    unit_already_granted: bool,
    table: HolidayTable = NO_OVERRIDES,
) -> QuotaReason | None:
    """Q-2, Q-3, Q-6: why an application in `period` cannot be considered, or None."""
    moment = local_moment(application.submitted_at)
    start, end = period.hours
    if (period.working_days_only and not is_working_day(moment.date(), table)) or not (
        start <= moment.time().replace(tzinfo=None) < end
    ):
        return QuotaReason.OUTSIDE_HOURS
    if not period.takes(application.kind, application.current_end):
        return QuotaReason.NOT_ELIGIBLE
    if unit_already_granted:
        return QuotaReason.ALREADY_GRANTED
    return None


def grant(
    ledger: PeriodLedger, members: int, *, last_period: bool
) -> tuple[GrantStatus, int, PeriodLedger]:
    """Q-4: N ≤ R → N; 0 < R < N → N in advance of the next period, or R (partial) in the last
    period; R = 0 → refused, the channel closes."""
    remaining = ledger.remaining
    if remaining <= 0:
        return GrantStatus.REFUSED, 0, ledger
    if members <= remaining or not last_period:
        return GrantStatus.GRANTED, members, replace(ledger, granted=ledger.granted + members)
    return GrantStatus.PARTIAL, remaining, replace(ledger, granted=ledger.granted + remaining)


@dataclass(frozen=True)
class YearResult:
    allocations: tuple[Allocation, ...]  # in input order
    ledgers: tuple[PeriodLedger, ...]  # in period order
    returned_to_budget: int


def allocate(
    periods: Sequence[Period],
    applications: Sequence[Application],
    table: HolidayTable = NO_OVERRIDES,
) -> YearResult:
    """Replay a programme year: applications in order of receipt instant, ties in input order."""
    ordered = sorted(periods, key=lambda p: p.no)
    by_period: dict[int, list[int]] = {p.no: [] for p in ordered}
    answers: dict[int, Allocation] = {}
    for index, app in enumerate(applications):
        period = find_period(ordered, app.submitted_at)
        if period is None:
            reason = QuotaReason.WINDOW_CLOSED
            message = REASON_MESSAGES[reason]
            answers[index] = Allocation(app.id, None, GrantStatus.REFUSED, 0, reason, message)
        else:
            by_period[period.no].append(index)
    granted_units: set[str] = set()
    ledgers: list[PeriodLedger] = []
    receipt: Callable[[int], datetime] = lambda i: applications[i].submitted_at  # noqa: E731
    for period in ordered:
        ledger = open_ledger(period, ledgers[-1] if ledgers else None)
        last = period is ordered[-1]
        for index in sorted(by_period[period.no], key=lambda i: (receipt(i), i)):
            answers[index], ledger = _decide(
                period, ledger, applications[index], granted_units, last, table
            )
        ledgers.append(ledger)
    returned = ledgers[-1].remaining if ledgers else 0
    return YearResult(tuple(answers[i] for i in range(len(applications))), tuple(ledgers), returned)


def _decide(
    period: Period,
    ledger: PeriodLedger,
    app: Application,
    granted_units: set[str],
    last: bool,
    table: HolidayTable,
) -> tuple[Allocation, PeriodLedger]:
    reason = admit(period, app, unit_already_granted=app.unit in granted_units, table=table)
    if reason is None:
        status, count, ledger = grant(ledger, app.members, last_period=last)
        if status != GrantStatus.REFUSED:
            granted_units.add(app.unit)
            return Allocation(app.id, period.no, status, count, None), ledger
        reason = QuotaReason.QUOTA_EXHAUSTED
    return Allocation(
        app.id, period.no, GrantStatus.REFUSED, 0, reason, period.message(reason)
    ), ledger
