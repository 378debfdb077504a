"""`tongket audit verify`: check the hash chain of the audit log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.audit.services import verify


class Command(BaseCommand):
    help = "Kiểm tra nhật ký kiểm toán (audit verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify()
        if problems:
            for problem in problems:
                self.stderr.write(f"#{problem.seq}: {problem.message}")
            raise CommandError(f"Nhật ký kiểm toán KHÔNG toàn vẹn: {len(problems)} vấn đề.")
        from tongket.audit.models import AuditEvent

        self.stdout.write(f"Nhật ký kiểm toán toàn vẹn: {AuditEvent.objects.count()} sự kiện.")
