"""Every read of programs and their items, starting from what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tongket.accounts.scope import User, scope_for
from tongket.core.errors import NotFound
from tongket.core.lookups import first_or_not_found
from tongket.people.models import Organization, PartyRole, PartyRoleKind, ancestor_paths
from tongket.programs import domain, permissions
from tongket.programs.models import (
    Amendment,
    ItemStatus,
    ItemStatusChange,
    Program,
    ProgramItem,
    ProgramStatus,
)
from tongket.programs.services import domain_item

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _visibility(user: User | None) -> Q:
    """Programs of the user's subtrees, plus the programs of the committees above them (a cell
    drafts its own plan from its committee's program, so its people read that program)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Q()
    query = scope.path_q("organization__path")
    above: set[str] = set()
    for path in (*scope.read_paths, *((scope.own_org_path,) if scope.own_org_path else ())):
        above.update(ancestor_paths(path))
    if above:
        query |= Q(organization__path__in=sorted(above))
    return query


def visible_programs(user: User | None) -> QuerySet[Program]:
    return Program.objects.filter(_visibility(user)).select_related("organization")


def get_program(user: User | None, program_id: int, *, write: bool = False) -> Program:
    """The program, or NotFound when it is missing or outside the user's scope."""
    program = visible_programs(user).filter(pk=program_id).first()
    if program is None or (write and not scope_for(user).writes(program.organization.path)):
        raise NotFound("Không tìm thấy chương trình.")
    return program


def _inspection_paths(user: User | None) -> frozenset[str]:
    """The organizations whose inspection committee the user chairs today."""
    member_id = scope_for(user).own_member_id
    if member_id is None:
        return frozenset()
    today = timezone.localdate()
    return frozenset(
        PartyRole.objects.filter(
            Q(end__isnull=True) | Q(end__gte=today),
            member_id=member_id,
            role=PartyRoleKind.INSPECTION_CHAIR,
            start__lte=today,
        ).values_list("organization__path", flat=True)
    )


def item_facts(item: ProgramItem) -> permissions.ItemFacts:
    """What the reading rule needs of an item (its program, subjects and people in charge
    loaded with it)."""
    subjects = list(item.subject_members.all())
    return permissions.ItemFacts(
        program_kind=item.program.kind,
        program_path=item.program.organization.path,
        activity=item.activity,
        subject_org_paths=tuple(o.path for o in item.subject_organizations.all()),
        subject_member_paths=tuple(m.org_path for m in subjects),
        subject_member_ids=tuple(m.pk for m in subjects),
        in_charge_member_id=item.in_charge_member_id,
        in_charge_path=(
            item.in_charge_organization.path if item.in_charge_organization is not None else None
        ),
    )


def visible_items(user: User | None) -> QuerySet[ProgramItem]:
    """Every item the user may read, by rule programs.inspection.item.read
    (`permissions.can_read_program_item`), the one place every page, API endpoint, export and
    document reads program items from. Items of programs the user reads by a grant, and items
    that do not concern an inspection, are filtered in SQL (the rule's first clauses); the
    remaining items of programs above the user (a few committees' programs) are judged one by
    one by the rule itself."""
    scope = scope_for(user)
    items = ProgramItem.objects.filter(program__in=visible_programs(user))
    if scope.is_superuser:
        return items
    open_items = ~Q(program__kind=permissions.INSPECTION_KIND) & ~Q(
        activity__in=sorted(permissions.INSPECTION_ACTIVITIES)
    )
    owned = scope.path_q("program__organization__path")
    others = (
        items.exclude(open_items | owned)
        .select_related("program__organization", "in_charge_organization")
        .prefetch_related("subject_organizations", "subject_members")
    )
    chaired = _inspection_paths(user)
    readable = [
        item.pk
        for item in others
        if permissions.can_read_program_item(scope, item_facts(item), inspection_paths=chaired)
    ]
    return items.filter(open_items | owned | Q(pk__in=readable))


def get_item(user: User | None, item_id: int) -> ProgramItem:
    """The item, or NotFound when it is missing or the user may not read it."""
    return first_or_not_found(
        visible_items(user)
        .filter(pk=item_id)
        .select_related("program__organization", "in_charge_organization", "in_charge_member")
        .prefetch_related("subject_organizations", "subject_members"),
        "Không tìm thấy nội dung chương trình.",
    )


def can_write(user: User | None, program: Program) -> bool:
    return scope_for(user).writes(program.organization.path)


def can_track(user: User | None, item: ProgramItem) -> bool:
    """Writers of the program's organization and the member in charge update an item's status."""
    scope = scope_for(user)
    return scope.writes(item.program.organization.path) or (
        item.in_charge_member_id is not None and scope.own_member_id == item.in_charge_member_id
    )


@dataclass(frozen=True)
class ProgramRow:
    program: Program
    total: int
    done: int


class _ProgramCounts(TypedDict):
    n_total: int
    n_done: int


def counted_programs(user: User | None) -> QuerySet[WithAnnotations[Program, _ProgramCounts]]:
    """The programs the user sees, each with how many items it has (`n_total`) and how many of
    them are done (`n_done`)."""
    return visible_programs(user).annotate(
        n_total=Count("items", distinct=True),
        n_done=Count("items", filter=Q(items__status=ItemStatus.DONE), distinct=True),
    )


def program_list(user: User | None, *, year: int | None = None) -> list[ProgramRow]:
    """Programs the user sees with their counts, one query."""
    programs = counted_programs(user)
    if year is not None:
        programs = programs.filter(year=year)
    return [
        ProgramRow(p, p.n_total, p.n_done)
        for p in programs.order_by("-year", "organization__path", "kind")
    ]


@dataclass(frozen=True)
class ItemRow:
    item: ProgramItem
    timing: domain.Timing
    overdue: bool
    remedy_overdue: bool
    remedy_open: bool
    done_late: bool


@dataclass(frozen=True)
class MonthRow:
    """Items falling due in one month, counted by status (in ItemStatus order)."""

    label: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class ProgramPage:
    program: Program
    rows: tuple[ItemRow, ...]
    summary: domain.ProgressSummary
    statuses: tuple[tuple[str, str, int], ...]  # (value, label, count)
    months: tuple[MonthRow, ...]
    overdue: tuple[ItemRow, ...]
    open_remedies: tuple[ItemRow, ...]
    amendments: tuple[Amendment, ...]
    child_plans: tuple[Program, ...]
    can_write: bool
    # The codes of the items the user may read, None when they read them all (the sealed
    # snapshot and the amendments are cut to these).
    readable_codes: frozenset[str] | None = None


def _items(user: User | None, program: Program) -> QuerySet[ProgramItem]:
    return (
        visible_items(user)
        .filter(program=program)
        .select_related("in_charge_organization", "in_charge_member")
        .prefetch_related("subject_organizations", "subject_members")
    )


def item_row(item: ProgramItem, today: dt.date) -> ItemRow:
    pure = domain_item(item)
    return ItemRow(
        item=item,
        timing=pure.timing,
        overdue=domain.is_overdue(pure, today),
        remedy_overdue=domain.is_remedy_overdue(pure, today),
        remedy_open=item.remedy_deadline is not None and item.remedy_done_on is None,
        done_late=domain.is_done_late(pure),
    )


def program_page(user: User | None, program_id: int, *, today: dt.date) -> ProgramPage:
    """A program with its progress on `today`: by status, by month, overdue, open remedies."""
    program = get_program(user, program_id)
    items = list(_items(user, program))
    hidden = program.items.exclude(pk__in=[i.pk for i in items]).exists()
    readable = frozenset(i.code for i in items) if hidden else None
    kept_ids = {i.pk for i in items}
    for item in items:
        item.program = program  # the rows need the year; spare a query per item
    rows = tuple(sorted((item_row(i, today) for i in items), key=lambda r: r.item.position))
    summary = domain.progress([domain_item(i) for i in items], today=today)
    statuses = tuple((s.value, s.label, summary.by_status[s]) for s in domain.ItemStatus)
    months = tuple(
        MonthRow(
            label=f"Tháng {month:02d}/{year}",
            counts=tuple(counts[s] for s in domain.ItemStatus),
            total=sum(counts.values()),
        )
        for (year, month), counts in summary.by_month.items()
    )
    return ProgramPage(
        program=program,
        rows=rows,
        summary=summary,
        statuses=statuses,
        months=months,
        overdue=tuple(r for r in rows if r.overdue),
        open_remedies=tuple(r for r in rows if r.remedy_open),
        amendments=tuple(
            a
            for a in program.amendments.select_related("item", "created_by")
            if readable is None or a.item_id in kept_ids
        ),
        child_plans=tuple(
            visible_programs(user).filter(parent_program=program).order_by("organization__path")
        ),
        can_write=can_write(user, program),
        readable_codes=readable,
    )


def item_history(item: ProgramItem) -> list[ItemStatusChange]:
    return list(item.status_changes.select_related("changed_by"))


@dataclass(frozen=True)
class DueItem:
    """Something a person in charge has to do: an item falling due, or a remedy to follow up."""

    item_id: int
    program_id: int
    program_title: str
    code: str
    content: str
    timing_label: str
    due_date: dt.date
    overdue: bool
    is_remedy: bool
    url: str


def due_items_for(user: User | None, today: dt.date, *, horizon_days: int = 31) -> list[DueItem]:
    """What is due for the user on `today` in adopted programs: open items they are in charge of
    (as the member in charge, or through the organization they run) that have started or fall due
    within `horizon_days`, and remedies not yet done that they follow up. Overdue first."""
    scope = scope_for(user)
    if not getattr(user, "is_authenticated", False):
        return []
    own_orgs: Iterable[str] = scope.write_paths
    in_charge = Q(pk__in=[])
    if scope.own_member_id is not None:
        in_charge |= Q(in_charge_member_id=scope.own_member_id)
    if own_orgs:
        in_charge |= Q(in_charge_organization__path__in=list(own_orgs))
        in_charge |= Q(
            subject_organizations__path__in=list(own_orgs), remedy_deadline__isnull=False
        )
    items = (
        visible_items(user)
        .filter(in_charge, program__status=ProgramStatus.ADOPTED)
        .filter(
            Q(status__in=[ItemStatus.PLANNED, ItemStatus.IN_PROGRESS])
            | Q(remedy_deadline__isnull=False, remedy_done_on__isnull=True)
        )
        .select_related("program")
        .distinct()
    )
    horizon = today + dt.timedelta(days=horizon_days)
    found: list[DueItem] = []
    for item in items:
        pure = domain_item(item)
        task = DueItem(
            item_id=item.pk,
            program_id=item.program_id,
            program_title=item.program.title,
            code=item.code,
            content=item.content,
            timing_label=pure.timing.label,
            due_date=pure.timing.due_date(),
            overdue=domain.is_overdue(pure, today),
            is_remedy=False,
            url=reverse("programs:item", args=[item.pk]),
        )
        if pure.status in domain.OPEN_STATUSES and pure.timing.start_date() <= horizon:
            found.append(task)
        if item.remedy_deadline is not None and item.remedy_done_on is None:
            # The remedy the item's inspection required: the same item, its own deadline.
            remedy = replace(
                task,
                content=item.remedies_required or item.content,
                timing_label=f"Hạn khắc phục {item.remedy_deadline:%d/%m/%Y}",
                due_date=item.remedy_deadline,
                overdue=domain.is_remedy_overdue(pure, today),
                is_remedy=True,
            )
            found.append(remedy)
    found.sort(key=lambda d: (not d.overdue, d.due_date, d.program_title, d.code))
    return found


@dataclass(frozen=True)
class ItemOutcome:
    code: str
    content: str
    timing_label: str
    status: str
    status_label: str
    reason: str
    result: str


@dataclass(frozen=True)
class ProgramOutcome:
    """What a program achieved in its year, for next year's report: done, not done and why."""

    title: str
    organization: str
    year: int
    adopted_on: dt.date | None
    done: tuple[ItemOutcome, ...]
    not_done: tuple[ItemOutcome, ...]
    amendments: tuple[tuple[str, str], ...]  # (summary, reason)


def program_outcome(user: User | None, program: Program) -> ProgramOutcome:
    """Facts for the year-end report, of the items the user may read; the caller has already
    checked the user may see the program."""
    items = list(visible_items(user).filter(program=program).order_by("position", "id"))
    every = len(items) == program.items.count()
    shown = {i.pk for i in items}
    outcomes = [
        ItemOutcome(
            code=i.code,
            content=i.content,
            timing_label=domain.Timing(program.year, month=i.month, quarter=i.quarter).label,
            status=i.status,
            status_label=i.get_status_display(),
            reason=i.status_reason,
            result=i.result or i.conclusions,
        )
        for i in items
    ]
    return ProgramOutcome(
        title=program.title,
        organization=program.organization.name,
        year=program.year,
        adopted_on=program.adopted_on,
        done=tuple(o for o in outcomes if o.status == ItemStatus.DONE),
        not_done=tuple(o for o in outcomes if o.status != ItemStatus.DONE),
        amendments=tuple(
            (a.summary, a.reason) for a in program.amendments.all() if every or a.item_id in shown
        ),
    )


def organizations_for_new_program(user: User | None) -> QuerySet[Organization]:
    """Party organizations the user may draw up a program for."""
    scope = scope_for(user)
    return (
        Organization.objects.filter(scope.path_q("path", write=True))
        .exclude(kind="agency")
        .order_by("path")
    )


def parent_program_choices(user: User | None) -> QuerySet[Program]:
    return visible_programs(user).exclude(kind="cell_plan").order_by("-year", "organization__path")


@dataclass(frozen=True)
class ItemNotice:
    """An open item of an adopted program due soon (or overdue), for its member in charge."""

    user_id: int
    item_id: int
    program_title: str
    code: str
    content: str
    due: dt.date
    url: str


def items_due_for_notice(today: dt.date, days: int) -> list[ItemNotice]:
    """Open items of adopted programs whose member in charge has an account, falling due within
    `days` of `today` or already overdue (notifications.services.notify_due)."""
    items = ProgramItem.objects.filter(
        program__status=ProgramStatus.ADOPTED,
        program__year__gte=today.year - 1,
        program__year__lte=today.year,
        status__in=[ItemStatus.PLANNED, ItemStatus.IN_PROGRESS],
        in_charge_member__user__isnull=False,
    ).select_related("program", "in_charge_member")
    horizon = today + dt.timedelta(days=days)
    found: list[ItemNotice] = []
    for item in items:
        due = domain_item(item).timing.due_date()
        member = item.in_charge_member
        if due <= horizon and member is not None and member.user_id is not None:
            found.append(
                ItemNotice(
                    user_id=member.user_id,
                    item_id=item.pk,
                    program_title=item.program.title,
                    code=item.code,
                    content=item.content,
                    due=due,
                    url=reverse("programs:item", args=[item.pk]),
                )
            )
    return found
