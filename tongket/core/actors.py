"""Who does a write, as the services see it: the name a row keeps of its author, and the guard
a write on an organization's subtree passes (what the actor cannot see is missing; what it sees
but may not change is forbidden)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User as AuthUser

from tongket.accounts.scope import Scope, User, scope_for
from tongket.core.errors import NotFound, PermissionDenied


def actor_label(actor: Any) -> str:
    """The author's name as a row and a page show it: the full name, else the username;
    "Hệ thống" when no signed-in user acts (a command, a job)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "Hệ thống"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return str(full or actor.get_username())


def author(actor: User | None) -> AuthUser | None:
    """The signed-in user a row stores as its author; None for the system (a command, a job,
    the demo loader) and anonymous users."""
    return actor if isinstance(actor, AuthUser) and actor.is_authenticated else None


def require_in_scope(scope: Scope, path: str, allowed: bool, missing: str | None = None) -> None:
    """NotFound (saying `missing`, if given) when `scope` cannot see `path`, PermissionDenied when
    it sees it but is not `allowed` there."""
    if not scope.reads(path):
        raise NotFound() if missing is None else NotFound(missing)
    if not allowed:
        raise PermissionDenied()


def require_write(actor: User | None, path: str, missing: str | None = None) -> None:
    """NotFound (saying `missing`, if given) when the actor cannot see `path`, PermissionDenied
    when it sees it but may not write there."""
    scope = scope_for(actor)
    require_in_scope(scope, path, scope.writes(path), missing)
