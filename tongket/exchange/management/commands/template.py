"""`tongket template -o FILE.xlsx`: write the empty import workbook with its instructions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.exchange.exporter import template_workbook


class Command(BaseCommand):
    help = "Ghi tệp Excel mẫu để nhập dữ liệu (các trang, cột và trang hướng dẫn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="Đường dẫn tệp .xlsx sẽ ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        try:
            path.write_bytes(template_workbook())
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp «{path}».") from exc
        self.stdout.write(f"Đã ghi mẫu nhập vào {path}.")
