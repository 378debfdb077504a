"""`tongket grants roles|add|list|revoke`: roles over organization subtrees, as the system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError

from tongket.accounts import selectors, services
from tongket.accounts.serializers import GrantSerializer
from tongket.core.commands import ActionCommand, Actions
from tongket.core.listings import write_listing


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày «{text}» không hợp lệ: dùng YYYY-MM-DD hoặc DD/MM/YYYY.")


class Command(ActionCommand):
    help = (
        "Phân quyền: tongket grants roles | add TÊN --org MÃ --role VAI_TRÒ [--from NGÀY] "
        "[--until NGÀY] | list [--user TÊN] --json | revoke MÃ_SỐ."
    )

    def add_actions(self, sub: Actions) -> None:
        sub.add_parser("roles", help="Các vai trò và quyền của mỗi vai trò.")
        add = sub.add_parser("add", help="Giao vai trò trên một cây tổ chức.")
        add.add_argument("username")
        add.add_argument("--org", required=True, help="Mã tổ chức.")
        add.add_argument("--role", required=True, help="Vai trò (xem: tongket grants roles).")
        add.add_argument("--from", dest="valid_from", help="Từ ngày (YYYY-MM-DD).")
        add.add_argument("--until", dest="valid_until", help="Đến ngày (YYYY-MM-DD).")
        listing = sub.add_parser("list", help="Liệt kê phân quyền.")
        listing.add_argument("--user", help="Chỉ phân quyền của tài khoản này.")
        listing.add_argument("--json", action="store_true", help="In dạng JSON.")
        sub.add_parser("revoke", help="Thu hồi một phân quyền.").add_argument("id", type=int)

    def _roles(self, options: dict[str, Any]) -> None:
        for role in selectors.roles():
            self.stdout.write(f"{role.code}\t{role.label}")
            for ability in role.abilities:
                self.stdout.write(f"  - {ability}")

    def _add(self, options: dict[str, Any]) -> None:
        grant = services.grant_access(
            actor=None,
            username=options["username"],
            organization_code=options["org"],
            role=options["role"],
            valid_from=_date(options["valid_from"]) if options["valid_from"] else None,
            valid_until=_date(options["valid_until"]) if options["valid_until"] else None,
        )
        self.stdout.write(
            f"Đã phân quyền #{grant.pk}: {grant.user.get_username()} "
            f"{grant.get_role_display()} {grant.organization.name}."
        )

    def _list(self, options: dict[str, Any]) -> None:
        grants = selectors.visible_grants(None)
        if options["user"]:
            grants = grants.filter(user__username=options["user"])
        write_listing(
            self,
            grants,
            as_json=options["json"],
            serializer=GrantSerializer,
            line=lambda grant: (
                f"#{grant.pk}\t{grant.user.get_username()}\t{grant.role}\t"
                f"{grant.organization.code}{' (đã thu hồi)' if grant.revoked_at else ''}"
            ),
        )

    def _revoke(self, options: dict[str, Any]) -> None:
        grant = services.revoke_grant(actor=None, grant_id=options["id"])
        self.stdout.write(f"Đã thu hồi phân quyền #{grant.pk}.")
