"""Import of a generated N-member workbook against the floor of just reading it with openpyxl.

Usage (after `tongket migrate && tongket demo` on the database in DATABASE_URL, or on SQLite):
    .venv/bin/python bench/bench_import.py --members 100000

Builds the workbook once (members in the demo cells, the import layout), then runs each step in
its own child process so that each has its own peak memory (ru_maxrss, which includes Python,
Django and the file held in memory):

- floor: openpyxl read-only, values only, iterating every row of the same file;
- dry run: `run_import(..., dry_run=True)`;
- real run (with the deferred foreign-key checks its commit would run), then re-import of
  the same file (a no-op), then `audit verify`, in one transaction that is rolled back at the
  end, so the database is left as it was.

On PostgreSQL each step is followed by a VACUUM of the tables it wrote: a rolled-back import
leaves 100,000 dead rows per table, and with autovacuum off (as here) they pile up run after
run and slow every later insert (a unique index check visits each dead copy of a key).

Prints, for each step, wall-clock seconds and rows/s, the CPU seconds of the Python process
(what the step costs when the machine is shared; the database server's own CPU is not in it),
each with its ratio to the floor, and the peak memory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongket.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # a run's own strong key


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _floor(path: str) -> dict[str, Any]:
    from openpyxl import load_workbook

    data = Path(path).read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    rows = 0
    for sheet in book.worksheets:
        for _values in sheet.iter_rows(values_only=True):
            rows += 1
    book.close()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "rows": rows - 1,
    }


class _Undo(Exception):
    pass


def _django() -> None:
    import django

    django.setup()


def _dry(path: str) -> dict[str, Any]:
    _django()
    from tongket.exchange.importer import run_import

    data = Path(path).read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    report = run_import(data, actor=None, dry_run=True)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "summary": report.summary(),
    }


def _real(path: str) -> dict[str, Any]:
    _django()
    from django.db import connection, transaction

    from tongket.audit.services import verify
    from tongket.exchange.importer import run_import

    data = Path(path).read_bytes()
    out: dict[str, Any] = {}
    try:
        with transaction.atomic():
            started, cpu = time.perf_counter(), time.process_time()
            report = run_import(data, actor=None, dry_run=False)
            # What the commit would still do: the deferred foreign-key checks (PostgreSQL).
            checks = time.perf_counter()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            out["checks_seconds"] = time.perf_counter() - checks
            out["seconds"] = time.perf_counter() - started
            out["cpu"] = time.process_time() - cpu
            out["summary"] = report.summary()
            out["applied"] = report.applied
            out["peak_real_mb"] = _peak_mb()
            started, cpu = time.perf_counter(), time.process_time()
            again = run_import(data, actor=None, dry_run=False)
            out["again_seconds"] = time.perf_counter() - started
            out["again_cpu"] = time.process_time() - cpu
            out["again_summary"] = again.summary()
            out["again_changes"] = again.changes
            started = time.perf_counter()
            out["verify_problems"] = len(verify())
            out["verify_seconds"] = time.perf_counter() - started
            raise _Undo
    except _Undo:
        pass
    return out


def _vacuum(path: str) -> dict[str, Any]:
    """PostgreSQL: clear the dead rows the previous (rolled-back) step left in the tables the
    import writes, as autovacuum would, so every step starts from the same clean tables."""
    _django()
    from django.db import connection

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) people_member, people_membership, audit_auditevent")
    return {"seconds": time.perf_counter() - started}


STEPS = {"floor": _floor, "dry": _dry, "real": _real, "vacuum": _vacuum}


def _child(step: str, path: str) -> None:
    result = STEPS[step](path)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result, ensure_ascii=False))


def _run_child(step: str, path: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, path],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _build(count: int, path: str) -> None:
    _django()
    from tongket.exchange.tests.factories import members_workbook

    Path(path).write_bytes(members_workbook(count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--file", help="reuse (or keep) the workbook at this path")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.child[0] == "build":
        _build(int(args.child[2]), args.child[1])
        return
    if args.child:
        _child(*args.child)
        return
    count = args.members
    path = args.file or str(Path(tempfile.gettempdir()) / f"tongket_bench_import_{count}.xlsx")
    if not Path(path).exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", "build", path, str(count)], check=True)
        print(f"tệp {count:,} đảng viên tạo trong {time.perf_counter() - started:.1f} s")
    size = Path(path).stat().st_size
    database = os.environ.get("DATABASE_URL", "sqlite").split("@")[-1]
    print(f"tệp: {path} ({size / 1e6:.1f} MB); cơ sở dữ liệu: {database}")

    floor = _run_child("floor", path)
    assert floor["rows"] == count, floor
    vacuum = _run_child("vacuum", path)["seconds"]
    dry = _run_child("dry", path)
    vacuum += _run_child("vacuum", path)["seconds"]
    real = _run_child("real", path)
    vacuum += _run_child("vacuum", path)["seconds"]
    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])

    def line(label: str, seconds: float, cpu: float, peak: float, note: str = "") -> None:
        print(
            f"{label:<22} {seconds:8.2f} s {count / seconds:8.0f} dòng/s "
            f"{seconds / floor['seconds']:5.2f}× | {cpu:7.2f} s {count / cpu:8.0f} dòng/s "
            f"{cpu / floor['cpu']:5.2f}× | {peak:5.0f} MB  {note}"
        )

    print(
        f"{'bước':<22} {'thời gian thực (so với sàn)':^34} | "
        f"{'CPU tiến trình Python (so với sàn)':^34} | bộ nhớ đỉnh"
    )
    line("sàn: openpyxl đọc", floor["seconds"], floor["cpu"], floor["peak_mb"])
    line("kiểm tra (dry run)", dry["seconds"], dry["cpu"], dry["peak_mb"], dry["summary"])
    line("nhập", real["seconds"], real["cpu"], real["peak_real_mb"], real["summary"])
    print(f"{'':<22} (trong đó kiểm tra khóa ngoại lúc commit: {real['checks_seconds']:.2f} s)")
    line(
        "nhập lại (không đổi)",
        real["again_seconds"],
        real["again_cpu"],
        real["peak_mb"],
        real["again_summary"],
    )
    print(
        f"audit verify sau khi nhập: {real['verify_problems']} lỗi "
        f"({real['verify_seconds']:.1f} s); đã hoàn tác, cơ sở dữ liệu giữ nguyên."
    )
    print(
        f"VACUUM giữa các bước (không tính vào thời gian): {vacuum:.1f} s; "
        f"tải trung bình của máy (1, 5, 15 phút): {load}"
    )


if __name__ == "__main__":
    main()
