"""Invariants that hold for every input (hypothesis)."""

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from huzhu.rules.adjudication import ContractFact, HistoryLine, decide_benefit, make_claim
from huzhu.rules.dates import contract_end
from huzhu.rules.product import CRITICAL_ILLNESS_PLAN, DISEASES, BenefitType
from huzhu.rules.quota import CHINA, Application, Period, allocate

BASE = date(2022, 1, 1)
days = st.integers(min_value=0, max_value=1100)


@st.composite
def member_cases(draw):
    count = draw(st.integers(min_value=1, max_value=4))
    contracts: list[ContractFact] = []
    for index in range(count):
        effective = BASE + timedelta(days=draw(days))
        if index and draw(st.booleans()):  # a renewal ending-on-effective chain
            effective = contracts[-1].end
        contracts.append(
            ContractFact(f"B{index}", draw(st.integers(1, 3)), effective, contract_end(effective))
        )
    kind = draw(st.sampled_from(list(BenefitType)))
    event = BASE + timedelta(days=draw(days) + 1)
    history = [
        HistoryLine(
            draw(st.sampled_from([c.contract_no for c in contracts])),
            draw(st.sampled_from(list(BenefitType))),
            BASE + timedelta(days=draw(days)),
            Decimal(draw(st.sampled_from(["0", "300.00", "1200.00", "1600.00", "2400.00"]))),
            reason=draw(st.sampled_from([None, "waiting_period"])),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    claim = make_claim(
        kind,
        event,
        event + timedelta(days=draw(st.integers(0, 60))),
        first_diagnosed=event - timedelta(days=draw(st.integers(0, 800))),
        disease=draw(st.sampled_from(sorted(DISEASES))),
        disability_grade=draw(st.integers(1, 10)),
    )
    return contracts, history, claim


@settings(max_examples=400, deadline=None)
@given(member_cases())
def test_never_more_than_three_shares_and_every_contract_answered(case):
    contracts, history, claim = case
    decision = decide_benefit(contracts, history, claim)
    assert sum(line.shares for line in decision.lines) <= 3
    assert decision.amount == sum((line.amount for line in decision.lines), Decimal("0"))
    assert decision.amount.as_tuple().exponent == -2
    assert all(line.amount > 0 for line in decision.lines)
    answered = {x.contract_no for x in decision.lines} | {x.contract_no for x in decision.denials}
    if not any(x.reason == "time_barred" for x in decision.denials):
        assert answered == {c.contract_no for c in contracts}
        for c in contracts:  # each contract's shares are fully accounted for
            paid = sum(x.shares for x in decision.lines if x.contract_no == c.contract_no)
            denied = sum(x.shares for x in decision.denials if x.contract_no == c.contract_no)
            assert paid + denied == c.shares


@settings(max_examples=400, deadline=None)
@given(member_cases())
def test_death_and_disability_never_exceed_3000_per_share_per_contract(case):
    contracts, history, claim = case
    decision = decide_benefit(contracts, history, claim)
    if not claim.kind.under_death_disability_cap:
        return
    for line in decision.lines:
        before = sum(
            (
                h.amount
                for h in history
                if h.contract_no == line.contract_no and h.kind.under_death_disability_cap
            ),
            Decimal("0"),
        )
        assert line.amount <= Decimal(3000) * line.shares - before


@settings(max_examples=400, deadline=None)
@given(member_cases())
def test_nothing_is_paid_inside_a_waiting_period(case):
    contracts, history, claim = case
    plan = replace(CRITICAL_ILLNESS_PLAN, renewal_waives_waiting=False)
    decision = decide_benefit(contracts, history, claim, plan)
    waiting = timedelta(days=plan.waiting_days[claim.kind])
    by_number = {c.contract_no: c for c in contracts}
    for line in decision.lines:
        assert by_number[line.contract_no].effective + waiting < claim.event_date


# ---- the allocator ----

PERIODS = [
    Period(1, 20, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31)),
    Period(2, 10, date(2025, 5, 30), date(2025, 6, 20), date(2025, 1, 1), date(2025, 6, 30)),
    Period(3, 15, date(2025, 8, 29), date(2025, 9, 19), date(2025, 4, 1), date(2025, 9, 30)),
]
WINDOW_STARTS = [
    datetime(2025, 2, 28, 9, tzinfo=CHINA),
    datetime(2025, 5, 30, 9, tzinfo=CHINA),
    datetime(2025, 8, 29, 9, tzinfo=CHINA),
]


@st.composite
def years(draw):
    count = draw(st.integers(0, 40))
    offsets = draw(
        st.lists(st.integers(0, 30 * 24 * 3600), min_size=count, max_size=count, unique=True)
    )
    apps = []
    for index, offset in enumerate(offsets):
        start = draw(st.sampled_from(WINDOW_STARTS))
        renewal = draw(st.booleans())
        apps.append(
            Application(
                f"a{index}",
                f"U{draw(st.integers(0, 25))}",
                "renewal" if renewal else "new",
                date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 270))) if renewal else None,
                draw(st.integers(1, 12)),
                start + timedelta(seconds=offset),
            )
        )
    return apps


@settings(max_examples=300, deadline=None)
@given(years())
def test_allocator_never_grants_more_than_the_rules_allow(apps):
    result = allocate(PERIODS, apps)
    receipt = {a.id: a.submitted_at for a in apps}
    for ledger in result.ledgers:
        granted_here = sorted(
            (a for a in result.allocations if a.period == ledger.no and a.granted),
            key=lambda a: receipt[a.id],
        )
        assert ledger.granted == sum(a.granted for a in granted_here)
        if ledger.no == PERIODS[-1].no:
            assert ledger.granted <= max(ledger.effective_quota, 0)
        elif ledger.granted > max(ledger.effective_quota, 0):
            # at most one application took the channel beyond its quota
            assert ledger.granted - granted_here[-1].granted < max(ledger.effective_quota, 0)
    units = [next(x.unit for x in apps if x.id == a.id) for a in result.allocations if a.granted]
    assert len(units) == len(set(units))  # once per programme year


@settings(max_examples=200, deadline=None)
@given(years(), st.randoms(use_true_random=False))
def test_allocator_does_not_depend_on_input_order(apps, rng: random.Random):
    shuffled = list(apps)
    rng.shuffle(shuffled)
    first = {a.id: a for a in allocate(PERIODS, apps).allocations}
    second = {a.id: a for a in allocate(PERIODS, shuffled).allocations}
    assert first == second
