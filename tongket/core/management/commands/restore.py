"""`tongket restore FILE`: restore an archive into an empty or freshly migrated database,
verified table by table and against the audit chain's sealed head before it commits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.backup import restore_backup
from tongket.core.errors import DomainError
from tongket.core.formatting import format_number


class Command(BaseCommand):
    help = "Khôi phục dữ liệu từ tệp sao lưu vào cơ sở dữ liệu trống hoặc vừa migrate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(options["file"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Đã khôi phục {format_number(result.objects)} bản ghi ở {result.tables} bảng, "
            f"{format_number(result.files)} tệp; "
            "mọi bảng và chuỗi nhật ký kiểm toán khớp bản sao lưu."
        )
