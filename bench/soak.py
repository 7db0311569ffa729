"""Soak test (issue 8 §6): mixed traffic on loopback for a bounded time against gunicorn on the
configured database (PostgreSQL in the measurement), over the demo data with its history. Clients
keep reading public pages, looking people up through the union app's API, listing units, claims
and contracts with staff and officer tokens, and asking for the health check. Fails (exit 1)
on any error answer or when the workers' memory grows by more than the allowed margin between the
end of the warm-up and the end of the run. Prints one JSON line.

    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhu \\
        .venv/bin/python -m bench.soak [--seconds 600] [--clients 16]
"""

import argparse
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.server import start  # noqa: E402
from bench.server import status as call  # noqa: E402
from huzhu.accounts.actions import issue_token  # noqa: E402
from huzhu.accounts.models import ApiToken, User  # noqa: E402
from huzhu.claims.models import Claim  # noqa: E402
from huzhu.contracts.models import Contract  # noqa: E402
from huzhu.demo import loader  # noqa: E402
from huzhu.members.models import Member  # noqa: E402

PORT = 8767
ALLOWED_GROWTH_MB = 40


def workers_rss_mb(master: int) -> float:
    """Resident memory of the gunicorn workers (children of the master), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    try:
        loader.load()
        staff = issue_token(User.objects.get(username="registrar"), actor=None)
        officer = issue_token(User.objects.get(username="unit_a"), actor=None)
        app = issue_token(User.objects.get(username="admin"), actor=None, kind=ApiToken.Kind.APP)
        people = [(m.id_number, m.name) for m in Member.objects.all()[:200]]
        unit = User.objects.get(username="unit_a").unit
        assert unit is not None
        contract = Contract.objects.filter(unit=unit, status="active").first()
        member = Member.objects.filter(memberships__unit=unit).first()
        claim = Claim.objects.order_by("pk").first()
        assert contract and member and claim, "the demo history is needed"
        server = start(
            PORT,
            3,
            4,
            HUZHU_LOOKUP_LIMIT_APP="1000000000/60",
            HUZHU_LOOKUP_LIMIT_ID_NUMBER="1000000000/60",
        )
        mix = [
            ("GET", "/api/v1/health", "", None),
            ("GET", "/scheme/", "", None),
            ("GET", "/lookup/", "", None),
            ("GET", "/api/v1/units?limit=50", staff, None),
            ("GET", "/api/v1/me", officer, None),
            ("GET", f"/api/v1/units/{unit.code}", officer, None),
            ("GET", f"/api/v1/contracts/{contract.contract_no}", officer, None),
            ("GET", f"/api/v1/members/{member.code}", officer, None),
            ("GET", f"/api/v1/claims/{claim.number}", staff, None),
            ("GET", "/api/v1/quota/current", officer, None),
            ("LOOKUP", "/api/v1/lookup", app, None),
        ]
        stop = threading.Event()
        lock = threading.Lock()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while not stop.is_set():
                method, path, token, body = rng.choice(mix)
                if method == "LOOKUP":
                    number, name = rng.choice(people)
                    method, body = "POST", {"id_number": number, "name": name}
                try:
                    status = call(PORT, method, path, token, body)
                except OSError as exc:
                    status, path = 0, f"{path} ({type(exc).__name__})"
                with lock:
                    statuses[str(status)] += 1
                    if status >= 400 or status == 0:
                        errors[f"{status} {path}"] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        start_rss = workers_rss_mb(server.pid)
        started_requests = sum(statuses.values())
        samples = [start_rss]
        began = time.monotonic()
        while time.monotonic() - began < args.seconds:
            time.sleep(min(30, args.seconds))
            samples.append(workers_rss_mb(server.pid))
        stop.set()
        for thread in threads:
            thread.join()
        end_rss = workers_rss_mb(server.pid)
        measured = sum(statuses.values()) - started_requests
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
    growth = end_rss - start_rss
    result = {
        "benchmark": "soak",
        "database": connection.vendor,
        "seconds": args.seconds,
        "clients": args.clients,
        "requests": measured,
        "requests_per_second": round(measured / args.seconds, 1),
        "statuses": dict(statuses),
        "errors": dict(errors),
        "workers_rss_mb_start": round(start_rss, 1),
        "workers_rss_mb_end": round(end_rss, 1),
        "workers_rss_mb_max": round(max(samples + [end_rss]), 1),
        "growth_mb": round(growth, 1),
        "allowed_growth_mb": ALLOWED_GROWTH_MB,
    }
    print(json.dumps(result, ensure_ascii=False))
    if errors or growth > ALLOWED_GROWTH_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
