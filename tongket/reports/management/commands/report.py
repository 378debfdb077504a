"""`tongket report --org CODE --year YYYY --kind KIND --format FMT -o FILE`: write a document."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.errors import DomainError
from tongket.core.formatting import format_number
from tongket.reports.selectors import FORMATS, KINDS, render_report

# HD 43's forms (Mẫu 01, 2A, 2B, 2C, 03, 04, 05): printed by the self-assessment app.
FORM_KINDS = ("form-01", "form-2a", "form-2b", "form-2c", "form-03", "form-04", "form-05")
# The options named after `render_report`'s keyword arguments, passed on as they are.
REPORT_OPTIONS = (
    "kind",
    "fmt",
    "date",
    "number",
    "signer",
    "program_id",
    "award_id",
    "member_card",
    "preprinted",
)


class Command(BaseCommand):
    help = (
        "Xuất văn bản từ dữ liệu: báo cáo tổng kết (year-end), quyết định công nhận (decision), "
        "thông báo kết quả (notice), biên bản (minutes), nghị quyết (resolution), tờ trình khen "
        "thưởng (awards), tin bài (news, cả dạng html), chương trình công tác (program), "
        "chương trình kiểm tra, giám sát (inspection-program), quyết định khen thưởng "
        "(award-decision), giấy khen/bằng khen (certificate, với --award), giấy giới thiệu sinh "
        "hoạt đảng (referral, với --member), biểu thống kê gửi cấp trên (statistics, xlsx, pdf "
        "hoặc docx); định dạng docx, pdf, md, xlsx (phụ lục số liệu) hoặc html (tin bài). Mẫu "
        "của Hướng dẫn 43-HD/BTCTW (docx, pdf): form-01, form-2a, form-2b, form-2c (kiểm điểm), "
        "form-03 (hủy và xếp loại lại), form-04 (danh mục hồ sơ), form-05 (tự đánh giá, với "
        "--quarter cho một quý)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ QT.KCQDN.SGDDT")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--kind", required=True, choices=KINDS + FORM_KINDS)
        parser.add_argument("--format", dest="fmt", default="md", choices=tuple(FORMATS))
        parser.add_argument(
            "-o", "--output", type=Path, help="tệp ghi ra; bỏ trống: in ra màn hình"
        )
        parser.add_argument("--date", type=dt.date.fromisoformat, help="ngày văn bản, YYYY-MM-DD")
        parser.add_argument("--number", type=int, help="số văn bản (để trống: dự thảo)")
        parser.add_argument("--signer", choices=("secretary", "deputy"), default="secretary")
        parser.add_argument(
            "--program", dest="program_id", type=int, help="mã chương trình (khi có nhiều)"
        )
        parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help="quý (Mẫu 05)")

        parser.add_argument(
            "--award", dest="award_id", type=int, help="mã khen thưởng (certificate)"
        )
        parser.add_argument(
            "--member",
            dest="member_card",
            help="số thẻ đảng viên (referral; Mẫu 2A, 2B, 2C, 03, 04, 05)",
        )
        parser.add_argument(
            "--preprinted",
            action="store_true",
            help="giấy khen: chỉ in phần chữ thay đổi lên phôi in sẵn",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] in FORM_KINDS:
            self._form(options)
            return
        try:
            # The console acts as the system (actor None), like every other command.
            report = render_report(
                None,
                options["org"],
                options["year"],
                **{name: options[name] for name in REPORT_OPTIONS},
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        output: Path | None = options["output"]
        if output is None:
            if options["fmt"] != "md":
                raise CommandError("Định dạng nhị phân cần tệp ghi ra: thêm -o TỆP.")
            self.stdout.write(report.content.decode(), ending="")
            return
        _write(output, report.content)

    def _form(self, options: dict[str, Any]) -> None:
        from tongket.selfassessment.printing import render_kind

        output: Path | None = options["output"]
        if output is None:
            raise CommandError("Mẫu kiểm điểm là tệp docx hoặc pdf: thêm -o TỆP.")
        subject = (None, options["org"], options["year"])
        try:
            if options["kind"] == "form-04":
                from tongket.dossier.printing import render_kind_04

                printed = render_kind_04(*subject, fmt=options["fmt"], card=options["member_card"])
            else:
                printed = render_kind(
                    *subject,
                    kind=options["kind"],
                    fmt=options["fmt"],
                    card=options["member_card"],
                    quarter=options["quarter"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        _write(output, printed.content)


def _write(output: Path, content: bytes) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    sys.stderr.write(f"Đã ghi {output} ({format_number(len(content))} byte).\n")
