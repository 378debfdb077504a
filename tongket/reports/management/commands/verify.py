"""`tongket verify FILE.pdf`: who signed the PDF and whether it is intact (exit 1 when not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.reports.signing import verify_pdf


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của tệp PDF: người ký và tệp còn nguyên vẹn hay không."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="tệp PDF cần kiểm tra")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        result = verify_pdf(path.read_bytes())
        if not result.signed:
            raise CommandError(f"{path}: không có chữ ký số.")
        self.stdout.write(f"Người ký: {result.signer}")
        if not result.intact:
            raise CommandError(f"{path}: tệp KHÔNG còn nguyên vẹn sau khi ký.")
        self.stdout.write("Tệp còn nguyên vẹn kể từ khi ký.")
