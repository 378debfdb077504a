"""`tongket createsuperuser`: Django's command (README's first step), saying in Vietnamese what it
made. The password rules and their refusals are Vietnamese through AUTH_PASSWORD_VALIDATORS
(tongket.accounts.passwords)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser


class Command(createsuperuser.Command):
    help = "Tạo tài khoản quản trị hệ thống (superuser)."

    def handle(self, *args: Any, **options: Any) -> None:
        superusers = get_user_model()._default_manager.db_manager(options["database"])
        before = superusers.filter(is_superuser=True).count()
        super().handle(*args, **{**options, "verbosity": 0})  # its only line is in English
        made = superusers.filter(is_superuser=True).count() > before
        if made and options["verbosity"] >= 1:
            self.stdout.write("Đã tạo tài khoản quản trị hệ thống.")
