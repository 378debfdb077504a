"""Subtree statistics against the floor of one hand-written SQL aggregate on the same database.

Usage (after `tongket synth`; see bench/README.md):
    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://... \
        .venv/bin/python bench/bench_stats.py [--year 2025] [--repeat 5]

For the whole country, one province (the largest) and one grassroots organization (a typical
one), each measured function runs `repeat` times after one warm-up; the median is reported with
its ratio to the median of the floor query over the same rows. The statistics are measured
twice: `evaluation.stats`, which sums the maintained results tally, and `raw_stats`, which counts
the raw evaluations like the floor does; both results must be identical.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # a run's own strong key

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from tongket.evaluation import stats as evaluation_stats  # noqa: E402
from tongket.evaluation.models import Cycle, Decision, Evaluation  # noqa: E402
from tongket.people import selectors as people  # noqa: E402
from tongket.people.models import Member, Organization  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    fn()  # warm-up: caches and plans, as on a server that has been running
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def sql(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


T_MEMBER = Member._meta.db_table
T_EVAL = Evaluation._meta.db_table
T_CYCLE = Cycle._meta.db_table
T_DECISION = Decision._meta.db_table

FLOOR_MEMBERS = f"""
    SELECT status, COUNT(*) FROM {T_MEMBER} WHERE org_path LIKE %s GROUP BY status
"""
# The same rows the stats selector reads: the period's evaluations in the subtree and their
# current decision, counted by subject kind, organization kind and level.
FLOOR_RESULTS = f"""
    SELECT e.subject_kind, e.org_kind, d.level, d.id IS NULL, COUNT(*)
    FROM {T_EVAL} e
    JOIN {T_CYCLE} c ON c.id = e.cycle_id
    LEFT JOIN {T_DECISION} d ON d.evaluation_id = e.id AND d.status = 'current'
    WHERE c.year = %s AND c.quarter IS NULL AND e.subject_path LIKE %s
    GROUP BY 1, 2, 3, 4
"""


def member_counts(org: Organization) -> dict[str, int]:
    return people.member_status_counts(None, org)


def member_kind_counts(org: Organization) -> dict[str, int]:
    rows = people.members_in_subtree(org).order_by().values("gender").annotate(n=Count("id"))
    return {row["gender"]: row["n"] for row in rows}


def subjects() -> list[tuple[str, Organization]]:
    # The whole country has no organization row (provinces are the roots): an unsaved stand-in
    # with the empty path makes every subtree filter match everything, as a national root would.
    country = Organization(pk=0, code="TW", name="Toàn quốc", path="", kind="provincial")
    province = max(
        Organization.objects.filter(kind="provincial", code__startswith="P"),
        key=lambda o: Member.objects.filter(org_path__startswith=o.path).count(),
    )
    grassroots = (
        Organization.objects.filter(kind="grassroots", path__startswith=province.path)
        .order_by("path")
        .first()
    )
    assert grassroots is not None, "run `tongket synth` first"
    return [("country", country), ("province", province), ("grassroots", grassroots)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"database: {connection.vendor}, members: {Member.objects.count()}")
    print(f"evaluations: {Evaluation.objects.count()}, year {args.year}")
    header = f"{'subtree':<11} {'measure':<24} {'median ms':>10} {'floor ms':>9} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for label, org in subjects():
        like = [org.path + "%"]
        floor_m, floor_rows = timed(lambda: sql(FLOOR_MEMBERS, like), args.repeat)  # noqa: B023
        for name, fn in (
            ("members by status", member_counts),
            ("members by gender", member_kind_counts),
        ):
            t, _ = timed(lambda: fn(org), args.repeat)  # noqa: B023
            ms, floor_ms = t * 1000, floor_m * 1000
            print(f"{label:<11} {name:<24} {ms:>10.1f} {floor_ms:>9.1f} {t / floor_m:>6.2f}")
        floor_r, _ = timed(lambda: sql(FLOOR_RESULTS, [args.year, *like]), args.repeat)  # noqa: B023
        # `stats` sums the maintained tally; `raw_stats` counts the raw rows (the floor's shape).
        t_raw, raw = timed(lambda: evaluation_stats.raw_stats(org, args.year), args.repeat)  # noqa: B023
        t, result = timed(lambda: evaluation_stats.stats(org, args.year), args.repeat)  # noqa: B023
        for name, seconds in (("evaluation.raw_stats", t_raw), ("evaluation.stats (tally)", t)):
            print(
                f"{label:<11} {name:<24} {seconds * 1000:>10.1f} {floor_r * 1000:>9.1f} "
                f"{seconds / floor_r:>6.2f}"
            )
        same = "identical" if result == raw else "DIFFERENT"
        total = sum(n for _s, n in floor_rows)
        print(
            f"{'':<11} ({total} members; stats members total {result['members']['total']}; "
            f"tally and raw results {same})"
        )


if __name__ == "__main__":
    main()
