"""Who may read the audit log (docs/security.md, "Nhật ký kiểm toán"), as pure functions."""

from __future__ import annotations

from tongket.accounts.scope import Scope


def can_browse_log(scope: Scope) -> bool:
    """The superuser, and an office administrator (the events of the subtrees administered)."""
    return scope.is_superuser or bool(scope.admin_paths)


def can_see_every_event(scope: Scope) -> bool:
    """The superuser: events with no organization (logins, accounts), and which event broke the
    chain (it may lie outside an office administrator's organizations)."""
    return scope.is_superuser
