"""`tongket criteria export --org CODE --year YYYY --appendix PL1..PL5 -o FILE.xlsx` and
`tongket criteria import FILE.xlsx [--dry-run]`: a criteria set as a sheet and back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction

from tongket.core.commands import ActionCommand, Actions
from tongket.criteria import domain, selectors, services, xlsx
from tongket.criteria.domain import Appendix
from tongket.people.models import Organization


class DryRun(Exception):
    """Rolls the import back after every check passed."""


class Command(ActionCommand):
    help = "Xuất, nhập bộ tiêu chí chấm điểm (Phụ lục 1–5, Hướng dẫn 43-HD/BTCTW) dạng XLSX."

    def add_actions(self, sub: Actions) -> None:
        export = sub.add_parser("export", help="ghi bộ tiêu chí ra tệp XLSX")
        export.add_argument("--org", required=True, help="mã tổ chức")
        export.add_argument("--year", required=True, type=int)
        export.add_argument("--appendix", required=True, choices=[a.value for a in Appendix])
        export.add_argument("-o", "--output", required=True, type=Path)
        imp = sub.add_parser("import", help="nạp bộ tiêu chí (dự thảo) từ tệp XLSX")
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def _export(self, options: dict[str, Any]) -> None:
        org = Organization.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"Không tìm thấy tổ chức «{options['org']}».")
        appendix = Appendix(options["appendix"])
        found = selectors.find_set(org, options["year"], appendix) or selectors.set_in_force(
            org.path, options["year"], appendix
        )
        if found is None:
            raise CommandError(
                f"{org.code} chưa có bộ tiêu chí {appendix.value} năm {options['year']}."
            )
        content = xlsx.export_set(
            xlsx.SheetSet(
                organization_code=org.code,
                year=found.year,
                appendix=appendix,
                title=found.title,
                nodes=tuple(selectors.nodes_of(found)),
            )
        )
        output: Path = options["output"]
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        sys.stderr.write(
            f"Đã ghi {output}: {found} của {found.organization.code}, "
            f"{len(selectors.nodes_of(found))} tiêu chí.\n"
        )

    def _import(self, options: dict[str, Any]) -> None:
        sheet = xlsx.read_set(options["file"])
        problems = domain.check_nodes(sheet.nodes)
        if problems:
            raise CommandError(
                "Bộ tiêu chí không hợp lệ, không ghi gì:\n"
                + "\n".join(f"- {f.message} [{f.rule}]" for f in problems)
            )
        try:
            with transaction.atomic():
                saved = services.save_draft(
                    actor=None,
                    organization_code=sheet.organization_code,
                    year=sheet.year,
                    appendix=sheet.appendix,
                    title=sheet.title,
                    nodes=sheet.nodes,
                )
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            sys.stderr.write(
                f"Kiểm tra xong: {len(sheet.nodes)} tiêu chí hợp lệ, cộng đủ 30/70/100 "
                "(không ghi vì --dry-run).\n"
            )
            return
        sys.stderr.write(
            f"Đã nạp dự thảo {saved} của {sheet.organization_code}: {len(sheet.nodes)} tiêu chí; "
            "ban hành trên trang Bộ tiêu chí.\n"
        )
