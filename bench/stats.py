"""Benchmark: the statistics page's queries (issue 7). Seeds a fresh test database on the
configured engine (PostgreSQL in the measurement) with 350,000 members in 3,500 units under the
23 coordinating unions, ten yearly contracts per unit (3,500,000 coverage rows), about 1,500 paid
claims a year with their payments, and a free-share programme; then computes the page's figures
(`huzhu.stats.figures.compute`, exactly what the page uses) for one year, for the whole city and
for one coordinating union; the page's since-inception section (loaded after the page, cached
until the next audited change) cold and cached; and everything at once as the xlsx export does.
Prints one JSON line with seconds (best of 3).

    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhu \\
        .venv/bin/python -m bench.stats [--members 350000]

Target (issue 7): under 1 s per page.
"""

import argparse
import json
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.lookup import PER_UNIT, units_and_members  # noqa: E402
from huzhu.accounts.models import Role, User  # noqa: E402
from huzhu.claims.models import Claim, ClaimStatus  # noqa: E402
from huzhu.contracts.models import Contract, ContractLine, ContractStatus  # noqa: E402
from huzhu.core.bulk import gc_paused, insert_rows  # noqa: E402
from huzhu.demo.loader import COORDINATING, ROOT  # noqa: E402
from huzhu.organizations.models import Union, Unit  # noqa: E402
from huzhu.payments.models import Payment, PaymentBatch, PaymentStatus  # noqa: E402
from huzhu.quota.models import Programme, QuotaPeriod  # noqa: E402
from huzhu.stats import figures  # noqa: E402
from huzhu.stats.figures import compute  # noqa: E402

FIRST, LAST = 2016, 2025
YEAR = 2025
KINDS = [
    ("critical_illness", "CI01", Decimal("5000")),
    ("critical_illness", "CI12", Decimal("3000")),
    ("accident_hospitalization", "", Decimal("1600")),
    ("death_illness", "", Decimal("3000")),
    ("death_accident", "", Decimal("3000")),
    ("disability_accident", "", Decimal("900")),
]


def seed(members: int) -> Union:
    rng = random.Random(9)
    root = Union.objects.create(code=ROOT[0], name=ROOT[1], kind=ROOT[2], path=f"/{ROOT[0]}/")
    unions = [
        Union.objects.create(
            code=code, name=name, kind=kind, parent=root, path=f"{root.path}{code}/"
        )
        for code, name, kind, _ in COORDINATING
    ]
    units, member_ids = units_and_members(rng, members, unions)
    contracts = [
        Contract(
            unit=unit,
            contract_no=f"B01{year % 100:02d}{unit.pk:06d}",
            funding_source="union_funds",
            status=ContractStatus.ACTIVE,
            effective=date(year, 1 + unit.pk % 12, 1),
            end=date(year + 1, 1 + unit.pk % 12, 1),
            total_shares=PER_UNIT * 2,
            fee=Decimal(40 * PER_UNIT),
        )
        for unit in units
        for year in range(FIRST, LAST + 1)
    ]
    Contract.objects.bulk_create(contracts, batch_size=5000)
    years = LAST - FIRST + 1
    insert_rows(
        ContractLine,
        ["contract", "member", "shares"],
        (
            (contract.pk, member_ids[index * PER_UNIT + k], 2)
            for index in range(len(units))
            for contract in contracts[index * years : (index + 1) * years]
            for k in range(PER_UNIT)
        ),
    )
    _claims(rng, units, member_ids)
    programme = Programme.objects.create(year=YEAR, budget=Decimal("7000000"))
    for no in range(1, 5):
        QuotaPeriod.objects.create(
            programme=programme,
            no=no,
            quota=80_000,
            opens=date(YEAR, 3 * no - 1, 1),
            closes=date(YEAR, 3 * no - 1, 20),
            renewal_end_from=date(YEAR, 1, 1),
            renewal_end_to=date(YEAR, 12, 31),
        )
    return unions[0]


def _claims(rng: random.Random, units: list[Unit], member_ids: list[int]) -> None:
    claims, payments = [], []
    cashier = User.objects.create(username="bench_cashier", role=Role.STAFF, duty_cashier=True)
    batches = {
        (y, m): PaymentBatch.objects.create(count=0, created_by=cashier)
        for y in range(FIRST, LAST + 1)
        for m in range(1, 13)
    }
    for year in range(FIRST, LAST + 1):
        for n in range(1500):
            index = rng.randrange(len(member_ids))
            kind, disease, amount = KINDS[n % len(KINDS)]
            event = date(year, rng.randint(1, 11), rng.randint(1, 28))
            approved = event + timedelta(days=20)
            claims.append(
                Claim(
                    number=f"J{year}{n:06d}",
                    member_id=member_ids[index],
                    unit=units[index // PER_UNIT],
                    kind=kind,
                    disease=disease,
                    event_date=event,
                    known_date=event,
                    status=ClaimStatus.PAID,
                    decision={"amount": str(amount * 2), "lines": []},
                    proposed_amount=amount * 2,
                    amount=amount * 2,
                    approved_on=approved,
                    due_date=approved + timedelta(days=14),
                )
            )
    Claim.objects.bulk_create(claims, batch_size=5000)
    for claim in claims:
        approved = claim.approved_on or date(FIRST, 1, 1)
        paid_on = approved + timedelta(days=rng.choice((5, 7, 9, 25)))
        payments.append(
            Payment(
                claim=claim,
                batch=batches[(approved.year, approved.month)]
                if (approved.year, approved.month) in batches
                else batches[(LAST, 12)],
                payee_name="职工",
                card="6222020000000000000",
                amount=claim.amount or Decimal(0),
                status=PaymentStatus.PAID,
                bank_ref=f"ICBC{claim.number}",
                paid_on=paid_on,
            )
        )
    Payment.objects.bulk_create(payments, batch_size=5000)


def best_of(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=350_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        with gc_paused(), transaction.atomic():
            district = seed(args.members)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seed_seconds = time.perf_counter() - started
        city = best_of(3, lambda: compute(YEAR, None, history=False))
        union = best_of(3, lambda: compute(YEAR, district, history=False))
        full = best_of(3, lambda: compute(YEAR, None))  # what the xlsx export computes
        history_cold = best_of(3, lambda: figures._history(None))
        figures.history_of(None)
        history_warm = best_of(3, lambda: figures.history_of(None))
        lines = ContractLine.objects.count()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        json.dumps(
            {
                "benchmark": "stats",
                "database": connection.vendor,
                "members": args.members,
                "coverage_rows": lines,
                "years": LAST - FIRST + 1,
                "seed_seconds": round(seed_seconds, 1),
                "city_year_page_seconds": round(city, 3),
                "union_year_page_seconds": round(union, 3),
                "history_section_cold_seconds": round(history_cold, 3),
                "history_section_cached_seconds": round(history_warm, 4),
                "city_year_with_history_seconds": round(full, 3),
                "target_seconds": 1.0,
            }
        )
    )


if __name__ == "__main__":
    main()
