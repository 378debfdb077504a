"""Writes to users and grants: one transaction each, audited."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser
from django.contrib.auth.models import User as AuthUser
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongket.accounts import domain, permissions, selectors, totp
from tongket.accounts.backends import (
    LOCKED_MESSAGE,
    clear_failures,
    fail_sign_in,
    is_locked,
    record_sign_in_event,
)
from tongket.accounts.models import (
    Account,
    Grant,
    RecoveryCode,
    Role,
    SignInCode,
    TotpDevice,
)
from tongket.accounts.scope import Scope, User, forget_scope, live_grants_q, scope_for
from tongket.audit.services import EventInput, record_event, record_events
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.text import is_digits
from tongket.people.models import Member, Organization


def _unknown_user(username: str) -> NotFound:
    """A missing account and one the actor may not see answer alike (404 in the API)."""
    found = NotFound(f"Không tìm thấy tài khoản «{username}».")
    found.field, found.rule = "username", "accounts.unknown_user"
    return found


def _org_by_code(code: str, *, field: str = "organization") -> Organization:
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None:
        raise DomainError(
            f"Không có tổ chức mã «{code}».", field=field, rule="people.organization.unknown_code"
        )
    return org


def _member_for(actor: User | None, card: str) -> Member:
    """The member to link: one the actor administers; any other answers like a missing one."""
    member = Member.objects.filter(card_number=card.strip()).first()
    if member is None or not scope_for(actor).administers(member.org_path):
        raise DomainError(
            f"Không tìm thấy đảng viên số thẻ «{card}».",
            field="member",
            rule="people.member.unknown",
        )
    if member.user_id is not None:
        raise DomainError(
            f"Đảng viên «{member.full_name}» đã có tài khoản.",
            field="member",
            rule="accounts.member.already_linked",
        )
    return member


def _managed(actor: User | None, username: str) -> tuple[AbstractUser, Account]:
    """The account (locked) that the actor may manage; one they may not see answers 404, one
    they see but that holds more than they administer answers 403."""
    user = get_user_model().objects.select_for_update().filter(username=username.strip()).first()
    if user is None:
        raise _unknown_user(username)
    account = _account_of(user)
    scope = scope_for(actor)
    home_path = selectors.home_path(user)
    if not permissions.can_see_account(scope, home_path=home_path, is_superuser=user.is_superuser):
        raise _unknown_user(username)
    if not permissions.can_manage_account(
        scope,
        home_path=home_path,
        is_superuser=user.is_superuser,
        grant_paths=selectors.live_grant_paths(user),
    ):
        raise PermissionDenied(
            "Tài khoản này có quyền ngoài cây tổ chức bạn quản trị: chỉ cấp trên quản lý được."
        )
    return user, account


def _account_of(user: AbstractBaseUser) -> Account:
    account, _ = Account.objects.select_related("home").get_or_create(user_id=user.pk)
    return account


def _record_account(
    actor: User | None,
    user: AbstractBaseUser,
    username: str,
    action: str,
    summary: str,
    **extra: Any,
) -> None:
    """A change to an account, audited under its username in its home organization's tree."""
    record_event(
        actor=actor,
        action=action,
        object_type="user",
        object_id=username,
        org_path=selectors.home_path(user) or "",
        summary=summary,
        **extra,
    )


def _link(member: Member, user: AbstractBaseUser) -> None:
    """Make the account the member's own (the member's view, «my evaluation»)."""
    member.user_id = user.pk
    member.save(update_fields=["user"])


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None = None,
    full_name: str = "",
    member_card: str | None = None,
    email: str = "",
    home_code: str | None = None,
    is_superuser: bool = False,
    require_totp: bool = False,
) -> AbstractUser:
    """A new login, managed by the administrators of its home organization: the linked member's
    cell, else `home_code` (required unless the actor is the system or its administrator).
    Without a password the account can only be entered with a one-time code
    (`issue_sign_in_code`), after which its holder sets a password."""
    scope = scope_for(actor)
    if not permissions.can_manage_accounts(scope) or (is_superuser and not scope.is_superuser):
        raise PermissionDenied()
    username = username.strip()
    if bad := domain.username_findings(username):
        raise DomainError.from_findings(bad, field="username")
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists() or _card_of_another(
        scope, username
    ):
        raise DomainError(
            f"Tên đăng nhập «{username}» đã tồn tại.",
            field="username",
            rule="accounts.unique_username",
        )
    member = _member_for(actor, member_card) if member_card else None
    home = member.organization if member is not None else None
    if home is None and home_code:
        home = _org_by_code(home_code, field="home")
        if not scope.administers(home.path):
            raise org_not_found(home_code)
    if home is None and not scope.is_superuser:
        raise DomainError(
            "Hãy chọn đảng viên hoặc tổ chức quản lý tài khoản.",
            field="home",
            rule="accounts.home.required",
        )
    user: AbstractUser = model(
        username=username,
        first_name=full_name or (member.full_name if member is not None else ""),
        email=email.strip(),
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        validate_password(password, cast(AuthUser, user))
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Account.objects.create(
        user_id=user.pk, home=home, must_set_password=not password, require_totp=require_totp
    )
    if member is not None:
        _link(member, user)
    _record_account(
        actor,
        user,
        username,
        "user.create",
        f"Tạo tài khoản {username}",
        after={
            "username": username,
            "member": member.card_number if member is not None else None,
            "home": home.code if home is not None else None,
            "email": bool(user.email),
            "superuser": is_superuser,
            "password": bool(password),
            "require_totp": require_totp,
        },
    )
    return user


def _card_of_another(scope: Scope, username: str) -> bool:
    """A login named after the card number of a member the actor may not write is taken (rule
    accounts.unique_username): that name belongs to the member's own account, which their
    office makes (`create_member_accounts`). Answered like any taken name, so it tells nothing
    of who holds which card."""
    paths = Member.objects.filter(card_number__iexact=username).values_list("org_path", flat=True)
    return any(not scope.writes(path) for path in paths)


def _record_own(actor: User, action: str, what: str, **extra: Any) -> None:
    """An account's change to itself (password, second factor), audited as «<what>: <name>»."""
    name = actor.get_username()
    record_event(
        actor=actor,
        action=action,
        object_type="user",
        object_id=name,
        summary=f"{what}: {name}",
        **extra,
    )


def org_not_found(code: str) -> DomainError:
    return DomainError(
        f"Không có tổ chức mã «{code}».",
        field="organization",
        rule="people.organization.unknown_code",
    )


@transaction.atomic
def link_member(*, actor: User | None, username: str, member_card: str) -> AbstractUser:
    """Link an account to a member record (the member's own view, «my evaluation»)."""
    user, account = _managed(actor, username)
    if Member.objects.filter(user_id=user.pk).exists():
        raise DomainError(
            f"Tài khoản «{username}» đã gắn với một đảng viên.",
            field="member",
            rule="accounts.member.already_linked",
        )
    member = _member_for(actor, member_card)
    _link(member, user)
    if account.home is None:
        account.home = member.organization
        account.save(update_fields=["home"])
    record_event(
        actor=actor,
        action="user.link_member",
        object_type="user",
        object_id=user.get_username(),
        org_path=member.org_path,
        summary=f"Gắn tài khoản {user.get_username()} với đảng viên {member.full_name}",
        after={"member": member.card_number},
    )
    forget_scope(user)
    return user


@transaction.atomic
def set_user_active(*, actor: User | None, username: str, active: bool) -> AbstractUser:
    """Deactivate (nobody signs in with it, its sessions and API tokens stop) or reactivate."""
    user, _account = _managed(actor, username)
    if actor is not None and user.pk == actor.pk and not active:
        raise DomainError(
            "Không thể tự khóa tài khoản của mình.", field="username", rule="accounts.self"
        )
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    verb = "Mở lại" if active else "Khóa"
    _record_account(
        actor,
        user,
        username,
        "user.reactivate" if active else "user.deactivate",
        f"{verb} tài khoản {username}",
        before={"active": not active},
        after={"active": active},
    )
    return user


def _new_code(user: AbstractBaseUser) -> str:
    SignInCode.objects.filter(user_id=user.pk, used_at__isnull=True).delete()
    now = timezone.now()
    code = domain.new_sign_in_code()
    SignInCode.objects.create(
        user_id=user.pk,
        code_hash=domain.hash_code(code),
        created_at=now,
        expires_at=now + dt.timedelta(days=domain.CODE_VALID_DAYS),
    )
    return code


@transaction.atomic
def issue_sign_in_code(*, actor: User | None, username: str) -> str:
    """Reset the password: the old one stops working, and a one-time code (printed, or sent
    as a link) lets the holder in once to set a new one. Returns the code (shown once)."""
    user, account = _managed(actor, username)
    code = _new_code(user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    account.must_set_password = True
    account.save(update_fields=["must_set_password"])
    _record_account(
        actor,
        user,
        username,
        "user.reset",
        f"Cấp mã đăng nhập một lần cho {username}",
        after={"expires_in_days": domain.CODE_VALID_DAYS},
    )
    return code


@transaction.atomic
def set_require_totp(*, actor: User | None, username: str, required: bool) -> AbstractUser:
    """Oblige (or no longer oblige) the account to use a second factor at sign-in."""
    user, account = _managed(actor, username)
    if account.require_totp != required:
        account.require_totp = required
        account.save(update_fields=["require_totp"])
        _record_account(
            actor,
            user,
            username,
            "user.require_totp",
            f"{'Bắt buộc' if required else 'Bỏ bắt buộc'} xác thực hai lớp: {username}",
            after={"require_totp": required},
        )
    return user


@dataclass(frozen=True)
class IssuedCode:
    """An account made in bulk: who, the login and the one-time code for their slip."""

    full_name: str
    card_number: str
    organization: str
    username: str
    code: str


@dataclass(frozen=True)
class SkippedMember:
    """A member left without an account by a bulk creation: their card number, the login they
    would get, is already some account's name."""

    full_name: str
    card_number: str
    organization: str


@dataclass(frozen=True)
class MemberAccounts:
    """What a bulk creation did: the accounts made, and the members it could not give one."""

    issued: list[IssuedCode]
    skipped: list[SkippedMember]


@transaction.atomic
def create_member_accounts(
    *,
    actor: User | None,
    organization_code: str,
    progress: Callable[[int, int], None] | None = None,
) -> MemberAccounts:
    """One account per member of the organization's subtree who has none, named by their card
    number, each with a one-time code (printed on slips). Members who have an account keep it;
    a member whose card number is already another account's name is listed as skipped.
    `progress` (a queued creation) is told the members done of all plus one last step, the
    slips printed after them (so the bar does not stand at its end while the PDF is made), and
    may stop it (all accounts or none)."""
    org = _org_by_code(organization_code)
    if not scope_for(actor).administers(org.path):
        raise org_not_found(organization_code)
    members = list(
        Member.objects.select_for_update()
        .filter(org_path__startswith=org.path, user__isnull=True)
        .select_related("organization")
        .order_by("org_path", "sort_name")
    )
    model = get_user_model()
    taken = set(
        model.objects.filter(username__in=[m.card_number for m in members]).values_list(
            "username", flat=True
        )
    )
    issued: list[IssuedCode] = []
    skipped: list[SkippedMember] = []
    events: list[EventInput] = []
    steps = len(members) + 1  # the slips are the last step
    for index, member in enumerate(members):
        if progress is not None:
            progress(index, steps)
        if member.card_number in taken:
            skipped.append(
                SkippedMember(member.full_name, member.card_number, member.organization.name)
            )
            continue
        user = model(username=member.card_number, first_name=member.full_name)
        user.set_unusable_password()
        user.save()
        Account.objects.create(user=user, home=member.organization, must_set_password=True)
        _link(member, user)
        code = _new_code(user)
        issued.append(
            IssuedCode(
                full_name=member.full_name,
                card_number=member.card_number,
                organization=member.organization.name,
                username=user.username,
                code=code,
            )
        )
        events.append(
            EventInput(
                action="user.create",
                object_type="user",
                object_id=user.username,
                org_path=member.org_path,
                summary=f"Tạo tài khoản {user.username} cho đảng viên {member.full_name}",
                after={"username": user.username, "member": member.card_number, "bulk": True},
            )
        )
    record_events(actor=actor, events=events)
    if progress is not None:
        progress(len(members), steps)  # every account made: the slips are being printed
    return MemberAccounts(issued=issued, skipped=skipped)


@transaction.atomic
def grant_access(
    *,
    actor: User | None,
    username: str,
    organization_code: str,
    role: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Grant:
    """Give an account a role over an organization's subtree, from/until a date. The actor
    administers that subtree, sees the account, and grants no longer than they hold."""
    org = Organization.objects.filter(code=organization_code.strip()).first()
    scope = scope_for(actor)
    if org is None or not permissions.can_grant_over(scope, org.path):
        raise org_not_found(organization_code)
    if role not in Role.values:
        raise DomainError(
            f"Vai trò «{role}» không hợp lệ; các vai trò: {', '.join(Role.values)}.",
            field="role",
            rule="accounts.role",
        )
    user = get_user_model().objects.select_for_update().filter(username=username.strip()).first()
    account = _account_of(user) if user is not None else None
    if (
        user is None
        or account is None
        or not permissions.can_see_account(
            scope, home_path=selectors.home_path(user), is_superuser=user.is_superuser
        )
    ):
        # A field of the body: refused like any unknown value (400), seen or not alike.
        raise DomainError(
            f"Không tìm thấy tài khoản «{username}».",
            field="username",
            rule="accounts.unknown_user",
        )
    held = None if scope.is_superuser else selectors.held_admin_grants(actor)
    if bad := domain.period_findings(
        path=org.path, valid_from=valid_from, valid_until=valid_until, held=held
    ):
        raise DomainError.from_findings(bad, field="valid_until")
    if (
        Grant.objects.filter(user=user, organization=org, role=role, revoked_at__isnull=True)
        .filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from or timezone.localdate())
        )
        .exists()
    ):
        raise DomainError(
            f"{username} đã có vai trò này ở {org.name}.",
            field="role",
            rule="accounts.grant.duplicate",
        )
    grant = Grant.objects.create(
        user=user,
        organization=org,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
        created_at=timezone.now(),
    )
    if account.home is None:
        account.home = org
        account.save(update_fields=["home"])
    forget_scope(user)
    record_event(
        actor=actor,
        action="grant.create",
        object_type="grant",
        object_id=grant.pk,
        org_path=org.path,
        summary=f"{username}: {grant.get_role_display()} {org.name}",
        after={
            "user": username,
            "organization": org.code,
            "role": role,
            "from": valid_from.isoformat() if valid_from else None,
            "until": valid_until.isoformat() if valid_until else None,
        },
    )
    return grant


@transaction.atomic
def revoke_grant(*, actor: User | None, grant_id: int) -> Grant:
    """End a grant now; it stays in the history with who revoked it."""
    grant = (
        Grant.objects.select_for_update()
        .select_related("organization", "user")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None or not permissions.can_grant_over(scope_for(actor), grant.organization.path):
        raise NotFound("Không tìm thấy phân quyền.")
    if grant.revoked_at is not None:
        raise DomainError(
            "Phân quyền này đã bị thu hồi.", field="grant", rule="accounts.grant.revoked"
        )
    grant.revoked_at = timezone.now()
    grant.revoked_by_id = actor.pk if actor is not None and actor.is_authenticated else None
    grant.save(update_fields=["revoked_at", "revoked_by"])
    forget_scope(grant.user)
    record_event(
        actor=actor,
        action="grant.revoke",
        object_type="grant",
        object_id=grant.pk,
        org_path=grant.organization.path,
        summary=(
            f"Thu hồi: {grant.user.get_username()} {grant.get_role_display()} "
            f"{grant.organization.name}"
        ),
        before={"revoked": False},
        after={"revoked": True},
    )
    return grant


# -- Signing in with a one-time code, then setting a password --------------------------------

WRONG_SIGN_IN_CODE = "Tên đăng nhập hoặc mã đăng nhập một lần không đúng, đã dùng hoặc hết hạn."


def sign_in_with_code(*, username: str, code: str, ip: str | None) -> AbstractBaseUser:
    """Check and use up a one-time code. A wrong code counts as a failed login (the same
    lockout as a wrong password) and is audited; the account must then set its password."""
    name = username.strip()
    if is_locked(name, ip):
        raise DomainError(
            LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES),
            field="code",
            rule="accounts.login.locked",
        )
    with transaction.atomic():
        found = (
            SignInCode.objects.select_for_update()
            .select_related("user")
            .filter(
                code_hash=domain.hash_code(code),
                user__username=name,
                user__is_active=True,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if found is not None:
            found.used_at = timezone.now()
            found.save(update_fields=["used_at"])
            summary = f"Đăng nhập bằng mã một lần: {name}"
            record_sign_in_event(found.user, "login.code", name, summary, ip)
            clear_failures(name, ip)
            return found.user
    summary = f"Mã đăng nhập một lần bị từ chối: {name[:80]}"
    fail_sign_in(name, ip, "login.code_failed", summary)
    raise DomainError(WRONG_SIGN_IN_CODE, field="code", rule="accounts.code.wrong")


def must_set_password(user: AbstractBaseUser) -> bool:
    return Account.objects.filter(user_id=user.pk, must_set_password=True).exists()


@transaction.atomic
def set_own_password(*, actor: AbstractBaseUser, password: str) -> None:
    """The holder sets their password (after a one-time code, or to change it)."""
    validate_password(password, cast(AuthUser, actor))
    actor.set_password(password)
    actor.save(update_fields=["password"])
    Account.objects.filter(user_id=actor.pk).update(must_set_password=False)
    _record_own(actor, "user.set_password", "Đặt mật khẩu")


# -- Second factor (TOTP, RFC 6238) ----------------------------------------------------------

TOTP_ISSUER = "Tổng kết"


def totp_enabled(user: AbstractBaseUser) -> bool:
    """The account has a confirmed authenticator: login asks for a code after the password."""
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def totp_required(user: AbstractBaseUser) -> bool:
    """The account must enrol before signing in: its administrator required it, or
    TONGKET_REQUIRE_TOTP_FOR_ADMINS and the account administers an office."""
    if Account.objects.filter(user_id=user.pk, require_totp=True).exists():
        return True
    if not getattr(settings, "TONGKET_REQUIRE_TOTP_FOR_ADMINS", False):
        return False
    return Grant.objects.filter(live_grants_q(), user_id=user.pk, role=Role.OFFICE_ADMIN).exists()


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
        _record_own(actor, "totp.enrol_start", "Bắt đầu bật xác thực hai lớp")
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
    _record_own(
        actor, "totp.enrolled", "Bật xác thực hai lớp", after={"recovery_codes": len(codes)}
    )
    return codes


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
        summary = f"Từ chối đăng nhập (tạm khóa) {name}"
        with transaction.atomic():
            record_sign_in_event(None, "login.locked", name, summary, ip, step="totp")
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
        if is_digits(totp.normalize_code(code)):
            counter = totp.match_counter(device.secret, code, now, after_counter=None)
            if counter is not None and (
                device.last_counter is None or counter > device.last_counter
            ):
                device.last_counter = counter
                device.save(update_fields=["last_counter"])
                summary = f"Đăng nhập bằng mã xác thực hai lớp: {name}"
                record_sign_in_event(user, "login.totp", name, summary, ip)
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
                summary = f"Đăng nhập bằng mã dự phòng: {name} (còn {left})"
                record_sign_in_event(
                    user, "login.recovery_code", name, summary, ip, recovery_codes_left=left
                )
                return "recovery"
            reason = "wrong_recovery_code"
    summary = f"Mã xác thực hai lớp bị từ chối: {name}"
    fail_sign_in(name, ip, "login.totp_failed", summary, reason=reason)
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
    _record_own(
        actor, "totp.recovery_codes", "Tạo lại mã dự phòng", after={"recovery_codes": len(codes)}
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
