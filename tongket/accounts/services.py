"""Writes to users and grants: one transaction each, audited."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser
from django.db import transaction
from django.utils import timezone

from tongket.accounts import totp
from tongket.accounts.backends import LOCKED_MESSAGE, clear_failures, is_locked
from tongket.accounts.models import Grant, LoginFailure, RecoveryCode, Role, TotpDevice
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


# -- Second factor (TOTP, RFC 6238) ----------------------------------------------------------

TOTP_ISSUER = "Tổng kết"


def totp_enabled(user: AbstractBaseUser) -> bool:
    """The account has a confirmed authenticator: login asks for a code after the password."""
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def totp_required(user: AbstractBaseUser) -> bool:
    """TONGKET_REQUIRE_TOTP_FOR_ADMINS: an office administrator must enrol before signing in."""
    if not getattr(settings, "TONGKET_REQUIRE_TOTP_FOR_ADMINS", False):
        return False
    return Grant.objects.filter(user_id=user.pk, role=Role.OFFICE_ADMIN).exists()


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str


@transaction.atomic
def start_totp_enrolment(*, actor: AbstractBaseUser) -> Enrolment:
    """The secret to put in the authenticator app; the same until confirmed (a reload keeps it)."""
    device = TotpDevice.objects.select_for_update().filter(user_id=actor.pk).first()
    if device is not None and device.confirmed_at is not None:
        raise DomainError(
            "Tài khoản đã bật xác thực hai lớp.", field="code", rule="accounts.totp.already"
        )
    if device is None:
        device = TotpDevice.objects.create(user_id=actor.pk, secret=totp.new_secret())
        record_event(
            actor=actor,
            action="totp.enrol_start",
            object_type="user",
            object_id=actor.get_username(),
            summary=f"Bắt đầu bật xác thực hai lớp: {actor.get_username()}",
        )
    uri = totp.provisioning_uri(device.secret, account=actor.get_username(), issuer=TOTP_ISSUER)
    return Enrolment(secret=device.secret, uri=uri)


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    RecoveryCode.objects.filter(user_id=user.pk).delete()
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user_id=user.pk, code_hash=totp.hash_recovery_code(c)) for c in codes]
    )
    return codes


WRONG_CODE = "Mã xác thực không đúng hoặc đã được dùng."


@transaction.atomic
def confirm_totp_enrolment(
    *, actor: AbstractBaseUser, code: str, now: float | None = None
) -> list[str]:
    """Turn the second factor on with one valid code; returns the recovery codes (shown once)."""
    device = TotpDevice.objects.select_for_update().filter(user_id=actor.pk).first()
    if device is None or device.confirmed_at is not None:
        raise DomainError(
            "Chưa bắt đầu bật xác thực hai lớp.", field="code", rule="accounts.totp.not_started"
        )
    counter = totp.match_counter(device.secret, code, time.time() if now is None else now)
    if counter is None:
        raise DomainError(WRONG_CODE, field="code", rule="accounts.totp.wrong_code")
    device.confirmed_at = timezone.now()
    device.last_counter = counter
    device.save(update_fields=["confirmed_at", "last_counter"])
    codes = _new_recovery_codes(actor)
    record_event(
        actor=actor,
        action="totp.enrolled",
        object_type="user",
        object_id=actor.get_username(),
        summary=f"Bật xác thực hai lớp: {actor.get_username()}",
        after={"recovery_codes": len(codes)},
    )
    return codes


def _refuse(user: AbstractBaseUser, ip: str | None, action: str, reason: str) -> None:
    with transaction.atomic():
        LoginFailure.objects.create(username=user.get_username()[:150], ip=ip, at=timezone.now())
        record_event(
            actor=None,
            action=action,
            object_type="user",
            object_id=user.get_username(),
            summary=f"Mã xác thực hai lớp bị từ chối: {user.get_username()}",
            after={"ip": ip, "reason": reason},
        )


def verify_second_factor(
    *, user: AbstractBaseUser, code: str, ip: str | None, now: float | None = None
) -> str:
    """Check the code typed after the password: an authenticator code or a recovery code.

    Returns "totp" or "recovery". A wrong, replayed or already used code counts as a failed
    login (the same per-account and per-address lockout as a wrong password) and is audited;
    a locked account is refused even with a right code.
    """
    name = user.get_username()
    if is_locked(name, ip):
        with transaction.atomic():
            record_event(
                actor=None,
                action="login.locked",
                object_type="user",
                object_id=name,
                summary=f"Từ chối đăng nhập (tạm khóa) {name}",
                after={"ip": ip, "step": "totp"},
            )
        raise DomainError(
            LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES),
            field="code",
            rule="accounts.login.locked",
        )
    method = _accept_code(user, code, ip, time.time() if now is None else now)
    if method is None:
        raise DomainError(WRONG_CODE, field="code", rule="accounts.totp.wrong_code")
    clear_failures(name, ip)
    return method


def _accept_code(user: AbstractBaseUser, code: str, ip: str | None, now: float) -> str | None:
    name = user.get_username()
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .filter(user_id=user.pk, confirmed_at__isnull=False)
            .first()
        )
        if device is None:
            return None
        if totp.normalize_code(code).isdigit():
            counter = totp.match_counter(device.secret, code, now, after_counter=None)
            if counter is not None and (
                device.last_counter is None or counter > device.last_counter
            ):
                device.last_counter = counter
                device.save(update_fields=["last_counter"])
                record_event(
                    actor=user,
                    action="login.totp",
                    object_type="user",
                    object_id=name,
                    summary=f"Đăng nhập bằng mã xác thực hai lớp: {name}",
                    after={"ip": ip},
                )
                return "totp"
            reason = "replayed" if counter is not None else "wrong_code"
        else:
            digest = totp.hash_recovery_code(code)
            spare = (
                RecoveryCode.objects.select_for_update()
                .filter(user_id=user.pk, code_hash=digest, used_at__isnull=True)
                .first()
            )
            if spare is not None:
                spare.used_at = timezone.now()
                spare.save(update_fields=["used_at"])
                left = RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()
                record_event(
                    actor=user,
                    action="login.recovery_code",
                    object_type="user",
                    object_id=name,
                    summary=f"Đăng nhập bằng mã dự phòng: {name} (còn {left})",
                    after={"ip": ip, "recovery_codes_left": left},
                )
                return "recovery"
            reason = "wrong_recovery_code"
    _refuse(user, ip, "login.totp_failed", reason)
    return None


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()


@transaction.atomic
def regenerate_recovery_codes(
    *, actor: AbstractBaseUser, code: str, now: float | None = None
) -> list[str]:
    """New recovery codes (the old ones stop working), against a current authenticator code."""
    device = (
        TotpDevice.objects.select_for_update()
        .filter(user_id=actor.pk, confirmed_at__isnull=False)
        .first()
    )
    if device is None:
        raise DomainError(
            "Tài khoản chưa bật xác thực hai lớp.", field="code", rule="accounts.totp.not_enabled"
        )
    counter = totp.match_counter(
        device.secret, code, time.time() if now is None else now, after_counter=device.last_counter
    )
    if counter is None:
        raise DomainError(WRONG_CODE, field="code", rule="accounts.totp.wrong_code")
    device.last_counter = counter
    device.save(update_fields=["last_counter"])
    codes = _new_recovery_codes(actor)
    record_event(
        actor=actor,
        action="totp.recovery_codes",
        object_type="user",
        object_id=actor.get_username(),
        summary=f"Tạo lại mã dự phòng: {actor.get_username()}",
        after={"recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def reset_totp(*, actor: User | None, username: str) -> bool:
    """Remove an account's second factor and recovery codes (lost phone and codes): the system
    or a superuser only. The next login asks again for enrolment when the setting requires it.
    Returns whether there was anything to remove."""
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(
            "Không tìm thấy tài khoản.", field="username", rule="accounts.unknown_user"
        )
    removed, _ = TotpDevice.objects.filter(user_id=user.pk).delete()
    RecoveryCode.objects.filter(user_id=user.pk).delete()
    record_event(
        actor=actor,
        action="totp.reset",
        object_type="user",
        object_id=username,
        summary=f"Gỡ xác thực hai lớp: {username}",
        after={"had_device": bool(removed)},
    )
    return bool(removed)
