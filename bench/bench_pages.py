"""The busiest pages under bounded concurrent load on gunicorn, against a trivial view.

Usage (after `tongket synth`; needs `pip install -e ".[deploy]"`: gunicorn, redis):
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_pages.py \
        [--clients 16] [--requests 400] [--workers 5]

Starts gunicorn on 127.0.0.1 with bench.settings (the project plus /bench/trivial/), logs a
benchmark superuser in by writing a session directly, sends a fixed number of requests per page
from `clients` threads (keep-alive off, as behind nginx), stops gunicorn and prints
p50/p95/p99 latency and throughput per page with the ratio of p95 to the trivial view's p95.
The load generator shares the machine's cores with the server: figures are a lower bound.
With `--single N` no server is started: N sequential requests per page through the Django test
client, printing the CPU time per request (insensitive to other processes on a shared machine),
the SQL time, queries and size.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # a run's own strong key
# Plain HTTP on the loopback: no TLS redirect, cookies sent without the Secure flag.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402

from tongket.evaluation.models import Cycle  # noqa: E402
from tongket.people.models import Member, Organization  # noqa: E402
from tongket.scoring.models import PeerGroup  # noqa: E402

HOST = "127.0.0.1"
CACHE_HEADER = "X-Tongket-Cache"  # tongket.core.pagecache.HEADER: hit, miss, off per part


def session_cookie() -> str:
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def pages() -> list[tuple[str, str]]:
    province = Organization.objects.filter(code="P01").first()
    grassroots = Organization.objects.filter(kind="grassroots", code__startswith="P01.").first()
    if province is None or grassroots is None:
        raise SystemExit("run `tongket synth` first")
    card = Member.objects.filter(org_path__startswith=grassroots.path).values_list(
        "card_number", flat=True
    )[0]
    found = [
        ("trivial view", "/bench/trivial/"),
        ("province page", f"/org/{province.code}/"),
        ("grassroots page", f"/org/{grassroots.code}/"),
        ("member page", f"/member/{card}/"),
        ("search 'nguyen van hung'", "/search/?q=nguyen+van+hung"),
        ("search in province", f"/search/?q=tran+thi+lan&org={province.code}"),
        ("member list", "/member/"),
        ("organization list", "/org/"),
        ("cycles (evaluation index)", "/evaluation/"),
    ]
    # The cycle dashboard of the grassroots organization above and of its province, latest year.
    for label, org in (("dashboard, grassroots", grassroots), ("dashboard, province", province)):
        cycle = Cycle.objects.filter(organization=org).order_by("-year").first()
        if cycle is not None:
            found.append((label, f"/evaluation/ky/{cycle.pk}/"))
    # The ranking of the largest peer group (the demo's departments; synth adds none).
    group = PeerGroup.objects.annotate(n=Count("units")).order_by("-n", "pk").first()
    if group is not None:
        found.append(("ranking", f"/scoring/ranking/{group.pk}/"))
    return found


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def hammer(
    port: int, path: str, cookie: str, clients: int, total: int
) -> tuple[list[float], float, dict[str, int]]:
    jobs: queue.Queue[int] = queue.Queue()
    for i in range(total):
        jobs.put(i)
    latencies: list[float] = []
    errors: list[str] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def client() -> None:
        while True:
            try:
                jobs.get_nowait()
            except queue.Empty:
                return
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            start = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            conn.close()
            outcome = response.getheader(CACHE_HEADER) or "none"
            with lock:
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
                latencies.append(elapsed)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return latencies, wall, outcomes


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def single(targets: list[tuple[str, str]], repeat: int) -> None:
    """One request at a time through the Django test client, in this process: per page the
    median CPU time of the request in Python (`time.process_time`, which other processes on a
    shared machine barely move), the time of its SQL, the wall time, queries and size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench"))
    header = (
        f"{'page':<26} {'cpu ms':>8} {'sql ms':>8} {'wall ms':>8} {'queries':>7} {'KB':>6}"
        f" {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for label, path in targets:
        client.get(path)  # warm-up
        cpu: list[float] = []
        sql: list[float] = []
        wall: list[float] = []
        queries, size = 0, 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(path)
                cpu.append(time.process_time() - cpu_start)
                wall.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code} {path}")
            sql.append(sum(float(q["time"] or 0) for q in ctx.captured_queries))
            queries, size = len(ctx.captured_queries), len(response.content)
        print(
            f"{label:<26} {statistics.median(cpu) * 1000:>8.1f} "
            f"{statistics.median(sql) * 1000:>8.1f} {statistics.median(wall) * 1000:>8.1f} "
            f"{queries:>7} {size // 1024:>6} {os.getloadavg()[0]:>5.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--only", default="", help="comma-separated words: pages whose label has one"
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="run the server with TONGKET_PAGE_CACHE=0: every page built afresh",
    )
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL", ""),
        help="the server's CACHE_URL (redis://…: one cache shared by the workers)",
    )
    parser.add_argument(
        "--single",
        type=int,
        default=0,
        help="no server: N sequential requests per page through the test client (CPU per request)",
    )
    args = parser.parse_args()
    cookie = session_cookie()
    targets = pages()
    if args.only:
        words = args.only.split(",")
        targets = [t for t in targets if t[0] == "trivial view" or any(w in t[0] for w in words)]
    if args.single:
        single(targets, args.single)
        return
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "tongket.wsgi:application",
        ],
        cwd=ROOT,
        env=os.environ
        | {"TONGKET_PAGE_CACHE": "0" if args.no_page_cache else "1", "CACHE_URL": args.cache_url},
    )
    try:
        wait_until_up(port)
        print(
            f"gunicorn: {args.workers} sync workers; {args.clients} clients, "
            f"{args.requests} requests per page; members: {Member.objects.count()}; page cache: "
            f"{'off' if args.no_page_cache else (args.cache_url or 'per process')}"
        )
        header = (
            f"{'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'p95/floor':>9}"
            f" {'load':>5}  cache parts"
        )
        print(header)
        print("-" * len(header))
        floor_p95 = None
        for label, path in targets:
            hammer(port, path, cookie, args.clients, args.clients)  # warm-up
            latencies, wall, outcomes = hammer(port, path, cookie, args.clients, args.requests)
            p95 = pct(latencies, 95)
            floor_p95 = floor_p95 or p95
            print(
                f"{label:<26} {statistics.median(latencies) * 1000:>8.1f} {p95 * 1000:>8.1f} "
                f"{pct(latencies, 99) * 1000:>8.1f} {len(latencies) / wall:>7.1f} "
                f"{p95 / floor_p95:>9.1f} {os.getloadavg()[0]:>5.1f}  "
                + " ".join(f"{k}:{v}" for k, v in sorted(outcomes.items()))
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
