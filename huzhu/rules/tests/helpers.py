"""Compact builders for adjudication tests."""

from datetime import date
from decimal import Decimal

from huzhu.rules.adjudication import ContractFact, Decision, HistoryLine, decide_benefit, make_claim
from huzhu.rules.dates import contract_end
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, BenefitType


def d(text: str) -> date:
    return date.fromisoformat(text)


def contract(number: str, shares: int, effective: str, end: str | None = None) -> ContractFact:
    start = d(effective)
    return ContractFact(number, shares, start, d(end) if end else contract_end(start))


def past(number, kind, event, amount, *, accident=None, disease=None, reason=None) -> HistoryLine:
    return HistoryLine(
        number, BenefitType(kind), d(event), Decimal(amount), accident, disease, reason
    )


def decide(
    contracts,
    kind,
    event,
    *,
    submitted=None,
    history=(),
    plan=CRITICAL_ILLNESS_PLAN,
    **facts,
) -> Decision:
    for key in ("known_date", "first_diagnosed"):
        if isinstance(facts.get(key), str):
            facts[key] = d(facts[key])
    claim = make_claim(BenefitType(kind), d(event), d(submitted or event), **facts)
    return decide_benefit(contracts, list(history), claim, plan)


def lines(decision: Decision) -> list[tuple[str, int, str]]:
    return [(x.contract_no, x.shares, str(x.amount)) for x in decision.lines]


def denials(decision: Decision) -> list[tuple[str | None, int, str]]:
    return [(x.contract_no, x.shares, x.reason.value) for x in decision.denials]
