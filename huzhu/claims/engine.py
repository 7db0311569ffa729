"""Translate a claim and the member's contracts and earlier claims into rule inputs, and the
holiday table into the rules' calendar. The decision itself is huzhu.rules.adjudication's."""

import time
from datetime import date
from types import MappingProxyType
from typing import Any

from django.utils import timezone

from huzhu.claims.models import Claim, ClaimLine, ClaimStatus, Holiday, HolidayYear
from huzhu.contracts.models import ContractLine, ContractStatus
from huzhu.core.product import current_plan
from huzhu.rules.adjudication import (
    ClaimFact,
    ContractFact,
    CoverEnd,
    Decision,
    HistoryLine,
    decide_benefit,
    ended_cover,
    make_claim,
)
from huzhu.rules.casefile import decision_json
from huzhu.rules.product import BenefitType
from huzhu.rules.workdays import HolidayTable

# claims whose lines are the member's history: approved (paid or not, archived or not) and
# rejected ones (their lines are at 0; a critical illness in a waiting period ends cover, P-7)
DECIDED = [ClaimStatus.APPROVED, ClaimStatus.PAID, ClaimStatus.ARCHIVED, ClaimStatus.REJECTED]


def claim_fact(claim: Claim) -> ClaimFact:
    return make_claim(
        BenefitType(claim.kind),
        claim.event_date,
        timezone.localdate(claim.submitted_at),  # P-11 counts days in China, not in UTC
        known_date=claim.known_date,
        first_diagnosed=claim.first_diagnosed,
        disease=claim.disease or None,
        disability_grade=claim.disability_grade,
        accident_id=claim.accident_id or None,
    )


def contract_facts(claim: Claim) -> list[ContractFact]:
    """Every active (or since expired) contract of the member, with his shares in it."""
    lines = ContractLine.objects.filter(
        member=claim.member, contract__status__in=[ContractStatus.ACTIVE, ContractStatus.EXPIRED]
    ).select_related("contract")
    return [
        ContractFact(x.contract.contract_no or "", x.shares, x.contract.effective, x.contract.end)
        for x in lines
        if x.contract.effective and x.contract.end
    ]


def history(claim: Claim) -> list[HistoryLine]:
    """The member's earlier decided claim lines, paying or not (appendix A `history`)."""
    return member_history(claim.member_id, exclude=claim.pk)


def member_history(
    member_id: int, *, exclude: int | None = None, kind: BenefitType | None = None
) -> list[HistoryLine]:
    """The member's decided claim lines (all, or of one `kind`), but those of claim `exclude`."""
    lines = ClaimLine.objects.filter(claim__member_id=member_id, claim__status__in=DECIDED)
    if exclude is not None:
        lines = lines.exclude(claim_id=exclude)
    if kind is not None:
        lines = lines.filter(claim__kind=kind)
    return [
        HistoryLine(
            contract_no=x.contract.contract_no or "",
            kind=BenefitType(x.claim.kind),
            event_date=x.claim.event_date,
            amount=x.amount,
            accident_id=x.claim.accident_id
            or (x.claim.event_date.isoformat() if BenefitType(x.claim.kind).is_accident else None),
            disease=x.claim.disease or None,
            reason=x.reason or None,
        )
        for x in lines.select_related("claim", "contract")
    ]


def cover_ended(member_id: int) -> dict[str, tuple[CoverEnd, date]]:
    """P-7 per contract number of the member: what his critical illnesses ended, and when."""
    return ended_cover(member_history(member_id, kind=BenefitType.CRITICAL_ILLNESS))


def decide(claim: Claim) -> tuple[Decision, dict[str, Any]]:
    plan = current_plan()  # the association's settings of P-5 and P-6
    decision = decide_benefit(contract_facts(claim), history(claim), claim_fact(claim), plan)
    return decision, decision_json(decision)


# before registration: where 不符合条件的，及时退回 (C-4) is decided, and the unit gathers papers
PRECHECKED = (ClaimStatus.SUBMITTED, ClaimStatus.RETURNED)


def unpayable(claim: Claim) -> dict[str, Any] | None:
    """Before registration, the engine's decision (appendix A JSON) when it would pay nothing
    for the claim as filed; None once registered, or when it would pay."""
    if claim.status not in PRECHECKED:
        return None
    decision, data = decide(claim)
    return None if decision.payable else data


_CACHE: dict[str, tuple[float, HolidayTable]] = {}
CACHE_SECONDS = 60.0


def holiday_table(*, fresh: bool = False) -> HolidayTable:
    """The editable calendar, kept for a minute per process (it changes a few times a year);
    changes made through huzhu clear it at once in the process that makes them. `fresh` reads
    it now: an approval fixes a due date, which a correction made a moment ago in another
    process must reach (the correction recomputes only the claims approved before it)."""
    cached = _CACHE.get("table")
    if not fresh and cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    days = dict(Holiday.objects.values_list("day", "working"))
    years = frozenset(HolidayYear.objects.values_list("year", flat=True))
    table = HolidayTable(days=MappingProxyType(days), years=years)
    _CACHE["table"] = (time.monotonic(), table)
    return table


def forget_holidays() -> None:
    _CACHE.clear()
