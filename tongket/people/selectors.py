"""Every read of organizations and members starts here, from what the user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from tongket.accounts.scope import User, scope_for
from tongket.core.errors import NotFound
from tongket.core.text import fold
from tongket.people.models import Member, Organization, OrganizationKind, PartyRole, Post


def visible_organizations(user: User | None) -> QuerySet[Organization]:
    scope = scope_for(user)
    query = scope.path_q("path")
    if scope.own_org_path:
        # An ordinary member sees the organization they belong to (not its other members).
        query |= Q(path=scope.own_org_path)
    return Organization.objects.filter(query)


def visible_members(user: User | None) -> QuerySet[Member]:
    scope = scope_for(user)
    query = scope.path_q("org_path")
    if scope.own_member_id is not None:
        query |= Q(pk=scope.own_member_id)
    return Member.objects.filter(query).select_related("organization")


def get_organization(user: User | None, code: str, *, write: bool = False) -> Organization:
    """The organization by code, or NotFound when it is missing or outside the user's scope."""
    org = visible_organizations(user).filter(code=code).first()
    if org is None:
        raise NotFound("Không tìm thấy tổ chức.")
    if write and not scope_for(user).writes(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    return org


def get_member(user: User | None, card_number: str, *, write: bool = False) -> Member:
    member = visible_members(user).filter(card_number=card_number).first()
    if member is None:
        raise NotFound("Không tìm thấy đảng viên.")
    if write and not scope_for(user).writes(member.org_path):
        raise NotFound("Không tìm thấy đảng viên.")
    return member


def subtree(org: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=org.path)


def members_in_subtree(org: Organization) -> QuerySet[Member]:
    return Member.objects.filter(org_path__startswith=org.path)


def children_with_counts(org: Organization) -> list[tuple[Organization, int]]:
    """Direct children with the number of members in each child's whole subtree (one query each
    for children and counts, independent of the number of children)."""
    children = list(org.children.all().order_by("sort_order", "name"))
    counts: dict[int, int] = {}
    if children:
        # Members' org_path starts with exactly one child's path: group by that prefix length.
        rows = (
            Member.objects.filter(org_path__startswith=org.path)
            .exclude(org_path=org.path)
            .values("org_path")
            .annotate(n=Count("id"))
        )
        by_path = {child.path: child.pk for child in children}
        width = len(children[0].path)
        for row in rows:
            child_id = by_path.get(row["org_path"][:width])
            if child_id is not None:
                counts[child_id] = counts.get(child_id, 0) + row["n"]
    return [(child, counts.get(child.pk, 0)) for child in children]


def committee_roles(org: Organization) -> QuerySet[PartyRole]:
    return (
        PartyRole.objects.filter(organization=org, end__isnull=True)
        .select_related("member")
        .order_by("role", "member__sort_name")
    )


def current_posts(member: Member) -> QuerySet[Post]:
    return member.posts.filter(end__isnull=True).select_related("agency")


def search_members(user: User | None, text: str, *, limit: int = 50) -> QuerySet[Member]:
    """Search by name or card number ignoring diacritics and case ("le van tinh" → Lê Văn Tính)."""
    needle = fold(text)
    if not needle:
        return visible_members(user).none()
    return visible_members(user).filter(
        Q(name_folded__contains=needle) | Q(card_number__startswith=text.strip())
    )[:limit]


def search_organizations(
    user: User | None, text: str, *, limit: int = 20
) -> QuerySet[Organization]:
    needle = fold(text)
    if not needle:
        return visible_organizations(user).none()
    return visible_organizations(user).filter(
        Q(name_folded__contains=needle) | Q(code__istartswith=text.strip())
    )[:limit]


def root_organizations_for(user: User | None) -> list[Organization]:
    """The topmost organizations the user may see (their grants, or their own cell)."""
    orgs = list(visible_organizations(user).order_by("path"))
    roots: list[Organization] = []
    for org in orgs:
        if not any(org.path.startswith(r.path) for r in roots):
            roots.append(org)
    return roots


def party_kinds() -> tuple[str, ...]:
    return tuple(k.value for k in OrganizationKind if k != OrganizationKind.AGENCY)
