"""`tongket findings --org CODE --year YYYY --json`: open findings, with recorded justifications."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.rules import Finding, Severity
from tongket.evaluation import checks
from tongket.people.models import Organization


def findings_json(items: Iterable[Finding]) -> list[dict[str, str]]:
    """The `tongket findings --json` shape; INFO notes are not findings to act on."""
    return [
        {
            "rule": f.rule,
            "citation": f.citation,
            "severity": str(f.severity),
            "subject": f.subject,
            "message": f.message,
            "justification": f.justification,
        }
        for f in items
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]


class Command(BaseCommand):
    help = "Liệt kê các vi phạm, cảnh báo của kết quả xếp loại (kèm lý do của cấp quyết định)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Mã tổ chức, ví dụ QT.KCQDN.SGDDT.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--quarter", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã «{options['org']}».")
        items = findings_json(checks.findings(org, options["year"], options["quarter"]))
        if options["json"]:
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        if not items:
            self.stdout.write("Không có vi phạm, cảnh báo.")
        for item in items:
            self.stdout.write(f"[{item['severity']}] {item['subject']}: {item['message']}")
            self.stdout.write(f"    {item['rule']} – {item['citation']}")
            if item["justification"]:
                self.stdout.write(f"    Lý do của cấp quyết định: {item['justification']}")
