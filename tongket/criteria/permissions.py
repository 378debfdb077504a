"""Who may read and write criteria sets: pure functions over a Scope and the set's organization."""

from __future__ import annotations

from tongket.accounts.scope import Scope


def can_view_set(scope: Scope, org_path: str, own_org_path: str | None = None) -> bool:
    """Readers of the organization, and anyone below it (a subordinate scores on its superior's
    set): a member reads the sets of the organizations above their cell."""
    if scope.reads(org_path):
        return True
    mine = own_org_path or scope.own_org_path
    return mine is not None and mine.startswith(org_path)


def can_write_set(scope: Scope, org_path: str) -> bool:
    """The office of the organization writes, copies and publishes its criteria."""
    return scope.writes(org_path)


def can_override_appendix(scope: Scope, member_org_path: str) -> bool:
    """The office over the member sets the member's appendix against what the posts give."""
    return scope.writes(member_org_path)
