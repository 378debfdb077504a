"""`tongket template -o FILE.xlsx [--user USERNAME]`: write the import workbook to fill in, with
its drop-downs, example rows and instructions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.commands import named_user
from tongket.exchange.template import template_workbook
from tongket.people.selectors import writable_organization_codes


class Command(BaseCommand):
    help = "Ghi tệp Excel mẫu để nhập dữ liệu (các trang, cột, danh sách chọn và hướng dẫn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="Đường dẫn tệp .xlsx sẽ ghi.")
        parser.add_argument(
            "--user",
            help="Chỉ liệt kê mã các tổ chức tài khoản này được nhập (mặc định: mọi tổ chức).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = named_user(options["user"]) if options["user"] else None
        path = Path(options["output"])
        try:
            path.write_bytes(template_workbook(writable_organization_codes(user)))
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp «{path}».") from exc
        self.stdout.write(f"Đã ghi mẫu nhập vào {path}.")
