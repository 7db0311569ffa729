"""The scheme's figures (SPEC S-1) for one scope (everything, or a coordinating union's subtree)
and one year or since inception. Every figure is one aggregate query; nothing is estimated.

Definitions (also in README):
- enrolment figures count contracts that took effect (active or expired) by their effective
  date's year: members = distinct members on them, shares = their shares, fees = the fees of
  paid contracts (free PB contracts cost nothing, K-3);
- claims (救助人次) and benefits count payments that reached the bank (status paid), by the
  payment date's year; by type, and for critical illness by tier (P-4);
- loss ratio = benefits / fees of the same period;
- timeliness = share of paid claims whose payment date is on or before the due date (C-5);
- free-share quota use per period of the year's programme (Q-1 .. Q-5): the city's quota and,
  for the scope, the shares granted.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear

from huzhu.contracts.models import Contract, ContractLine, ContractStatus, Funding
from huzhu.core.models import AuditEntry
from huzhu.organizations.models import Union, Unit
from huzhu.payments.models import Payment, PaymentStatus
from huzhu.quota.models import FreeShareApplication, Programme, ledgers_now
from huzhu.rules.money import money
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, BenefitType

ZERO = Decimal("0.00")
HISTORY_CACHE_SECONDS = 3600
IN_EFFECT = [ContractStatus.ACTIVE, ContractStatus.EXPIRED]
DIRECT = "直属单位"


@dataclass
class Totals:
    members: int = 0
    shares: int = 0
    fees: Decimal = ZERO
    claims: int = 0
    benefits: Decimal = ZERO

    @property
    def loss_ratio(self) -> Decimal | None:
        """Benefits / fees, as a percentage with 2 places (None without fees)."""
        if not self.fees:
            return None
        return money(self.benefits * 100 / self.fees)

    def as_json(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "shares": self.shares,
            "fees": str(self.fees),
            "claims": self.claims,
            "benefits": str(self.benefits),
            "loss_ratio_percent": None if self.loss_ratio is None else str(self.loss_ratio),
        }


@dataclass
class Figures:
    scope: str
    year: int | None
    totals: Totals
    inception: Totals
    per_year: list[tuple[int, Totals]] = field(default_factory=list)
    by_type: list[dict[str, Any]] = field(default_factory=list)
    per_union: list[tuple[str, Totals]] = field(default_factory=list)
    quota: list[dict[str, Any]] = field(default_factory=list)
    timeliness: dict[str, Any] = field(default_factory=dict)
    has_history: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "year": self.year,
            "totals": self.totals.as_json(),
            "since_inception": self.inception.as_json(),
            "per_year": [{"year": y, **t.as_json()} for y, t in self.per_year],
            "benefits_by_type": [{**row, "amount": str(row["amount"])} for row in self.by_type],
            "per_union": [{"union": name, **t.as_json()} for name, t in self.per_union],
            "quota_per_period": self.quota,
            "payment_timeliness": self.timeliness,
        }


def _units(root: Union | None) -> QuerySet[Unit] | None:
    """The scope's units; None for everything (no filter at all, the cheapest plan)."""
    return None if root is None else Unit.objects.filter(union__path__startswith=root.path)


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def compute(year: int | None, root: Union | None, *, history: bool = True) -> Figures:
    """The figures of one year (or since inception) for a scope. `history` adds the
    since-inception totals and the table per year: they read every coverage row of every year,
    so the page loads them separately (`history_of`, cached until the next audited change)."""
    with _analytic():
        units = _units(root)
        figures = Figures(
            scope=root.name if root is not None else "全市",
            year=year,
            totals=_totals(units, year),
            inception=Totals(),
        )
        figures.by_type = _by_type(units, year)
        figures.per_union = _per_union(root, year)
        figures.quota = _quota(units, year)
        figures.timeliness = _timeliness(units, year)
        if history:
            figures.inception, figures.per_year = _history(units)
            figures.has_history = True
    return figures


def history_of(root: Union | None) -> tuple[Totals, list[tuple[int, Totals]]]:
    """Since-inception totals and the table per year, cached per scope until the next audited
    change (every state change writes an audit entry, brief rule 6, so the newest entry's id
    is an exact version of the data)."""
    version = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = f"stats-history:{root.pk if root else 'all'}:{version}"
    cached = cache.get(key)
    if cached is None:
        with _analytic():
            cached = _history(_units(root))
        cache.set(key, cached, timeout=HISTORY_CACHE_SECONDS)
    return cast(tuple[Totals, list[tuple[int, Totals]]], cached)


def _history(units: QuerySet[Unit] | None) -> tuple[Totals, list[tuple[int, Totals]]]:
    return _totals(units, None), _per_year(units)


@contextmanager
def _analytic() -> Iterator[None]:
    """One read transaction; on PostgreSQL with memory for the distinct counts, which hash or
    sort millions of coverage rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _in(queryset: QuerySet[Any], path: str, units: QuerySet[Unit] | None) -> QuerySet[Any]:
    return queryset if units is None else queryset.filter(**{f"{path}__in": units})


def _contracts(units: QuerySet[Unit] | None, year: int | None) -> QuerySet[Contract]:
    # .order_by(): no model ordering may creep into the GROUP BY queries built on this
    contracts = _in(Contract.objects.filter(status__in=IN_EFFECT).order_by(), "unit", units)
    if year is not None:
        contracts = contracts.filter(effective__range=_year_range(year))
    return contracts


def _paid(units: QuerySet[Unit] | None, year: int | None) -> QuerySet[Payment]:
    payments = _in(
        Payment.objects.filter(status=PaymentStatus.PAID).order_by(), "claim__unit", units
    )
    if year is not None:
        payments = payments.filter(paid_on__range=_year_range(year))
    return payments


def _totals(units: QuerySet[Unit] | None, year: int | None) -> Totals:
    contracts = _contracts(units, year)
    lines = ContractLine.objects.filter(contract__in=contracts).aggregate(
        members=Count("member_id", distinct=True), shares=Sum("shares")
    )
    fees = contracts.filter(funding=Funding.PAID).aggregate(total=Sum("fee"))["total"]
    paid = _paid(units, year).aggregate(
        claims=Count("claim_id", distinct=True), total=Sum("amount")
    )
    return Totals(
        members=lines["members"] or 0,
        shares=lines["shares"] or 0,
        fees=money(fees or ZERO),
        claims=paid["claims"] or 0,
        benefits=money(paid["total"] or ZERO),
    )


def _per_year(units: QuerySet[Unit] | None) -> list[tuple[int, Totals]]:
    years: dict[int, Totals] = {}
    contracts = _contracts(units, None)
    enrolled = (
        ContractLine.objects.filter(contract__in=contracts)
        .annotate(year=ExtractYear("contract__effective"))
        .values("year")
        .annotate(members=Count("member_id", distinct=True), shares=Sum("shares"))
    )
    for row in enrolled:
        totals = years.setdefault(row["year"], Totals())
        totals.members, totals.shares = row["members"], row["shares"] or 0
    fees = (
        contracts.filter(funding=Funding.PAID)
        .annotate(year=ExtractYear("effective"))
        .values("year")
        .annotate(total=Sum("fee"))
    )
    for row in fees:
        years.setdefault(row["year"], Totals()).fees = money(row["total"] or ZERO)
    paid = (
        _paid(units, None)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(claims=Count("claim_id", distinct=True), total=Sum("amount"))
    )
    for row in paid:
        totals = years.setdefault(row["year"], Totals())
        totals.claims, totals.benefits = row["claims"], money(row["total"] or ZERO)
    return sorted(years.items())


def _by_type(units: QuerySet[Unit] | None, year: int | None) -> list[dict[str, Any]]:
    """Paid benefits per claim type, critical illness split by tier (P-4)."""
    rows = (
        _paid(units, year)
        .values(kind=F("claim__kind"), disease=F("claim__disease"))
        .annotate(count=Count("claim_id", distinct=True), amount=Sum("amount"))
    )
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        kind = BenefitType(row["kind"])
        tier = ""
        if (
            kind == BenefitType.CRITICAL_ILLNESS
            and row["disease"] in CRITICAL_ILLNESS_PLAN.diseases
        ):
            tier = CRITICAL_ILLNESS_PLAN.diseases[row["disease"]].tier
        entry = grouped.setdefault(
            (kind.value, tier),
            {
                "kind": kind.value,
                "label": kind.label + (f"（{tier}档）" if tier else ""),
                "tier": tier,
                "count": 0,
                "amount": ZERO,
            },
        )
        entry["count"] += row["count"]
        entry["amount"] = money(entry["amount"] + (row["amount"] or ZERO))
    order = {kind.value: i for i, kind in enumerate(BenefitType)}
    return sorted(grouped.values(), key=lambda e: (order[e["kind"]], e["tier"]))


def _per_union(root: Union | None, year: int | None) -> list[tuple[str, Totals]]:
    """One row per coordinating union directly under the scope's root (for everything: under
    the city federation), plus the root's own units. Each figure is one grouped query: every
    row is labelled with its branch of the tree by the union path of its unit."""
    if root is None:
        root = Union.objects.filter(parent__isnull=True).order_by("sort_order", "path").first()
        if root is None:
            return []
    children = list(Union.objects.filter(parent=root).order_by("sort_order", "path"))

    def branch(unit: str) -> Case:
        return Case(
            *[
                When(**{f"{unit}__union__path__startswith": c.path}, then=Value(c.code))
                for c in children
            ],
            default=Value(""),
            output_field=CharField(),
        )

    units = _units(root)
    contracts = _contracts(units, year)
    lines = ContractLine.objects.filter(contract__in=contracts).annotate(
        branch=branch("contract__unit")
    )
    rows: dict[str, Totals] = {c.code: Totals() for c in children}
    rows[""] = Totals()
    enrolled = lines.values("branch").annotate(
        members=Count("member_id", distinct=True), shares=Sum("shares")
    )
    for row in enrolled:
        rows[row["branch"]].members = row["members"]
        rows[row["branch"]].shares = row["shares"] or 0
    fees = (
        contracts.filter(funding=Funding.PAID)
        .annotate(branch=branch("unit"))
        .values("branch")
        .annotate(total=Sum("fee"))
    )
    for row in fees:
        rows[row["branch"]].fees = money(row["total"] or ZERO)
    paid = (
        _paid(units, year)
        .annotate(branch=branch("claim__unit"))
        .values("branch")
        .annotate(claims=Count("claim_id", distinct=True), total=Sum("amount"))
    )
    for row in paid:
        rows[row["branch"]].claims = row["claims"]
        rows[row["branch"]].benefits = money(row["total"] or ZERO)
    result = [(c.name, rows[c.code]) for c in children]
    if Unit.objects.filter(union=root).exists():
        result.append((DIRECT, rows[""]))
    return result


def _quota(units: QuerySet[Unit] | None, year: int | None) -> list[dict[str, Any]]:
    programme = (
        Programme.objects.filter(year=year).first()
        if year is not None
        else Programme.objects.order_by("-year").first()
    )
    if programme is None:
        return []
    granted = dict(
        _in(FreeShareApplication.objects.filter(programme=programme), "unit", units)
        .values_list("period__no")
        .annotate(total=Sum("granted"))
        .values_list("period__no", "total")
    )
    rows = []
    periods = list(programme.periods.order_by("no"))
    ledgers = ledgers_now(periods)  # a period that took no application still had its quota
    for period in periods:
        effective = max(ledgers[period.pk].effective_quota, 0)
        in_scope = int(granted.get(period.no) or 0)
        rows.append(
            {
                "year": programme.year,
                "period": period.no,
                "quota": period.quota,
                "effective_quota": effective,
                "granted_city": period.granted,
                "granted_scope": in_scope,
                "use_percent": round(period.granted * 100 / effective, 1) if effective else None,
            }
        )
    return rows


def _timeliness(units: QuerySet[Unit] | None, year: int | None) -> dict[str, Any]:
    """C-5: paid within 10 working days means paid on or before the due date."""
    paid = _paid(units, year).filter(claim__due_date__isnull=False)
    counts = paid.aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(paid_on__lte=F("claim__due_date")))
    )
    total, on_time = counts["total"] or 0, counts["on_time"] or 0
    return {
        "paid": total,
        "on_time": on_time,
        "late": total - on_time,
        "on_time_percent": round(on_time * 100 / total, 1) if total else None,
    }
