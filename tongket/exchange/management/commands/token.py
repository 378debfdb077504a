"""`tongket token USERNAME [--rotate]`: create (or show) the API token of an account, audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.errors import DomainError
from tongket.exchange.services import issue_token


class Command(BaseCommand):
    help = "In khóa truy cập API (Token) của một tài khoản; tạo mới nếu chưa có."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Thu hồi khóa cũ, cấp khóa mới.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key, _created = issue_token(
                actor=None, username=options["username"], rotate=options["rotate"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(key)
