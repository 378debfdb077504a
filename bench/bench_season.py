"""The evaluation season: busy pages read while offices write through the API and import.

Usage (after `tongket synth`; needs `pip install -e ".[deploy]"`: gunicorn, redis):
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_season.py \
        [--clients 16] [--seconds 60] [--write-share 0.1] [--import-rows 100000]

Starts gunicorn as `bench_pages.py` does (sync workers, `--cache-url` for the shared cache)
and runs two phases of `--seconds` each against the same server and database:
1. the read-only mix: `clients` threads request the busy pages of `bench_pages.pages()` in turn;
2. the season: the same threads, where each request is a write with probability
   `--write-share`, through the REST API with a token: opening a cycle (one per grassroots
   organization of another province than the one read), for an evaluation of the opened
   cycles the committee's appraisal with its 100-point score (a member under 366-QĐ/TW may be
   proposed or decided "good" only on a score), then a proposal or a decision, and a correction
   of a member (PATCH). Half-way through,
   a `--import-rows` member workbook is imported (in a separate process, as `tongket import`
   would) into a grassroots organization of a third province.
Prints, per phase, p50/p95/p99 of reads and of writes, errors (a write the rules refuse is
one, shown with its rule), requests over 1 s, throughput
and the season's throughput over the read-only mix's; per page, the cache parts' outcomes
(hit rates); the import's wall time; and how long the writes that ran while it ran took.
Everything it writes stays in the database (run it on a benchmark database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.db.models import Count, Q  # noqa: E402

from bench import bench_pages  # noqa: E402 - sets up Django
from tongket.evaluation.demo import POINTS_2026  # noqa: E402
from tongket.exchange.services import issue_token  # noqa: E402
from tongket.people.models import Member, Organization, PartyRole  # noqa: E402

HOST = bench_pages.HOST
SLOW = 1.0  # seconds: a request over this counts as slow


@dataclass
class Tally:
    reads: list[float] = field(default_factory=list)
    writes: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)
    errors: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)  # writes sent, by kind
    cache: dict[str, dict[str, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: Any = None
) -> tuple[int, bytes, float, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    data = None if body is None else json.dumps(body).encode()
    sent = {"Host": "localhost", **headers}
    if data is not None:
        sent["Content-Type"] = "application/json"
    start = time.perf_counter()
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    content = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, content, elapsed, response.getheader(bench_pages.CACHE_HEADER) or ""


# A member's points on the 100-point frame of HD 43 (the demo's second self-assessment):
# 79.5, "good" (70 to 89).
GOOD_POINTS = POINTS_2026[1]


def refusal(status: int, kind: str, body: bytes) -> str:
    """What an error says: the status, the write and the rule that refused it, if any."""
    try:
        rule = json.loads(body)["error"]["rule"]
    except (ValueError, KeyError, TypeError):
        rule = ""
    return f"{status} {kind} {rule}".strip()


class Writer:
    """The season's writes through the API, on organizations of provinces nobody reads, in the
    order an office makes them under 366-QĐ/TW (Điều 12): a member is appraised with their
    score before the cell proposes or the committee decides their level; a cell is decided
    after its ordinary members, and the members of its committee after it. Members on a
    committee above the cell (the grassroots organization's) wait for that organization,
    decided in its bloc's cycle, which this writer does not open: they are left undecided."""

    def __init__(self, port: int, token: str, grassroots: list[str], year: int) -> None:
        self.port = port
        self.headers = {"Authorization": f"Token {token}"}
        self.pending = list(grassroots)  # organizations whose cycle is not opened yet
        self.evaluations: list[int] = []  # evaluations ready for their next write
        self.cells: set[int] = set()  # the cells' evaluations
        self.cell_of: dict[int, int] = {}  # an ordinary member's evaluation -> their cell's
        self.members_left: dict[int, int] = {}  # a cell's evaluation -> ordinary members left
        self.after_cell: dict[int, list[int]] = {}  # a cell's evaluation -> its committee's
        self.appraised: set[int] = set()  # members' evaluations with a scored appraisal
        # Members sit in the cells under the grassroots organizations, never directly in them.
        # card -> joining date: a corrected birth date keeps the member admitted at 18 or older.
        self.members: dict[str, dt.date] = dict(
            Member.objects.filter(organization__parent__code__in=grassroots[:50]).values_list(
                "card_number", "joined_on"
            )[:2000]
        )
        if not self.members:
            raise SystemExit("no member to correct under the writing province's organizations")
        self.year = year
        self.lock = threading.Lock()

    def one(self) -> tuple[int, str, float, bytes]:
        opening = None
        with self.lock:  # not held while a request runs (`_open` and `_decide` take it)
            if self.pending and (not self.evaluations or random.random() < 0.05):
                opening = self.pending.pop()
            choice = random.random()
            ev = self.evaluations.pop() if self.evaluations and choice < 0.7 else None
        if opening is not None:
            if ev is not None:
                with self.lock:
                    self.evaluations.append(ev)
            return self._open(opening)
        if ev is not None:
            return self._decide(ev, propose=choice < 0.35)
        card = random.choice(list(self.members))
        born = self.members[card].year - random.randint(19, 40)
        status, body, elapsed, _ = request(
            self.port, "PATCH", f"/api/v1/members/{card}/",
            self.headers, {"birth_date": f"{born}-01-02"},
        )  # fmt: skip
        return status, "correction", elapsed, body

    def _list(self, cycle: int, kind: str) -> list[dict[str, Any]]:
        """Every evaluation of the cycle of this kind, page after page (not timed)."""
        rows: list[dict[str, Any]] = []
        path = f"/api/v1/evaluations/?cycle={cycle}&subject_kind={kind}&limit=500"
        while path:
            page = json.loads(request(self.port, "GET", path, self.headers)[1])
            rows += page["results"]
            following = urlsplit(page.get("next") or "")  # an absolute address, or none
            path = f"{following.path}?{following.query}" if following.path else ""
        return rows

    def _open(self, code: str) -> tuple[int, str, float, bytes]:
        status, body, elapsed, _ = request(
            self.port, "POST", "/api/v1/cycles/", self.headers,
            {"organization": code, "year": self.year},
        )  # fmt: skip
        if status == 201:
            cycle = json.loads(body)["id"]
            cells = {row["subject_code"]: row["id"] for row in self._list(cycle, "organization")}
            members = self._list(cycle, "member")
            with self.lock:
                self._queue(cells, members)
        return status, "cycle opening", elapsed, body

    def _queue(self, cells: dict[str, int], members: list[dict[str, Any]]) -> None:
        """Put an opened cycle's ordinary members first, each cell once they are decided, and
        the cell's committee after it (the roles held on the year's last day, as the rules
        read them)."""
        end = dt.date(self.year, 12, 31)
        paths = dict(Organization.objects.filter(code__in=cells).values_list("code", "path"))
        roles: dict[str, list[str]] = {}
        for card, path in PartyRole.objects.filter(
            Q(end__isnull=True) | Q(end__gte=end),
            start__lte=end,
            member__card_number__in=[row["subject_code"] for row in members],
        ).values_list("member__card_number", "organization__path"):
            roles.setdefault(card, []).append(path)
        self.cells.update(cells.values())
        for ev in cells.values():
            self.members_left[ev] = 0
            self.after_cell[ev] = []
        for row in members:
            cell = cells.get(row["unit"])
            held = roles.get(row["subject_code"], [])
            if cell is None or not held:  # an ordinary member (or one directly in the unit)
                if cell is not None:
                    self.cell_of[row["id"]] = cell
                    self.members_left[cell] += 1
                self.evaluations.append(row["id"])
            elif held == [paths[row["unit"]]] * len(held):  # on the cell's committee alone
                self.after_cell[cell].append(row["id"])
            # else: on a committee above the cell, or leading elsewhere: left undecided
        self.evaluations[:0] = [ev for ev in cells.values() if not self.members_left[ev]]

    def _decided(self, ev: int) -> None:
        """Release what waited for this decision (under the lock)."""
        if ev in self.cells:
            self.evaluations.extend(self.after_cell.pop(ev, []))
            return
        cell = self.cell_of.pop(ev, None)
        if cell is not None:
            self.members_left[cell] -= 1
            if not self.members_left[cell]:
                self.evaluations.append(cell)

    def _decide(self, ev: int, *, propose: bool) -> tuple[int, str, float, bytes]:
        if ev not in self.cells and ev not in self.appraised:  # the appraisal and score first
            status, body, elapsed, _ = request(
                self.port, "POST", f"/api/v1/evaluations/{ev}/appraisal/", self.headers,
                {"outcome": "good", "points": GOOD_POINTS},
            )  # fmt: skip
            with self.lock:
                if status == 201:
                    self.appraised.add(ev)
                    self.evaluations.append(ev)  # proposed or decided next
            return status, "appraisal", elapsed, body
        if propose and ev not in self.cells:
            status, body, elapsed, _ = request(
                self.port, "POST", f"/api/v1/evaluations/{ev}/proposal/",
                self.headers, {"outcome": "good"},
            )  # fmt: skip
            with self.lock:
                self.evaluations.append(ev)
            return status, "proposal", elapsed, body
        status, body, elapsed, _ = request(
            self.port, "POST", f"/api/v1/evaluations/{ev}/decision/", self.headers,
            {"outcome": "good", "number": "99-QĐ/ĐU", "date": f"{self.year}-12-20"},
        )  # fmt: skip
        if status == 201:
            with self.lock:
                self._decided(ev)
        return status, "cell decision" if ev in self.cells else "decision", elapsed, body


def run_phase(
    port: int,
    cookie: str,
    targets: list[tuple[str, str]],
    clients: int,
    seconds: float,
    writer: Writer | None,
    write_share: float,
) -> tuple[Tally, float, int]:
    tally = Tally()
    deadline = time.monotonic() + seconds
    done = [0]

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            if writer is not None and random.random() < write_share:
                started = time.monotonic()
                try:
                    status, kind, elapsed, body = writer.one()
                except (OSError, http.client.HTTPException) as exc:
                    status, kind, elapsed, body = 0, f"write {exc}", 0.0, b""
                with tally.lock:
                    tally.writes.append((started, elapsed))
                    tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
                    if status not in (200, 201):
                        tally.errors.append(refusal(status, kind, body))
                    done[0] += 1
                continue
            label, path = targets[i % len(targets)]
            i += 1
            try:
                status, _, elapsed, outcome = request(port, "GET", path, {"Cookie": cookie})
            except (OSError, http.client.HTTPException) as exc:
                status, elapsed, outcome = 0, 120.0, f"error {type(exc).__name__}"
            with tally.lock:
                tally.reads.append(elapsed)
                per_page = tally.cache.setdefault(label, {})
                for part in (outcome or "none").split(","):
                    per_page[part] = per_page.get(part, 0) + 1
                if status != 200:
                    tally.errors.append(f"{status} {path}")
                done[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - started, done[0]


def report(name: str, tally: Tally, wall: float, count: int) -> float:
    pct = bench_pages.pct
    writes = [w for _, w in tally.writes]
    slow = sum(1 for v in tally.reads + writes if v > SLOW)
    print(f"\n== {name}: {count} requests in {wall:.0f} s = {count / wall:.1f} req/s")
    for label, values in (("reads", tally.reads), ("writes", writes)):
        if values:
            print(
                f"  {label:<7} n={len(values):>6}  p50 {pct(values, 50) * 1000:7.1f}  "
                f"p95 {pct(values, 95) * 1000:7.1f}  p99 {pct(values, 99) * 1000:7.1f} ms"
            )
    print(f"  errors {len(tally.errors)}  over {SLOW:.0f} s: {slow}  load {os.getloadavg()[0]:.1f}")
    if tally.kinds:
        print("  writes " + ", ".join(f"{k}: {n}" for k, n in sorted(tally.kinds.items())))
    for error in sorted(set(tally.errors)):
        print(f"    {tally.errors.count(error)} × {error}")
    for label, outcomes in tally.cache.items():
        parts = sum(outcomes.values())
        hits = outcomes.get("hit", 0)
        rate = f"{hits / parts:5.0%}" if "none" not in outcomes else "  n/a"
        print(
            f"  cache {label:<26} hit {rate}  " + " ".join(f"{k}:{v}" for k, v in outcomes.items())
        )
    return count / wall


def decision_cost(
    token: str, evaluations: list[int], appraised: set[int], year: int, count: int
) -> None:
    """Single decisions of members through the API one at a time in this process (Django's
    test client, no server): the median CPU time of a request in Python (`time.process_time`:
    what other processes on a shared machine barely move; the database server's CPU is not in
    it), its wall time and its queries. A member not yet appraised is appraised with a score
    first (not measured). Refused ones (a leader before the units they lead) are left out."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    body = {"outcome": "good", "number": "99-QĐ/ĐU", "date": f"{year}-12-20"}
    cpu: list[float] = []
    wall: list[float] = []
    queries: list[int] = []
    for ev in evaluations:
        if len(cpu) >= count:
            break
        if ev not in appraised:
            client.post(
                f"/api/v1/evaluations/{ev}/appraisal/",
                {"outcome": "good", "points": GOOD_POINTS},
                content_type="application/json",
            )
        with CaptureQueriesContext(connection) as ctx:
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.post(
                f"/api/v1/evaluations/{ev}/decision/", body, content_type="application/json"
            )
            cpu_used, elapsed = time.process_time() - cpu_start, time.perf_counter() - start
        if response.status_code == 201:
            cpu.append(cpu_used)
            wall.append(elapsed)
            queries.append(len(ctx.captured_queries))
    if not cpu:
        print("\n  single decisions: none ready (no cycle's cells all decided yet)")
    else:
        print(
            f"\n  single decisions (in process, one at a time): n={len(cpu)}  CPU median "
            f"{statistics.median(cpu) * 1000:.1f} ms  wall median "
            f"{statistics.median(wall) * 1000:.1f} ms  queries {min(queries)}–{max(queries)}"
        )


def _env() -> dict[str, str]:
    """The environment of the `tongket` commands started here: they import bench.settings."""
    return os.environ | {"PYTHONPATH": str(ROOT)}


def write_workbook(rows: int, organization: str, prefix: str) -> Path:
    """Write a `rows`-member workbook for `organization`'s cells (before the phase, so that
    building it takes no CPU from the clients)."""
    from tongket.people.tests.factories import members_workbook

    cells = list(
        Organization.objects.filter(
            path__startswith=Organization.objects.get(code=organization).path
        )
        .annotate(n=Count("members"))
        .filter(kind="cell")
        .values_list("code", flat=True)[:20]
    )
    data = members_workbook(0, extra=[_row(i, cells[i % len(cells)], prefix) for i in range(rows)])
    path = Path(tempfile.mkdtemp()) / "season-import.xlsx"
    path.write_bytes(data)
    return path


def import_workbook(path: Path) -> subprocess.Popen[bytes]:
    """Import the workbook with `tongket import` in its own process."""
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/tongket"), "import", str(path), "--user", "bench"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its progress bar
    )


def _row(i: int, cell: str, prefix: str) -> list[Any]:
    from tongket.people.tests.factories import member_row

    row = member_row(i + 1, cell=cell)
    row[0] = f"{prefix}.{i:06d}"
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--write-share", type=float, default=0.1)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--workbook", default="", help="import this workbook (e.g. an earlier run's) instead"
    )
    parser.add_argument(
        "--card-prefix", default="98", help="the imported members' card numbers (one per run)"
    )
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--cache-url", default=os.environ.get("CACHE_URL", ""))
    args = parser.parse_args()
    cookie = bench_pages.session_cookie()
    token, _ = issue_token(actor=None, username="bench")
    targets = [t for t in bench_pages.pages() if t[0] != "trivial view"]
    provinces = list(
        Organization.objects.filter(kind="provincial", code__regex=r"^P[0-9]+$").order_by("code")
    )
    writing, importing = provinces[1], provinces[2]  # P01 is read
    grassroots = list(
        Organization.objects.filter(kind="grassroots", path__startswith=writing.path)
        .exclude(evaluation_cycles__year=args.year)  # an earlier run's cycles stay in the database
        .order_by("code")
        .values_list("code", flat=True)
    )
    importing_into = Organization.objects.filter(
        kind="grassroots", path__startswith=importing.path
    ).order_by("code")[0]
    port = bench_pages.free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"), "--bind", f"{HOST}:{port}",
            "--workers", str(args.workers), "--timeout", "120", "--log-level", "warning",
            "tongket.wsgi:application",
        ],
        cwd=ROOT,
        env=os.environ | {"CACHE_URL": args.cache_url},
    )  # fmt: skip
    sealer = subprocess.Popen(
        [str(ROOT / ".venv/bin/tongket"), "audit", "seal", "--every", "2"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
    )
    try:
        bench_pages.wait_until_up(port)
        print(
            f"gunicorn: {args.workers} sync workers; {args.clients} clients; {args.seconds:.0f} s "
            f"per phase; members: {Member.objects.count()}; "
            f"cache: {args.cache_url or 'per process'}"
            f"; writes in {writing.code}, import of {args.import_rows} rows into "
            f"{importing_into.code}"
        )
        run_phase(port, cookie, targets, args.clients, 5, None, 0)  # warm-up
        base = report(
            "read-only mix",
            *run_phase(port, cookie, targets, args.clients, args.seconds, None, 0),
        )
        writer = Writer(port, token, grassroots, args.year)
        importer: dict[str, Any] = {}
        workbook = (
            Path(args.workbook)
            if args.workbook
            else write_workbook(args.import_rows, importing_into.code, args.card_prefix)
        )

        def start_import() -> None:
            importer["start"] = time.monotonic()
            importer["process"] = import_workbook(workbook)
            importer["process"].wait()
            importer["end"] = time.monotonic()

        timer = threading.Timer(args.seconds / 2, start_import)
        timer.start()
        tally, wall, count = run_phase(
            port, cookie, targets, args.clients, args.seconds, writer, args.write_share
        )
        season = report("season (reads and writes)", tally, wall, count)
        timer.join()
        print(f"\n  season / read-only throughput: {season / base:.2f}")
        if "end" in importer:
            start, end = importer["start"], importer["end"]
            during = [w for s, w in tally.writes if start <= s <= end]
            print(
                f"  import: {end - start:.1f} s (exit {importer['process'].returncode}); writes "
                f"while it ran: {len(during)}, p95 "
                f"{bench_pages.pct(during, 95) * 1000 if during else 0:.1f} ms"
            )
        with writer.lock:
            ready = list(reversed(writer.evaluations))
            appraised = set(writer.appraised)
        decision_cost(
            token, [ev for ev in ready if ev not in writer.cells], appraised, args.year, 30
        )
    finally:
        sealer.send_signal(signal.SIGTERM)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        sealer.wait(timeout=30)


if __name__ == "__main__":
    main()
