"""Benchmark: 100,000 generated realistic cases (1-3 contracts, some history) through
decide_benefit on one core. Prints one JSON line with decisions per second, microseconds per
decision, and the floor of the same run (a pass over the same cases that only reads them).

    .venv/bin/python -m bench.adjudication [--cases N] [--seed S]

Target (issue 3): at least 50,000 decisions per second.
"""

import argparse
import gc
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from huzhu.rules.adjudication import (
    ClaimFact,
    ContractFact,
    HistoryLine,
    decide_benefit,
    make_claim,
)
from huzhu.rules.dates import contract_end
from huzhu.rules.product import DISEASES, BenefitType

KINDS = [
    (BenefitType.ACCIDENT_HOSPITALIZATION, 50),
    (BenefitType.CRITICAL_ILLNESS, 30),
    (BenefitType.DEATH_ILLNESS, 8),
    (BenefitType.DEATH_ACCIDENT, 5),
    (BenefitType.DISABILITY_ACCIDENT, 7),
]
Case = tuple[list[ContractFact], list[HistoryLine], ClaimFact]
T = TypeVar("T")


def make_case(rng: random.Random, index: int) -> Case:
    start = date(2021, 1, 1) + timedelta(days=rng.randrange(900))
    contracts: list[ContractFact] = []
    effective = start
    for n in range(rng.choice((1, 1, 2, 2, 3))):
        if n and rng.random() < 0.3:  # a free share beside the paid contract
            free = effective + timedelta(days=rng.randrange(1, 200))
            contracts.append(ContractFact(f"PB{index}{n}", 1, free, contract_end(free)))
        else:
            contracts.append(
                ContractFact(
                    f"B01{index}{n}", rng.choice((1, 1, 2, 3)), effective, contract_end(effective)
                )
            )
            effective = contract_end(effective)  # a continuous renewal
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    event = start + timedelta(days=rng.randrange(1, 800))
    history = []
    if rng.random() < 0.25:
        history.append(
            HistoryLine(
                contracts[0].contract_no,
                BenefitType.DISABILITY_ACCIDENT,
                start + timedelta(days=40),
                Decimal("1200.00"),
            )
        )
    claim = make_claim(
        kind,
        event,
        event + timedelta(days=rng.randrange(5, 900)),
        first_diagnosed=event - timedelta(days=rng.choice((0, 0, 0, 400))),
        disease=rng.choice(list(DISEASES)),
        disability_grade=rng.randrange(1, 11),
    )
    return contracts, history, claim


def _floor(cases: list[Case]) -> int:
    """The floor: read every input once, no decision."""
    touched = 0
    for contracts, history, claim in cases:
        touched += sum(c.shares for c in contracts) + len(history) + claim.event_date.day
    return touched


def _decide_all(cases: list[Case]) -> Decimal:
    paid = Decimal("0")
    for contracts, history, claim in cases:
        paid += decide_benefit(contracts, history, claim).amount
    return paid


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    """The fastest of `repeat` runs, with the garbage collector paused as timeit does."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            result = work()
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    assert result is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = [make_case(rng, i) for i in range(args.cases)]

    floor, touched = best_of(args.repeat, lambda: _floor(cases))
    elapsed, paid = best_of(args.repeat, lambda: _decide_all(cases))

    result = {
        "benchmark": "adjudication",
        "cases": args.cases,
        "seconds": round(elapsed, 3),
        "decisions_per_second": round(args.cases / elapsed),
        "microseconds_per_decision": round(elapsed / args.cases * 1e6, 2),
        "floor_seconds": round(floor, 4),
        "ratio_to_floor": round(elapsed / floor, 1),
        "meets_target": args.cases / elapsed >= 50_000,
        "target_decisions_per_second": 50_000,
        "total_paid": str(paid),
        "checksum": touched,
    }
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
