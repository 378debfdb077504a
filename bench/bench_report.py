"""Rendering the year-end report (DOCX and PDF): a grassroots organization and a province.

Usage (after `tongket demo` and `tongket synth`):
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_report.py \
        [--repeat 3] [--province P01] [--year 2025]

Renders `reports.selectors.render_report(kind="year-end")` as the application's download view
does, for the demo's grassroots organization QT.KCQDN.SGDDT (year 2020, the demo's evaluated
year) and for a synthetic province (default the largest, P01, year 2025), as a superuser.
Prints per organization and format the median time of `--repeat` runs after a warm-up, the
number of queries and their time, the document's size, and the time spent gathering the facts
alone (`year_end_facts`): the rest is the renderer. Target (issue 9): DOCX + PDF of a grassroots
organization ≤ 2 s. The load average is printed with each line: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # a run's own strong key

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tongket.accounts.scope import User  # noqa: E402
from tongket.people.models import Member, Organization  # noqa: E402
from tongket.reports.selectors import render_report, year_end_facts  # noqa: E402

GRASSROOTS = ("QT.KCQDN.SGDDT", 2020)


def _run(user: User, code: str, year: int, what: str) -> object:
    if what == "facts":
        return year_end_facts(user, code, year)
    return render_report(user, code, year, kind="year-end", fmt=what)


def timed(action: Callable[[], object], repeat: int) -> tuple[float, int, float, object]:
    """Median seconds over `repeat` runs after one warm-up; queries and their seconds (last run)."""
    action()
    times: list[float] = []
    result: object = None
    queries, sql = 0, 0.0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = action()
            times.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
        sql = sum(float(q["time"] or 0) for q in ctx.captured_queries)
    return statistics.median(times), queries, sql, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--province", default="P01")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    targets = [GRASSROOTS, (args.province, args.year)]
    header = (
        f"{'organization':<18} {'members':>8} {'what':<6} {'median ms':>10} {'queries':>8} "
        f"{'sql ms':>8} {'size KB':>8} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for code, year in targets:
        org = Organization.objects.filter(code=code).first()
        if org is None:
            print(f"{code:<18} missing: run `tongket demo` / `tongket synth` first")
            continue
        members = Member.objects.filter(org_path__startswith=org.path).count()
        total = 0.0
        for what in ("facts", "docx", "pdf"):
            action = partial(_run, user, code, year, what)
            seconds, queries, sql, result = timed(action, args.repeat)
            size = len(getattr(result, "content", b"")) / 1024
            if what != "facts":
                total += seconds
            print(
                f"{code:<18} {members:>8} {what:<6} {seconds * 1000:>10.0f} {queries:>8} "
                f"{sql * 1000:>8.0f} {size:>8.0f} {os.getloadavg()[0]:>5.1f}"
            )
        verdict = ""
        if (code, year) == GRASSROOTS:
            verdict = "  (target ≤ 2,000 ms: " + ("met)" if total <= 2 else "MISSED)")
        print(f"{code:<18} {'':>8} {'docx+pdf':<6} {total * 1000:>8.0f}{verdict}")


if __name__ == "__main__":
    main()
