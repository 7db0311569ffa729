"""Benchmark: the opening minute of a free-share window. Starts the app with gunicorn on the
configured database (PostgreSQL in the measurement), loads a programme whose window is open, creates
2,000 units with rosters, fires their applications from 64 concurrent clients on loopback, and in
the same run measures the same server on a trivial authenticated endpoint (GET /api/v1/me, the
floor). Prints one JSON line: applications per second, p50/p99 latency, floor requests per second,
ratio, over-granted count, and the processor time per request of each side by process group.

    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhu \\
        .venv/bin/python -m bench.quota_burst [--units 2000] [--clients 64]

Target (issue 6): ratio at least 0.5, over-granted 0.
"""

import argparse
import json
import os
import statistics
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")
NOW = "2025-03-03T10:00:00+08:00"  # a Monday inside the window below
os.environ["HUZHU_NOW"] = NOW

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.server import (  # noqa: E402
    burst,
    p99,
    processor_ms_per_request,
    processor_seconds,
    start,
)
from huzhu.accounts.actions import issue_token  # noqa: E402
from huzhu.accounts.models import Role, User  # noqa: E402
from huzhu.demo.loader import credit_code  # noqa: E402
from huzhu.members.actions import import_roster  # noqa: E402
from huzhu.members.tests.rosters import person, xlsx  # noqa: E402
from huzhu.organizations.models import Union, UnionKind, Unit  # noqa: E402
from huzhu.quota.actions import load_programme  # noqa: E402
from huzhu.quota.models import FreeShareApplication, QuotaPeriod  # noqa: E402
from huzhu.rules.quota import Period  # noqa: E402

PORT = 8765
QUOTA = 3000


def seed(units: int) -> list[tuple[str, str]]:
    """(unit code, officer token) for each unit; three members each."""
    import random

    rng = random.Random(6)
    load_programme(
        2025,
        7_000_000,
        [
            Period(
                1, QUOTA, date(2025, 2, 28), date(2025, 3, 21), date(2024, 11, 1), date(2025, 3, 31)
            )
        ],
        actor=None,
    )
    union = Union.objects.create(
        code="bench", name="基准工会", kind=UnionKind.DISTRICT, path="/bench/"
    )
    pairs = []
    for index in range(units):
        unit = Unit.objects.create(
            name=f"基准单位{index}",
            credit_code=credit_code(rng, "370102"),
            union=union,
            member_count=3,
            contact_name="张伟",
            contact_phone="13905310000",
        )
        import_roster(unit, xlsx([person(10 * index + k) for k in range(3)]), actor=None)
        officer = User.objects.create(username=f"bench{index}", role=Role.UNIT_OFFICER, unit=unit)
        pairs.append((unit.code, issue_token(officer, actor=None)))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        pairs = seed(args.units)
        server = start(PORT, args.workers, args.threads, HUZHU_NOW=NOW)
        start_reading = processor_seconds()
        floor_seconds, _ = burst(
            PORT, args.clients, [("GET", "/api/v1/me", t, None) for _, t in pairs]
        )
        middle_reading = processor_seconds()
        seconds, latencies = burst(
            PORT,
            args.clients,
            [("POST", "/api/v1/quota/applications", t, {"unit": c}) for c, t in pairs],
        )
        processor = {
            "floor": processor_ms_per_request(start_reading, middle_reading, len(pairs)),
            "application": processor_ms_per_request(
                middle_reading, processor_seconds(), len(pairs)
            ),
        }
        granted = sum(FreeShareApplication.objects.values_list("granted", flat=True))
        period = QuotaPeriod.objects.get()
        over = max(granted - max(period.effective_quota, 0), 0)
        answers = FreeShareApplication.objects.count()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
    rate, floor_rate = len(pairs) / seconds, len(pairs) / floor_seconds
    print(
        json.dumps(
            {
                "benchmark": "quota_burst",
                "database": connection.vendor,
                "applications": len(pairs),
                "answers": answers,
                "clients": args.clients,
                "server": f"{args.workers} workers x {args.threads} threads",
                "applications_per_second": round(rate, 1),
                "p50_ms": round(statistics.median(latencies) * 1000, 1),
                "p99_ms": round(p99(latencies) * 1000, 1),
                "floor_requests_per_second": round(floor_rate, 1),
                "ratio": round(rate / floor_rate, 2),
                "granted": granted,
                "over_granted": over,
                "processor_ms_per_request": processor,
                "target_ratio": 0.5,
            }
        )
    )


if __name__ == "__main__":
    main()
