"""`tongket users add|list|deactivate|reactivate|reset`: accounts, as the system administrator."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError

from tongket.accounts import selectors, services
from tongket.accounts.serializers import AccountSerializer
from tongket.accounts.slips import sign_in_url
from tongket.core.commands import ActionCommand, Actions
from tongket.core.listings import write_listing
from tongket.people.models import Organization


class Command(ActionCommand):
    help = (
        "Quản lý tài khoản: tongket users add TÊN [--member SỐ_THẺ] [--email ĐỊA_CHỈ] "
        "[--password-stdin] | list [--org MÃ] --json | deactivate TÊN | reactivate TÊN | "
        "reset TÊN (in mã đăng nhập một lần)."
    )

    def add_actions(self, sub: Actions) -> None:
        add = sub.add_parser("add", help="Tạo tài khoản.")
        add.add_argument("username")
        add.add_argument("--member", help="Số thẻ đảng viên gắn với tài khoản.")
        add.add_argument("--email", default="")
        add.add_argument("--org", help="Mã tổ chức quản lý tài khoản (khi không gắn đảng viên).")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn; không có: in mã đăng nhập một lần.",
        )
        add.add_argument("--superuser", action="store_true", help="Quản trị hệ thống.")
        listing = sub.add_parser("list", help="Liệt kê tài khoản.")
        listing.add_argument("--org", help="Chỉ tài khoản thuộc cây tổ chức này.")
        listing.add_argument("--json", action="store_true", help="In dạng JSON.")
        for name, text in (
            ("deactivate", "Khóa tài khoản."),
            ("reactivate", "Mở lại tài khoản."),
            ("reset", "Đặt lại mật khẩu: in mã đăng nhập một lần."),
        ):
            sub.add_parser(name, help=text).add_argument("username")

    def _add(self, options: dict[str, Any]) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("Không đọc được mật khẩu từ đầu vào chuẩn.")
        user = services.create_user(
            actor=None,
            username=options["username"],
            password=password,
            member_card=options["member"],
            email=options["email"],
            home_code=options["org"],
            is_superuser=options["superuser"],
        )
        self.stdout.write(f"Đã tạo tài khoản «{user.username}».")
        if password is None:
            self._print_code(
                user.username, services.issue_sign_in_code(actor=None, username=user.username)
            )

    def _print_code(self, username: str, code: str) -> None:
        self.stdout.write(f"Mã đăng nhập một lần: {code}")
        self.stdout.write(f"Liên kết: {sign_in_url(username, code)}")

    def _list(self, options: dict[str, Any]) -> None:
        org = None
        if options["org"]:
            org = Organization.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"Không có tổ chức mã «{options['org']}».")
        write_listing(
            self,
            selectors.accounts_in(None, org),
            as_json=options["json"],
            serializer=AccountSerializer,
            line=lambda user: (
                f"{user.username}\t{user.first_name}{'' if user.is_active else ' (đã khóa)'}"
            ),
        )

    def _deactivate(self, options: dict[str, Any]) -> None:
        services.set_user_active(actor=None, username=options["username"], active=False)
        self.stdout.write(f"Đã khóa tài khoản «{options['username']}».")

    def _reactivate(self, options: dict[str, Any]) -> None:
        services.set_user_active(actor=None, username=options["username"], active=True)
        self.stdout.write(f"Đã mở lại tài khoản «{options['username']}».")

    def _reset(self, options: dict[str, Any]) -> None:
        code = services.issue_sign_in_code(actor=None, username=options["username"])
        self._print_code(options["username"], code)
