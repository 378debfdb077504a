"""Reads of accounts and grants: each starts from what the user administers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Prefetch, Q, QuerySet

from tongket.accounts import domain
from tongket.accounts.models import Account, Grant, Role
from tongket.accounts.scope import User, live_grants_q, prefixes_q, scope_for
from tongket.core.lookups import first_or_not_found, one_or_not_found
from tongket.people.models import Member, Organization


def home_path(account: AbstractBaseUser) -> str | None:
    """The path of the organization whose administrators manage an account: its member's
    current organization when linked to a member (the account follows a transfer,
    docs/accounts.md), else the account's home; None: the system administrator only."""
    member_path = (
        Member.objects.filter(user_id=account.pk).values_list("org_path", flat=True).first()
    )
    if member_path is not None:
        return member_path
    home = Account.objects.filter(user_id=account.pk).values_list("home__path", flat=True).first()
    return home or None


def _managed_in(paths: Iterable[str]) -> Q:
    """Accounts managed in the subtrees: a member's account by its member's organization, any
    other by its home."""
    return (Q(member__isnull=False) & prefixes_q("member__org_path", paths)) | (
        Q(member__isnull=True) & prefixes_q("account__home__path", paths)
    )


def visible_accounts(user: User | None) -> QuerySet[AuthUser]:
    """Accounts managed in the user's administered subtrees (home_path; the system
    administrator: all); superuser accounts are seen by superusers only."""
    scope = scope_for(user)
    accounts: QuerySet[AuthUser] = AuthUser.objects.select_related(
        "account__home", "member__organization"
    )
    if not scope.is_superuser:
        accounts = accounts.filter(_managed_in(scope.admin_paths)).filter(is_superuser=False)
    return accounts.prefetch_related(
        Prefetch(
            "grants",
            queryset=Grant.objects.select_related("organization").order_by("-pk"),
        )
    ).order_by("username")


def accounts_in(user: User | None, organization: Organization | None) -> QuerySet[AuthUser]:
    """The visible accounts managed in an organization's subtree, or linked to its members."""
    accounts = visible_accounts(user)
    if organization is None:
        return accounts
    return accounts.filter(_managed_in([organization.path]))


def get_account(user: User | None, username: str) -> AuthUser:
    return first_or_not_found(
        visible_accounts(user).filter(username=username), "Không tìm thấy tài khoản."
    )


def visible_grants(user: User | None) -> QuerySet[Grant]:
    """Grants over organizations in the user's administered subtrees, newest first."""
    scope = scope_for(user)
    grants = Grant.objects.select_related("user", "organization", "revoked_by")
    if not scope.is_superuser:
        grants = grants.filter(prefixes_q("organization__path", scope.admin_paths))
    return grants.order_by("-pk")


def get_grant(user: User | None, grant_id: int) -> Grant:
    return one_or_not_found(visible_grants(user), grant_id, "Không tìm thấy phân quyền.")


def live_grant_paths(account: AbstractBaseUser) -> list[str]:
    """The organization paths of the grants an account holds (in force or to come)."""
    return list(
        Grant.objects.filter(user_id=account.pk, revoked_at__isnull=True).values_list(
            "organization__path", flat=True
        )
    )


def held_admin_grants(user: User | None) -> list[domain.HeldGrant]:
    """The office administration grants a user holds today, with their ends."""
    if user is None or not user.is_authenticated:
        return []
    rows = Grant.objects.filter(live_grants_q(), user_id=user.pk, role="office_admin")
    return [
        domain.HeldGrant(path=path, valid_until=until)
        for path, until in rows.values_list("organization__path", "valid_until")
    ]


@dataclass(frozen=True)
class RoleInfo:
    code: str
    label: str
    abilities: tuple[str, ...]


def roles() -> list[RoleInfo]:
    """The roles a grant may give, with what each may do."""
    return [
        RoleInfo(code=str(value), label=str(label), abilities=domain.ROLE_ABILITIES[str(value)])
        for value, label in Role.choices
    ]
