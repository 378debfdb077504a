"""Reads of self-assessments, from the evaluations the user may see; the form's running total
and the level its points give, on the criteria set it is bound to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from tongket.accounts.scope import scope_for
from tongket.core.errors import NotFound
from tongket.core.formatting import date_short
from tongket.core.lookups import one_or_not_found
from tongket.criteria import selectors as criteria_selectors
from tongket.criteria.domain import Node, leaves
from tongket.evaluation import checks
from tongket.evaluation import selectors as evaluation_selectors
from tongket.evaluation.checks import parse_points
from tongket.evaluation.domain import Level, PointGroup
from tongket.evaluation.models import (
    Assessment,
    CycleStatus,
    Decision,
    DecisionStatus,
    Evaluation,
    Tier,
)
from tongket.evaluation.regulations import qd366
from tongket.evaluation.regulations.calendar import Step
from tongket.evaluation.regulations.qd366 import Qd366Profile
from tongket.people.models import Organization
from tongket.selfassessment import domain
from tongket.selfassessment.domain import TaskLine
from tongket.selfassessment.models import AnnexTask, SelfAssessment

User = Any
ZERO = Decimal(0)


def get_evaluation(user: User | None, evaluation_id: int) -> Evaluation:
    return evaluation_selectors.get_evaluation(user, evaluation_id)


def form_of(ev: Evaluation) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(evaluation=ev).select_related("criteria_set").first()


FORM_NOT_FOUND = "Không tìm thấy bản tự kiểm điểm."


def get_form(user: User | None, form_id: int) -> SelfAssessment:
    """The form, if the user sees its evaluation; else NotFound with the same message as for a
    form that does not exist (a form elsewhere is not told from a missing one)."""
    row = one_or_not_found(SelfAssessment.objects.all(), form_id, FORM_NOT_FOUND)
    try:
        get_evaluation(user, row.evaluation_id)
    except NotFound:
        raise NotFound(FORM_NOT_FOUND) from None
    return row


def visible_forms(user: User | None) -> QuerySet[SelfAssessment]:
    """The forms of the evaluations the user sees: their own, and those of the subtrees they
    read (a cell's secretary: the cell's members' forms)."""
    return SelfAssessment.objects.filter(
        evaluation__in=evaluation_selectors.visible_evaluations(user)
    ).select_related(
        "evaluation__cycle", "evaluation__member", "evaluation__unit",
        "evaluation__organization", "criteria_set",
    )  # fmt: skip


def own_evaluations(user: User | None) -> list[Evaluation]:
    """The user's own evaluations in open cycles, newest first (the member's home of forms)."""
    member_id = scope_for(user).own_member_id
    if member_id is None:
        return []
    return list(
        Evaluation.objects.filter(member_id=member_id, cycle__status=CycleStatus.OPEN)
        .select_related("cycle__organization", "member", "unit")
        .order_by("-cycle__year", "cycle__quarter")
    )


def annual_evaluation(
    user: User | None, org_code: str, year: int, card: str | None, *, quarter: int | None = None
) -> Evaluation:
    """The year's (or, with `quarter`, that quarter's) evaluation of a member (by card) within
    the organization, or of the organization itself, among what the user may see."""
    rows = evaluation_selectors.visible_evaluations(user).filter(
        evaluation_selectors.period_q("cycle__", year, quarter)
    )
    if card:
        org = Organization.objects.filter(code=org_code.strip()).first()
        rows = rows.filter(
            member__card_number=card.strip(), subject_path__startswith=org.path if org else "-"
        )
    else:
        rows = rows.filter(organization__code=org_code.strip())
    found = (
        rows.select_related("cycle__organization", "member", "organization", "unit")
        .order_by("-cycle__organization__depth")
        .first()
    )
    if found is None:
        who = f"đảng viên {card}" if card else f"tổ chức {org_code}"
        period = f"quý {quarter} năm {year}" if quarter else f"năm {year}"
        raise NotFound(f"Không tìm thấy bản đánh giá {period} của {who}.")
    return found


def tasks_of(form: SelfAssessment) -> list[TaskLine]:
    return [
        TaskLine(
            title=t.title,
            due_on=t.due_on,
            done_on=t.done_on,
            quality_ok=t.quality_ok,
            exceeded=t.exceeded,
        )
        for t in AnnexTask.objects.filter(self_assessment=form).order_by("position")
    ]


@dataclass(frozen=True)
class Score:
    general: Decimal
    tasks: Decimal
    total: Decimal
    level: Level
    complete: bool  # every scored criterion has points


def level_for(total: Decimal, ev: Evaluation) -> Level:
    """The level the points give under the cycle's qd366 parameters (90 / 70 / 50)."""
    profile = evaluation_selectors.profile_of(ev.cycle)
    if isinstance(profile, Qd366Profile):
        return profile.level_by_score(total)
    return qd366.level_by_score(total)


def thresholds(ev: Evaluation) -> tuple[Decimal, Decimal, Decimal]:
    """The bottoms of excellent, good, completed (for the form's running total)."""
    profile = evaluation_selectors.profile_of(ev.cycle)
    params = profile.params if isinstance(profile, Qd366Profile) else qd366.DEFAULTS
    return params.excellent_min_score, params.good_min_score, params.completed_min_score


def score_of(form: SelfAssessment, nodes: list[Node]) -> Score:
    """Running totals of part B over the set's scored criteria (bad numbers count as 0)."""
    try:
        points = parse_points(form.points)
    except ValueError:
        points = {}
    general = tasks = ZERO
    scored = leaves(nodes)
    for node in scored:
        value = points.get(node.code)
        if value is None or node.points is None or not ZERO <= value <= node.points:
            continue
        if node.section is PointGroup.GENERAL:
            general += value
        else:
            tasks += value
    total = general + tasks
    return Score(
        general=general,
        tasks=tasks,
        total=total,
        level=level_for(total, form.evaluation),
        complete=all(n.code in points for n in scored),
    )


def remedy_rows(form: SelfAssessment) -> list[tuple[str, domain.RemedyState]]:
    out = []
    for item in form.remedies or []:
        try:
            state = domain.RemedyState(item.get("state", "not_fixed"))
        except ValueError:
            state = domain.RemedyState.NOT_FIXED
        out.append((str(item.get("text", "")), state))
    return out


def earlier_shortcomings(ev: Evaluation) -> list[str]:
    """Shortcomings written in the subject's form of the year before (carried into part A III)."""
    if ev.member_id is None:
        return []
    previous = (
        SelfAssessment.objects.filter(
            evaluation__member_id=ev.member_id,
            evaluation__cycle__year=ev.cycle.year - 1,
            evaluation__cycle__quarter__isnull=True,
        )
        .only("shortcomings")
        .first()
    )
    if previous is None:
        return []
    return [line.strip(" -•\t") for line in previous.shortcomings.splitlines() if line.strip()]


def self_assessment_due(ev: Evaluation, form: SelfAssessment | None = None) -> dt.date:
    """The last day of the self-assessment step in the cycle's calendar; for a form the cell
    returned for correction, the cell's own deadline (`returned_self_assessment_due`)."""
    calendar = evaluation_selectors.calendar_of(ev.cycle)
    if form is not None and form.status == domain.Status.RETURNED.value:
        return calendar.returned_self_assessment_due
    return calendar.due(Step.SELF_ASSESSMENT)


def period_end(ev: Evaluation) -> dt.date:
    return evaluation_selectors.period_of(ev.cycle).end


def nodes_for(form: SelfAssessment) -> list[Node]:
    return criteria_selectors.nodes_of(form.criteria_set)


# --- the member's home: what they must do and by when ----------------------------------------


@dataclass(frozen=True)
class MyStep:
    """What the member must do in one open cycle, by the deadline of the cycle's calendar."""

    text: str  # «Nộp bản tự kiểm điểm (Mẫu 2B) trước 14/12/2026»
    place: str  # the cycle's organization and period
    due: dt.date
    overdue: bool
    url: str


def my_steps(user: User | None, today: dt.date) -> list[MyStep]:
    """The member's own undecided evaluations in open cycles, each with the step that waits on
    them (the self-assessment, or its correction when the cell returned it) or, once submitted,
    the cell's step they wait for. Two queries, and the appendix of an evaluation without a form
    yet (which form to fill)."""
    member_id = scope_for(user).own_member_id
    if member_id is None:
        return []
    rows = list(
        Evaluation.objects.filter(member_id=member_id, cycle__status=CycleStatus.OPEN)
        .annotate(
            self_done=Exists(
                Assessment.objects.filter(
                    evaluation=OuterRef("pk"), tier=Tier.SELF, is_current=True
                )
            ),
            decided=Exists(
                Decision.objects.filter(evaluation=OuterRef("pk"), status=DecisionStatus.CURRENT)
            ),
        )
        .filter(decided=False)
        .select_related("cycle__organization", "member", "unit")
        .order_by("-cycle__year", "cycle__quarter")
    )
    forms = {f.evaluation_id: f for f in SelfAssessment.objects.filter(evaluation__in=rows)}
    out: list[MyStep] = []
    for ev in rows:
        calendar = evaluation_selectors.calendar_of(ev.cycle)
        form = forms.get(ev.pk)
        kind = form.form if form else _form_kind(ev)
        place = f"{ev.cycle.organization.name} · {evaluation_selectors.period_label(ev.cycle)}"
        url = reverse("selfassessment:form", args=[ev.pk])
        not_reviewed = checks.review_findings(ev)
        if not_reviewed:  # Điều 5: nothing to write; the member is told why
            end = evaluation_selectors.period_of(ev.cycle).end
            out.append(MyStep(not_reviewed[0].message, place, end, False, url))
            continue
        if form is not None and form.status == domain.Status.RETURNED.value:
            due = calendar.returned_self_assessment_due
            text = f"Sửa và nộp lại bản tự kiểm điểm (Mẫu {kind}) trước {date_short(due)}"
        elif (form is not None and form.status == domain.Status.SUBMITTED.value) or (
            form is None and getattr(ev, "self_done", False)
        ):
            due = calendar.due(Step.CELL_PROPOSAL)
            text = (
                f"Đã nộp bản tự kiểm điểm (Mẫu {kind}); chi bộ nhận xét, đề xuất "
                f"trước {date_short(due)}"
            )
            out.append(MyStep(text, place, due, False, url))
            continue
        else:
            due = calendar.due(Step.SELF_ASSESSMENT)
            text = f"Nộp bản tự kiểm điểm (Mẫu {kind}) trước {date_short(due)}"
        out.append(MyStep(text, place, due, due < today, url))
    return out


def _form_kind(ev: Evaluation) -> str:
    """The form the evaluation's appendix asks for (Mẫu 01 for a collective)."""
    appendix = criteria_selectors.appendix_for_evaluation(ev)
    return domain.form_for_appendix(appendix.value).value
