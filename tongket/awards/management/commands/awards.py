"""`tongket awards --org CODE --year YYYY [--json]`: the awards whose recipients are in a subtree.

With --json, a list of objects:
  "form"            the form's name as in the catalog (e.g. "Giấy khen của Đảng ủy cơ sở tặng
                    đảng viên hoàn thành xuất sắc nhiệm vụ"); the code is stable, the name reads
  "issuer"          the issuing body's name as written on the decision (e.g. "Đảng ủy Sở Giáo dục
                    và Đào tạo")
  "recipient"       a member's card number, or an organization's code
  "recipient_name"  the name as written on the decision
  "achievement"     the achievement text
  "decision"        the number of the decision in force (the latest correction, if any)
  "date"            that decision's date, ISO 8601 (YYYY-MM-DD)
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.awards import selectors
from tongket.core.errors import NotFound
from tongket.people.selectors import get_organization


class Command(BaseCommand):
    help = "Liệt kê khen thưởng của người và tập thể thuộc một tổ chức (kể cả cấp dưới)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Mã tổ chức, ví dụ QT.KCQDN.SGDDT.")
        parser.add_argument("--year", type=int, help="Năm thành tích; bỏ trống: mọi năm.")
        parser.add_argument("--json", action="store_true", help="In ra JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            org = get_organization(None, options["org"])
        except NotFound as exc:
            raise CommandError(f"Không có tổ chức mã «{options['org']}».") from exc
        awards = selectors.awards_in_subtree(None, org, options["year"]).order_by(
            "year", "form__sort_order", "member__sort_name", "organization__path"
        )
        rows = selectors.award_rows(awards)
        if options["json"]:
            payload = [
                {
                    "form": row.form_name,
                    "issuer": row.issuer_name,
                    "recipient": row.recipient,
                    "recipient_name": row.recipient_name,
                    "achievement": row.achievement,
                    "decision": row.decision_number,
                    "date": row.decision_date.isoformat(),
                }
                for row in rows
            ]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row.year}  {row.recipient:<20} {row.recipient_name:<40} {row.form_name} "
                f"— {row.issuer_name}, QĐ số {row.decision_number} ngày "
                f"{row.decision_date:%d/%m/%Y}"
            )
        self.stdout.write(f"Tổng cộng: {len(rows)} khen thưởng.")
