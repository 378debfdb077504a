"""`tongket demo [--reset]`: load the demo organization from the seed article."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tongket.accounts.demo import DEMO_ACCOUNTS
from tongket.core.demo import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn: Đảng bộ Sở Giáo dục và Đào tạo Quảng Trị năm 2020."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Xóa toàn bộ dữ liệu rồi nạp lại.")
        parser.add_argument("--quiet", action="store_true", help="Không in tài khoản.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        ctx = load_demo()
        for line in ctx.notes:
            self.stdout.write(line)
        if not options["quiet"]:
            self.stdout.write("")
            self.stdout.write("Tài khoản trình diễn (tên đăng nhập / mật khẩu — vai trò):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(
                    f"  {account.username:<12} / {account.password:<22} — {account.description}"
                )
