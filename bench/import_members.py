"""Benchmark: import a generated workbook of N members (default 10,000) into the demo database.

Run after `tongket migrate && tongket demo` (SQLite or DATABASE_URL):
    TONGKET_INSECURE_DEV_KEY=1 .venv/bin/python bench/import_members.py [N]
Everything runs inside a transaction that is rolled back, so the database is left as it was.
Prints the time to build the file, the dry run, the real run and the re-import (a no-op).
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongket.settings")
django.setup()

from django.db import transaction  # noqa: E402

from tongket.exchange.importer import run_import  # noqa: E402
from tongket.exchange.tests.factories import members_workbook  # noqa: E402


class Undo(Exception):
    pass


def timed(label: str, count: int, run: object) -> None:
    started = time.monotonic()
    result = run()  # type: ignore[operator]
    elapsed = time.monotonic() - started
    print(f"{label:<28} {elapsed:8.1f} s  {count / elapsed:8.0f} dòng/s  {result}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    started = time.monotonic()
    data = members_workbook(count)
    print(
        f"tệp {count} đảng viên: {len(data) / 1e6:.1f} MB, "
        f"tạo trong {time.monotonic() - started:.1f} s"
    )
    try:
        with transaction.atomic():
            timed(
                "kiểm tra (dry run)",
                count,
                lambda: run_import(data, actor=None, dry_run=True).summary(),
            )
            timed("nhập", count, lambda: run_import(data, actor=None, dry_run=False).summary())
            timed(
                "nhập lại (không đổi)",
                count,
                lambda: run_import(data, actor=None, dry_run=False).summary(),
            )
            raise Undo
    except Undo:
        print("(đã hoàn tác, cơ sở dữ liệu giữ nguyên)")


if __name__ == "__main__":
    main()
