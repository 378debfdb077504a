"""Set-based writes of members, Party roles and posts (the import's sheets use them).

The per-record path calls a people service per record (about a dozen queries each). Here every
input record is checked against rows fetched once (IN queries in batches), with the very checks
the services run (tongket.people.checks: same rule ids, same messages, same order), then the
accepted records are written in batches and audited with one event per changed record through
`record_events`, in the order the services would have written them. The caller's transaction
holds it all, so a refusal it reports can undo everything. Inputs are plain records (not sheet
rows); what became of each is told to the caller's `Outcomes` by its index.

On PostgreSQL new rows go in with COPY as plain tuples (no model instance: building one costs
more than the rest of a row's work), and the new members and their audit events are made while
the COPY streams them, so Python's work overlaps the server's; elsewhere bulk_create. Keys are
looked up with one array parameter per 10,000 keys there, 500 placeholders elsewhere.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, Protocol, cast

from django.db import connection

from tongket.accounts.scope import User, scope_for
from tongket.audit.services import EventInput, record_events
from tongket.core.actors import require_write
from tongket.core.errors import DomainError, NotFound
from tongket.exchange.rows import chunks, keys_per_query, one_of
from tongket.people import checks
from tongket.people.checks import MemberInput
from tongket.people.domain import MEMBER_OWN_FIELDS
from tongket.people.models import (
    Member,
    Membership,
    Organization,
    PartyRole,
    PartyRoleKind,
    Post,
)
from tongket.people.selectors import Reach, check_post_authority, reached_agency

WRITE = 1000  # rows per INSERT / UPDATE statement
TRANSFER_NOTE = "Chuyển sinh hoạt khi nhập tệp Excel"

Advance = Callable[[int], None]


class Outcomes(Protocol):
    """What the caller hears of each input record, by its index in the input."""

    def refused(self, index: int, error: DomainError) -> None:
        """The record was refused with this error (nothing of it is written)."""

    def written(self, index: int, action: str, edited: bool) -> None:
        """The record was written: "create", "update" or "transfer" (`edited`: a transfer also
        changed the member's own fields)."""


@dataclass(frozen=True)
class MemberWrite:
    """One member to create, or an existing one to edit and/or transfer."""

    data: MemberInput  # the record as it should stand; organization_code: where they belong
    create: bool
    changed: bool = False  # an existing member's own fields change
    current_code: str = ""  # an existing member's organization now

    @property
    def moves(self) -> bool:
        return not self.create and self.data.organization_code != self.current_code


@dataclass(frozen=True)
class PartyRoleWrite:
    card_number: str
    organization_code: str
    role: str
    term: str
    start: dt.date


@dataclass(frozen=True)
class PostWrite:
    card_number: str
    agency_code: str
    title: str
    title_detail: str
    start: dt.date


MEMBER_UPDATE_FIELDS = (*MEMBER_OWN_FIELDS, "version")
NEW_MEMBER_FIELDS = ("card_number", *MEMBER_OWN_FIELDS, "organization_id", "org_path", "is_sample")


def organizations_by_code(codes: Iterable[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for chunk in chunks(sorted({c for c in codes if c}), keys_per_query()):
        for org in Organization.objects.filter(code__in=chunk):
            found[org.code] = org
    return found


def members_by_card(cards: Iterable[str], *, lock: bool = False) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for chunk in chunks(sorted(set(cards)), keys_per_query()):
        query = Member.objects.filter(card_number__in=one_of(chunk)).select_related("organization")
        if lock:
            query = query.select_for_update(of=("self",))
        for member in query:
            found[member.card_number] = member
    return found


def _open_starts(member_ids: list[int]) -> dict[int, dt.date]:
    starts: dict[int, dt.date] = {}
    for chunk in chunks(sorted(member_ids), keys_per_query()):
        starts.update(
            Membership.objects.filter(
                member_id__in=one_of(chunk, "bigint"), end__isnull=True
            ).values_list("member_id", "start")
        )
    return starts


def _org_or_error(orgs: dict[str, Organization], code: str, field: str) -> Organization:
    org = orgs.get(code.strip())
    if org is None:
        raise checks.unknown_organization(code, field)
    return org


def reserve_ids(model: type[Any], count: int) -> list[int] | None:
    """On PostgreSQL, `count` new primary keys taken from the table's sequence (any left unused
    are a gap, as after any rolled-back insert); elsewhere None: bulk_create returns them."""
    if connection.vendor != "postgresql" or not count:
        return None
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def insert_rows(
    model: type[Any],
    names: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    advance: Advance | None = None,
    *,
    pks: Sequence[int] | None = None,
) -> list[int]:
    """Insert plain tuples of the fields `names` (attribute names, e.g. `organization_id`); every
    other concrete field takes its default. Returns the new primary keys in order.

    On PostgreSQL the rows go in with one COPY and no model instance is built; the primary keys
    are `pks` (from `reserve_ids`) when given, else the table's own. `rows` may be a generator:
    it is consumed while the server is already storing the rows before, so the two overlap; it
    must not query the database itself. Elsewhere bulk_create, in batches."""
    meta = model._meta
    if connection.vendor != "postgresql":
        made: list[int] = []
        iterator = iter(rows)
        while chunk := list(islice(iterator, WRITE)):
            objs = model.objects.bulk_create(
                [model(**dict(zip(names, row, strict=True))) for row in chunk]
            )
            made.extend(obj.pk for obj in objs)
            if advance:
                advance(len(chunk))
        return made
    from psycopg.types.json import Jsonb

    given = set(names)
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in given]
    defaults = tuple(
        Jsonb(f.get_default()) if f.get_internal_type() == "JSONField" else f.get_default()
        for f in rest
    )
    columns = [meta.get_field(name).column for name in names] + [f.column for f in rest]
    if pks is not None:
        columns.insert(0, meta.pk.column)
    quote = connection.ops.quote_name
    statement = f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        lines: Iterable[tuple[Any, ...]] = rows
        if pks is not None:
            lines = ((pk, *row) for pk, row in zip(pks, rows, strict=False))
        for row in lines:
            write((*row, *defaults) if defaults else row)
            count += 1
            if advance and count % WRITE == 0:
                advance(WRITE)
    if advance and count % WRITE:
        advance(count % WRITE)
    return list(pks[:count]) if pks is not None else []


def insert(
    model: type[Any], objs: list[Any], advance: Advance | None = None, *, ids: bool = False
) -> None:
    """Insert new model instances (see `insert_rows`); with `ids`, each gets its primary key."""
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    rows = [tuple(getattr(obj, name) for name in names) for obj in objs]
    pks = insert_rows(
        model, names, rows, advance, pks=reserve_ids(model, len(rows)) if ids else None
    )
    for obj, pk in zip(objs, pks, strict=False):
        obj.pk = pk
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


# --- Members -----------------------------------------------------------------------------------


@dataclass
class _MemberChange:
    member: Member
    updated: dict[str, Any] | None = None  # the audit fields of the edit
    source: Organization | None = None  # set when the member moves
    target: Organization | None = None


@dataclass(slots=True)
class NewMember:
    """What `checks.new_member` builds, as plain values instead of a model instance (which
    costs more to build than everything else a row needs): the columns `NEW_MEMBER_FIELDS`
    and, through `organization`, all `checks.member_create_event` reads."""

    card_number: str
    full_name: str
    name_folded: str
    sort_name: str
    birth_date: dt.date | None
    gender: str
    joined_on: dt.date
    full_member_on: dt.date | None
    status: str
    organization: Organization
    org_path: str
    is_sample: bool
    pk: int | None = None

    def values(self) -> tuple[Any, ...]:
        return (
            self.card_number,
            self.full_name,
            self.name_folded,
            self.sort_name,
            self.birth_date,
            self.gender,
            self.joined_on,
            self.full_member_on,
            self.status,
            self.organization.pk,
            self.org_path,
            self.is_sample,
        )


def new_member(data: MemberInput, org: Organization) -> NewMember:
    """`checks.new_member` without the model instance (test_bulk proves them equal)."""
    return NewMember(**checks.new_member_values(data, org))


def write_members(
    *,
    actor: User | None,
    items: Sequence[MemberWrite],
    on: dt.date,
    outcomes: Outcomes,
    advance: Advance,
) -> None:
    """Create, edit and transfer members as create_member, update_member and transfer_member
    would (a transfer takes effect `on`), one statement per batch instead of a dozen per item."""
    codes = {w.data.organization_code for w in items} | {w.current_code for w in items}
    orgs = organizations_by_code(codes)
    existing = members_by_card((w.data.card_number for w in items), lock=True)
    movers = [
        existing[w.data.card_number].pk for w in items if w.moves and w.data.card_number in existing
    ]
    opened = _open_starts(movers)
    results: list[NewMember | _MemberChange | None] = [None] * len(items)  # in input order
    for index, w in enumerate(items):
        if not w.create:
            try:
                results[index] = _change_member(w, orgs, existing, opened, actor, on)
            except DomainError as exc:
                outcomes.refused(index, exc)
    creates = [index for index, w in enumerate(items) if w.create]
    scope_for(actor)  # cached on the actor: the checks below never query while rows stream
    created: list[NewMember] = []

    def accepted() -> Iterator[tuple[Any, ...]]:
        # The checks of create_member, run as the rows stream to the database.
        for index in creates:
            try:
                member = _new_member(items[index].data, orgs, existing, actor, on)
            except DomainError as exc:
                outcomes.refused(index, exc)
                continue
            results[index] = member
            created.append(member)
            yield member.values()

    pks = insert_rows(
        Member, NEW_MEMBER_FIELDS, accepted(), advance, pks=reserve_ids(Member, len(creates))
    )
    for member, pk in zip(created, pks, strict=True):
        member.pk = pk
    insert_rows(
        Membership,
        ("member_id", "organization_id", "start"),
        [(m.pk, m.organization.pk, m.joined_on) for m in created],
    )
    _write_changes([c for c in results if isinstance(c, _MemberChange)], on)
    advance(len(items) - len(created))

    # Audit and report in input order, as the services would have written them one by one.
    entries = [(index, c) for index, c in enumerate(results) if c is not None]
    record_events(actor=actor, events=_member_events(entries, on, outcomes), stream=True)


def _member_events(
    entries: list[tuple[int, NewMember | _MemberChange]], on: dt.date, outcomes: Outcomes
) -> Iterator[EventInput]:
    """The audit events of the written members, made as they are appended (not all held at
    once), telling each item's outcome on the way."""
    for index, c in entries:
        if isinstance(c, NewMember):
            # member_create_event reads only what NewMember carries.
            yield EventInput(**checks.member_create_event(cast(Member, c)))
            outcomes.written(index, "create", edited=False)
            continue
        if c.updated is not None:
            yield EventInput(**c.updated)
        if c.target is None or c.source is None:
            outcomes.written(index, "update", edited=True)
            continue
        yield EventInput(**checks.transfer_event(c.member, c.source, c.target, on, TRANSFER_NOTE))
        outcomes.written(index, "transfer", edited=c.updated is not None)


def _new_member(
    data: MemberInput,
    orgs: dict[str, Organization],
    existing: dict[str, Member],
    actor: User | None,
    on: dt.date,
) -> NewMember:
    # The checks of create_member, in its order.
    checks.validate_member(data, on)
    org = _org_or_error(orgs, data.organization_code, "organization")
    checks.check_member_organization(org)
    require_write(actor, org.path)
    if data.card_number.strip() in existing:
        raise checks.duplicate_card(data.card_number.strip())
    return new_member(data, org)


def _change_member(
    w: MemberWrite,
    orgs: dict[str, Organization],
    existing: dict[str, Member],
    opened: dict[int, dt.date],
    actor: User | None,
    on: dt.date,
) -> _MemberChange:
    member = existing.get(w.data.card_number)
    if member is None:
        raise NotFound("Không tìm thấy đảng viên.")
    change = _MemberChange(member)
    if w.changed:  # the checks of update_member, then its edit (in memory)
        require_write(actor, member.org_path)
        checks.validate_member(w.data, on)
        before = checks.member_snapshot(member)
        checks.apply_member_fields(member, w.data)
        change.updated = checks.member_update_event(member, before)
    if w.moves:  # the checks of transfer_member
        require_write(actor, member.org_path)
        target = _org_or_error(orgs, w.data.organization_code, "organization")
        checks.check_member_organization(target)
        require_write(actor, target.path)
        checks.check_transfer(member, target, opened.get(member.pk), on)
        change.source = member.organization
        change.target = target
        member.organization = target
        member.org_path = target.path
        member.version += 1
    return change


def _write_changes(changed: list[_MemberChange], on: dt.date) -> None:
    edited = [c.member for c in changed if c.updated is not None and c.target is None]
    moved = [c for c in changed if c.target is not None]
    for batch in chunks(edited, WRITE):
        Member.objects.bulk_update(batch, MEMBER_UPDATE_FIELDS)
    if not moved:
        return
    ids = [c.member.pk for c in moved]
    for chunk in chunks(ids, keys_per_query()):
        Membership.objects.filter(member_id__in=one_of(chunk, "bigint"), end__isnull=True).update(
            end=on - dt.timedelta(days=1)
        )
    insert_rows(
        Membership,
        ("member_id", "organization_id", "start", "note"),
        [(c.member.pk, c.target.pk, on, TRANSFER_NOTE) for c in moved if c.target is not None],
    )
    fields = (*MEMBER_UPDATE_FIELDS, "organization", "org_path")
    for batch in chunks([c.member for c in moved], WRITE):
        Member.objects.bulk_update(batch, fields)


# --- Party roles and posts ---------------------------------------------------------------------


def assign_party_roles(
    *, actor: User | None, items: Sequence[PartyRoleWrite], outcomes: Outcomes, advance: Advance
) -> None:
    """Assign Party roles as assign_party_role would, in batches."""
    members = members_by_card(w.card_number for w in items)
    orgs = organizations_by_code(w.organization_code for w in items)
    secretaries: set[int] = set()
    for chunk in chunks(sorted(o.pk for o in orgs.values()), keys_per_query()):
        secretaries.update(
            PartyRole.objects.filter(
                organization_id__in=chunk, role=PartyRoleKind.SECRETARY, end__isnull=True
            ).values_list("organization_id", flat=True)
        )
    accepted: list[tuple[int, PartyRole, str]] = []
    for index, w in enumerate(items):
        try:
            member = members.get(w.card_number)
            if member is None:
                raise NotFound("Không tìm thấy đảng viên.")
            org = _org_or_error(orgs, w.organization_code, "organization")
            checks.require_admin(actor, org.path)
            has_secretary = partial(operator.contains, secretaries, org.pk)
            checks.check_party_role(member, org, w.role, has_secretary=has_secretary)
        except DomainError as exc:
            outcomes.refused(index, exc)
            continue
        if w.role == PartyRoleKind.SECRETARY:
            secretaries.add(org.pk)
        role = PartyRole(member=member, organization=org, role=w.role, start=w.start)
        role.term = w.term.strip()
        accepted.append((index, role, w.term))
    insert(PartyRole, [role for _i, role, _t in accepted], advance, ids=True)
    advance(len(items) - len(accepted))
    events: list[EventInput] = []
    for index, role, term in accepted:
        fields = checks.party_role_event(role, role.member, role.organization, term)
        events.append(EventInput(**fields))
        outcomes.written(index, "create", edited=False)
    record_events(actor=actor, events=events)


def assign_posts(
    *, actor: User | None, items: Sequence[PostWrite], outcomes: Outcomes, advance: Advance
) -> None:
    """Assign government posts as assign_post would, in batches."""
    members = members_by_card(w.card_number for w in items)
    orgs = organizations_by_code(w.agency_code for w in items)
    accepted: list[tuple[int, Post]] = []
    for index, w in enumerate(items):
        try:
            member = members.get(w.card_number)
            if member is None:
                raise NotFound("Không tìm thấy đảng viên.")
            require_write(actor, member.org_path)
            agency = reached_agency(
                actor,
                orgs.get(w.agency_code.strip()),
                w.agency_code,
                reach=Reach.WRITE,
                kind_rule="people.post.agency_kind",
            )
            checks.check_post(agency, w.title)
            check_post_authority(actor, agency, w.title)
        except DomainError as exc:
            outcomes.refused(index, exc)
            continue
        post = Post(
            member=member,
            agency=agency,
            title=w.title,
            title_detail=w.title_detail.strip(),
            start=w.start,
        )
        accepted.append((index, post))
    insert(Post, [post for _i, post in accepted], advance, ids=True)
    advance(len(items) - len(accepted))
    events: list[EventInput] = []
    for index, post in accepted:
        events.append(EventInput(**checks.post_event(post, post.member, post.agency)))
        outcomes.written(index, "create", edited=False)
    record_events(actor=actor, events=events)
