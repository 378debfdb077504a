"""`tongket stats --org CODE --year YYYY [--quarter Q] --json`: decided results of a subtree."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.evaluation import selectors
from tongket.people.models import Organization


class Command(BaseCommand):
    help = "Thống kê kết quả xếp loại đã quyết định của một tổ chức và các tổ chức trực thuộc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Mã tổ chức, ví dụ QT.KCQDN.SGDDT.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--quarter", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã «{options['org']}».")
        data = selectors.stats(org, options["year"], options["quarter"])
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{org.name} – năm {data['year']} ({data['profile']})")
        self.stdout.write(f"  Xếp loại của tổ chức: {data['level'] or 'chưa có'}")
        self.stdout.write(f"  Đảng viên: {json.dumps(data['members'], ensure_ascii=False)}")
        for kind, counts in data["organizations"].items():
            self.stdout.write(f"  Tổ chức ({kind}): {json.dumps(counts, ensure_ascii=False)}")
