"""Who leads what, derived from stored Party roles and government posts (366-QĐ/TW, Điều 11, 12).

Read-only. A member leads:
- every Party organization where he or she holds the post of Bí thư or Phó Bí thư on the last day
  of the period; the unit's level is its own current decision in the same period (in whichever
  cycle decides it) and its task figures are those recorded on that evaluation;
- every agency where he or she is Giám đốc or Phó Giám đốc on the last day of the period; the
  agency's result is decided on the government side and recorded by the office on the
  evaluation of the Party organization placed in the agency (`same_level_bodies_level`).
These feed `MemberFacts.led_units` (the leader's cap) and the order of decisions (the collective
before its head).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from tongket.evaluation.domain import LedUnit, Level, Period, TaskTally
from tongket.evaluation.models import Cycle, DecisionStatus, Evaluation, SubjectKind
from tongket.people.models import (
    Member,
    Organization,
    PartyRole,
    PartyRoleKind,
    Post,
    PostTitle,
)
from tongket.people.selectors import LEADERSHIP_TITLES

LEADING_ROLES = (PartyRoleKind.SECRETARY, PartyRoleKind.DEPUTY_SECRETARY)
LEADING_POSTS = (PostTitle.DIRECTOR, PostTitle.DEPUTY_DIRECTOR)


def _held_on(day: dt.date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


def period_end(cycle: Cycle) -> dt.date:
    """The last day of `cycle`'s period, the day on which roles and posts are read."""
    return Period(cycle.year, cycle.quarter).end


def task_tally(ev: Evaluation) -> TaskTally | None:
    """The tasks recorded on an evaluation (None until its total is recorded)."""
    if ev.tasks_total is None:
        return None
    return TaskTally(
        total=ev.tasks_total,
        completed=ev.tasks_completed or 0,
        on_time=ev.tasks_on_time or 0,
        late=ev.tasks_late or 0,
        exceeded=ev.tasks_exceeded or 0,
    )


def _period_evaluations(cycle: Cycle) -> Q:
    q = Q(cycle__year=cycle.year, subject_kind=SubjectKind.ORGANIZATION)
    if cycle.quarter is None:
        return q & Q(cycle__quarter__isnull=True)
    return q & Q(cycle__quarter=cycle.quarter)


def _current_level(ev: Evaluation | None) -> Level | None:
    if ev is None:
        return None
    for decision in ev.decisions.all():
        if decision.status == DecisionStatus.CURRENT and decision.level:
            return Level(decision.level)
    return None


def leading_on(end: dt.date) -> dict[str, Exists]:
    """Annotations of an evaluation whose member (`member_id`) holds a leading role
    (`leads_role`) or post (`leads_post`) on the day `end` (the last day of a cycle's period):
    `led_units` is empty for whoever has neither, so a decision about an ordinary member need
    not ask it."""
    member = OuterRef("member_id")
    roles = PartyRole.objects.filter(_held_on(end), member=member, role__in=LEADING_ROLES)
    posts = Post.objects.filter(_held_on(end), member=member, title__in=LEADING_POSTS)
    return {"leads_role": Exists(roles), "leads_post": Exists(posts)}


def roles_held_in_unit(cycle: Cycle) -> QuerySet[PartyRole]:
    """The Party roles (Bí thư, Phó Bí thư, cấp ủy viên…) an evaluation's member (`member_id`)
    holds in the organization where they are evaluated (`unit_id`) on the last day of the
    period, for `Exists`: a member of its leadership collective."""
    return roles_held_in_unit_on(period_end(cycle))


def roles_held_in_unit_on(end: dt.date) -> QuerySet[PartyRole]:
    """`roles_held_in_unit` on the day `end` (the last day of the period)."""
    return PartyRole.objects.filter(
        _held_on(end), member=OuterRef("member_id"), organization=OuterRef("unit_id")
    )


def roles_held_in_or_above(cycle: Cycle, organization: Organization) -> QuerySet[PartyRole]:
    """The Party roles an evaluation's member (`member_id`) holds, on the last day of the
    period, in `organization` or in a committee above it, for `Exists`: a member of one of
    these leadership collectives is rated with it, after it (Điều 12), so not as an ordinary
    member before `organization` (a grassroots Bí thư who belongs to one of its cells)."""
    above = [int(part) for part in organization.path.split("/") if part]
    return PartyRole.objects.filter(
        _held_on(period_end(cycle)), member=OuterRef("member_id"), organization_id__in=above
    )


def on_committee(cycle: Cycle) -> Exists:
    """Annotation of an evaluation whose member sits on the committee of the organization where
    they are evaluated (`roles_held_in_unit`), whom Điều 12 rates after that collective."""
    return Exists(roles_held_in_unit(cycle))


def on_committee_on(end: dt.date) -> Exists:
    """`on_committee` on the day `end` (the last day of the period)."""
    return Exists(roles_held_in_unit_on(end))


def on_committee_among(evaluation_ids: Iterable[int]) -> set[int]:
    """Which of these member evaluations are of members sitting on the committee of the unit
    where they are evaluated (`on_committee`), each at its own period's end: one query per
    cycle concerned (a workbook's rows, to put them after their unit, Điều 12)."""
    ids = list(evaluation_ids)
    found: set[int] = set()
    cycle_ids = set(Evaluation.objects.filter(pk__in=ids).values_list("cycle_id", flat=True))
    for cycle in Cycle.objects.filter(pk__in=cycle_ids):
        found |= set(
            Evaluation.objects.filter(pk__in=ids, cycle=cycle)
            .filter(on_committee(cycle))
            .values_list("pk", flat=True)
        )
    return found


def sits_on_committee(ev: Evaluation) -> bool:
    """`on_committee` for one evaluation (when it was not read with the annotation)."""
    found: bool | None = getattr(ev, "on_committee", None)
    if found is not None:
        return found
    member_id = ev.member_id
    if member_id is None:
        return False
    return PartyRole.objects.filter(
        _held_on(period_end(ev.cycle)), member_id=member_id, organization_id=ev.unit_id
    ).exists()


def led_units(member: Member, cycle: Cycle) -> tuple[LedUnit, ...]:
    """Every unit `member` leads on the last day of `cycle`'s period, with its result there."""
    end = period_end(cycle)
    roles = list(
        PartyRole.objects.filter(_held_on(end), member=member, role__in=LEADING_ROLES)
        .select_related("organization")
        .order_by("organization__path", "role")
    )
    posts = list(
        Post.objects.filter(_held_on(end), member=member, title__in=LEADING_POSTS)
        .select_related("agency")
        .order_by("agency__path", "title")
    )
    if not roles and not posts:
        return ()
    out: list[LedUnit] = []
    seen: set[int] = set()
    evaluations = _organization_evaluations(cycle, (role.organization for role in roles))
    for role in roles:
        org = role.organization
        if org.pk in seen:
            continue
        seen.add(org.pk)
        ev = evaluations.get(org.pk)
        out.append(
            LedUnit(
                code=org.code,
                role=f"{role.get_role_display()} {org.name}",
                level=_current_level(ev),
                tasks=task_tally(ev) if ev is not None else None,
            )
        )
    for post in posts:
        agency = post.agency
        if agency.pk in seen:
            continue
        seen.add(agency.pk)
        out.append(
            LedUnit(
                code=agency.code,
                role=f"{post.get_title_display()} {agency.name}",
                level=agency_level(agency, cycle),
            )
        )
    return tuple(out)


def _organization_evaluations(
    cycle: Cycle, organizations: Iterable[Organization]
) -> dict[int, Evaluation]:
    ids = [org.pk for org in organizations]
    if not ids:
        return {}
    rows = (
        Evaluation.objects.filter(_period_evaluations(cycle), organization_id__in=ids)
        .prefetch_related("decisions")
        .order_by("id")
    )
    out: dict[int, Evaluation] = {}
    for ev in rows:
        assert ev.organization_id is not None
        out.setdefault(ev.organization_id, ev)
    return out


def agency_level(agency: Organization, cycle: Cycle) -> Level | None:
    """The agency's result in the period, as recorded on its Party organizations' evaluations
    (the lowest when several record one); None when none is recorded yet."""
    values = Evaluation.objects.filter(
        _period_evaluations(cycle), organization__agency=agency
    ).exclude(same_level_bodies_level="")
    levels = [Level(value) for value in values.values_list("same_level_bodies_level", flat=True)]
    if not levels:
        return None
    return min(levels, key=lambda level: level.rank)


def undecided_led_units(member: Member, cycle: Cycle) -> tuple[str, ...]:
    """The units the member leads whose result is not there yet (Điều 12: the collective before
    its head), named for the refusal."""
    return tuple(
        f"{unit.role} ({unit.code})" for unit in led_units(member, cycle) if unit.level is None
    )


def undecided_agency(org: Organization, ev: Evaluation) -> tuple[str, ...]:
    """The agency a Party organization sits in, when its result is not recorded yet (Điều 12:
    the agency before its Party organization). Only the agency's own Party organization (the
    topmost one placed in it) waits; its cells do not."""
    if org.agency_id is None or ev.same_level_bodies_level:
        return ()
    parent = org.parent
    if parent is not None and parent.agency_id == org.agency_id:
        return ()  # a cell inside the agency: its Party organization is the parent
    agency = Organization.objects.filter(pk=org.agency_id).only("code", "name").first()
    if agency is None:
        return ()
    return (f"{agency.name} ({agency.code})",)


def managers(member_ids: Iterable[int], day: dt.date) -> set[int]:
    """Which of these members hold a leading Party role or a management post on `day` (the
    "by post" quota grouping: leaders and managers apart from members without a post)."""
    ids = list(member_ids)
    roles = PartyRole.objects.filter(
        _held_on(day), member_id__in=ids, role__in=LEADING_ROLES
    ).values_list("member_id", flat=True)
    posts = Post.objects.filter(
        _held_on(day), member_id__in=ids, title__in=LEADERSHIP_TITLES
    ).values_list("member_id", flat=True)
    return set(roles) | set(posts)
