"""The engine against a second, plain reading of SPEC appendix A: `reference` below re-implements
the order of tests straight from the rulebook's words (no share groups, no shared helpers) and
works on the JSON case files themselves, so `huzhu adjudicate` (reading, deciding, writing) is
compared as a whole on generated cases: renewal chains with and without gaps, free shares, the
3-share cap, history of every kind, time bars and the renewal setting off. What must match is
what cases/README.md names: payable, amount, each contract's paid shares and amount, each
contract's denied shares per reason, ends_coverage."""

import json
import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from huzhu.rules.casefile import adjudicate_text

CASES = 2000
TYPES = (
    "critical_illness",
    "accident_hospitalization",
    "death_illness",
    "death_accident",
    "disability_accident",
)
ILLNESS = ("critical_illness", "death_illness")
DEATH_AND_DISABILITY = ("death_illness", "death_accident", "disability_accident")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def per_share(claim: dict[str, Any]) -> Decimal:
    """P-4."""
    kind = claim["type"]
    if kind == "critical_illness":
        return Decimal(5000 if int(claim["disease"][2:]) <= 3 else 3000)
    if kind == "disability_accident":
        return Decimal(3000) * (110 - 10 * int(claim["disability_grade"])) / 100
    return Decimal(1600 if kind == "accident_hospitalization" else 3000)


class Held(NamedTuple):
    no: str
    shares: int
    E: date  # the rulebook's name of the effective date
    end: date


def reference(case: dict[str, Any]) -> dict[str, Any]:
    claim = case["claim"]
    kind, day = claim["type"], date.fromisoformat(claim["event_date"])
    known = date.fromisoformat(claim.get("known_date") or claim["event_date"])
    diagnosed = date.fromisoformat(claim.get("first_diagnosed") or claim["event_date"])
    accident = claim.get("accident_id") or claim["event_date"]
    waives = case.get("settings", {}).get("renewal_waives_waiting", True)
    contracts = []
    for c in case["contracts"]:
        start = date.fromisoformat(c["effective"])
        end = date.fromisoformat(c["end"]) if c.get("end") else add_years(start, 1)  # P-3
        contracts.append(Held(c["contract_no"], c["shares"], start, end))
    if date.fromisoformat(claim["submitted_date"]) > add_years(known, 2):  # P-11
        return {
            "payable": False,
            "amount": Decimal(0),
            "lines": {},
            "denials": {(None, "time_barred"): 0},
            "ends": set(),
        }

    def chain_start(contract: Held) -> date:  # P-6: the earliest E of the chain
        before = [c for c in contracts if c.end == contract.E]
        return min([contract.E, *(chain_start(c) for c in before)])

    def same_event(line: dict[str, Any]) -> bool:  # C-6, P-10
        if line["type"] != kind or Decimal(line["amount"]) <= 0:
            return False
        if kind == "critical_illness":
            return bool(
                line["event_date"] == claim["event_date"] and line["disease"] == claim["disease"]
            )
        if kind == "death_illness":
            return bool(line["event_date"] == claim["event_date"])
        return bool((line.get("accident_id") or line["event_date"]) == accident)

    paid: dict[str, tuple[int, Decimal]] = {}
    denied: Counter[tuple[str | None, str]] = Counter()
    ends: set[str] = set()
    counted = 0
    for c in sorted(contracts, key=lambda c: (c.E, c.no)):
        if not c.E < day <= c.end:  # P-3
            denied[c.no, "not_in_force"] += c.shares
            continue
        history = [h for h in case.get("history", []) if h["contract_no"] == c.no]
        if any(same_event(h) for h in history):
            denied[c.no, "duplicate_event"] += c.shares
            continue
        illness_paid = any(
            h["type"] == "critical_illness" and Decimal(h["amount"]) > 0 for h in history
        )
        ended_in_waiting = kind == "critical_illness" and any(
            h["type"] == "critical_illness"
            and Decimal(h["amount"]) == 0
            and h.get("reason") == "waiting_period"
            for h in history
        )
        if illness_paid or ended_in_waiting:  # P-7
            denied[c.no, "coverage_ended"] += c.shares
            continue
        kept = min(c.shares, max(0, 3 - counted))  # P-2
        counted += kept
        if kept < c.shares:
            denied[c.no, "share_cap"] += c.shares - kept
        continued = 0
        if waives:  # P-6
            continued = min(kept, sum(p.shares for p in contracts if p.end == c.E))
        payable, ends_here = 0, False
        for shares, start in ((continued, chain_start(c)), (kept - continued, c.E)):
            if shares == 0:
                continue
            if kind in ILLNESS and diagnosed <= start:  # P-8
                denied[c.no, "pre_existing"] += shares
            elif not start + timedelta(days=30 if kind in ILLNESS else 0) < day:  # P-5
                denied[c.no, "waiting_period"] += shares
                ends_here = ends_here or kind == "critical_illness"  # P-7
            else:
                payable += shares
        amount = per_share(claim) * payable
        if payable and kind in DEATH_AND_DISABILITY:  # P-9: one cap of 3000 a share
            before = sum(Decimal(h["amount"]) for h in history if h["type"] in DEATH_AND_DISABILITY)
            room = Decimal(3000) * payable - before
            if room <= 0:
                denied[c.no, "cap_reached"] += payable
                payable = 0
            amount = min(amount, room)
        if payable:
            paid[c.no] = (payable, amount.quantize(Decimal("0.01")))
            ends_here = ends_here or kind == "critical_illness"
        if ends_here:
            ends.add(c.no)
    return {
        "payable": bool(paid),
        "amount": sum((a for _, a in paid.values()), Decimal(0)),
        "lines": paid,
        "denials": dict(denied),
        "ends": ends,
    }


def engine(case: dict[str, Any]) -> dict[str, Any]:
    """The command's answer, lines and denials summed per contract (and reason)."""
    answer = adjudicate_text(json.dumps(case))
    paid: dict[str, tuple[int, Decimal]] = {}
    for line in answer["lines"]:
        shares, amount = paid.get(line["contract_no"], (0, Decimal(0)))
        paid[line["contract_no"]] = (shares + line["shares"], amount + Decimal(line["amount"]))
    denied: Counter[tuple[str | None, str]] = Counter()
    for denial in answer["denials"]:
        denied[denial["contract_no"], denial["reason"]] += denial["shares"]
    return {
        "payable": answer["payable"],
        "amount": Decimal(answer["amount"]),
        "lines": paid,
        "denials": dict(denied),
        "ends": set(answer["ends_coverage"]),
    }


def generated(rng: random.Random) -> dict[str, Any]:
    """A member's contracts (a renewal chain, sometimes with a gap, and free shares, at random
    dates or continuing into the chain), a claim around them, and earlier claim lines, some of the same event."""
    start = date(2020, 1, 1) + timedelta(days=rng.randrange(900))
    contracts, effective = [], start
    for index in range(rng.randint(1, 3)):
        contracts.append(
            {
                "contract_no": f"B0120{index:04d}",
                "shares": rng.randint(1, 3),
                "effective": str(effective),
            }
        )
        effective = add_years(effective, 1)
        if rng.random() < 0.2:
            effective += timedelta(days=rng.randint(1, 40))
    chain = [date.fromisoformat(c["effective"]) for c in contracts]
    for index in range(rng.randint(0, 2)):
        effective = start + timedelta(days=rng.randrange(-200, 900))
        if rng.random() < 0.4:  # a free share ending the day a chain contract starts
            effective = add_years(rng.choice(chain), -1)
        contracts.append(
            {"contract_no": f"PB20{index:04d}", "shares": 1, "effective": str(effective)}
        )
    kind = rng.choice(TYPES)
    day = start + timedelta(days=rng.randrange(-10, 1200))
    if rng.random() < 0.3:  # shortly after a contract's start: waiting periods
        day = date.fromisoformat(rng.choice(contracts)["effective"]) + timedelta(rng.randrange(45))
    later = rng.choice([1, 30, 300, 730, 731, 800])
    claim: dict[str, Any] = {
        "type": kind,
        "event_date": str(day),
        "submitted_date": str(day + timedelta(days=later)),
    }
    if kind == "critical_illness":
        claim["disease"] = f"CI{rng.randint(1, 34):02d}"
    if kind == "disability_accident":
        claim["disability_grade"] = rng.randint(1, 10)
    if kind in ILLNESS and rng.random() < 0.5:
        claim["first_diagnosed"] = str(day - timedelta(days=rng.randrange(800)))
    if kind not in ILLNESS and rng.random() < 0.3:
        claim["accident_id"] = rng.choice(["A1", "A2"])
    history = []
    for _ in range(rng.choice([0, 0, 1, 2])):
        contract, past = rng.choice(contracts), rng.choice(TYPES)
        line: dict[str, Any] = {
            "contract_no": contract["contract_no"],
            "type": past,
            "event_date": str(
                date.fromisoformat(contract["effective"]) + timedelta(days=rng.randrange(1, 365))
            ),
            "accident_id": None if past in ILLNESS else rng.choice([None, "A1", "A2"]),
            "disease": f"CI{rng.randint(1, 34):02d}" if past == "critical_illness" else None,
            "amount": rng.choice(["0.00", "900.00", "2400.00", "3000.00", "5000.00"]),
        }
        if line["amount"] == "0.00":
            line["reason"] = rng.choice(["waiting_period", "pre_existing", "not_in_force"])
        if past == kind and rng.random() < 0.3:  # the same event again
            line |= {k: claim.get(k) for k in ("event_date", "disease", "accident_id")}
        history.append(line)
    case: dict[str, Any] = {"contracts": contracts, "history": history, "claim": claim}
    if rng.random() < 0.2:
        case["settings"] = {"renewal_waives_waiting": False}
    return case


def test_engine_agrees_with_the_plain_reading_of_appendix_a():
    rng = random.Random(20261129)
    outcomes: Counter[str] = Counter()
    for _ in range(CASES):
        case = generated(rng)
        expected = reference(case)
        assert engine(case) == expected, json.dumps(case, ensure_ascii=False)
        outcomes.update(reason for _, reason in expected["denials"])
        outcomes["paid"] += expected["payable"]
    # the generated cases reach every outcome, so the comparison means something
    assert set(outcomes) == {
        "paid",
        "time_barred",
        "not_in_force",
        "duplicate_event",
        "coverage_ended",
        "share_cap",
        "pre_existing",
        "waiting_period",
        "cap_reached",
    }
    assert min(outcomes.values()) >= 10, outcomes
