"""Reads of criteria sets: what a user may see, the set in force for an organization (its own
published set, else the nearest superior's), the appendix of a member, the frame an evaluation
is scored on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from tongket.accounts.scope import scope_for
from tongket.core.lookups import one_or_not_found
from tongket.criteria import domain
from tongket.criteria.domain import Appendix, Node
from tongket.criteria.models import (
    AppendixOverride,
    CriteriaSet,
    CriterionNode,
    EvaluationSet,
    SetStatus,
)
from tongket.evaluation.domain import PointFrame, PointGroup
from tongket.evaluation.models import Evaluation
from tongket.people.models import Member, Organization, PartyRole, Post, ancestor_paths
from tongket.people.selectors import LEADERSHIP_TITLES

User = Any


def visible_sets(user: User | None) -> QuerySet[CriteriaSet]:
    """Sets of organizations the user reads, and the published sets above the user's own cell."""
    scope = scope_for(user)
    rows = CriteriaSet.objects.select_related("organization")
    if scope.is_superuser:
        return rows
    query = scope.path_q("organization__path")
    if scope.own_org_path:
        query |= Q(
            status=SetStatus.PUBLISHED, organization__path__in=ancestor_paths(scope.own_org_path)
        )
    return rows.filter(query)


def get_set(user: User | None, set_id: int) -> CriteriaSet:
    return one_or_not_found(visible_sets(user), set_id, "Không tìm thấy bộ tiêu chí.")


def nodes_of(criteria_set: CriteriaSet) -> list[Node]:
    return [
        Node(
            code=n.code,
            title=n.title,
            points=n.points,
            section=PointGroup(n.section),
            parent=n.parent_code,
            guidance=n.guidance,
            evidence=n.evidence,
        )
        for n in CriterionNode.objects.filter(criteria_set=criteria_set).order_by("position")
    ]


def find_set(org: Organization, year: int, appendix: Appendix) -> CriteriaSet | None:
    """The set of exactly this organization: the draft if any, else the newest version."""
    rows = CriteriaSet.objects.filter(organization=org, year=year, appendix=appendix.value)
    return rows.filter(status=SetStatus.DRAFT).first() or rows.order_by("-version").first()


def set_in_force(org_path: str, year: int, appendix: Appendix) -> CriteriaSet | None:
    """The newest published set of the organization itself, else of the nearest superior that
    published one (a subordinate uses its superior's set unless it concretises its own)."""
    paths = ancestor_paths(org_path)[::-1]  # nearest first
    rows = list(
        CriteriaSet.objects.filter(
            organization__path__in=paths,
            year=year,
            appendix=appendix.value,
            status=SetStatus.PUBLISHED,
        )
        .select_related("organization")
        .order_by("-version")
    )
    for path in paths:
        for row in rows:
            if row.organization.path == path:
                return row
    return None


def posts_appendix(member: Member, on: dt.date) -> Appendix:
    """The appendix the member's posts and Party roles give on a date (HD 43 PL3/PL4)."""
    active = Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))
    leads = (
        Post.objects.filter(active, member=member, title__in=LEADERSHIP_TITLES).exists()
        or PartyRole.objects.filter(active, member=member).exists()
    )
    return domain.appendix_for_member(leads=leads, outside_political_system=False)


def appendix_of(member: Member, year: int) -> tuple[Appendix, str]:
    """The member's appendix for a year, and the override's reason ("" when the posts decide)."""
    override = AppendixOverride.objects.filter(member=member, year=year).first()
    if override is not None:
        return Appendix(override.appendix), override.reason
    return posts_appendix(member, dt.date(year, 12, 31)), ""


def appendix_for_evaluation(ev: Evaluation) -> Appendix:
    if ev.member is None:
        return Appendix.PL1
    return appendix_of(ev.member, ev.cycle.year)[0]


def frame_of(criteria_set: CriteriaSet) -> PointFrame:
    return domain.to_frame(
        f"{criteria_set.organization.code}/{criteria_set.year}/{criteria_set.appendix}/"
        f"v{criteria_set.version}",
        criteria_set.title,
        nodes_of(criteria_set),
    )


def bound_to_a_set() -> Exists:
    """Whether the evaluation of the outer query is bound to a set version: annotated as
    `bound_to_a_set` on an evaluation read with what the checks read, it spares `bound_frame`
    its query when there is none (issue 22)."""
    return Exists(EvaluationSet.objects.filter(evaluation_id=OuterRef("pk")))


def bound_frame(ev: Evaluation) -> PointFrame | None:
    """The frame of the set version this evaluation is bound to; None when it is bound to none
    (evaluations scored before any set was published keep the profile's sample frame)."""
    if not getattr(ev, "bound_to_a_set", True):  # read with the evaluation: none bound
        return None
    bound = (
        EvaluationSet.objects.filter(evaluation_id=ev.pk)
        .select_related("criteria_set__organization")
        .first()
    )
    return frame_of(bound.criteria_set) if bound is not None else None
