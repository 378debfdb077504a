"""Writes of the exchange app: API tokens for integrations, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from tongket.accounts.scope import User
from tongket.audit.services import record_event
from tongket.core.errors import DomainError, NotFound, PermissionDenied


@transaction.atomic
def issue_token(*, actor: User | None, username: str, rotate: bool = False) -> tuple[str, bool]:
    """The API token of `username` (created if missing, replaced when `rotate`), and whether it
    is new. Only the system (the console) or a superuser may issue tokens."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị hệ thống mới cấp được khóa truy cập API.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"Không có tài khoản «{username}».")
    if not user.is_active:
        raise DomainError(
            "Tài khoản đã bị khóa, không cấp khóa truy cập API.",
            field="username",
            rule="exchange.token.inactive_user",
        )
    if rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    record_event(
        actor=actor,
        action="token.issue" if created else "token.show",
        object_type="user",
        object_id=user.get_username(),
        summary=f"{'Cấp' if created else 'Xem'} khóa truy cập API của {user.get_username()}",
        after={"created": created, "rotated": rotate},
    )
    return token.key, created
