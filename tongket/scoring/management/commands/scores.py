"""`tongket scores --org CODE --year YYYY [--json]`: a unit's scorecards, ranks and targets.

Points and maxima in the JSON are decimal strings in one form: a dot, trailing zeros dropped but
always at least one decimal ("326.7", "350.0", "88.57", "97.0"), so a reader can tell a score
from a count and compare them as text or as Decimal. `frame` is the frame's code; `rank` and
`of` are null until the issuer publishes the results; `level` is the band's code (null when the
frame has no bands, as the PAR index). A Party organization's code reports the agency it sits in.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.errors import NotFound
from tongket.core.formatting import format_decimal
from tongket.scoring import selectors
from tongket.scoring.domain import rank_word


def decimal_string(value: Decimal) -> str:
    """326.70 → "326.7", 350 → "350.0", 88.57 → "88.57" (see the module docstring)."""
    text = f"{value.normalize():f}"
    return text if "." in text else f"{text}.0"


def report(data: selectors.UnitYear) -> dict[str, Any]:
    """The JSON shape of issue 4: org, year, scorecards, targets."""
    return {
        "org": data.unit.code,
        "year": data.year,
        "scorecards": [
            {
                "frame": line.frame_code,
                "points": decimal_string(line.points),
                "max": decimal_string(line.max_points),
                "rank": line.rank,
                "of": line.of,
                "level": line.level,
            }
            for line in data.scorecards
        ],
        "targets": {"met": data.targets.met, "total": data.targets.total},
    }


class Command(BaseCommand):
    help = "Kết quả chấm điểm, xếp hạng và chỉ tiêu của một cơ quan trong một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Mã cơ quan hoặc mã tổ chức đảng.")
        parser.add_argument("--year", required=True, type=int, help="Năm đánh giá.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = selectors.unit_year(None, options["org"], options["year"])
        except NotFound as exc:
            raise CommandError(f"Không tìm thấy cơ quan ứng với mã «{options['org']}».") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report(data), ensure_ascii=False))
            return
        self.stdout.write(f"{data.unit.name} ({data.unit.code}), năm {data.year}")
        if not data.scorecards:
            self.stdout.write("  Chưa có kết quả chấm điểm đã thẩm định.")
        for line in data.scorecards:
            rank = (
                f", xếp thứ {rank_word(line.rank)} trong {line.of} đơn vị"
                if line.rank and line.of
                else ", chưa công bố xếp hạng"
            )
            self.stdout.write(
                f"  {line.frame_title}: {format_decimal(line.points.normalize())} điểm/"
                f"{format_decimal(line.max_points.normalize())} điểm{rank}"
            )
        self.stdout.write(f"  Chỉ tiêu: đạt {data.targets.text}")
