"""`tongket exemplary --org CODE --year YYYY --number SỐ --date DD/MM/YYYY --reason "LÝ DO"`:
record the committee's choice of a collective rated excellent as "hoàn thành xuất sắc nhiệm vụ
tiêu biểu" (HD 06-HD/TW mục 19), beside its sealed classification decision."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongket.awards import selectors, services
from tongket.awards.management.options import date_option, refusals_as_command_errors


class Command(BaseCommand):
    help = "Ghi nhận tập thể hoàn thành xuất sắc nhiệm vụ tiêu biểu (HD 06-HD/TW mục 19)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Mã chi bộ, tổ chức cơ sở đảng.")
        parser.add_argument("--year", type=int, required=True, help="Năm xếp loại.")
        parser.add_argument("--number", required=True, help="Số văn bản chọn tiêu biểu.")
        parser.add_argument("--date", required=True, help="Ngày văn bản, dd/mm/yyyy.")
        parser.add_argument("--reason", required=True, help="Lý do chọn tiêu biểu.")

    def handle(self, *args: Any, **options: Any) -> None:
        date = date_option(options["date"])
        with refusals_as_command_errors():
            choice = services.mark_exemplary(
                actor=None,
                decision_id=selectors.organization_decision_id(options["org"], options["year"]),
                number=options["number"],
                date=date,
                reason=options["reason"],
            )
        self.stdout.write(
            f"Đã ghi nhận {choice.organization.name} hoàn thành xuất sắc nhiệm vụ tiêu biểu năm "
            f"{choice.year} (văn bản số {choice.number} ngày {choice.date:%d/%m/%Y})."
        )
