"""Writes to users and grants: one transaction each, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from tongket.accounts.models import Grant, Role
from tongket.accounts.scope import User, forget_scope, scope_for
from tongket.audit.services import record_event
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.people.models import Member, Organization


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    member_card: str | None = None,
    is_superuser: bool = False,
) -> AbstractUser:
    """A new login; superusers only (or the system itself, when actor is None)."""
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied()
    model = get_user_model()
    if model.objects.filter(username=username).exists():
        raise DomainError(
            f"Tên đăng nhập «{username}» đã tồn tại.",
            field="username",
            rule="accounts.unique_username",
        )
    user: AbstractUser = model(
        username=username,
        first_name=full_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.save()
    if member_card:
        member = Member.objects.filter(card_number=member_card).first()
        if member is None:
            raise DomainError(
                "Không tìm thấy đảng viên.", field="member_card", rule="people.member.unknown"
            )
        member.user_id = user.pk
        member.save(update_fields=["user"])
    record_event(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=username,
        summary=f"Tạo tài khoản {username}",
        after={"username": username, "member": member_card, "superuser": is_superuser},
    )
    return user


@transaction.atomic
def grant_access(*, actor: User | None, username: str, organization_code: str, role: str) -> Grant:
    """Give a user a role over an organization's subtree; the actor must administer it."""
    org = Organization.objects.filter(code=organization_code).first()
    if org is None:
        raise DomainError(
            f"Không có tổ chức mã «{organization_code}».",
            field="organization",
            rule="people.organization.unknown_code",
        )
    if actor is not None and not scope_for(actor).administers(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    if role not in Role.values:
        raise DomainError("Vai trò không hợp lệ.", field="role", rule="accounts.role")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(
            "Không tìm thấy tài khoản.", field="username", rule="accounts.unknown_user"
        )
    grant, _ = Grant.objects.get_or_create(user=user, organization=org, role=role)
    forget_scope(user)
    record_event(
        actor=actor,
        action="grant.create",
        object_type="grant",
        object_id=grant.pk,
        org_path=org.path,
        summary=f"{username}: {grant.get_role_display()} {org.name}",
        after={"user": username, "organization": org.code, "role": role},
    )
    return grant
