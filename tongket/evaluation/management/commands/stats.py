"""`tongket stats --org CODE --year YYYY [--quarter Q] --json`: decided results of a subtree.

`--verify` also counts them from the raw evaluations and fails when the two differ;
`--rebuild-tally` recounts the maintained tally from the raw rows (idempotent, one transaction).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.formatting import format_number
from tongket.core.replicas import reading_replica
from tongket.evaluation import stats, tally
from tongket.evaluation.domain import Level
from tongket.people.models import Organization, OrganizationKind

# The human output's labels for the keys of `--json` (whose shape other tools rely on).
COUNT_LABELS = {
    "total": "Tổng số",
    **{level.value: level.label for level in Level},
    "not_classified": "Không xếp loại",
    "pending": "Chưa có quyết định",
}

# The command's on/off options and their help.
SWITCHES = {
    "--json": "In kết quả dạng JSON.",
    "--verify": "Đếm lại từ dữ liệu gốc và báo lỗi nếu khác số liệu tổng hợp sẵn.",
    "--rebuild-tally": "Đếm lại toàn bộ bảng tổng hợp kết quả từ dữ liệu gốc.",
}


def _counts(counts: dict[str, int]) -> str:
    return "; ".join(f"{COUNT_LABELS.get(k, k)} {format_number(n)}" for k, n in counts.items())


def _kind_label(kind: str) -> str:
    return OrganizationKind(kind).label if kind in OrganizationKind.values else kind


class Command(BaseCommand):
    help = "Thống kê kết quả xếp loại đã quyết định của một tổ chức và các tổ chức trực thuộc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Mã tổ chức, ví dụ QT.KCQDN.SGDDT.")
        parser.add_argument("--year", type=int)
        parser.add_argument("--quarter", type=int, default=None)
        for flag, text in SWITCHES.items():
            parser.add_argument(flag, action="store_true", help=text)

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
        own = Level(data["level"]).label if data["level"] else "chưa có"
        self.stdout.write(f"{org.name} – năm {data['year']} ({data['profile']})")
        self.stdout.write(f"  Xếp loại của tổ chức: {own}")
        self.stdout.write(f"  Đảng viên: {_counts(data['members'])}")
        for kind, counts in data["organizations"].items():
            self.stdout.write(f"  {_kind_label(kind)}: {_counts(counts)}")
        if options["verify"]:
            self.stdout.write("  Đã đối chiếu với dữ liệu gốc: khớp.")
