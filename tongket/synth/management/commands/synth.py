"""`tongket synth --members N --seed S [--years 2023,2024,2025]`: load synthetic national data."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.errors import DomainError
from tongket.synth.generator import MIN_MEMBERS, SynthConfig
from tongket.synth.loader import load, vacuum_loaded


def _years(text: str) -> tuple[int, ...]:
    try:
        years = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise CommandError(f"--years: danh sách năm không hợp lệ «{text}».") from None
    return years


class Command(BaseCommand):
    help = "Sinh dữ liệu tổng hợp toàn quốc (34 tỉnh, thành phố) để đo hiệu năng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="số đảng viên")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên")
        parser.add_argument(
            "--years", default="2023,2024,2025", help="các năm có kết quả, cách nhau dấu phẩy"
        )
        parser.add_argument("--no-results", action="store_true", help="không sinh kết quả")
        parser.add_argument("--quiet", action="store_true", help="chỉ in kết quả JSON")
        parser.add_argument(
            "--python",
            action="store_true",
            help="PostgreSQL: sinh mọi dòng bằng Python rồi COPY (chậm hơn) thay vì trong CSDL",
        )
        parser.add_argument(
            "--no-vacuum", action="store_true", help="PostgreSQL: không VACUUM sau khi nạp"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        members: int = options["members"]
        if members < MIN_MEMBERS:
            raise CommandError(f"--members phải từ {MIN_MEMBERS} trở lên.")
        config = SynthConfig(
            members=members,
            seed=options["seed"],
            years=_years(options["years"]),
            with_results=not options["no_results"],
        )
        progress = None if options["quiet"] else (lambda line: self.stderr.write(line))
        try:
            report = load(config, progress=progress, in_database=not options["python"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if not options["no_vacuum"] and vacuum_loaded(report) and progress is not None:
            progress(f"VACUUM: {report.vacuum_seconds:.1f} s")
        self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
