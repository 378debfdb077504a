"""Set-based writes for the members, Party roles and posts sheets.

The per-record path calls a people service per row (about a dozen queries each). Here every
planned record of a sheet is checked against rows fetched once (IN queries in batches), with the
very checks the services run (shared from tongket.people.services: same rule ids, same messages,
same order), then the accepted records are written in batches and audited with one event per
changed record through `record_events`, in the order the services would have written them.
Everything runs inside the importer's single transaction, so a refusal undoes it all.

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
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from django.db import connection
from django.db.models.expressions import RawSQL

from tongket.accounts.scope import scope_for
from tongket.audit.services import EventInput, record_events
from tongket.core.errors import DomainError, NotFound
from tongket.core.text import fold, normalize_name, vietnamese_sort_string
from tongket.exchange.workbook import Action, ImportContext
from tongket.people import services
from tongket.people.models import (
    Member,
    Membership,
    Organization,
    PartyRole,
    PartyRoleKind,
    Post,
    PostTitle,
)
from tongket.people.selectors import Reach, reached_agency

if TYPE_CHECKING:
    from tongket.exchange.sheets import (
        MemberRow,
        MemberSheet,
        PartyRoleRow,
        PartyRoleSheet,
        PostRow,
        PostSheet,
    )

WRITE = 1000  # rows per INSERT / UPDATE statement
TRANSFER_NOTE = "Chuyển sinh hoạt khi nhập tệp Excel"

T = TypeVar("T")
Advance = Callable[[int], None]

MEMBER_UPDATE_FIELDS = (
    "full_name",
    "name_folded",
    "sort_name",
    "birth_date",
    "gender",
    "joined_on",
    "full_member_on",
    "status",
    "version",
)


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def keys_per_query() -> int:
    """Keys per IN (...) query: under SQLite's parameter limit; on PostgreSQL far fewer round
    trips (its limit is 65,535 parameters per statement)."""
    return 10_000 if connection.vendor == "postgresql" else 500


_UNNEST = {"text": "SELECT unnest(%s::text[])", "bigint": "SELECT unnest(%s::bigint[])"}


def one_of(keys: list[Any], sql_type: Literal["text", "bigint"] = "text") -> Any:
    """The right side of `field__in=keys`: on PostgreSQL one array parameter
    (`IN (SELECT unnest(%s))`) rather than one placeholder per key, which Django and psycopg
    would otherwise compile and split one by one."""
    if connection.vendor == "postgresql":
        return RawSQL(_UNNEST[sql_type], (keys,))  # noqa: S611 - fixed SQL, keys bound
    return keys


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
        raise services.unknown_organization(code, field)
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
    record: MemberRow
    member: Member
    updated: dict[str, Any] | None = None  # the audit fields of the edit
    source: Organization | None = None  # set when the member moves
    target: Organization | None = None


@dataclass(slots=True)
class NewMember:
    """What `services.new_member` builds, as plain values instead of a model instance (which
    costs more to build than everything else a row needs): the columns `NEW_MEMBER_FIELDS`
    and, through `organization`, all `services.member_create_event` reads."""

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


NEW_MEMBER_FIELDS = (
    "card_number",
    "full_name",
    "name_folded",
    "sort_name",
    "birth_date",
    "gender",
    "joined_on",
    "full_member_on",
    "status",
    "organization_id",
    "org_path",
    "is_sample",
)


def new_member(data: services.MemberInput, org: Organization) -> NewMember:
    """`services.new_member` without the model instance (test_bulk proves them equal)."""
    name = normalize_name(data.full_name)
    return NewMember(
        card_number=data.card_number.strip(),
        full_name=name,
        name_folded=fold(name),
        sort_name=vietnamese_sort_string(name),
        birth_date=data.birth_date,
        gender=data.gender,
        joined_on=data.joined_on,
        full_member_on=data.full_member_on,
        status=data.status,
        organization=org,
        org_path=org.path,
        is_sample=data.is_sample,
    )


Entry = tuple["MemberRow", NewMember | _MemberChange]


def apply_members(
    sheet: MemberSheet, records: list[MemberRow], ctx: ImportContext, advance: Advance
) -> None:
    """Create, edit and transfer members as create_member, update_member and transfer_member
    would, one statement per batch instead of a dozen per row."""
    actor = ctx.actor
    codes = {r.organization_code for r in records} | {r.current_code for r in records}
    orgs = organizations_by_code(codes)
    existing = members_by_card((r.card_number for r in records), lock=True)
    movers = [existing[r.card_number].pk for r in records if r.moves and r.card_number in existing]
    opened = _open_starts(movers)
    results: list[NewMember | _MemberChange | None] = [None] * len(records)  # in record order
    for index, r in enumerate(records):
        if r.action is not Action.CREATE:
            try:
                results[index] = _change_member(sheet, r, orgs, existing, opened, ctx)
            except DomainError as exc:
                ctx.refuse_error(sheet, r, exc)
    creates = [index for index, r in enumerate(records) if r.action is Action.CREATE]
    scope_for(actor)  # cached on the actor: the checks below never query while rows stream
    created: list[NewMember] = []

    def accepted() -> Iterator[tuple[Any, ...]]:
        # The checks of create_member, run as the rows stream to the database.
        for index in creates:
            r = records[index]
            try:
                member = _new_member(sheet, r, orgs, existing, actor)
            except DomainError as exc:
                ctx.refuse_error(sheet, r, exc)
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
    _write_changes([c for c in results if isinstance(c, _MemberChange)], ctx.today)
    advance(len(records) - len(created))

    # Audit and report in record order, as the services would have written them one by one.
    entries = [(r, c) for r, c in zip(records, results, strict=True) if c is not None]
    record_events(actor=actor, events=_member_events(sheet, entries, ctx), stream=True)


def _member_events(
    sheet: MemberSheet, entries: list[Entry], ctx: ImportContext
) -> Iterator[EventInput]:
    """The audit events of the written members, made as they are appended (not all held at
    once), recording each row's outcome on the way."""
    for r, c in entries:
        if isinstance(c, NewMember):
            # member_create_event reads only what NewMember carries.
            yield EventInput(**services.member_create_event(cast(Member, c)))
            ctx.record(sheet, r.row, r.card_number, Action.CREATE, r.full_name)
            continue
        if c.updated is not None:
            yield EventInput(**c.updated)
        if c.target is None or c.source is None:
            ctx.record(sheet, r.row, r.card_number, Action.UPDATE, "sửa hồ sơ")
            continue
        yield EventInput(
            **services.transfer_event(c.member, c.source, c.target, ctx.today, TRANSFER_NOTE)
        )
        detail = f"{r.current_code} → {r.organization_code}"
        if c.updated is not None:
            detail += ", sửa hồ sơ"
        ctx.record(sheet, r.row, r.card_number, Action.TRANSFER, detail)


def _new_member(
    sheet: MemberSheet,
    r: MemberRow,
    orgs: dict[str, Organization],
    existing: dict[str, Member],
    actor: Any,
) -> NewMember:
    # The checks of create_member, in its order.
    data = sheet.member_input(r, r.organization_code)
    services.validate_member(data)
    org = _org_or_error(orgs, data.organization_code, "organization")
    services.check_member_organization(org)
    services.require_write(actor, org.path)
    if data.card_number.strip() in existing:
        raise services.duplicate_card(data.card_number.strip())
    return new_member(data, org)


def _change_member(
    sheet: MemberSheet,
    r: MemberRow,
    orgs: dict[str, Organization],
    existing: dict[str, Member],
    opened: dict[int, dt.date],
    ctx: ImportContext,
) -> _MemberChange:
    member = existing.get(r.card_number)
    if member is None:
        raise NotFound("Không tìm thấy đảng viên.")
    change = _MemberChange(r, member)
    if r.changed:  # the checks of update_member, then its edit (in memory)
        services.require_write(ctx.actor, member.org_path)
        data = sheet.member_input(r, r.current_code)
        services.validate_member(data)
        before = services.member_snapshot(member)
        services.apply_member_fields(member, data)
        change.updated = services.member_update_event(member, before)
    if r.moves:  # the checks of transfer_member
        services.require_write(ctx.actor, member.org_path)
        target = _org_or_error(orgs, r.organization_code, "organization")
        services.check_member_organization(target)
        services.require_write(ctx.actor, target.path)
        services.check_transfer(member, target, opened.get(member.pk), ctx.today)
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


def apply_party_roles(
    sheet: PartyRoleSheet, records: list[PartyRoleRow], ctx: ImportContext, advance: Advance
) -> None:
    """Assign Party roles as assign_party_role would, in batches."""
    members = members_by_card(r.card_number for r in records)
    orgs = organizations_by_code(r.organization_code for r in records)
    secretaries: set[int] = set()
    for chunk in chunks(sorted(o.pk for o in orgs.values()), keys_per_query()):
        secretaries.update(
            PartyRole.objects.filter(
                organization_id__in=chunk, role=PartyRoleKind.SECRETARY, end__isnull=True
            ).values_list("organization_id", flat=True)
        )
    accepted: list[tuple[PartyRoleRow, PartyRole]] = []
    for r in records:
        assert r.start is not None  # required column, checked by parse
        try:
            member = members.get(r.card_number)
            if member is None:
                raise NotFound("Không tìm thấy đảng viên.")
            org = _org_or_error(orgs, r.organization_code, "organization")
            services.require_admin(ctx.actor, org.path)
            has_secretary = partial(operator.contains, secretaries, org.pk)
            services.check_party_role(member, org, r.role, has_secretary=has_secretary)
        except DomainError as exc:
            ctx.refuse_error(sheet, r, exc)
            continue
        if r.role == PartyRoleKind.SECRETARY:
            secretaries.add(org.pk)
        role = PartyRole(member=member, organization=org, role=r.role, start=r.start)
        role.term = r.term.strip()
        accepted.append((r, role))
    insert(PartyRole, [role for _r, role in accepted], advance, ids=True)
    advance(len(records) - len(accepted))
    events: list[EventInput] = []
    for r, role in accepted:
        fields = services.party_role_event(role, role.member, role.organization, r.term)
        events.append(EventInput(**fields))
        key = f"{r.card_number} · {PartyRoleKind(r.role).label} · {r.organization_code}"
        ctx.record(sheet, r.row, key, Action.CREATE)
    record_events(actor=ctx.actor, events=events)


def apply_posts(
    sheet: PostSheet, records: list[PostRow], ctx: ImportContext, advance: Advance
) -> None:
    """Assign government posts as assign_post would, in batches."""
    members = members_by_card(r.card_number for r in records)
    orgs = organizations_by_code(r.agency_code for r in records)
    accepted: list[tuple[PostRow, Post]] = []
    for r in records:
        assert r.start is not None  # required column, checked by parse
        try:
            member = members.get(r.card_number)
            if member is None:
                raise NotFound("Không tìm thấy đảng viên.")
            services.require_write(ctx.actor, member.org_path)
            agency = reached_agency(
                ctx.actor,
                orgs.get(r.agency_code.strip()),
                r.agency_code,
                reach=Reach.WRITE,
                kind_rule="people.post.agency_kind",
            )
            services.check_post(agency, r.title)
        except DomainError as exc:
            ctx.refuse_error(sheet, r, exc)
            continue
        post = Post(
            member=member,
            agency=agency,
            title=r.title,
            title_detail=r.title_detail.strip(),
            start=r.start,
        )
        accepted.append((r, post))
    insert(Post, [post for _r, post in accepted], advance, ids=True)
    advance(len(records) - len(accepted))
    events: list[EventInput] = []
    for r, post in accepted:
        events.append(EventInput(**services.post_event(post, post.member, post.agency)))
        key = f"{r.card_number} · {PostTitle(r.title).label} · {r.agency_code}"
        ctx.record(sheet, r.row, key, Action.CREATE)
    record_events(actor=ctx.actor, events=events)
