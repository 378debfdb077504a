# ruff: noqa: N999 - the module name is the console command the issue names: `tongket import`
"""`tongket import FILE.xlsx [--dry-run] [--user NAME]`: the workbook importer on the console."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.commands import named_user
from tongket.exchange.importer import ImportReport, run_import
from tongket.exchange.workbook import MAX_BYTES, Action


class ProgressBar:
    """A plain-text progress bar on one line of stderr, redrawn with a carriage return."""

    def __init__(self, stream: TextIO, label: str, width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(self.width * share)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{int(share * 100):3d}% ({done}/{total})"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Nhập tệp Excel theo mẫu (tổ chức, đảng viên, chức vụ). Một dòng lỗi: không ghi gì."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp .xlsx theo mẫu (xem `tongket template`).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và báo cáo, không ghi gì."
        )
        parser.add_argument(
            "--user", default="", help="Nhập với quyền của tài khoản này (mặc định: hệ thống)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise CommandError(f"Không mở được tệp «{path}».") from exc
        if size > MAX_BYTES:
            raise CommandError(f"Tệp quá lớn; giới hạn là {MAX_BYTES // (1024 * 1024)} MB.")
        actor = named_user(options["user"]) if options["user"] else None
        dry_run = bool(options["dry_run"])
        label = "Kiểm tra" if dry_run else "Nhập"
        report = run_import(
            path.read_bytes(),
            actor=actor,
            dry_run=dry_run,
            progress=ProgressBar(cast(TextIO, getattr(self.stderr, "_out", sys.stderr)), label),
            filename=path.name,
        )
        self._print(report)
        if report.errors:
            raise CommandError(report.summary(), returncode=1)

    def _print(self, report: ImportReport) -> None:
        for sheet, counts in report.counts().items():
            parts = [f"{Action(a).label.lower()} {n}" for a, n in counts.items()]
            self.stdout.write(f"{sheet}: " + ", ".join(parts))
        for problem in report.problems:
            kind = "Lỗi" if problem in report.errors else "Lưu ý"
            value = f" — giá trị «{problem.value}»" if problem.value else ""
            self.stdout.write(f"{kind}: {problem.where}: {problem.message} [{problem.rule}]{value}")
        if not report.errors:
            self.stdout.write(report.summary())
