"""What the load benchmarks share: gunicorn on loopback over the benchmark's test database,
timed JSON calls, and bursts of them from concurrent clients."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

Job = tuple[str, str, str, dict[str, str] | None]  # method, path, bearer token, JSON body


def database_url() -> str:
    """The URL of the (test) database the benchmark seeded, for the server process."""
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def start(port: int, workers: int, threads: int, **env: str) -> subprocess.Popen[bytes]:
    """gunicorn serving huzhu on 127.0.0.1:`port`, ready when this returns."""
    environment = os.environ | {
        "HUZHU_DATABASE_URL": database_url(),
        "HUZHU_HTTPS": "false",
        **env,
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "huzhu.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env=environment,
    )
    for _ in range(150):
        try:
            if status(port, "GET", "/api/v1/health") == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def status(
    port: int, method: str, path: str, token: str = "", body: dict[str, str] | None = None
) -> int:
    """The HTTP status of one call (error statuses are answers, not exceptions)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback only)
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def timed(port: int, method: str, path: str, token: str, body: dict[str, str] | None) -> float:
    """Seconds one successful call took; a failure stops the benchmark."""
    started = time.perf_counter()
    code = status(port, method, path, token, body)
    if code != 200:
        raise RuntimeError(f"{method} {path}: HTTP {code}")
    return time.perf_counter() - started


def burst(port: int, clients: int, jobs: list[Job]) -> tuple[float, list[float]]:
    """All jobs from `clients` concurrent clients: (seconds, sorted latencies)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(lambda job: timed(port, *job), jobs))
    return time.perf_counter() - started, sorted(latencies)


def processor_seconds() -> dict[str, float]:
    """Processor seconds used so far by each live process of this machine (Linux /proc), keyed
    by pid and group: this benchmark (the clients), gunicorn, PostgreSQL, other."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline", "rb") as cmd:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmd.read()
        except OSError:  # ended meanwhile
            continue
        if int(pid) == os.getpid():
            group = "clients"
        elif b"gunicorn" in command:
            group = "gunicorn"
        elif b"postgres" in command:
            group = "postgres"
        else:
            group = "other"
        used[f"{group}:{pid}"] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return used


def processor_ms_per_request(
    before: dict[str, float], after: dict[str, float], requests: int
) -> dict[str, float]:
    """Milliseconds of processor time per request by group between two `processor_seconds`
    readings (a process that ended in between is not counted)."""
    groups: dict[str, float] = {}
    for key, seconds in after.items():
        group = key.split(":")[0]
        groups[group] = groups.get(group, 0.0) + seconds - before.get(key, 0.0)
    groups["total"] = sum(groups.values())
    return {group: round(seconds * 1000 / requests, 2) for group, seconds in groups.items()}


def p99(latencies: list[float]) -> float:
    return latencies[max(int(len(latencies) * 0.99) - 1, 0)]


def paced(port: int, clients: int, jobs: list[Job], rate: float) -> list[float]:
    """The jobs offered at `rate` requests per second in total (each client waits for its
    next slot, as people do between look-ups): sorted latencies at that load."""
    interval = clients / rate  # each client's period
    latencies: list[float] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        start_at = time.perf_counter() + index * interval / clients
        for number, job in enumerate(jobs[index::clients]):
            wait = start_at + number * interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            took = timed(port, *job)
            with lock:
                latencies.append(took)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(latencies)
