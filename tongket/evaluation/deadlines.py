"""Reads of the cycles' calendars for the home pages: the overdue steps an office or a cell sees,
counted in a fixed number of queries whatever the data's size (the deadlines come from
`selectors.calendar_of`, the one source; the rules from regulations/calendar.py).

The counts are bounded: they cover the latest `OVERDUE_CYCLES` open cycles with a step past
its deadline that the user sees (by year, then organization), found first from the cycles
alone, so a home page reads those cycles' evaluations and not every open cycle's of its
subtree (a whole country's during the season). The list of cycles shows the others."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from tongket.accounts.scope import User, scope_for
from tongket.evaluation import permissions, selectors
from tongket.evaluation.models import (
    Assessment,
    Cycle,
    CycleStatus,
    Decision,
    DecisionStatus,
    Evaluation,
    SubjectKind,
    Tier,
)
from tongket.evaluation.regulations.calendar import STEPS, Step
from tongket.people.models import Organization, OrganizationKind

# At most this many cycles are counted on a home page (the latest; see the module's docstring).
OVERDUE_CYCLES = 20

# What is still missing when a step is overdue, said after the count.
MISSING_TEXT = {
    Step.SELF_ASSESSMENT: "đối tượng chưa tự kiểm điểm, tự đánh giá",
    Step.CELL_PROPOSAL: "đảng viên chưa có nhận xét, đề xuất của chi bộ",
    Step.GRASSROOTS_DECISION: "đối tượng chưa có quyết định xếp loại của cấp ủy cơ sở",
    Step.SUPERIOR_DECISION: "tổ chức cơ sở chưa có quyết định xếp loại của cấp trên",
}


@dataclass(frozen=True)
class OverdueStep:
    """One step past its deadline in one cycle (or one cell of it), and how many wait on it."""

    cycle_id: int
    place: str  # the cycle's organization, or the cell
    period: str
    step: Step
    due: dt.date
    count: int
    url: str

    @property
    def missing(self) -> str:
        return MISSING_TEXT[self.step]


def overdue_steps(user: User | None, today: dt.date) -> list[OverdueStep]:
    """The steps past their deadline in the open cycles the user works in, with the number of
    subjects still waiting on each: one line per cycle for whoever sees the whole cycle (the
    office, linked to the cycle's page), one per cell for a cell's secretary (linked to the
    cell's page). Three queries: the counts (of the latest `OVERDUE_CYCLES` cycles with a step
    overdue), the cycles, the cells."""
    scope = scope_for(user)
    if not scope.is_superuser and not scope.read_paths:
        return []
    past = Q()
    for step in STEPS:
        past |= Q(**{f"{step.field}__lt": today})
    # A subquery of the counts' query (no query of its own): the latest cycles.
    latest = (
        selectors.visible_cycles(user)
        .filter(past, status=CycleStatus.OPEN)
        .order_by("-year", "org_path", "pk")
        .values("pk")[:OVERDUE_CYCLES]
    )
    decided = Exists(
        Decision.objects.filter(evaluation=OuterRef("pk"), status=DecisionStatus.CURRENT)
    )
    assessed = {
        tier: Exists(
            Assessment.objects.filter(evaluation=OuterRef("pk"), tier=tier, is_current=True)
        )
        for tier in (Tier.SELF, Tier.CELL)
    }
    superior = Q(subject_kind=SubjectKind.ORGANIZATION, org_kind=OrganizationKind.GRASSROOTS)
    waiting = {
        Step.SELF_ASSESSMENT: Q(has_self=False),
        Step.CELL_PROPOSAL: Q(subject_kind=SubjectKind.MEMBER, has_cell=False),
        Step.GRASSROOTS_DECISION: ~superior,
        Step.SUPERIOR_DECISION: superior,
    }
    counts = (
        Evaluation.objects.filter(scope.path_q("subject_path"), cycle_id__in=latest)
        .annotate(has_self=assessed[Tier.SELF], has_cell=assessed[Tier.CELL], decided=decided)
        .filter(decided=False)
        .values("cycle_id", "unit_id", "organization_id")
        .annotate(
            **{
                step.value: Count(
                    "pk", filter=waiting[step] & Q(**{f"cycle__{step.field}__lt": today})
                )
                for step in STEPS
            }
        )
        .order_by()
    )
    by_cycle: dict[int, dict[int, dict[Step, int]]] = defaultdict(dict)
    for row in counts:
        found = {step: row[step.value] for step in STEPS if row[step.value]}
        if found:  # a cell's own evaluation is counted with its members, on the cell's page
            place = row["organization_id"] or row["unit_id"]
            mine = by_cycle[row["cycle_id"]].setdefault(place, {})
            for step, n in found.items():
                mine[step] = mine.get(step, 0) + n
    if not by_cycle:
        return []
    cycles = {
        c.pk: c for c in Cycle.objects.filter(pk__in=list(by_cycle)).select_related("organization")
    }
    partial = [pk for pk, c in cycles.items() if not permissions.can_view_cycle(scope, c)]
    units = {
        o.pk: o
        for o in Organization.objects.filter(
            pk__in={unit for pk in partial for unit in by_cycle[pk]}
        ).only("code", "name")
    }
    out: list[OverdueStep] = []
    for pk, cycle in sorted(cycles.items(), key=lambda item: (-item[1].year, item[1].org_path)):
        calendar = selectors.calendar_of(cycle)
        period = selectors.period_label(cycle)
        if pk not in partial:
            totals: dict[Step, int] = defaultdict(int)
            for found in by_cycle[pk].values():
                for step, n in found.items():
                    totals[step] += n
            url = reverse("evaluation:cycle", args=[pk])
            out += [
                OverdueStep(pk, cycle.organization.name, period, s, calendar.due(s), totals[s], url)
                for s in STEPS
                if totals.get(s)
            ]
            continue
        for unit_id, found in sorted(by_cycle[pk].items()):
            unit = units.get(unit_id)
            if unit is None:
                continue
            url = reverse("evaluation:unit", args=[pk, unit.code])
            out += [
                OverdueStep(pk, unit.name, period, s, calendar.due(s), found[s], url)
                for s in STEPS
                if found.get(s)
            ]
    return out
