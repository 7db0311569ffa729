"""Benchmark: the self-service look-up under load (issue 7). Seeds a fresh test database on the
configured engine (PostgreSQL in the measurement) with 1,000,000 members and 3,000,000 coverage
rows (10,000 units, three yearly contracts each; COPY with ids reserved, encrypted numbers and
keyed hashes as the importer writes them), starts the app with gunicorn on loopback, and has 100
concurrent clients look up random people (one in ten with a wrong name) through the union app's
API. In the same run the floor is the same server's trivial endpoint (GET /api/v1/health, one
round trip to the database). Prints one JSON line: seeding seconds, requests per second, p50/p99,
floor, ratio.

    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhu \\
        .venv/bin/python -m bench.lookup [--members 1000000] [--requests 5000] [--clients 100]

Target (issue 7): p99 under 50 ms and ratio at least 0.5.
"""

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.server import Job, burst, p99, paced, start  # noqa: E402
from huzhu.accounts.actions import issue_token  # noqa: E402
from huzhu.accounts.models import ApiToken, Role, User  # noqa: E402
from huzhu.contracts.models import Contract, ContractLine, ContractStatus  # noqa: E402
from huzhu.core import clock, crypto  # noqa: E402
from huzhu.core.bulk import gc_paused, insert_rows, reserve_pks  # noqa: E402
from huzhu.demo.loader import credit_code  # noqa: E402
from huzhu.members.actions import CONSENT_METHOD, NEW_MEMBER_FIELDS  # noqa: E402
from huzhu.members.models import NOTICE_VERSION, Member, card_hash, id_hash  # noqa: E402
from huzhu.organizations.models import Union, UnionKind, Unit  # noqa: E402
from huzhu.rules.identity import id_check_char, luhn_ok  # noqa: E402

PORT = 8766
PER_UNIT = 100
YEARS = (2024, 2025, 2026)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def person(i: int) -> tuple[str, str, str]:
    """(name, ID number, card number) of member i: unique and valid."""
    born = date(1970, 1, 1) + timedelta(days=i // 1000)
    stem = f"370102{born:%Y%m%d}{i % 1000:03d}"
    card = f"622202{i:012d}"
    card += next(str(c) for c in range(10) if luhn_ok(card + str(c)))
    return f"{SURNAMES[i % len(SURNAMES)]}职工{i}", stem + id_check_char(stem), card


def credit_codes(rng: random.Random, count: int) -> list[str]:
    """`count` distinct valid credit codes (random ones collide at this scale)."""
    codes: dict[str, None] = {}
    while len(codes) < count:
        codes[credit_code(rng, "370102")] = None
    return list(codes)


def member_rows(ids: list[int]) -> Iterator[tuple[object, ...]]:
    """Member i's row as the importer writes it (encrypted numbers, keyed hashes), id ids[i]."""
    now, today = clock.now(), clock.today()
    for i, pk in enumerate(ids):
        name, number, card = person(i)
        yield (
            pk,
            f"M{i:011d}",
            name,
            crypto.encrypt(number),
            id_hash(number),
            date(1970, 1, 1) + timedelta(days=i // 1000),
            "M" if int(number[16]) % 2 else "F",
            f"139{i % 10**8:08d}",
            crypto.encrypt(card),
            card_hash(card),
            "in_service",
            "[]",
            NOTICE_VERSION,
            today,
            CONSENT_METHOD,
            now,
            now,
        )


def units_and_members(
    rng: random.Random, members: int, unions: list[Union]
) -> tuple[list[Unit], list[int]]:
    """`members` people in units of PER_UNIT, the units spread over `unions` in turn: (units,
    member ids). Shared with bench/stats.py."""
    codes = credit_codes(rng, members // PER_UNIT)
    units = Unit.objects.bulk_create(
        [
            Unit(
                name=f"基准单位{u}",
                credit_code=codes[u],
                union=unions[u % len(unions)],
                member_count=PER_UNIT,
                contact_name="张伟",
                contact_phone="13905310000",
            )
            for u in range(members // PER_UNIT)
        ],
        batch_size=5000,
    )
    member_ids = reserve_pks(Member, members) or []
    insert_rows(Member, ["pk", *NEW_MEMBER_FIELDS], member_rows(member_ids))
    return units, member_ids


def seed(members: int) -> None:
    rng = random.Random(7)
    union = Union.objects.create(
        code="bench", name="基准工会", kind=UnionKind.DISTRICT, path="/bench/"
    )
    units, member_ids = units_and_members(rng, members, [union])
    contracts = []
    for unit in units:
        for year in YEARS:
            effective = date(year, 3, 1)
            contracts.append(
                Contract(
                    unit=unit,
                    contract_no=f"B01{year % 100:02d}{unit.pk:06d}",
                    funding_source="union_funds",
                    status=ContractStatus.ACTIVE,
                    effective=effective,
                    end=date(year + 1, 3, 1),
                    total_shares=PER_UNIT,
                    fee=Decimal(20 * PER_UNIT),
                )
            )
    Contract.objects.bulk_create(contracts, batch_size=5000)
    lines = (
        (contract.pk, member_ids[index * PER_UNIT + k], 1)
        for index, unit in enumerate(units)
        for contract in contracts[index * len(YEARS) : (index + 1) * len(YEARS)]
        for k in range(PER_UNIT)
    )
    insert_rows(ContractLine, ["contract", "member", "shares"], lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--paced",
        type=float,
        default=100.0,
        help="also offer look-ups at this total rate (per second) and report p99 at that load",
    )
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        started = time.perf_counter()
        with gc_paused(), transaction.atomic():
            seed(args.members)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seed_seconds = time.perf_counter() - started
        admin = User.objects.create(username="bench_app", role=Role.ADMIN)
        token = issue_token(admin, actor=None, kind=ApiToken.Kind.APP)
        # one app token serves every client: its own limit must not be what is measured
        server = start(PORT, args.workers, args.threads, HUZHU_LOOKUP_LIMIT_APP="1000000000/60")
        rng = random.Random(8)
        jobs: list[Job] = []
        for _ in range(args.requests):
            name, number, _ = person(rng.randrange(args.members))
            if rng.random() < 0.1:
                name = "无此人"
            jobs.append(("POST", "/api/v1/lookup", token, {"id_number": number, "name": name}))
        health: Job = ("GET", "/api/v1/health", "", None)
        burst(PORT, args.clients, [health] * 500)  # warm-up
        floor_seconds, floor_latencies = burst(PORT, args.clients, [health] * args.requests)
        seconds, latencies = burst(PORT, args.clients, jobs)
        at_rate = paced(PORT, args.clients, jobs[: int(args.paced * 20)], args.paced)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
    rate, floor_rate = args.requests / seconds, args.requests / floor_seconds
    print(
        json.dumps(
            {
                "benchmark": "lookup",
                "database": connection.vendor,
                "members": args.members,
                "coverage_rows": args.members * len(YEARS),
                "seed_seconds": round(seed_seconds, 1),
                "requests": args.requests,
                "clients": args.clients,
                "server": f"{args.workers} workers x {args.threads} threads",
                "requests_per_second": round(rate, 1),
                "p50_ms": round(statistics.median(latencies) * 1000, 1),
                "p99_ms": round(p99(latencies) * 1000, 1),
                "floor_requests_per_second": round(floor_rate, 1),
                "floor_p99_ms": round(p99(floor_latencies) * 1000, 1),
                "ratio": round(rate / floor_rate, 2),
                "paced_requests_per_second": args.paced,
                "paced_p50_ms": round(statistics.median(at_rate) * 1000, 1),
                "paced_p99_ms": round(p99(at_rate) * 1000, 1),
                "target_p99_ms": 50,
                "target_ratio": 0.5,
            }
        )
    )


if __name__ == "__main__":
    main()
