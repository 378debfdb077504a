"""`tongket stats --org CODE --year YYYY [--quarter Q] --json`: decided results of a subtree.

`--verify` also counts them from the raw evaluations and fails when the two differ;
`--rebuild-tally` recounts the maintained tally from the raw rows (idempotent, one transaction).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.replicas import reading_replica
from tongket.evaluation import stats, tally
from tongket.people.models import Organization


class Command(BaseCommand):
    help = "Thống kê kết quả xếp loại đã quyết định của một tổ chức và các tổ chức trực thuộc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Mã tổ chức, ví dụ QT.KCQDN.SGDDT.")
        parser.add_argument("--year", type=int)
        parser.add_argument("--quarter", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Đếm lại từ dữ liệu gốc và báo lỗi nếu khác số liệu tổng hợp sẵn.",
        )
        parser.add_argument(
            "--rebuild-tally",
            action="store_true",
            help="Đếm lại toàn bộ bảng tổng hợp kết quả từ dữ liệu gốc.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild_tally"]:
            rows = tally.rebuild()
            self.stdout.write(f"Đã đếm lại bảng tổng hợp kết quả: {rows} dòng.")
            if options["org"] is None:
                return
        if options["org"] is None or options["year"] is None:
            raise CommandError("Cần ghi --org và --year (hoặc chỉ --rebuild-tally).")
        org = Organization.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã «{options['org']}».")
        with reading_replica():  # a large subtree's figures: the replica, when one keeps up
            data = stats.stats(org, options["year"], options["quarter"])
        if options["verify"]:
            raw = stats.raw_stats(org, options["year"], options["quarter"])
            if raw != data:
                tallied = json.dumps(data, ensure_ascii=False)
                counted = json.dumps(raw, ensure_ascii=False)
                raise CommandError(
                    f"Số liệu tổng hợp sẵn khác số liệu đếm từ dữ liệu gốc: {tallied} ≠ {counted}. "
                    "Hãy chạy «tongket stats --rebuild-tally»."
                )
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{org.name} – năm {data['year']} ({data['profile']})")
        self.stdout.write(f"  Xếp loại của tổ chức: {data['level'] or 'chưa có'}")
        self.stdout.write(f"  Đảng viên: {json.dumps(data['members'], ensure_ascii=False)}")
        for kind, counts in data["organizations"].items():
            self.stdout.write(f"  Tổ chức ({kind}): {json.dumps(counts, ensure_ascii=False)}")
        if options["verify"]:
            self.stdout.write("  Đã đối chiếu với dữ liệu gốc: khớp.")
