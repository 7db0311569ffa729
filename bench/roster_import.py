"""Benchmark: import a 10,000-row valid roster on the configured database (PostgreSQL in the
measurement: set HUZHU_DATABASE_URL) into a fresh test database, and in the same run measure the
floor: reading the same file with python-calamine plus bulk-inserting as many rows. Each is run
`--repeat` times (three by default, a new roster and unit for every import) and the best time of
each counts, as usual for benchmarks on a shared machine. Then the last roster is imported again
(every member updated, as at a renewal) and a file of the same size with two bad rows is checked
(refused whole, annotated workbook built), once each. Prints one JSON line: import seconds, floor
seconds, ratio, re-import seconds, seconds for the refused file, peak RSS (of the whole run).

    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhu \
        .venv/bin/python -m bench.roster_import
    .venv/bin/python -m bench.roster_import --rows 100000 --repeat 1

Target (issue 4): ratio at most 2.0; 100,000 rows within 400 MB peak RSS.
"""

import argparse
import io
import json
import os
import random
import resource
import time
from datetime import date, timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")

import django  # noqa: E402

django.setup()

import python_calamine  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from huzhu.demo.loader import credit_code  # noqa: E402
from huzhu.members.actions import import_roster  # noqa: E402
from huzhu.members.checks import check_roster  # noqa: E402
from huzhu.members.tests.rosters import HEADER, bank_card, resident_id  # noqa: E402
from huzhu.organizations.models import Union, UnionKind, Unit  # noqa: E402

REGIONS = ("370102", "370103", "370104", "370105", "370112", "370113", "370114", "370124")


def roster(rows: int, run: int = 0, bad: frozenset[int] = frozenset()) -> bytes:
    """A valid roster of `rows` people; the rows numbered in `bad` (0-based) ask for 9 shares."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名册")
    sheet.append(HEADER)
    for i in range(rows):  # unique: one birth date per thousand rows and run, serial 000-999
        days = (i // 1000) * 97 + run * 5
        born = (date(1970, 1, 1) + timedelta(days=days)).strftime("%Y%m%d")
        number = resident_id(born, serial=i % 1000, region=REGIONS[i % len(REGIONS)])
        shares = "9" if i in bad else str(1 + i % 3)
        sheet.append([f"职工{i}", number, f"139{i:08d}", bank_card(i), shares, "在职", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def floor(data: bytes) -> float:
    """Fastest reader plus a bulk insert of the same number of rows into a plain table."""
    started = time.perf_counter()
    values = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows: list[list[Any]] = values.get_sheet_by_index(0).to_python()[1:]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_floor (name text, id_number text, mobile text, "
            "bank_card text, shares integer)"
        )
        cursor.executemany(
            "INSERT INTO bench_floor VALUES (%s, %s, %s, %s, %s)",
            [(r[0], r[1], r[2], r[3], int(r[4])) for r in rows],
        )
        cursor.execute("DROP TABLE bench_floor")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, choices=range(1, 10))
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        union = Union.objects.create(
            code="bench", name="基准测试工会", kind=UnionKind.DISTRICT, path="/bench/"
        )
        floors: list[float] = []
        imports: list[float] = []
        for run in range(args.repeat):
            unit = Unit.objects.create(
                name=f"基准测试单位{run + 1}",
                credit_code=credit_code(random.Random(run), "370102"),
                union=union,
                member_count=args.rows,
                contact_name="张伟",
                contact_phone="13905310000",
            )
            data = roster(args.rows, run)
            floors.append(floor(data))
            started = time.perf_counter()
            report = import_roster(unit, data, actor=None, effective=date(2025, 3, 1))
            imports.append(time.perf_counter() - started)
            assert report.saved and report.created == args.rows, report.errors[:3]
            del data, report
        # next year's renewal: the last unit uploads the same people again (every member updated)
        again = roster(args.rows, args.repeat - 1)
        started = time.perf_counter()
        report = import_roster(unit, again, actor=None, effective=date(2025, 3, 1))
        reimport_seconds = time.perf_counter() - started
        assert report.saved and report.updated == args.rows, report.errors[:3]
        del again, report
        # the everyday failure: the same size of file with two bad rows is refused whole and
        # comes back annotated (every row, bad cells marked), within the same memory target
        bad = roster(args.rows, args.repeat, frozenset({3, args.rows - 2}))
        started = time.perf_counter()
        refused, _, _ = check_roster(bad, effective=date(2025, 3, 1))
        refused_seconds = time.perf_counter() - started
        assert len(refused.errors) == 2 and refused.annotated, refused.errors[:3]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    seconds, floor_seconds = min(imports), min(floors)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "roster_import",
                "database": connection.vendor,
                "rows": args.rows,
                "repeat": args.repeat,
                "import_seconds": round(seconds, 2),
                "floor_seconds": round(floor_seconds, 2),
                "ratio": round(seconds / floor_seconds, 2),
                "reimport_seconds": round(reimport_seconds, 2),
                "refused_file_seconds": round(refused_seconds, 2),
                "peak_rss_mb": round(peak_mb),
                "target_ratio": 2.0,
                "target_peak_rss_mb_at_100k": 400,
            }
        )
    )


if __name__ == "__main__":
    main()
