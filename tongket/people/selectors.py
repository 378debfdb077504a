"""Every read of organizations and members starts here, from what the user may see."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Collate, Left, Substr

from tongket.accounts.scope import Scope, User, outermost, prefixes_q, scope_for
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.lookups import first_or_not_found
from tongket.core.text import fold
from tongket.people.domain import is_valid_org_code
from tongket.people.models import (
    SEGMENT_WIDTH,
    Member,
    Membership,
    MemberTally,
    Organization,
    OrganizationKind,
    PartyRole,
    PartyRoleKind,
    Post,
    PostTitle,
)


def visible_organizations(user: User | None) -> QuerySet[Organization]:
    scope = scope_for(user)
    query = scope.path_q("path")
    if scope.own_org_path:
        # An ordinary member sees the organization they belong to (not its other members).
        query |= Q(path=scope.own_org_path)
    return Organization.objects.filter(query)


# Above this many rows an unfiltered list shows PostgreSQL's estimate ("khoảng N") instead of
# a COUNT(*) that reads the whole table on every page (200 ms at national size).
ESTIMATE_ABOVE = 100_000


def estimated_total(queryset: QuerySet[Member]) -> int | None:
    """The planner's row estimate of an unfiltered member queryset (pg_class.reltuples, kept
    by autovacuum/ANALYZE), when on PostgreSQL and above ESTIMATE_ABOVE; None means: count.

    Only a queryset without any WHERE (the superuser's whole table) qualifies: a filtered one
    (a scope, an organization, a search) is counted exactly."""
    if connection.vendor != "postgresql" or queryset.query.where:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    estimate = int(row[0]) if row and row[0] is not None else -1
    return estimate if estimate >= ESTIMATE_ABOVE else None


def visible_members(user: User | None) -> QuerySet[Member]:
    scope = scope_for(user)
    query = scope.path_q("org_path")
    if scope.own_member_id is not None:
        query |= Q(pk=scope.own_member_id)
    return Member.objects.filter(query).select_related("organization")


OUT_OF_SIGHT_MEMBER = "Một đảng viên ngoài phạm vi được xem"


def subject_names(user: User | None, subjects: Iterable[str]) -> dict[str, str]:
    """The name to show for each subject of a finding (a member's card number, an
    organization's code), as the user may see it: the member's name or the organization's name;
    a member the user may not see is not named (nor is the card shown). Other subjects (already
    words) are left out, to be shown as they are. Two queries at most."""
    wanted = {s for s in subjects if s}
    if not wanted:
        return {}
    names = dict(visible_organizations(user).filter(code__in=wanted).values_list("code", "name"))
    cards = wanted - names.keys()
    if cards:
        seen = dict(
            visible_members(user)
            .filter(card_number__in=cards)
            .values_list("card_number", "full_name")
        )
        hidden = (
            set(
                Member.objects.filter(card_number__in=cards - seen.keys()).values_list(
                    "card_number", flat=True
                )
            )
            if len(seen) < len(cards)
            else set()
        )
        names.update(seen)
        names.update(dict.fromkeys(hidden, OUT_OF_SIGHT_MEMBER))
    return names


def get_organization(user: User | None, code: str, *, write: bool = False) -> Organization:
    """The organization by code, or NotFound when it is missing or outside the user's scope."""
    org = first_or_not_found(
        visible_organizations(user).select_related("agency").filter(code=code),
        "Không tìm thấy tổ chức.",
    )
    if write and not scope_for(user).writes(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    return org


def get_member(user: User | None, card_number: str, *, write: bool = False) -> Member:
    member = first_or_not_found(
        visible_members(user).filter(card_number=card_number), "Không tìm thấy đảng viên."
    )
    if write and not scope_for(user).writes(member.org_path):
        raise NotFound("Không tìm thấy đảng viên.")
    return member


def organization_path(code: str) -> str | None:
    """The path of the organization with this code, to narrow what the user already sees to its
    subtree (the rows are filtered by scope first, so an invisible code reveals nothing)."""
    path: str | None = (
        Organization.objects.filter(code=code.strip()).values_list("path", flat=True).first()
    )
    return path


def organizations_with_invalid_codes() -> list[tuple[str, str]]:
    """(code, name) of every organization whose code breaks rule
    people.organization.code_alphabet (left by data from before the rule), for the system."""
    return [
        (code, name)
        for code, name in Organization.objects.order_by("path").values_list("code", "name")
        if not is_valid_org_code(code)
    ]


def visible_posts(user: User | None) -> QuerySet[Post]:
    """Government posts of the members the user may see."""
    return Post.objects.filter(member__in=visible_members(user)).select_related("member", "agency")


def visible_party_roles(user: User | None) -> QuerySet[PartyRole]:
    """Party roles of visible members in visible organizations."""
    roles = PartyRole.objects.all()
    if not scope_for(user).is_superuser:  # a superuser's filter would only cost a semi-join
        roles = roles.filter(
            member__in=visible_members(user), organization__in=visible_organizations(user)
        )
    return roles.select_related("member", "organization")


def subtree(org: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=org.path)


def members_in_subtree(org: Organization) -> QuerySet[Member]:
    return Member.objects.filter(org_path__startswith=org.path)


def children_of(org: Organization) -> list[Organization]:
    """The organization's direct children, in their listed order."""
    return list(org.children.order_by("sort_order", "name"))


def children_with_counts(org: Organization) -> list[tuple[Organization, int]]:
    """Direct children with the number of members in each child's whole subtree: two queries
    (the children; the counts grouped in SQL by the child's path prefix, one row per child),
    whatever the number of children, cells or members."""
    children = children_of(org)
    if not children:
        return []
    counts = _counts_by_child_prefix(
        Member.objects.filter(org_path__startswith=org.path), len(children[0].path)
    )
    return [(child, counts.get(child.path, 0)) for child in children]


def _counts_by_child_prefix(members: QuerySet[Member], width: int) -> dict[str, int]:
    """Members grouped by the first `width` characters of their organization path: every child
    of one organization has a path of the same length (fixed-width segments), so the prefix
    names the child. The organization's own members group under its shorter path."""
    rows = (
        members.order_by()
        .annotate(prefix=Substr("org_path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    return {row["prefix"]: row["n"] for row in rows}


@dataclass(frozen=True)
class MemberBreakdown:
    """The visible members of an organization's subtree by status, and by direct child."""

    statuses: Mapping[str, int]
    by_child: Mapping[int, int]

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def member_breakdown(
    user: User | None, org: Organization, children: Sequence[Organization] = ()
) -> MemberBreakdown:
    """One grouped query for an organization page: the visible members of the subtree by
    (child path prefix, status). Read from the member tally when the user sees the whole
    subtree (its rows are per organization path, not per member: a province of 589,000
    members is 40,000 rows); counted from the members otherwise (a member's own cell)."""
    width = len(children[0].path) if children else len(org.path)
    rows: Iterable[tuple[str, str, int]]
    if scope_for(user).reads(org.path):
        rows = (
            MemberTally.objects.filter(path__startswith=org.path)
            .exclude(n=0)
            .order_by()
            .annotate(prefix=Substr("path", 1, width))
            .values("prefix", "status")
            .annotate(count=Sum("n"))
            .values_list("prefix", "status", "count")
        )
    else:
        rows = (
            members_of(user, org)
            .order_by()
            .annotate(prefix=Substr("org_path", 1, width))
            .values("prefix", "status")
            .annotate(count=Count("id"))
            .values_list("prefix", "status", "count")
        )
    statuses: dict[str, int] = {}
    by_prefix: dict[str, int] = {}
    for prefix, status, n in rows:
        statuses[status] = statuses.get(status, 0) + n
        by_prefix[prefix] = by_prefix.get(prefix, 0) + n
    return MemberBreakdown(
        statuses=statuses,
        by_child={child.pk: by_prefix.get(child.path, 0) for child in children},
    )


# Rank of a post in a committee, highest first: the order an organization lists its committee.
ROLE_RANK = {
    PartyRoleKind.SECRETARY: 0,
    PartyRoleKind.DEPUTY_SECRETARY: 1,
    PartyRoleKind.STANDING_COMMITTEE: 2,
    PartyRoleKind.INSPECTION_CHAIR: 3,
    PartyRoleKind.COMMITTEE_MEMBER: 4,
}


def committee_roles(org: Organization) -> QuerySet[PartyRole]:
    # Ordering by the role's code would put "committee_member" before "secretary".
    rank = Case(
        *(When(role=role, then=Value(order)) for role, order in ROLE_RANK.items()),
        default=Value(len(ROLE_RANK)),
        output_field=IntegerField(),
    )
    return (
        PartyRole.objects.filter(organization=org, end__isnull=True)
        .select_related("member")
        .order_by(rank, "member__sort_name")
    )


@dataclass(frozen=True)
class CommitteeSeat:
    """One person on a committee: their Party roles there, highest first, and current posts."""

    member: Member
    roles: tuple[PartyRole, ...]
    posts: tuple[Post, ...]

    @property
    def role_labels(self) -> str:
        return ", ".join(role.get_role_display() for role in self.roles)

    @property
    def post_labels(self) -> str:
        return "; ".join(
            f"{post.label} {post.agency.short_name or post.agency.name}" for post in self.posts
        )


def committee(org: Organization) -> list[CommitteeSeat]:
    """The organization's current committee, one seat per person, in rank order (two queries)."""
    roles = committee_roles(org).prefetch_related(
        Prefetch(
            "member__posts",
            queryset=Post.objects.filter(end__isnull=True).select_related("agency"),
            to_attr="current_post_list",
        )
    )
    seats: dict[int, list[PartyRole]] = {}
    members: dict[int, Member] = {}
    for role in roles:
        seats.setdefault(role.member_id, []).append(role)
        members[role.member_id] = role.member
    return [
        CommitteeSeat(
            member=members[member_id],
            roles=tuple(held),
            posts=tuple(getattr(members[member_id], "current_post_list", ())),
        )
        for member_id, held in seats.items()
    ]


def visible_ancestors(user: User | None, org: Organization) -> list[Organization]:
    """The organization's ancestors the user may see, from the top down (for breadcrumbs)."""
    segments = org.path.split("/")[:-1]
    prefixes = ["/".join(segments[:n]) + "/" for n in range(1, len(segments))]
    if not prefixes:
        return []
    return list(visible_organizations(user).filter(path__in=prefixes).order_by("depth"))


# A subtree known to hold at most this many members is sorted, not walked in name order.
SMALL_SUBTREE = 5_000


def members_of(
    user: User | None, org: Organization, *, expected: int | None = None
) -> QuerySet[Member]:
    """Members of the organization's whole subtree that the user may see, by given name.

    `expected`: how many there are, when the caller knows (the member tally). For a small
    subtree the rows are ordered by an expression no index serves, in the same order (the sort
    key is ASCII digits, equal under any collation): PostgreSQL then finds the few rows by
    their path and sorts them. Otherwise, asked for the first page of a cell at national size,
    it walks the name index of the whole country until it has met them (12 s for a cell of
    3), misled by its estimate of a deep path (560 rows for 3)."""
    members = visible_members(user).filter(org_path__startswith=org.path)
    small = expected is not None and expected <= SMALL_SUBTREE
    if small and connection.vendor == "postgresql":
        return members.order_by(Collate("sort_name", "C"))
    return members.order_by("sort_name")


def member_status_counts(user: User | None, org: Organization) -> dict[str, int]:
    """Visible members of the subtree by status (full, probationary): one grouped query."""
    rows = members_of(user, org).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def member_counts(user: User | None, orgs: list[Organization]) -> dict[int, int]:
    """Visible members in each organization's subtree, in one query: summed from the member
    tally by the database when the user sees every listed subtree whole (`_tally_sums`); else
    the visible members counted per organization path, each row then added to the listed
    organizations among its path's ancestors (at most its depth): no scan of every pair."""
    if not orgs:
        return {}
    # Only the outermost subtrees go into the filter (a listed child adds nothing to its parent).
    outer = outermost(org.path for org in orgs)
    scope = scope_for(user)
    rows: Iterable[tuple[str, int]]
    if all(scope.reads(prefix) for prefix in outer):
        return _tally_sums(orgs)
    rows = (
        visible_members(user)
        .filter(prefixes_q("org_path", outer))
        .order_by()
        .values("org_path")
        .annotate(count=Count("id"))
        .values_list("org_path", "count")
    )
    by_path = {org.path: org.pk for org in orgs}
    counts = dict.fromkeys(by_path.values(), 0)
    for path, n in rows:
        end = path.find("/")
        while end != -1:
            org_id = by_path.get(path[: end + 1])
            if org_id is not None:
                counts[org_id] += n
            end = path.find("/", end + 1)
    return counts


def _tally_sums(orgs: list[Organization]) -> dict[int, int]:
    """Members in each organization's subtree from the member tally, summed by the database:
    one aggregate per listed organization (an index range each), a row back per organization.
    Reading every tally row under the listed subtrees instead meant 362,000 rows for a
    superuser's list of provinces, added up in Python (0.8 s)."""
    table = connection.ops.quote_name(MemberTally._meta.db_table)
    # Paths hold digits and "/" only: nothing to escape in the LIKE patterns.
    part = f"SELECT %s, SUM(n) FROM {table} WHERE path LIKE %s"  # noqa: S608 - a model's table
    sql = " UNION ALL ".join([part] * len(orgs))
    params: list[int | str] = []
    for org in orgs:
        params += [org.pk, f"{org.path}%"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(pk): int(total or 0) for pk, total in cursor.fetchall()}


def member_detail(user: User | None, card_number: str) -> Member:
    """A member with their memberships, Party roles and posts (history included) prefetched."""
    return first_or_not_found(
        visible_members(user)
        .filter(card_number=card_number)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organization").order_by("-start"),
            ),
            Prefetch(
                "party_roles",
                queryset=PartyRole.objects.select_related("organization").order_by("-start"),
            ),
            Prefetch("posts", queryset=Post.objects.select_related("agency").order_by("-start")),
        ),
        "Không tìm thấy đảng viên.",
    )


def secretary_name(org: Organization) -> str:
    """The name of the organization's serving secretary ("" when there is none)."""
    role = (
        PartyRole.objects.filter(organization=org, role=PartyRoleKind.SECRETARY, end__isnull=True)
        .select_related("member")
        .first()
    )
    return role.member.full_name if role is not None else ""


def writable_party_organizations(user: User | None) -> QuerySet[Organization]:
    """Party organizations where the user may add or receive members."""
    scope = scope_for(user)
    return (
        Organization.objects.filter(scope.path_q("path", write=True))
        .exclude(kind=OrganizationKind.AGENCY)
        .order_by("path")
    )


def writable_organization_codes(user: User | None) -> Iterator[tuple[str, str, str]]:
    """(code, name, kind) of every organization the user may write, Party organizations and
    agencies alike, in tree order: the list an import template offers (`None`: all of them)."""
    scope = scope_for(user)
    labels = dict(OrganizationKind.choices)
    rows = (
        Organization.objects.filter(scope.path_q("path", write=True))
        .order_by("path")
        .values_list("code", "name", "kind")
    )
    for code, name, kind in rows.iterator(chunk_size=2000):
        yield code, name, str(labels.get(kind, kind))


def administered_organizations_of(user: User | None, member: Member) -> list[Organization]:
    """The organizations containing the member (their own and its ancestors) whose committee
    the user may staff: where a Party role can be assigned to this member."""
    segments = member.org_path.split("/")[:-1]
    prefixes = ["/".join(segments[:n]) + "/" for n in range(1, len(segments) + 1)]
    scope = scope_for(user)
    orgs = Organization.objects.filter(path__in=prefixes).order_by("depth")
    return [org for org in orgs if scope.administers(org.path)]


# --- the agencies a user reaches -----------------------------------------------------------------
# Agencies are not in the Party tree: a user reaches an agency (and its divisions) through a grant
# covering it, or through a Party organization of their subtree that sits in it
# (`Organization.agency`). So linking an organization to an agency widens what its readers see and
# its administrators write (score sheets, targets, posts): setting that link is itself a
# privileged write, allowed only towards an agency the actor already reaches at that level.


class Reach(StrEnum):
    """Which of the user's subtrees the agencies are reached from."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


def agency_prefixes(user: User | None, reach: Reach = Reach.READ) -> tuple[str, ...] | None:
    """Path prefixes of the agencies the user reaches; None means every agency (superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    # Cached on the user next to its Scope, and only for that Scope object: forget_scope (a
    # grant changed) builds a new Scope, which invalidates this cache too.
    cache: dict[Reach, tuple[Scope, tuple[str, ...]]] | None = getattr(
        user, "_tongket_agency_prefixes", None
    )
    if cache is not None and reach in cache and cache[reach][0] is scope:
        return cache[reach][1]
    paths = {
        Reach.READ: scope.read_paths,
        Reach.WRITE: scope.write_paths,
        Reach.ADMIN: scope.admin_paths,
    }[reach]
    found = _linked_agency_prefixes(paths)
    if user is not None and user.is_authenticated:
        if cache is None:
            cache = {}
            user._tongket_agency_prefixes = cache  # type: ignore[attr-defined]
        cache[reach] = (scope, found)
    return found


def _linked_agency_prefixes(paths: tuple[str, ...]) -> tuple[str, ...]:
    if not paths:
        return ()
    linked = (
        Organization.objects.filter(prefixes_q("path", paths), agency__isnull=False)
        .exclude(kind=OrganizationKind.AGENCY)
        .order_by()
        .values_list("agency__path", flat=True)
        .distinct()
    )
    return tuple(sorted({*paths, *(p for p in linked if p)}))


def reaches_agency(user: User | None, agency: Organization, reach: Reach = Reach.READ) -> bool:
    prefixes = agency_prefixes(user, reach)
    return prefixes is None or any(agency.path.startswith(p) for p in prefixes)


AGENCY_KIND_MESSAGES = {
    "people.organization.agency_kind": (
        "Tổ chức đảng chỉ được gắn với một cơ quan (loại «Cơ quan»)."
    ),
    "people.post.agency_kind": "Chức vụ chính quyền phải thuộc một cơ quan.",
}


def agency_for_user(
    user: User | None, code: str, *, reach: Reach, kind_rule: str, field: str = "agency"
) -> Organization:
    """The agency a form, sheet or API body names, for a write that ties something to it."""
    found = Organization.objects.filter(code=code.strip()).first()
    return reached_agency(user, found, code, reach=reach, kind_rule=kind_rule, field=field)


def reached_agency(
    user: User | None,
    found: Organization | None,
    code: str,
    *,
    reach: Reach,
    kind_rule: str,
    field: str = "agency",
) -> Organization:
    """`found` (the organization `code` names) if it is an agency the user reaches at `reach`.
    An unknown code and an organization the user does not see read the same (the answer tells
    nothing about what exists elsewhere); a visible one that is not an agency breaks
    `kind_rule`; an agency they see but do not reach at `reach` is refused."""
    scope = scope_for(user)
    visible = found is not None and (
        scope.reads(found.path) or reaches_agency(user, found, Reach.READ)
    )
    if found is None or not visible:
        raise DomainError(
            f"Không có tổ chức mã «{code}».",
            field=field,
            rule="people.organization.unknown_code",
        )
    if found.kind != OrganizationKind.AGENCY:
        raise DomainError(AGENCY_KIND_MESSAGES[kind_rule], field=field, rule=kind_rule)
    if not reaches_agency(user, found, reach):
        raise DomainError(
            f"Bạn không quản lý cơ quan «{found.name}», nên không gắn được vào cơ quan đó.",
            field=field,
            rule="access.denied",
        )
    return found


# Titles that lead an agency or one of its divisions: QĐ 366's leader rules read these posts.
LEADERSHIP_TITLES = frozenset(
    {
        PostTitle.DIRECTOR,
        PostTitle.DEPUTY_DIRECTOR,
        PostTitle.OFFICE_CHIEF,
        PostTitle.CHIEF_INSPECTOR,
        PostTitle.HEAD_OF_DIVISION,
        PostTitle.DEPUTY_HEAD_OF_DIVISION,
    }
)
RULE_LEADER_POST_ADMIN = "people.post.leader_needs_admin"


def check_post_authority(user: User | None, agency: Organization, title: str) -> None:
    """A leadership post (rule people.post.leader_needs_admin) is recorded only by who
    administers the agency: an office administrator of the Party organization linked to it (or of
    a grant covering it). Writing one cell linked to the agency reaches its staff posts, not its
    Director's chair."""
    if title in LEADERSHIP_TITLES and not reaches_agency(user, agency, Reach.ADMIN):
        denied = PermissionDenied(
            f"Chức vụ «{PostTitle(title).label}» tại «{agency.name}»: chỉ quản trị văn phòng "
            "của tổ chức đảng gắn với cơ quan này mới ghi được chức vụ lãnh đạo "
            f"(quy tắc {RULE_LEADER_POST_ADMIN})."
        )
        denied.field, denied.rule = "title", RULE_LEADER_POST_ADMIN
        raise denied


def agencies_for(user: User | None) -> QuerySet[Organization]:
    """Government agencies a post may be recorded in: those the user reaches from the
    subtrees they may write (all agencies for a superuser)."""
    agencies = Organization.objects.filter(kind=OrganizationKind.AGENCY)
    prefixes = agency_prefixes(user, Reach.WRITE)
    if prefixes is None:
        return agencies.order_by("path")
    return agencies.filter(prefixes_q("path", prefixes)).order_by("path")


def current_posts(member: Member) -> QuerySet[Post]:
    return member.posts.filter(end__isnull=True).select_related("agency")


def _members_within(user: User | None, within: Organization | None) -> QuerySet[Member]:
    found = visible_members(user)
    if within is not None:
        found = found.filter(org_path__startswith=within.path)
    return found


# Fewer letters than this are looked for at the start of a word of the name, not anywhere in
# it: "an" finds "Bình An" and "An Văn Bình", not every "Lan", "Toàn", "Hoàng". So the trigram
# indexes serve them too (pg_trgm reads a word start as a trigram: "% an%" and "an%").
WORD_START_BELOW = 3


def name_q(field: str, needle: str) -> Q:
    """The names matching a folded needle: anywhere in the name, or at the start of one of its
    words when the needle is shorter than `WORD_START_BELOW` letters."""
    if len(needle) < WORD_START_BELOW:
        return Q(**{f"{field}__startswith": needle}) | Q(**{f"{field}__contains": f" {needle}"})
    return Q(**{f"{field}__contains": needle})


def matching_members(
    user: User | None, text: str, within: Organization | None = None
) -> QuerySet[Member]:
    """The visible members whose name (`name_q`, ignoring diacritics and case) or card number
    matches what was typed, unordered: the search box, the picker and the API's `q`."""
    needle = fold(text)
    if not needle:
        return visible_members(user).none()
    return _members_within(user, within).filter(
        name_q("name_folded", needle) | Q(card_number__startswith=text.strip())
    )


def search_members(
    user: User | None, text: str, *, limit: int = 50, within: Organization | None = None
) -> QuerySet[Member]:
    """Search by name or card number ignoring diacritics and case ("le van tinh" → Lê Văn Tính),
    optionally inside one organization's subtree."""
    return matching_members(user, text, within).order_by("sort_name")[:limit]


# The expressions of the indexes of migration 0006 (PostgreSQL), character for character.
GIVEN_NAME_SQL = r"regexp_replace(name_folded::text, '^.* ', '')"
LAST_TWO_WORDS_SQL = r"regexp_replace(name_folded::text, '^(.* )?(\S+ \S+)$', '\2')"


def quick_search_members(
    user: User | None, text: str, *, limit: int = 50, within: Organization | None = None
) -> tuple[list[Member], bool]:
    """Up to `limit` members matching the search, by name, and whether more match.

    The database is asked for any `limit + 1` matches, not the first ones by name: ordering
    every match before the LIMIT costs as much as the matches are many (a whole country of
    "Nguyễn"), and an index walk in name order costs as much as the matches are rare. The few
    rows are sorted here. A list that says "more" asks the user to narrow the search.

    On PostgreSQL the matches are looked for first where an index finds them and stops at the
    limit: the start of the full name ("tran thi lan"), of the given name ("lan") or of the
    middle and given name ("thi lan"), and the start of the card number. Only when these give
    fewer than `limit + 1` members does the search look anywhere in the name (the trigram
    index: slow at national size for common syllables; a search that stays in one province
    reads that province's part of it, `_search_root`), so the answer is the same as one
    `LIKE '%…%'` would give, only found sooner. A needle of one or two letters is looked for at
    the start of each word (`name_q`): every candidate above is such a match, and without it no
    index could serve a two-letter search that starts no name (0.3–1.5 s at national size).
    """
    matches = matching_members(user, text, within).order_by()
    needle = fold(text)
    found: dict[int, Member] = {}
    if connection.vendor == "postgresql" and needle:
        # Each on the members in scope alone, so the planner takes its index, not the trigram.
        scope = _members_within(user, within).order_by()
        prefix = _like_prefix(needle)
        candidates = [
            scope.filter(name_folded__startswith=needle),
            scope.extra(where=[f"{GIVEN_NAME_SQL} LIKE %s"], params=[prefix]),  # noqa: S610
            scope.extra(where=[f"{LAST_TWO_WORDS_SQL} LIKE %s"], params=[prefix]),  # noqa: S610
            scope.filter(card_number__startswith=text.strip()),
        ]
        ids = (
            candidates[0]
            .values_list("pk", flat=True)[: limit + 1]
            .union(*(c.values_list("pk", flat=True)[: limit + 1] for c in candidates[1:]))
        )
        wanted = list(ids)[: limit + 1]
        if wanted:  # already in scope: fetched by key alone
            rows = Member.objects.select_related("organization").filter(pk__in=wanted)
            found = {m.pk: m for m in rows}
    if len(found) <= limit:
        rest = matches.exclude(pk__in=list(found))
        root = _search_root(user, within)
        if root is not None:
            # Implied by the scope, said again for the trigram index of migration 0010, which
            # keys each member on their province: the posting lists read are the province's,
            # not the country's (`people_member_root_name_trgm`).
            rest = rest.alias(root_path=Left("org_path", SEGMENT_WIDTH)).filter(root_path=root)
        for member in rest[: limit + 1 - len(found)]:
            found[member.pk] = member
    members = sorted(found.values(), key=lambda m: (m.sort_name, m.pk))
    return members[:limit], len(members) > limit


def _search_root(user: User | None, within: Organization | None) -> str | None:
    """The path of the one province (root organization) a member search stays in, if it stays
    in one: `within`'s, else the one holding every subtree the user sees and their own record;
    None for a search of several provinces or of the country."""
    if within is not None:
        return within.path[:SEGMENT_WIDTH]
    scope = scope_for(user)
    if scope.is_superuser:
        return None
    paths = [*scope.read_paths]
    if scope.own_member_id is not None and scope.own_org_path:
        paths.append(scope.own_org_path)
    roots = {path[:SEGMENT_WIDTH] for path in paths}
    return roots.pop() if len(roots) == 1 else None


def _like_prefix(text: str) -> str:
    """`text%` for LIKE, with LIKE's own characters escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_organizations(
    user: User | None, text: str, *, limit: int = 20, within: Organization | None = None
) -> QuerySet[Organization]:
    """The first `limit` visible organizations matching what was typed, by path, optionally
    inside one organization's subtree (filtered before the limit)."""
    organizations = visible_organizations(user)
    if within is not None:
        organizations = organizations.filter(path__startswith=within.path)
    return organizations_matching(organizations, text)[:limit]


def organizations_matching(
    organizations: QuerySet[Organization], text: str
) -> QuerySet[Organization]:
    """Those of the organizations whose name (`name_q`) or code matches what was typed."""
    needle = fold(text)
    if not needle:
        return organizations.none()
    return organizations.filter(name_q("name_folded", needle) | Q(code__istartswith=text.strip()))


def root_organizations_for(user: User | None) -> list[Organization]:
    """The topmost organizations the user may see (their grants, or their own cell), read by
    their paths: the organizations under them are never loaded (370,000 for a superuser)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    paths = [*scope.read_paths, *([scope.own_org_path] if scope.own_org_path else [])]
    if not paths:
        return []
    return list(Organization.objects.filter(path__in=outermost(paths)).order_by("path"))


def get_party_role(user: User | None, pk: int) -> PartyRole | None:
    """A Party role the user may see: its organization's readers, or the member's."""
    scope = scope_for(user)
    role = PartyRole.objects.select_related("organization", "member").filter(pk=pk).first()
    if role is None or not (
        scope.reads(role.organization.path) or scope.reads(role.member.org_path)
    ):
        return None
    return role


def get_post(user: User | None, pk: int) -> Post | None:
    """A government post the user may see: the member's readers."""
    post = Post.objects.select_related("agency", "member").filter(pk=pk).first()
    if post is None or not scope_for(user).reads(post.member.org_path):
        return None
    return post


TREE_LIMIT = 2000  # more organizations than this: the tree page sends to the paginated list


@dataclass(frozen=True)
class TreeNode:
    """An organization in the collapsible tree, with the visible members of its subtree."""

    organization: Organization
    members: int
    children: tuple[TreeNode, ...]


def organization_tree(user: User | None) -> list[TreeNode] | None:
    """The Party organizations the user sees as a tree (roots: those whose parent they do not
    see), each with its subtree's member count; None when there are more than TREE_LIMIT."""
    orgs = list(
        visible_organizations(user)
        .exclude(kind=OrganizationKind.AGENCY)
        .order_by("path")[: TREE_LIMIT + 1]
    )
    if len(orgs) > TREE_LIMIT:
        return None
    counts = member_counts(user, orgs)
    children: dict[int | None, list[Organization]] = {}
    ids = {org.pk for org in orgs}
    for org in orgs:
        parent = org.parent_id if org.parent_id in ids else None
        children.setdefault(parent, []).append(org)

    def node(org: Organization) -> TreeNode:
        kids = sorted(children.get(org.pk, []), key=lambda o: (o.sort_order, o.path))
        return TreeNode(org, counts.get(org.pk, 0), tuple(node(k) for k in kids))

    return [node(root) for root in children.get(None, [])]


# --- transfers of Party activity ------------------------------------------------------------------


@dataclass(frozen=True)
class TransferRecord:
    """A member's move out of an organization, as the memberships record it (transfer_member)."""

    member: Member
    source: Organization  # the cell (or grassroots organization) the member left
    target: Organization  # where the member went
    on: date  # the first day in the new organization
    note: str


def transfer_out(
    user: User | None, card_number: str, within: Organization
) -> TransferRecord | None:
    """The member's latest move out of an organization inside `within`, when the user may see
    the organization left (the member may now be outside the user's reach)."""
    scope = scope_for(user)
    left = (
        Membership.objects.filter(
            member__card_number=card_number.strip(),
            end__isnull=False,
            organization__path__startswith=within.path,
        )
        .filter(scope.path_q("organization__path"))
        .select_related("member", "organization__parent")
        .order_by("-end", "-pk")
        .first()
    )
    if left is None or left.end is None:
        return None
    arrived = (
        Membership.objects.filter(member_id=left.member_id, start__gt=left.end)
        .select_related("organization__parent")
        .order_by("start", "pk")
        .first()
    )
    if arrived is None:
        return None
    return TransferRecord(
        member=left.member,
        source=left.organization,
        target=arrived.organization,
        on=arrived.start,
        note=arrived.note,
    )


def committee_terms(org: Organization, on: date) -> tuple[str, ...]:
    """The terms ("2025-2030") recorded on the organization's Party roles held on `on`."""
    return tuple(
        dict.fromkeys(
            PartyRole.objects.filter(organization=org, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on))
            .exclude(term="")
            .order_by("-start")
            .values_list("term", flat=True)
        )
    )
