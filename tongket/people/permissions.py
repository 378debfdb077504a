"""Who may see and change organizations and members: pure functions over a Scope and the paths
involved. Every page, API endpoint, sheet and selector of the people app asks these, and other
areas ask them too when they show a member or an organization."""

from __future__ import annotations

from tongket.accounts.scope import Scope


def can_see_organization(scope: Scope, path: str) -> bool:
    """Readers of the subtree, and a plain member for the organization they belong to."""
    return scope.reads(path) or path == scope.own_org_path


def can_see_member(scope: Scope, *, org_path: str, member_id: int | None) -> bool:
    """A member's record, card number included: readers of their organization, and the member
    themselves. Anyone else sees at most the name another area prints."""
    return scope.reads(org_path) or (member_id is not None and member_id == scope.own_member_id)


def can_write_somewhere(scope: Scope) -> bool:
    """A write grant over some subtree (or the superuser): the forms and endpoints that create
    something are offered, each row then checked against the scope."""
    return scope.is_superuser or bool(scope.write_paths)


def can_administer_somewhere(scope: Scope) -> bool:
    """An office administrator's grant over some subtree (or the superuser): creating
    organizations and opening cycles are offered, each then checked against the scope."""
    return scope.is_superuser or bool(scope.admin_paths)


def can_edit_member(scope: Scope, org_path: str) -> bool:
    """Edit or transfer a member: whoever writes for the member's organization."""
    return scope.writes(org_path)


def can_administer_organization(scope: Scope, path: str) -> bool:
    """Create under, rename, move an organization, assign Party roles: its office."""
    return scope.administers(path)
