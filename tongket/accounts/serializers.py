"""The shapes of accounts and grants, the same in the REST API and in `tongket users|grants
... --json`; input serializers only parse (every rule is in the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from rest_framework import serializers

from tongket.accounts.models import Grant, Role


class GrantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    role = serializers.CharField(read_only=True, help_text="office_admin, cell_secretary...")
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    valid_from = serializers.DateField(read_only=True, allow_null=True)
    valid_until = serializers.DateField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    in_force = serializers.SerializerMethodField(help_text="Có hiệu lực hôm nay.")

    def get_in_force(self, grant: Grant) -> bool:
        return grant_in_force(grant, timezone.localdate())


def grant_in_force(grant: Grant, day: dt.date) -> bool:
    return (
        grant.revoked_at is None
        and (grant.valid_from is None or grant.valid_from <= day)
        and (grant.valid_until is None or grant.valid_until >= day)
    )


class AccountSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="first_name", read_only=True)
    email = serializers.CharField(read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)
    member = serializers.SerializerMethodField(help_text="Số thẻ đảng viên gắn với tài khoản.")
    home = serializers.SerializerMethodField(help_text="Mã tổ chức quản lý tài khoản.")
    must_set_password = serializers.SerializerMethodField()
    require_totp = serializers.SerializerMethodField()
    grants = serializers.SerializerMethodField()

    def _account(self, user: AbstractUser) -> Any:
        return getattr(user, "account", None) if hasattr(user, "account") else None

    def get_member(self, user: AbstractUser) -> str | None:
        member = getattr(user, "member", None) if hasattr(user, "member") else None
        return member.card_number if member is not None else None

    def get_home(self, user: AbstractUser) -> str | None:
        account = self._account(user)
        return account.home.code if account is not None and account.home is not None else None

    def get_must_set_password(self, user: AbstractUser) -> bool:
        account = self._account(user)
        return bool(account is not None and account.must_set_password)

    def get_require_totp(self, user: AbstractUser) -> bool:
        account = self._account(user)
        return bool(account is not None and account.require_totp)

    def get_grants(self, user: AbstractUser) -> list[dict[str, Any]]:
        """The grants in force or to come (revoked ones are in `grants list`)."""
        live = [g for g in user.grants.all() if g.revoked_at is None]  # type: ignore[attr-defined]
        return list(GrantSerializer(live, many=True).data)


class AccountCreateSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=80)
    member = serializers.CharField(required=False, allow_blank=True, help_text="Số thẻ đảng viên.")
    email = serializers.EmailField(required=False, allow_blank=True)
    home = serializers.CharField(
        required=False, allow_blank=True, help_text="Mã tổ chức quản lý (khi không gắn đảng viên)."
    )
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Bỏ trống: tài khoản nhận mã đăng nhập một lần (trả về trong `sign_in_code`).",
    )
    require_totp = serializers.BooleanField(required=False, default=False)


class AccountUpdateSerializer(serializers.Serializer[Any]):
    active = serializers.BooleanField(required=False)
    require_totp = serializers.BooleanField(required=False)
    member = serializers.CharField(required=False, help_text="Gắn với đảng viên (số thẻ).")


class SignInCodeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    sign_in_code = serializers.CharField(help_text="Mã đăng nhập một lần (chỉ hiện một lần).")
    sign_in_url = serializers.CharField(help_text="Liên kết đăng nhập một lần.")


class GrantCreateSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    organization = serializers.CharField(help_text="Mã tổ chức.")
    role = serializers.ChoiceField(choices=Role.choices)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class RoleSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # Field.label in the stubs
    abilities = serializers.ListField(child=serializers.CharField())


class BulkAccountsSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(help_text="Mã chi bộ hoặc tổ chức.")


class IssuedCodeSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField()
    card_number = serializers.CharField()
    organization = serializers.CharField()
    username = serializers.CharField()
    code = serializers.CharField()
