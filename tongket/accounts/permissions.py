"""Who may manage which account and grant: pure functions over a Scope and the paths involved."""

from __future__ import annotations

from collections.abc import Iterable

from tongket.accounts.domain import within
from tongket.accounts.scope import Scope


def can_manage_accounts(scope: Scope) -> bool:
    """The account pages and commands: office administrators and the system administrator."""
    return scope.is_superuser or bool(scope.admin_paths)


def can_see_account(scope: Scope, *, home_path: str | None, is_superuser: bool) -> bool:
    """An account is seen by the administrators of its home organization's subtree."""
    if scope.is_superuser:
        return True
    if is_superuser or home_path is None:
        return False
    return scope.administers(home_path)


def can_manage_account(
    scope: Scope, *, home_path: str | None, is_superuser: bool, grant_paths: Iterable[str]
) -> bool:
    """Deactivate, reactivate, reset, require TOTP: only when every grant the account holds lies
    in the actor's subtrees too, so no administrator takes over an account that holds more
    than they do (a superior's, or one with a grant elsewhere)."""
    if scope.is_superuser:
        return True
    if not can_see_account(scope, home_path=home_path, is_superuser=is_superuser):
        return False
    return within(grant_paths, scope.admin_paths)


def can_grant_over(scope: Scope, path: str) -> bool:
    """Grant or revoke a role over an organization: its administrators."""
    return scope.administers(path)
