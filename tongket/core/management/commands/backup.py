"""`tongket backup FILE`: a consistent, checksummed archive of the database and uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongket.core.backup import create_backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu và tệp đính kèm vào một tệp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = create_backup(options["file"])
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Đã sao lưu {rows} bản ghi ở {len(manifest['tables'])} bảng và "
            f"{len(manifest['files']) - 1} tệp vào {options['file']}."
        )
