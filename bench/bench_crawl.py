"""Every page a user reaches by following links, one request at a time, slowest first.

Usage (after `tongket synth`):
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_crawl.py \
        [--user bench] [--pages 260] [--per-pattern 3] [--show 30] [SEED_URL ...]

The busy-page benchmark (`bench_pages.py`) measures the pages one expects to be busy. This one
looks for the pages nobody thought of: starting from the seeds (default: the home page), it
follows the site's links breadth-first as the user (a superuser named "bench" by default,
created if missing, who sees the whole country), with the page cache off so that every page is
built, at most `--per-pattern` addresses per URL shape (digits folded: /org/P01/ and /org/P02/
are one shape) and `--pages` in all. Downloads and logout are not followed. Prints for the
slowest pages: wall time, status, queries, SQL time and size, then how many took over 1 s.
At national size it found forms listing every organization (15 s, 30 MB), a cell's page
walking the country's name index (11 s) and the home page loading every organization (5 s).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # a run's own strong key
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ["TONGKET_PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "logout", "/admin/", "/export/", "/download", ".pdf", ".docx", ".xlsx", ".csv")
SKIP_ENDINGS = (".md", ".json")  # documents and API downloads: bench_report.py times those


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", default=["/"])
    parser.add_argument("--user", default="bench")
    parser.add_argument("--pages", type=int, default=260)
    parser.add_argument("--per-pattern", type=int, default=3)
    parser.add_argument("--show", type=int, default=30)
    args = parser.parse_args()

    user, _ = get_user_model().objects.get_or_create(
        username=args.user, defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    queue: deque[str] = deque(args.seeds)
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    results: list[tuple[float, str, int, int, float, int]] = []
    while queue and len(results) < args.pages:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] > args.per_pattern:
            continue
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        sql = sum(float(q["time"]) for q in queries.captured_queries)
        size = 0 if response.streaming else len(response.content)
        results.append((elapsed, url, response.status_code, len(queries), sql, size))
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode(errors="replace")):
                link = link.replace("&amp;", "&")
                skipped = any(part in link for part in SKIP) or link.endswith(SKIP_ENDINGS)
                if link not in seen and not skipped:
                    queue.append(link)
    results.sort(reverse=True)
    print(f"{len(results)} pages as {args.user}; page cache off; slowest first")
    print(f"{'wall ms':>8} status queries  sql ms     KB  address")
    for elapsed, url, status, count, sql, size in results[: args.show]:
        ms, sql_ms, kb = elapsed * 1000, sql * 1000, size // 1024
        print(f"{ms:8.0f} {status:6d} {count:7d} {sql_ms:7.0f} {kb:6d}  {url}")
    slow = [r for r in results if r[0] > 1.0]
    print(f"over 1 s: {len(slow)} of {len(results)}")


if __name__ == "__main__":
    main()
