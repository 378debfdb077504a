"""`tongket backup FILE`: an encrypted, authenticated archive of the database and uploaded files;
`tongket backup --verify FILE`: check an archive without restoring it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tongket.core.backup import KEY_ENV, create_backup, verify_backup
from tongket.core.errors import DomainError
from tongket.core.formatting import format_number


def _local_time(created: str) -> str:
    """The manifest's ISO time as an office reads it: `08/12/2026 02:53`, in TIME_ZONE."""
    return timezone.localtime(dt.datetime.fromisoformat(created)).strftime("%d/%m/%Y %H:%M")


class Command(BaseCommand):
    help = (
        f"Sao lưu toàn bộ dữ liệu và tệp đính kèm vào một tệp mã hóa (khóa trong {KEY_ENV}); "
        "--verify kiểm tra một bản sao lưu mà không khôi phục."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--verify", action="store_true", help="Chỉ kiểm tra tệp sao lưu, không ghi gì."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if options["verify"]:
                result = verify_backup(path)
                self.stdout.write(
                    f"Bản sao lưu {path} hợp lệ: tạo lúc {_local_time(result.created)}, "
                    f"{format_number(result.rows)} bản ghi ở {result.tables} bảng, "
                    f"{format_number(result.files)} tệp, nhật ký kiểm toán đến "
                    f"#{result.audit_seq}; xác thực bằng khóa và mọi mã kiểm tra đều khớp."
                )
                return
            manifest = create_backup(path)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Đã sao lưu {format_number(rows)} bản ghi ở {len(manifest['tables'])} bảng và "
            f"{format_number(len(manifest['files']) - 1)} tệp vào {path} "
            "(mã hóa, chỉ chủ tệp đọc được)."
        )
