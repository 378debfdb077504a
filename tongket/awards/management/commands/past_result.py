"""`tongket past_result --member CARD | --org CODE --year YYYY --level LEVEL --number SỐ
--date DD/MM/YYYY --body "CẤP QUYẾT ĐỊNH" [--exemplary]`: enter a year's classification from the
records.

For the years before the product held the subject's cycles (issue 24, point 8): multi-year
awards ("5 năm liền") count them beside the product's own decisions. Refused, with the rule, for a
year not yet past, before the member joined, a year the product decided (wherever: a transfer
keeps it), a year already entered, a decision dated after today.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongket.awards import services
from tongket.awards.management.options import date_option, refusals_as_command_errors
from tongket.evaluation.domain import Level


class Command(BaseCommand):
    help = "Nhập kết quả xếp loại một năm trước từ hồ sơ (để xét khen thưởng nhiều năm liền)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--member", default="", help="Số thẻ đảng viên.")
        parser.add_argument("--org", default="", help="Mã tổ chức đảng.")
        parser.add_argument("--year", type=int, required=True, help="Năm được xếp loại.")
        parser.add_argument(
            "--level",
            required=True,
            help="Mức xếp loại như ghi trên quyết định («Hoàn thành xuất sắc nhiệm vụ», HTXSNV) "
            "hoặc mã: excellent | good | completed | not_completed.",
        )
        parser.add_argument("--number", required=True, help="Số quyết định, ví dụ 18-QĐ/ĐU.")
        parser.add_argument("--date", required=True, help="Ngày quyết định, dd/mm/yyyy.")
        parser.add_argument("--body", required=True, help="Cấp quyết định, như ghi trên văn bản.")
        parser.add_argument(
            "--exemplary",
            action="store_true",
            help="Tổ chức được chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu» năm đó.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        date = date_option(options["date"])
        with refusals_as_command_errors():
            past = services.record_past_result(
                actor=None,
                data=services.PastResultInput(
                    year=options["year"],
                    level=options["level"],
                    decision_number=options["number"],
                    decision_date=date,
                    deciding_body=options["body"],
                    member_card=options["member"],
                    organization_code=options["org"],
                    exemplary=options["exemplary"],
                ),
            )
        self.stdout.write(
            f"Đã nhập kết quả năm {past.year} ({past.profile_id}): {Level(past.level).label}"
            f"{' (tiêu biểu)' if past.exemplary else ''}, "
            f"Quyết định số {past.decision_number} ngày {past.decision_date:%d/%m/%Y}."
        )
