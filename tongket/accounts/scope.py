"""What a user may see and change: the one place that turns grants into query filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tongket.accounts.models import Grant, Role
from tongket.people.models import Organization

User = AbstractBaseUser | AnonymousUser

WRITE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.CELL_SECRETARY})


@dataclass(frozen=True)
class Scope:
    """The subtrees a user may read and write, plus their own member record."""

    is_superuser: bool
    read_paths: tuple[str, ...]
    write_paths: tuple[str, ...]
    admin_paths: tuple[str, ...]  # office administrator: may also create organizations
    own_member_id: int | None
    own_org_path: str | None

    def reads(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for p in self.read_paths)

    def writes(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for p in self.write_paths)

    def administers(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for p in self.admin_paths)

    def path_q(self, field: str, *, write: bool = False) -> Q:
        """A filter on a materialized-path column: rows inside the user's subtrees."""
        if self.is_superuser:
            return Q()
        return prefixes_q(field, self.write_paths if write else self.read_paths)


def prefixes_q(field: str, prefixes: Iterable[str]) -> Q:
    """A filter on a materialized-path column: rows under any of the prefixes (none: no row)."""
    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(**{f"{field}__startswith": prefix})
    return query


def outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so filters stay short."""
    ordered = sorted(paths)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


SYSTEM = Scope(True, (), (), (), None, None)


def scope_for(user: User | None) -> Scope:
    """`None` is the system itself (commands, the demo loader); an anonymous user sees nothing."""
    if user is None:
        return SYSTEM
    if not user.is_authenticated:
        return Scope(False, (), (), (), None, None)
    cached: Scope | None = getattr(user, "_tongket_scope", None)
    if cached is not None:
        return cached
    grants = _grants(user.pk)
    read = {path for _role, path in grants}
    write = {path for role, path in grants if role in WRITE_ROLES}
    admin = {path for role, path in grants if role == Role.OFFICE_ADMIN}
    member = getattr(user, "member", None) if hasattr(user, "member") else None
    scope = Scope(
        is_superuser=bool(getattr(user, "is_superuser", False)),
        read_paths=outermost(read),
        write_paths=outermost(write),
        admin_paths=outermost(admin),
        own_member_id=member.pk if member is not None else None,
        own_org_path=member.org_path if member is not None else None,
    )
    setattr(user, "_tongket_scope", scope)  # noqa: B010 - per-request cache on the user object
    return scope


def _grants(user_id: int) -> list[tuple[str, str]]:
    """(role, organization path) of each grant in force today (not revoked, within its dates):
    plain SQL, as every request of a signed-in user runs it and building the ORM query costs
    more than running it."""
    grant, org = Grant._meta, Organization._meta
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.role, o.path FROM {grant.db_table} g "  # noqa: S608 - model table names
            f"JOIN {org.db_table} o ON o.id = g.organization_id WHERE g.user_id = %s "
            "AND g.revoked_at IS NULL AND (g.valid_from IS NULL OR g.valid_from <= %s) "
            "AND (g.valid_until IS NULL OR g.valid_until >= %s)",
            [user_id, today, today],
        )
        return [(role, path) for role, path in cursor.fetchall()]


def live_grants_q(prefix: str = "", *, on: dt.date | None = None) -> Q:
    """The grants in force on a day (today): not revoked, within their dates; `prefix` for a
    lookup through a relation (e.g. "grants__")."""
    day = on or timezone.localdate()
    return (
        Q(**{f"{prefix}revoked_at__isnull": True})
        & (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}))
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))
    )


def forget_scope(user: User) -> None:
    if hasattr(user, "_tongket_scope"):
        delattr(user, "_tongket_scope")
