"""The CPU of one decision through the REST API, as a client with a token sends it (issue 22:
≤ 10 ms), under the 2021 regulation (qd132) and the 2026 one (qd366).

Runs in its own throwaway database (created, migrated, filled with the demo, dropped at the end)
on the server `DATABASE_URL` names; no gunicorn: Django's test client in this process, one
request at a time, `time.process_time` around each (the CPU of this process only: what other
processes on a shared machine barely move, the database server's CPU not in it). For each
regulation it opens cycles of the demo organization for several years through the API, then
decides each ordinary member (no committee seat: Điều 12 of qd366 decides them before their
cell) one at a time. Under qd366 good or better needs the committee's appraisal with a score
(Điều 11), so every other member is decided the common 2026 way, `good` after an appraisal
scored 79.5 points (`POST /api/v1/evaluations/ID/appraisal/`, not measured), and the rest
`completed` without one. The floor, measured in the same run and the same way: a trivial
authenticated API GET (one cycle, `/api/v1/cycles/ID/`). Prints median and p95 per decision
and case, the floor and the ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_decision.py 2>/dev/null
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

ORG = "QT.KCQDN.SGDDT"
# Years by regulation: each gives one cycle of the demo organization's members.
YEARS = {"qd132": (2018, 2019, 2021), "qd366": (2025,)}  # the demo has 2020 and 2026
# Each regulation's cases, by name: the outcome and whether the appraisal's score comes first;
# a regulation's members are dealt to its cases in turn.
CASES = {
    "qd132": {"qd132 good": ("good", False)},
    "qd366": {"qd366 good, scored": ("good", True), "qd366 completed": ("completed", False)},
}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}".replace(".", ",")


def cpu_of(call: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.process_time()
    result = call(*args, **kwargs)
    return time.process_time() - start, result


def ordinary_members(office: APIClient, cycle_id: int) -> list[int]:
    from tongket.people.models import PartyRole

    committee = set(PartyRole.objects.values_list("member__card_number", flat=True))
    rows = office.get(
        "/api/v1/evaluations/", {"cycle": cycle_id, "subject_kind": "member", "page_size": 500}
    ).json()["results"]
    return [row["id"] for row in rows if row["subject_code"] not in committee]


def run(
    regulation: str, office: APIClient, floor_runs: int
) -> tuple[dict[str, list[float]], list[float]]:
    from tongket.evaluation.demo import POINTS_2026

    cases = CASES[regulation]
    decisions: dict[str, list[float]] = {case: [] for case in cases}
    floor: list[float] = []
    for year in YEARS[regulation]:
        opened = office.post("/api/v1/cycles/", {"organization": ORG, "year": year}, format="json")
        assert opened.status_code == 201, opened.json()
        assert opened.json()["profile_id"] == regulation, opened.json()
        cycle_id = opened.json()["id"]
        for ev, case in zip(ordinary_members(office, cycle_id), itertools.cycle(cases)):
            outcome, scored = cases[case]
            if scored:  # 79.5 points: good (70 to 89)
                appraisal = {"outcome": outcome, "points": POINTS_2026[1]}
                appraised = office.post(
                    f"/api/v1/evaluations/{ev}/appraisal/", appraisal, format="json"
                )
                assert appraised.status_code == 201, appraised.json()
            body = {"outcome": outcome, "number": "99-QĐ/ĐU", "date": f"{year}-12-20"}
            url = f"/api/v1/evaluations/{ev}/decision/"
            used, done = cpu_of(office.post, url, body, format="json")
            assert done.status_code == 201, done.json()
            decisions[case].append(used)
        for _ in range(floor_runs):
            used, got = cpu_of(office.get, f"/api/v1/cycles/{cycle_id}/")
            assert got.status_code == 200
            floor.append(used)
    return decisions, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor-runs", type=int, default=40, help="trivial GETs per cycle")
    parser.add_argument("--warm-up", type=int, default=5, help="decisions left out first")
    args = parser.parse_args()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"tongket_bench_decision_{os.getpid()}"
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False  # plain http here, as behind the TLS proxy
    started = time.perf_counter()
    databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        from tongket.audit.services import seal
        from tongket.core.demo import load_demo
        from tongket.exchange.services import issue_token

        load_demo()
        seal()
        token, _ = issue_token(actor=None, username="vanphong")
        office = APIClient(HTTP_HOST="localhost")
        office.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        print(
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, ready in "
            f"{time.perf_counter() - started:.0f} s; load average "
            + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        )
        for regulation in YEARS:
            cases, floor = run(regulation, office, args.floor_runs)
            base = statistics.median(floor)
            for case, decisions in cases.items():
                decisions = decisions[args.warm_up :]
                print(
                    f"  {case}: decision CPU median {ms(statistics.median(decisions))} ms, "
                    f"p95 {ms(p95(decisions))} ms (n = {len(decisions)}); floor (authenticated "
                    f"GET of a cycle) median {ms(base)} ms (n = {len(floor)}); ratio "
                    f"{statistics.median(decisions) / base:.1f}".replace(".", ",")
                )
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
