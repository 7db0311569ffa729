"""The commands against a second, plain reading of SPEC appendices A and B, written straight
from the rulebook's words (no share groups, no ledgers, no shared helpers) and working on the
JSON files themselves, so each command (reading, deciding, writing) is compared as a whole on
generated cases. Appendix A: renewal chains with and without gaps, free shares, the 3-share cap,
history of every kind, time bars and the renewal setting off; what must match is what
cases/README.md names (payable, amount, each contract's paid shares and amount, its denied shares
per reason, ends_coverage). Appendix B: see `generated_year`."""

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, NamedTuple

import chinese_calendar

from huzhu.rules.casefile import adjudicate_text
from huzhu.rules.quotafile import simulate_text

CASES = 2000
YEARS = 1000
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
    dates or continuing into the chain), a claim around them, and earlier claim lines, some of
    the same event."""
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


# ---- appendix B: the free-share year ----

CHINA = timezone(timedelta(hours=8))
PERIODS = (  # SPEC Q-2's example year: number, window, renewal end dates
    (1, "2025-02-28", "2025-03-21", "2024-11-01", "2025-03-31"),
    (2, "2025-05-30", "2025-06-20", "2025-01-01", "2025-06-30"),
    (3, "2025-08-29", "2025-09-19", "2025-04-01", "2025-09-30"),
    (4, "2025-11-28", "2025-12-19", "2025-07-01", "2025-12-31"),
)


def quota_reference(case: dict[str, Any]) -> dict[str, Any]:
    """Q-2..Q-6 read plainly: applications by receipt instant (ties in input order), period by
    period; a period opens with the previous one's unused quota, less what it granted in advance
    (nothing, when an earlier advance had already taken its quota below zero)."""
    periods = sorted(case["periods"], key=lambda p: p["no"])
    apps = case["applications"]

    def moment(app: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(app["submitted_at"]).astimezone(CHINA)

    order = sorted(range(len(apps)), key=lambda i: (moment(apps[i]), i))
    answers: dict[int, dict[str, Any]] = {}
    ledgers: list[dict[str, int]] = []
    units: set[str] = set()
    for index, period in enumerate(periods):
        ledger = {"no": period["no"], "base": period["quota"], "rollover_in": 0}
        ledger |= {"advance_deducted": 0, "granted": 0}
        if ledgers:
            before = ledgers[-1]  # what it left unused, what it granted in advance
            had = max(before["effective_quota"], 0)
            ledger["rollover_in"] = max(had - before["granted"], 0)
            ledger["advance_deducted"] = max(before["granted"] - had, 0)
        ledger["effective_quota"] = (
            ledger["base"] + ledger["rollover_in"] - ledger["advance_deducted"]
        )
        opens, closes = (date.fromisoformat(period[k]) for k in ("opens", "closes"))
        first, last = (time.fromisoformat(t) for t in period.get("hours", ["09:00", "17:00"]))
        ends = (date.fromisoformat(period[k]) for k in ("renewal_end_from", "renewal_end_to"))
        since, until = ends
        for i in order:
            app, at = apps[i], moment(apps[i])
            if not opens <= at.date() <= closes:
                continue
            reason = None
            if not chinese_calendar.is_workday(at.date()) or not first <= at.time() < last:
                reason = "outside_hours"
            elif app["kind"] == "renewal" and not (
                since <= date.fromisoformat(app["current_end"]) <= until
            ):
                reason = "not_eligible"
            elif app["unit"] in units:
                reason = "already_granted"
            elif ledger["effective_quota"] - ledger["granted"] <= 0:
                reason = "quota_exhausted"
            if reason:
                answers[i] = {"period": period["no"], "status": "refused", "granted": 0}
                answers[i]["reason"] = reason
                continue
            left = ledger["effective_quota"] - ledger["granted"]
            given = min(app["members"], left) if index == len(periods) - 1 else app["members"]
            status = "granted" if given == app["members"] else "partial"
            ledger["granted"] += given
            units.add(app["unit"])
            answers[i] = {"period": period["no"], "status": status, "granted": given}
            answers[i]["reason"] = None
        ledgers.append(ledger)
    closed = {"period": None, "status": "refused", "granted": 0, "reason": "window_closed"}
    return {
        "applications": [{"id": a["id"]} | answers.get(i, closed) for i, a in enumerate(apps)],
        "periods": ledgers,
        "returned_to_budget": max(ledgers[-1]["effective_quota"] - ledgers[-1]["granted"], 0),
    }


def quota_engine(case: dict[str, Any]) -> dict[str, Any]:
    """The command's answer, with only the fields cases/README.md says must match."""
    answer = simulate_text(json.dumps(case))
    app_keys = ("id", "period", "status", "granted", "reason")
    period_keys = ("no", "base", "rollover_in", "advance_deducted", "effective_quota", "granted")
    return {
        "applications": [{k: a[k] for k in app_keys} for a in answer["applications"]],
        "periods": [{k: p[k] for k in period_keys} for p in answer["periods"]],
        "returned_to_budget": answer["returned_to_budget"],
    }


def generated_year(rng: random.Random) -> dict[str, Any]:
    """Small quotas (so advances, partial grants and exhaustion happen), applications around
    the windows at the edges of the hours, in several time zones, some at the same instant,
    units applying more than once."""
    periods: list[dict[str, Any]] = []
    for no, opens, closes, since, until in PERIODS:
        period: dict[str, Any] = {
            "no": no,
            "quota": rng.choice([0, 5, 20, 50, 100]),
            "opens": opens,
        }
        period |= {"closes": closes, "renewal_end_from": since, "renewal_end_to": until}
        if rng.random() < 0.2:
            period["hours"] = ["08:30", "18:00"]
        periods.append(period)
    zones = [CHINA, UTC, timezone(timedelta(hours=-5))]
    apps: list[dict[str, Any]] = []
    for i in range(rng.randint(1, 30)):
        window = date.fromisoformat(rng.choice(PERIODS)[1])
        day = window + timedelta(days=rng.randrange(-2, 25))
        clock = rng.choice(["08:29:59", "08:30:00", "08:59:59", "09:00:00", "12:00:00"])
        clock = rng.choice([clock, "16:59:59", "17:00:00", "17:59:59"])
        at = datetime.fromisoformat(f"{day}T{clock}+08:00").astimezone(rng.choice(zones))
        submitted = at.isoformat().replace("+00:00", "Z")
        if apps and rng.random() < 0.2:  # the same instant as an earlier one
            submitted = rng.choice(apps)["submitted_at"]
        renewal = rng.random() < 0.5
        end = date(2024, 11, 1) + timedelta(days=rng.randrange(430))
        app: dict[str, Any] = {"id": f"a{i}", "unit": f"U{rng.randint(1, 12)}"}
        app |= {
            "kind": "renewal" if renewal else "new",
            "current_end": str(end) if renewal else None,
        }
        app |= {"members": rng.choice([1, 3, 10, 30, 80]), "submitted_at": submitted}
        apps.append(app)
    return {"periods": periods, "applications": apps}


def test_quota_simulation_agrees_with_the_plain_reading_of_appendix_b():
    rng = random.Random(20251128)
    outcomes: Counter[str] = Counter()
    for _ in range(YEARS):
        case = generated_year(rng)
        expected = quota_reference(case)
        assert quota_engine(case) == expected, json.dumps(case)
        outcomes.update(a["reason"] or a["status"] for a in expected["applications"])
        outcomes["advance"] += any(p["advance_deducted"] for p in expected["periods"])
        outcomes["returned"] += expected["returned_to_budget"] > 0
        outcomes["below_zero"] += any(p["effective_quota"] < 0 for p in expected["periods"])
    assert set(outcomes) == {
        "granted",
        "partial",
        "window_closed",
        "outside_hours",
        "not_eligible",
        "already_granted",
        "quota_exhausted",
        "advance",
        "returned",
        "below_zero",
    }
    assert min(outcomes.values()) >= 10, outcomes
