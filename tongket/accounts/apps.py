from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tongket.accounts"
    label = "accounts"

    def ready(self) -> None:
        from tongket.accounts import bulk
        from tongket.core import filejobs

        filejobs.register(
            filejobs.Kind(
                name="member_accounts",
                label="Tạo tài khoản hàng loạt và in phiếu đăng nhập",
                content_type="application/pdf",
                make=bulk.member_accounts_job,
                may_download=bulk.may_download_slips,
            )
        )
