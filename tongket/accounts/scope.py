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
from tongket.people.models import Member, Organization

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
    grants, member = _grants(user.pk)
    return remember_scope(user, grants, member)


def remember_scope(
    user: AbstractBaseUser, grants: Iterable[tuple[str, str]], member: tuple[int, str] | None
) -> Scope:
    """The user's scope from their grants in force, (role, organization path), and their own
    member record (id, organization path), kept on the user object for the request (the token
    authentication reads them with the token: `accounts.authentication`)."""
    grants = list(grants)
    read = {path for _role, path in grants}
    write = {path for role, path in grants if role in WRITE_ROLES}
    admin = {path for role, path in grants if role == Role.OFFICE_ADMIN}
    scope = Scope(
        is_superuser=bool(getattr(user, "is_superuser", False)),
        read_paths=outermost(read),
        write_paths=outermost(write),
        admin_paths=outermost(admin),
        own_member_id=member[0] if member is not None else None,
        own_org_path=member[1] if member is not None else None,
    )
    setattr(user, "_tongket_scope", scope)  # noqa: B010 - per-request cache on the user object
    return scope


# The grants in force (on `o`, joined to `g`) and the member record (`m`) of a user, as rows
# (role, path, member id): a grant row has no member id, the member's row has role "".
SCOPE_ROWS = (
    "SELECT g.role, o.path, NULL FROM {grant} g JOIN {org} o ON o.id = g.organization_id "
    "WHERE g.user_id = {user} AND g.revoked_at IS NULL "
    "AND (g.valid_from IS NULL OR g.valid_from <= %s) "
    "AND (g.valid_until IS NULL OR g.valid_until >= %s) "
    "UNION ALL SELECT '', m.org_path, m.id FROM {member} m WHERE m.user_id = {user}"
)


def scope_rows_sql(user: str) -> str:
    """`SCOPE_ROWS` with the user id given as SQL (`%s` or a column); its parameters are today,
    twice, after the user's where `user` is `%s`."""
    return SCOPE_ROWS.format(
        grant=Grant._meta.db_table,
        org=Organization._meta.db_table,
        member=Member._meta.db_table,
        user=user,
    )


def split_scope_rows(
    rows: Iterable[tuple[str, str, int | None]],
) -> tuple[list[tuple[str, str]], tuple[int, str] | None]:
    """`SCOPE_ROWS` as (grants, member)."""
    grants: list[tuple[str, str]] = []
    member: tuple[int, str] | None = None
    for role, path, member_id in rows:
        if member_id is not None:
            member = (int(member_id), path)
        else:
            grants.append((role, path))
    return grants, member


def _grants(user_id: int) -> tuple[list[tuple[str, str]], tuple[int, str] | None]:
    """(role, organization path) of each grant in force today (not revoked, within its dates)
    and the user's member record, in one query: plain SQL, as every request of a signed-in user
    runs it and building the ORM query costs more than running it."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(scope_rows_sql("%s"), [user_id, today, today, user_id])
        return split_scope_rows(cursor.fetchall())


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
