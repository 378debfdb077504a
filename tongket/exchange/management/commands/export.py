"""`tongket export --user NAME -o FILE [--sheet KEY ...] [--format xlsx|csv]`: what the user may
see, in the import layout, as the download gives it; for exports too long for a web request (a
whole country's members: about two minutes as CSV)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.commands import named_user
from tongket.core.replicas import reading_replica
from tongket.exchange.exporter import EXPORTABLE, export_csv_to, export_workbook_to


class Command(BaseCommand):
    help = (
        "Xuất dữ liệu một tài khoản được xem ra tệp Excel hoặc CSV theo mẫu nhập "
        "(như nút tải về, cho những lần xuất quá lớn để tải qua trình duyệt); có ghi nhật ký."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="Tệp sẽ ghi (.xlsx hoặc .csv).")
        parser.add_argument(
            "--user", required=True, help="Xuất những gì tài khoản này được xem (bắt buộc)."
        )
        parser.add_argument(
            "--sheet",
            action="append",
            choices=EXPORTABLE,
            help="Trang cần xuất (lặp lại được; mặc định: mọi trang). CSV: đúng một trang.",
        )
        parser.add_argument(
            "--format", choices=("xlsx", "csv"), default="", help="Mặc định: theo đuôi tệp."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        sheets: list[str] = options["sheet"] or list(EXPORTABLE)
        if fmt == "csv" and len(sheets) != 1:
            raise CommandError("Tệp CSV chỉ chứa một trang: chọn đúng một --sheet.")
        user = named_user(options["user"])
        # Written beside the target, then renamed: a failed export leaves no half-written file.
        directory = path.parent if str(path.parent) else Path(".")
        try:
            handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
        except OSError as exc:
            raise CommandError(f"Không ghi được vào thư mục «{directory}».") from exc
        try:
            with os.fdopen(handle, "wb") as file, reading_replica(user.pk):
                if fmt == "csv":
                    rows = export_csv_to(file, user, sheets[0])
                else:
                    rows = export_workbook_to(file, user, sheets)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(f"Đã ghi {rows} dòng vào {path}.")
