"""`tongket orgs rename OLD NEW | check`: an organization's code, as the system."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from tongket.core.commands import ActionCommand, Actions
from tongket.people import selectors, services


class Command(ActionCommand):
    help = (
        "Mã tổ chức: tongket orgs rename MÃ_CŨ MÃ_MỚI (đổi mã, ghi nhật ký) | check (liệt kê các "
        "mã không đúng bảng chữ cho phép)."
    )

    def add_actions(self, sub: Actions) -> None:
        rename = sub.add_parser("rename", help="Đổi mã một tổ chức.")
        rename.add_argument("old")
        rename.add_argument("new")
        sub.add_parser("check", help="Liệt kê các mã tổ chức không hợp lệ.")

    def _rename(self, options: dict[str, Any]) -> None:
        org = services.rename_organization_code(
            actor=None, code=options["old"], new_code=options["new"]
        )
        self.stdout.write(f"Đã đổi mã {org.name}: {options['old']} → {org.code}")

    def _check(self, options: dict[str, Any]) -> None:
        bad = selectors.organizations_with_invalid_codes()
        for code, name in bad:
            self.stdout.write(f"{code!r}\t{name}")
        if bad:
            raise CommandError(
                f"{len(bad)} mã tổ chức không hợp lệ; đổi bằng: tongket orgs rename MÃ_CŨ MÃ_MỚI."
            )
        self.stdout.write("Mọi mã tổ chức đều hợp lệ.")
