"""Reads of evaluation: visible cycles and evaluations, their tiers and decisions, the rows of the
pages, and the decided results other apps read.

The facts the rules read and the findings they give are in `checks.py` (read-only too); the
counts and the cycle's dashboard in `stats.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, TypeGuard, cast

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from tongket.accounts.scope import Scope, User, scope_for
from tongket.core.errors import NotFound
from tongket.core.lookups import first_or_not_found, one_or_not_found
from tongket.core.rules import Finding
from tongket.core.statements import Statement, slot
from tongket.evaluation.domain import (
    Level,
    MemberFacts,
    NotClassifiedReason,
    Period,
    PointFrame,
    add_months,
)
from tongket.evaluation.models import (
    UNGROUPED,
    Assessment,
    Cycle,
    CycleStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    Evaluation,
    SubjectKind,
    Tier,
)
from tongket.evaluation.models import QuotaException as QuotaExceptionRow
from tongket.evaluation.regulations import all_profiles, get_profile, qd366
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.calendar import STEPS, Calendar, Step, default_calendar
from tongket.evaluation.regulations.qd366 import Qd366Profile, QuotaException
from tongket.people.models import Member, Organization, OrganizationKind, ancestor_paths

Outcome = Level | NotClassifiedReason
"""What a tier proposes or a decision states: a level, or not classified with its reason."""


class DecisionTerms(TypedDict):
    """A decision's own terms as the services take them (deciding, correcting, reclassifying):
    the web forms and the workbook's rows give them."""

    outcome: Outcome
    number: str
    date: dt.date
    justification: str


def parse_outcome(value: str) -> Outcome:
    """`excellent` … `not_completed`, or a NotClassifiedReason value; ValueError otherwise."""
    try:
        return Level(value)
    except ValueError:
        return NotClassifiedReason(value)


def outcome_label(outcome: Outcome) -> str:
    if isinstance(outcome, Level):
        return outcome.label
    return f"Không xếp loại ({outcome.label.lower()})"


# --- grading criteria (qd132 / qd124; local data, the forms of HD 16 and HD 25) ------------------


@dataclass(frozen=True)
class GradeCriterion:
    code: str
    title: str
    is_task: bool  # a criterion on task results (the "xuất sắc" condition reads these)


MEMBER_GRADE_CRITERIA: tuple[GradeCriterion, ...] = (
    GradeCriterion("1", "Tư tưởng chính trị", False),
    GradeCriterion("2", "Phẩm chất đạo đức, lối sống", False),
    GradeCriterion("3", "Tác phong, lề lối làm việc", False),
    GradeCriterion("4", "Ý thức tổ chức kỷ luật", False),
    GradeCriterion("5", "Kết quả thực hiện chức trách, nhiệm vụ được giao", True),
    GradeCriterion("6", "Thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm", False),
)
ORGANIZATION_GRADE_CRITERIA: tuple[GradeCriterion, ...] = (
    GradeCriterion("1", "Công tác chính trị, tư tưởng", False),
    GradeCriterion("2", "Công tác tổ chức, cán bộ, xây dựng tổ chức đảng và đảng viên", False),
    GradeCriterion("3", "Lãnh đạo thực hiện nhiệm vụ chính trị", True),
    GradeCriterion("4", "Công tác kiểm tra, giám sát và thi hành kỷ luật đảng", False),
    GradeCriterion("5", "Lãnh đạo chính quyền, đoàn thể chính trị - xã hội", False),
)


def grade_criteria(ev: Evaluation) -> tuple[GradeCriterion, ...]:
    if ev.subject_kind == SubjectKind.MEMBER:
        return MEMBER_GRADE_CRITERIA
    return ORGANIZATION_GRADE_CRITERIA


def uses_points(profile: Profile) -> TypeGuard[Qd366Profile]:
    """qd366 scores on the 100-point frame; qd132 and qd124 grade each criterion."""
    return isinstance(profile, Qd366Profile)


def point_frame(ev: Evaluation | None = None) -> PointFrame:
    """The 100-point criteria tree `ev` is scored on: the version of its committee's criteria
    set it was bound to when its self-assessment started (local data, CV 10072-CV/BTCTW; the
    criteria app), else the qd366 sample frame (evaluations scored before any set keep it)."""
    from tongket.evaluation.regulations import qd366

    if ev is not None and ev.pk is not None:
        from tongket.criteria.selectors import bound_frame

        frame = bound_frame(ev)
        if frame is not None:
            return frame
    return qd366.SAMPLE_FRAME


# --- cycles and profiles -------------------------------------------------------------------------


def profile_of(cycle: Cycle) -> Profile:
    """The profile the cycle was opened under, with its stored parameter overrides."""
    return get_profile(cycle.profile_id).with_params(**cycle.params)


def regulations() -> list[Profile]:
    """Every regulation the evaluation follows, the oldest first (public texts: anyone signed in
    may read them)."""
    return sorted(all_profiles(), key=lambda profile: profile.first_year)


def regulation_title(cycle: Cycle) -> str:
    """The regulation a cycle follows as users name it («Quy định 366-QĐ/TW»), not its code."""
    return get_profile(cycle.profile_id).short_title


def period_of(cycle: Cycle) -> Period:
    return Period(cycle.year, cycle.quarter)


def period_label(cycle: Cycle) -> str:
    return period_of(cycle).label


def period_q(prefix: str, year: int, quarter: int | None) -> Q:
    if quarter is None:
        return Q(**{f"{prefix}year": year, f"{prefix}quarter__isnull": True})
    return Q(**{f"{prefix}year": year, f"{prefix}quarter": quarter})


def visible_evaluations(user: User | None) -> QuerySet[Evaluation]:
    """Evaluations of subjects inside the user's subtrees, and the user's own."""
    return evaluations_seen_in(scope_for(user))


def evaluations_seen_in(scope: Scope) -> QuerySet[Evaluation]:
    """`visible_evaluations` of a user with this scope."""
    query = scope.path_q("subject_path")
    if scope.own_member_id is not None:
        query |= Q(member_id=scope.own_member_id)
    return Evaluation.objects.filter(query)


def visible_cycles(user: User | None) -> QuerySet[Cycle]:
    """Cycles of organizations the user reads, and cycles holding an evaluation they may see."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Cycle.objects.select_related("organization")
    # A cycle evaluates its own organization's subtree: outside the user's subtrees, only the
    # cycles of their ancestors can hold one of its evaluations, so only those are probed (a
    # probe of every cycle of the country read 17 million evaluations: 2.6 s for a province).
    above = {path for read in scope.read_paths for path in ancestor_paths(read)}
    inside = scope.path_q("subject_path")
    holding = Exists(Evaluation.objects.filter(inside, cycle=OuterRef("pk")))
    query = scope.path_q("org_path") | (Q(org_path__in=above) & Q(holding))
    if scope.own_member_id is not None:
        own = Evaluation.objects.filter(member_id=scope.own_member_id).values("cycle_id")
        query |= Q(pk__in=own)
    return Cycle.objects.filter(query).select_related("organization")


def get_cycle(user: User | None, cycle_id: int) -> Cycle:
    return one_or_not_found(visible_cycles(user), cycle_id, "Không tìm thấy kỳ đánh giá.")


# The shape of a scope's filter (`Scope.path_q`, the own member record): what changes the SQL.
ScopeShape = tuple[bool, int, bool]


def scope_shape(scope: Scope) -> ScopeShape:
    return (scope.is_superuser, len(scope.read_paths), scope.own_member_id is not None)


def scope_slots(shape: ScopeShape) -> Scope:
    """A scope of this shape whose paths and member record are slots (`core.statements`),
    bound from `scope_values` when the statement runs."""
    superuser, paths, own = shape
    return Scope(
        is_superuser=superuser,
        read_paths=tuple(slot(f"path{i}", CharField()) for i in range(paths)),
        write_paths=(),
        admin_paths=(),
        own_member_id=slot("own_member", IntegerField()) if own else None,
        own_org_path=None,
    )


def scope_values(scope: Scope) -> dict[str, object]:
    values: dict[str, object] = {f"path{i}": path for i, path in enumerate(scope.read_paths)}
    if scope.own_member_id is not None:
        values["own_member"] = scope.own_member_id
    return values


def seen_evaluation(shape: ScopeShape) -> QuerySet[Evaluation]:
    """The evaluation (slot `evaluation`) if a user of this scope shape sees it."""
    return evaluations_seen_in(scope_slots(shape)).filter(pk=slot("evaluation", IntegerField()))


_EVALUATION: Statement[Evaluation] = Statement(
    lambda shape: (
        seen_evaluation(cast(ScopeShape, shape))
        .select_related("cycle__organization", "member", "organization", "unit")
        .order_by("pk")[:1]
    )
)


def get_evaluation(user: User | None, evaluation_id: int) -> Evaluation:
    scope = scope_for(user)
    found = _EVALUATION.rows(
        scope_shape(scope), {**scope_values(scope), "evaluation": int(evaluation_id)}
    )
    if not found:
        raise NotFound("Không tìm thấy bản đánh giá.")
    return found[0]


def find_cycle(org: Organization, year: int, quarter: int | None = None) -> Cycle | None:
    return Cycle.objects.filter(period_q("", year, quarter), organization=org).first()


# --- tiers ---------------------------------------------------------------------------------------


def current_assessments(ev: Evaluation) -> dict[str, Assessment]:
    found: list[Assessment] | None = getattr(ev, "current_assessments", None)  # prefetched
    rows = ev.assessments.filter(is_current=True) if found is None else found
    return {a.tier: a for a in rows}


def current_decision(ev: Evaluation) -> Decision | None:
    return ev.decisions.filter(status=DecisionStatus.CURRENT).first()


def decision_history(ev: Evaluation) -> list[Decision]:
    return list(
        ev.decisions.select_related("deciding_body", "supersedes").order_by("created_at", "id")
    )


# --- subjects ------------------------------------------------------------------------------------


def subject_code(ev: Evaluation) -> str:
    if ev.subject_kind == SubjectKind.MEMBER:
        assert ev.member is not None
        return ev.member.card_number
    assert ev.organization is not None
    return ev.organization.code


def subject_name(ev: Evaluation) -> str:
    if ev.subject_kind == SubjectKind.MEMBER:
        assert ev.member is not None
        return ev.member.full_name
    assert ev.organization is not None
    return ev.organization.name


def current_levels(query: Q) -> list[Level]:
    """The levels of the current decisions matching `query` (not-classified ones left out)."""
    rows = Decision.objects.filter(query, status=DecisionStatus.CURRENT).exclude(level="")
    return [Level(level) for level in rows.values_list("level", flat=True)]


# --- results for other apps ----------------------------------------------------------------------


@dataclass(frozen=True)
class DecidedResult:
    """One current decision, as the awards engine reads it."""

    subject_kind: str  # "member" | "organization"
    card_number: str | None
    org_code: str | None
    name: str
    level: Level | None  # None: not classified
    not_classified_reason: NotClassifiedReason | None
    decision_number: str
    decision_date: dt.date
    deciding_body_code: str
    # Where the subject was when evaluated (a member's cell, an organization's own path) and,
    # for an organization, its kind then: what the results tally counts by.
    subject_path: str = ""
    org_kind: str = ""


def decided_results(org: Organization, year: int) -> list[DecidedResult]:
    """The current yearly decisions in the organization's subtree (itself included).

    Plain rows (`values_list`), not model instances: a province decides tens of thousands of
    subjects a year, and building four model objects per decision cost seconds."""
    rows = (
        Decision.objects.filter(
            period_q("evaluation__cycle__", year, None),
            status=DecisionStatus.CURRENT,
            evaluation__subject_path__startswith=org.path,
        )
        .order_by(
            "evaluation__subject_kind", "evaluation__subject_path", "evaluation__member__sort_name"
        )
        .values_list(
            "evaluation__subject_kind",
            "evaluation__member__card_number",
            "evaluation__member__full_name",
            "evaluation__organization__code",
            "evaluation__organization__name",
            "level",
            "not_classified_reason",
            "number",
            "date",
            "deciding_body__code",
            "evaluation__subject_path",
            "evaluation__org_kind",
        )
    )
    out: list[DecidedResult] = []
    for (
        kind,
        card,
        full_name,
        code,
        org_name,
        level,
        reason,
        number,
        date,
        body,
        path,
        org_kind,
    ) in rows:
        is_member = kind == SubjectKind.MEMBER
        out.append(
            DecidedResult(
                subject_kind=kind,
                card_number=card if is_member else None,
                org_code=None if is_member else code,
                name=full_name if is_member else org_name,
                level=Level(level) if level else None,
                not_classified_reason=NotClassifiedReason(reason) if reason else None,
                decision_number=number,
                decision_date=date,
                deciding_body_code=body,
                subject_path=path,
                org_kind=org_kind,
            )
        )
    return out


@dataclass(frozen=True)
class OwnDecision:
    """An organization's own current yearly decision, as the year-end report states it."""

    level: Level | None  # None: not classified
    decision_number: str
    deciding_body_name: str  # the deciding body's short name, else its name
    subject_path: str  # where the organization was when evaluated


def own_yearly_decision(org: Organization, year: int) -> OwnDecision | None:
    """The organization's own current decision of the year (the latest evaluated path's)."""
    found = (
        Decision.objects.filter(
            period_q("evaluation__cycle__", year, None),
            status=DecisionStatus.CURRENT,
            evaluation__subject_kind=SubjectKind.ORGANIZATION,
            evaluation__organization_id=org.pk,
        )
        .select_related("deciding_body", "evaluation")
        .order_by("-evaluation__subject_path", "-pk")
        .first()
    )
    if found is None:
        return None
    body = found.deciding_body
    return OwnDecision(
        level=Level(found.level) if found.level else None,
        decision_number=found.number,
        deciding_body_name=body.short_name or body.name,
        subject_path=found.evaluation.subject_path,
    )


def latest_decision_date(body: Organization, year: int) -> dt.date | None:
    """The date of the latest current decision the organization issued for the year's cycle
    (the date its recognition decision and notice carry when no conference date is given)."""
    return (
        Decision.objects.filter(
            period_q("evaluation__cycle__", year, None),
            status=DecisionStatus.CURRENT,
            deciding_body_id=body.pk,
        )
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


# --- screens -------------------------------------------------------------------------------------


def evaluations_with_tiers(queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Evaluations with their current assessments and current decision prefetched (3 queries)."""
    return queryset.select_related("member", "organization", "unit").prefetch_related(
        Prefetch(
            "assessments",
            queryset=Assessment.objects.filter(is_current=True),
            to_attr="current_tiers",
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.filter(status=DecisionStatus.CURRENT),
            to_attr="current_decisions",
        ),
    )


@dataclass(frozen=True)
class Row:
    """One evaluation on a list screen, with its tiers and current decision."""

    evaluation: Evaluation
    tiers: Mapping[str, Assessment]
    decision: Decision | None

    @property
    def code(self) -> str:
        return subject_code(self.evaluation)

    @property
    def name(self) -> str:
        return subject_name(self.evaluation)

    @property
    def self_assessment(self) -> Assessment | None:
        return self.tiers.get(Tier.SELF)

    @property
    def proposal(self) -> Assessment | None:
        return self.tiers.get(Tier.CELL)

    @property
    def appraisal(self) -> Assessment | None:
        return self.tiers.get(Tier.COMMITTEE)


def rows(queryset: QuerySet[Evaluation]) -> list[Row]:
    out: list[Row] = []
    for ev in evaluations_with_tiers(queryset):
        tiers = {a.tier: a for a in getattr(ev, "current_tiers", [])}
        current = getattr(ev, "current_decisions", [])
        out.append(Row(ev, tiers, current[0] if current else None))
    return out


def unit_rows(user: User | None, cycle: Cycle, unit: Organization) -> list[Row]:
    """A cell's members in the cycle, as far as the user may see them, by name."""
    queryset = visible_evaluations(user).filter(
        cycle=cycle, subject_kind=SubjectKind.MEMBER, unit=unit
    )
    return rows(queryset.order_by("member__sort_name"))


def unit_collective(cycle: Cycle, unit: Organization) -> Row | None:
    found = rows(Evaluation.objects.filter(cycle=cycle, organization=unit))
    return found[0] if found else None


def not_classified_rows(user: User | None, cycle: Cycle) -> list[Row]:
    """Subjects whose current decision is `not classified`, with their reason."""
    queryset = visible_evaluations(user).filter(
        cycle=cycle,
        decisions__status=DecisionStatus.CURRENT,
        decisions__level="",
    )
    return rows(queryset.order_by("subject_kind", "subject_path", "member__sort_name"))


@dataclass(frozen=True)
class NotReviewed:
    """A member who does not review under qd366 (Điều 5), with the rule that says why."""

    row: Row
    finding: Finding


def review_facts(ev: Evaluation, period_end: dt.date) -> MemberFacts:
    """What decides whether a member reviews and is classified at all (admitted, exempted,
    suspended), for a period ending on `period_end`."""
    assert ev.member is not None
    return MemberFacts(
        subject=ev.member.card_number,
        joined_on=ev.member.joined_on,
        period_end=period_end,
        exempted=ev.exempted,
        suspended=ev.suspended,
    )


def not_reviewed_rows(user: User | None, cycle: Cycle) -> list[NotReviewed]:
    """Under qd366, the members admitted under 6 months before the period ends, exempted or
    suspended: they do not review and are not classified, listed apart with their reason whether
    or not the decision is written yet (issue 24). Empty under older profiles."""
    profile = profile_of(cycle)
    if not uses_points(profile):
        return []
    end = period_of(cycle).end
    # A margin of a few days: the pure rule decides the exact boundary (add_months clamps days).
    joined_after = add_months(end, -profile.params.classification_min_months) - dt.timedelta(4)
    queryset = visible_evaluations(user).filter(
        Q(exempted=True) | Q(suspended=True) | Q(member__joined_on__gt=joined_after),
        cycle=cycle,
        subject_kind=SubjectKind.MEMBER,
    )
    out: list[NotReviewed] = []
    for row in rows(queryset.order_by("subject_path", "member__sort_name")):
        found = profile.check_review(review_facts(row.evaluation, end))
        if found:
            out.append(NotReviewed(row, found[0]))
    return out


def cycle_units(user: User | None, cycle: Cycle) -> QuerySet[Organization]:
    """The cells (units) of the cycle's member evaluations that the user may see."""
    unit_ids = visible_evaluations(user).filter(cycle=cycle).values("unit_id")
    return Organization.objects.filter(pk__in=unit_ids).order_by("sort_order", "path")


def cycle_units_of(user: User | None, cycles: Sequence[Cycle]) -> dict[int, list[Organization]]:
    """`cycle_units` for several cycles at once (one query, whatever their number): each
    cycle's id → the cells of its member evaluations the user may see, in `cycle_units` order."""
    if not cycles:
        return {}
    pairs = (
        visible_evaluations(user)
        .filter(cycle__in=[c.pk for c in cycles], unit__isnull=False)
        .values_list("cycle_id", "unit_id")
        .distinct()
    )
    wanted: dict[int, set[int]] = {}
    for cycle_id, unit_id in pairs:
        wanted.setdefault(cycle_id, set()).add(unit_id)
    out: dict[int, list[Organization]] = {}
    ids = set().union(*wanted.values()) if wanted else set()
    for unit in Organization.objects.filter(pk__in=ids).order_by("sort_order", "path"):
        for cycle_id, unit_ids in wanted.items():
            if unit.pk in unit_ids:
                out.setdefault(cycle_id, []).append(unit)
    return out


def own_evaluations(user: User | None) -> list[Row]:
    scope = scope_for(user)
    if scope.own_member_id is None:
        return []
    return rows(
        Evaluation.objects.filter(member_id=scope.own_member_id)
        .select_related("cycle__organization")
        .order_by("-cycle__year", "-cycle__quarter")
    )


def undecided_count(cycle: Cycle) -> int:
    """Subjects of the cycle (members and organizations) with no current decision."""
    return (
        Evaluation.objects.filter(cycle=cycle)
        .exclude(decisions__status=DecisionStatus.CURRENT)
        .count()
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    summary: str
    reason: str


CYCLE_ACTIONS = {
    "evaluation.cycle.open": "Mở kỳ",
    "evaluation.cycle.close": "Đóng kỳ",
    "evaluation.cycle.reopen": "Mở lại kỳ",
}


def cycle_history(cycle: Cycle) -> list[HistoryEntry]:
    """The cycle's opening, closings and reopenings (with their reasons), from the audit log."""
    from tongket.audit.models import AuditEvent

    events = AuditEvent.objects.filter(
        object_type="evaluation.Cycle", object_id=str(cycle.pk), action__in=CYCLE_ACTIONS
    ).order_by("seq")
    return [
        HistoryEntry(
            at=e.at,
            actor=e.actor_label,
            action=CYCLE_ACTIONS[e.action],
            summary=e.summary,
            reason=str((e.after or {}).get("reason", "")) if isinstance(e.after, dict) else "",
        )
        for e in events
    ]


# --- qd366 (issue 24): who is not reviewed, the quota groups and their exception -------------


def quota_exception_for(cycle: Cycle, subject_kind: str, group: str) -> QuotaException | None:
    """The current recorded exception covering this group of the cycle, if any (qd366)."""
    rows = QuotaExceptionRow.objects.filter(
        cycle=cycle, subject_kind=subject_kind, is_current=True
    ).select_related("deciding_body")
    for row in rows:
        if group in row.groups:
            return exception_facts(row)
    return None


def exception_facts(row: QuotaExceptionRow) -> QuotaException:
    return QuotaException(
        percent=row.percent,
        number=row.number,
        date=row.date,
        decided_by=row.deciding_body.name,
        reason=row.reason,
        groups=tuple(row.groups),
    )


@dataclass(frozen=True)
class QuotaGroupRow:
    """One quota group of a qd366 cycle: its subjects, decided levels, cap and exception."""

    subject_kind: str
    name: str  # "" for the subjects not put in a group
    total: int
    good: int
    excellent: int
    cap: int
    percent: Decimal
    exception: QuotaException | None

    @property
    def label(self) -> str:
        return self.name or UNGROUPED

    @property
    def over(self) -> bool:
        return self.excellent > self.cap


def quota_groups(cycle: Cycle) -> list[QuotaGroupRow]:
    """Every quota group of a qd366 cycle with its counts and cap, collectives and individuals
    (366-QĐ/TW, Điều 11, point 1.5); empty for older profiles. A fixed number of queries."""
    profile = profile_of(cycle)
    if not uses_points(profile):
        return []
    current = Q(decisions__status=DecisionStatus.CURRENT)
    counts = (
        Evaluation.objects.filter(cycle=cycle)
        .values("subject_kind", "peer_group")
        .annotate(
            total=Count("id", distinct=True),
            good=Count("id", filter=current & Q(decisions__level=Level.GOOD), distinct=True),
            excellent=Count(
                "id", filter=current & Q(decisions__level=Level.EXCELLENT), distinct=True
            ),
        )
        .order_by("subject_kind", "peer_group")
    )
    exceptions = [
        (row.subject_kind, exception_facts(row))
        for row in QuotaExceptionRow.objects.filter(cycle=cycle, is_current=True)
        .select_related("deciding_body")
        .order_by("-created_at", "-id")
    ]
    out: list[QuotaGroupRow] = []
    for row in counts:
        kind, name = row["subject_kind"], row["peer_group"]
        found = [Level.GOOD] * row["good"] + [Level.EXCELLENT] * row["excellent"]
        exception = next(
            (facts for k, facts in exceptions if k == kind and name in facts.groups), None
        )
        policy = qd366.group_quota_policy(profile.params, exception)
        out.append(
            QuotaGroupRow(
                subject_kind=kind,
                name=name,
                total=row["total"],
                good=row["good"],
                excellent=row["excellent"],
                cap=qd366.group_quota_cap(found, profile.params, exception),
                percent=policy.percent,
                exception=exception,
            )
        )
    return out


def temporary_activity(card_number: str, year: int) -> tuple[str, str]:
    """Where a member was recorded as attending temporarily in `year`'s cycles (the cell's
    name, and the member's own organization then), or two empty strings."""
    found = (
        Evaluation.objects.filter(member__card_number=card_number, cycle__year=year)
        .exclude(temporary_cell="")
        .select_related("member__organization")
        .order_by("-pk")
        .first()
    )
    if found is None or found.member is None:
        return "", ""
    return found.temporary_cell, found.member.organization.name


# --- what the daily notices read (notifications.services.notify_due) ---------------------------


def calendar_of(cycle: Cycle) -> Calendar:
    """The cycle's deadlines per step (regulations/calendar.py): as the office set them, HD 43's
    defaults for any step not stored. The one source of every deadline a page or notice shows."""
    defaults = default_calendar(
        cycle.year, cycle.quarter, year_ends_otherwise=cycle.year_ends_otherwise
    ).as_dict()
    return Calendar.of({step: getattr(cycle, step.field) or defaults[step] for step in STEPS})


def self_assessment_due(cycle: Cycle) -> dt.date:
    """The last day of the self-assessment step of the cycle's calendar."""
    return calendar_of(cycle).due(Step.SELF_ASSESSMENT)


def cell_proposal_due(cycle: Cycle) -> dt.date:
    """The last day of the cell's proposal step of the cycle's calendar."""
    return calendar_of(cycle).due(Step.CELL_PROPOSAL)


@dataclass(frozen=True)
class OverdueSteps:
    """A cell whose members still lack the cell's proposal after the cycle's deadline."""

    cycle_id: int
    cycle_label: str
    cell_code: str
    cell_name: str
    due: dt.date
    missing: int
    secretary_ids: tuple[int, ...]
    url: str


def overdue_cell_steps(today: dt.date) -> list[OverdueSteps]:
    """For every open cycle past its cell-proposal deadline (the cycle's calendar), the cells
    with members neither proposed by the cell nor decided, and the accounts holding a live
    cell-secretary grant over each cell."""
    from django.urls import reverse

    from tongket.accounts.models import Grant, Role

    found: list[OverdueSteps] = []
    cycles = [
        c
        for c in Cycle.objects.filter(
            Q(cell_proposal_due__lt=today) | Q(cell_proposal_due__isnull=True),
            status=CycleStatus.OPEN,
        ).select_related("organization")
        if cell_proposal_due(c) < today
    ]
    if not cycles:
        return found
    grants = [
        g
        for g in Grant.objects.filter(role=Role.CELL_SECRETARY, revoked_at__isnull=True)
        .select_related("organization")
        .order_by("organization__path", "user_id")
        if (g.valid_from is None or g.valid_from <= today)
        and (g.valid_until is None or g.valid_until >= today)
    ]
    for cycle in cycles:
        pending = (
            Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER)
            .exclude(
                Exists(
                    Assessment.objects.filter(
                        evaluation=OuterRef("pk"), tier=Tier.CELL, is_current=True
                    )
                )
            )
            .exclude(
                Exists(
                    Decision.objects.filter(
                        evaluation=OuterRef("pk"), status=DecisionStatus.CURRENT
                    )
                )
            )
            .values("unit_id")
            .annotate(n=Count("pk"))
        )
        missing = {row["unit_id"]: row["n"] for row in pending}
        cells: dict[int, list[int]] = {}
        for grant in grants:
            if grant.organization_id in missing and grant.organization.path.startswith(
                cycle.organization.path
            ):
                cells.setdefault(grant.organization_id, []).append(grant.user_id)
        for grant in grants:
            if grant.organization_id in cells and grant.user_id in cells[grant.organization_id]:
                org = grant.organization
                users = tuple(cells.pop(org.pk))
                found.append(
                    OverdueSteps(
                        cycle_id=cycle.pk,
                        cycle_label="kỳ đánh giá "
                        + period_label(cycle).replace("Năm", "năm").replace("Quý", "quý"),
                        cell_code=org.code,
                        cell_name=org.name,
                        due=cell_proposal_due(cycle),
                        missing=missing[org.pk],
                        secretary_ids=users,
                        url=reverse("evaluation:unit", args=[cycle.pk, org.code]),
                    )
                )
    return found


@dataclass(frozen=True)
class QuotaGroupSubject:
    code: str  # card number or organization code
    full_name: str  # the member's name or the organization's


GROUP_SUBJECTS_SHOWN = 200


def quota_group_subjects(cycle: Cycle) -> dict[tuple[str, str], list[QuotaGroupSubject]]:
    """Who is in which quota group of a cycle, for the office editing the groups by hand (at most
    `GROUP_SUBJECTS_SHOWN` per group; the counts are `quota_groups`). Two queries."""
    rows = (
        Evaluation.objects.filter(cycle=cycle)
        .select_related("member", "organization")
        .only(
            "subject_kind",
            "peer_group",
            "member__card_number",
            "member__full_name",
            "organization__code",
            "organization__name",
        )
        .order_by("subject_kind", "peer_group", "subject_path", "id")
    )
    out: dict[tuple[str, str], list[QuotaGroupSubject]] = {}
    for ev in rows.iterator(chunk_size=2000):
        shown = out.setdefault((ev.subject_kind, ev.peer_group), [])
        if len(shown) < GROUP_SUBJECTS_SHOWN:
            shown.append(QuotaGroupSubject(subject_code(ev), subject_name(ev)))
    return out


def quota_exception_rows(cycle: Cycle) -> list[QuotaExceptionRow]:
    """Every recorded exception of a cycle, the current ones first, with who recorded it."""
    return list(
        QuotaExceptionRow.objects.filter(cycle=cycle)
        .select_related("deciding_body")
        .order_by("-is_current", "-created_at", "-id")
    )


def reclassification_decision(user: User | None, decision_id: int) -> Decision:
    """A cancel-and-reclassify decision of an evaluation the user may see (404 otherwise), with
    what its Mẫu 03 prints."""
    return first_or_not_found(
        Decision.objects.filter(
            pk=decision_id,
            kind=DecisionKind.RECLASSIFICATION,
            evaluation__in=visible_evaluations(user),
        ).select_related(
            "evaluation__cycle",
            "evaluation__member",
            "evaluation__organization",
            "deciding_body__parent",
            "supersedes__deciding_body",
        ),
        "Không tìm thấy quyết định hủy và xếp loại lại.",
    )


@dataclass(frozen=True)
class QuarterResult:
    quarter: int
    evaluation_id: int
    decision: Decision | None


def quarter_results(user: User | None, ev: Evaluation) -> list[QuarterResult]:
    """The same subject's quarterly evaluations of the year (366-QĐ/TW, Điều 15: the quarters are
    the basis of the year's evaluation; KL 198-KL/TW for leaders), as the user may see them,
    beside a yearly evaluation. Two queries; empty for a quarter's own page."""
    if ev.cycle.quarter is not None:
        return []
    subject = Q(member_id=ev.member_id) if ev.member_id else Q(organization_id=ev.organization_id)
    rows = (
        visible_evaluations(user)
        .filter(subject, cycle__year=ev.cycle.year, cycle__quarter__isnull=False)
        .select_related("cycle")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(status=DecisionStatus.CURRENT),
                to_attr="current_decisions",
            )
        )
        .order_by("cycle__quarter")
    )
    return [
        QuarterResult(
            quarter=row.cycle.quarter or 0,
            evaluation_id=row.pk,
            decision=next(iter(row.current_decisions), None),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class QuarterCycle:
    """One quarter of a year's cycle, as the year's dashboard lists it."""

    quarter: int
    cycle_id: int
    status: str
    total: int
    decided: int
    not_completed: int


def year_quarters(cycle: Cycle) -> list[QuarterCycle]:
    """The same organization's quarterly cycles of the year beside a yearly cycle (366-QĐ/TW,
    Điều 15: the quarters are the basis of the year; KL 198-KL/TW), with how many of their
    subjects are decided and how many `not_completed`: one query; empty for a quarter's page.
    The caller reads the yearly cycle, hence its organization's quarters."""
    if cycle.quarter is not None:
        return []
    current = Q(evaluations__decisions__status=DecisionStatus.CURRENT)
    rows = (
        Cycle.objects.filter(
            organization_id=cycle.organization_id, year=cycle.year, quarter__isnull=False
        )
        .annotate(
            total=Count("evaluations", distinct=True),
            decided=Count("evaluations", filter=current, distinct=True),
            failed=Count(
                "evaluations",
                filter=current & Q(evaluations__decisions__level=Level.NOT_COMPLETED),
                distinct=True,
            ),
        )
        .order_by("quarter")
    )
    return [
        QuarterCycle(
            quarter=row.quarter or 0,
            cycle_id=row.pk,
            status=row.get_status_display(),
            total=row.total,
            decided=row.decided,
            not_completed=row.failed,
        )
        for row in rows
    ]


def missing_subjects(cycle: Cycle, org: Organization, period: Period) -> list[Evaluation]:
    """The cycle's subjects without an evaluation yet (all of them when it opens): a grassroots
    organization's members admitted by the period's end and its cells, or a higher committee's
    directly subordinate organizations."""
    members_in = Evaluation.objects.filter(cycle=cycle, member__isnull=False).values("member_id")
    orgs_in = Evaluation.objects.filter(cycle=cycle, organization__isnull=False).values(
        "organization_id"
    )
    subjects: list[Evaluation] = []
    if org.kind == OrganizationKind.GRASSROOTS:
        members = (
            Member.objects.filter(org_path__startswith=org.path, joined_on__lte=period.end)
            .exclude(pk__in=members_in)
            .select_related("organization")
        )
        subjects += [
            Evaluation(
                cycle=cycle,
                subject_kind=SubjectKind.MEMBER,
                member=m,
                unit=m.organization,
                subject_path=m.org_path,
            )
            for m in members
        ]
        cells = (
            Organization.objects.filter(path__startswith=org.path, kind=OrganizationKind.CELL)
            .exclude(pk=org.pk)
            .select_related("parent")
        )
    else:
        cells = org.children.exclude(kind=OrganizationKind.AGENCY).select_related("parent")
    subjects += [
        Evaluation(
            cycle=cycle,
            subject_kind=SubjectKind.ORGANIZATION,
            organization=o,
            unit=o.parent or org,
            subject_path=o.path,
            org_kind=o.kind,
        )
        for o in cells.exclude(pk__in=orgs_in)
    ]
    return subjects


def missing_subjects_of(cycle: Cycle) -> list[Evaluation]:
    """What the office's cycle page warns of: subjects added to the organization after the open
    cycle was opened (members imported or transferred in, new cells), not yet in it."""
    if cycle.status != CycleStatus.OPEN:
        return []
    return missing_subjects(cycle, cycle.organization, period_of(cycle))
