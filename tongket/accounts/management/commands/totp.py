"""`tongket totp reset USERNAME`: remove a user's second factor (lost phone and recovery codes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.accounts.services import reset_totp
from tongket.core.errors import DomainError


class Command(BaseCommand):
    help = "Gỡ xác thực hai lớp (TOTP) của một tài khoản: tongket totp reset TÊN_ĐĂNG_NHẬP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reset"])
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            removed = reset_totp(actor=None, username=options["username"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if removed:
            self.stdout.write(f"Đã gỡ xác thực hai lớp của «{options['username']}».")
        else:
            self.stdout.write(f"Tài khoản «{options['username']}» chưa bật xác thực hai lớp.")
