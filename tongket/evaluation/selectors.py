"""Every read of evaluation: visible cycles and evaluations, facts for the rules, checks, counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tongket.accounts.scope import User, scope_for
from tongket.core.errors import NotFound
from tongket.core.rules import Finding, Severity
from tongket.evaluation import leaders, tally
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    Grade,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    Period,
    PointFrame,
    QuotaScope,
    TaskTally,
    add_months,
)
from tongket.evaluation.domain import (
    OrganizationKind as RuleOrganizationKind,
)
from tongket.evaluation.domain import (
    SubjectKind as RuleSubjectKind,
)
from tongket.evaluation.models import (
    Assessment,
    Cycle,
    Decision,
    DecisionStatus,
    Evaluation,
    ResultTally,
    SubjectKind,
    Tier,
)
from tongket.evaluation.models import QuotaException as QuotaExceptionRow
from tongket.evaluation.regulations import get_profile, qd366
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.qd366 import Qd366Profile, QuotaException
from tongket.people.models import Organization, OrganizationKind, ancestor_paths

Outcome = Level | NotClassifiedReason
"""What a tier proposes or a decision states: a level, or not classified with its reason."""

QUOTA_RULE_MARK = ".quota."


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


# --- cycles and profiles -------------------------------------------------------------------------


def profile_of(cycle: Cycle) -> Profile:
    """The profile the cycle was opened under, with its stored parameter overrides."""
    return get_profile(cycle.profile_id).with_params(**cycle.params)


def period_of(cycle: Cycle) -> Period:
    return Period(cycle.year, cycle.quarter)


def period_label(cycle: Cycle) -> str:
    return period_of(cycle).label


def _period_q(prefix: str, year: int, quarter: int | None) -> Q:
    if quarter is None:
        return Q(**{f"{prefix}year": year, f"{prefix}quarter__isnull": True})
    return Q(**{f"{prefix}year": year, f"{prefix}quarter": quarter})


def visible_evaluations(user: User | None) -> QuerySet[Evaluation]:
    """Evaluations of subjects inside the user's subtrees, and the user's own."""
    scope = scope_for(user)
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
    cycle = visible_cycles(user).filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound("Không tìm thấy kỳ đánh giá.")
    return cycle


def get_evaluation(user: User | None, evaluation_id: int) -> Evaluation:
    ev = (
        visible_evaluations(user)
        .select_related("cycle__organization", "member", "organization", "unit")
        .filter(pk=evaluation_id)
        .first()
    )
    if ev is None:
        raise NotFound("Không tìm thấy bản đánh giá.")
    return ev


def find_cycle(org: Organization, year: int, quarter: int | None = None) -> Cycle | None:
    return Cycle.objects.filter(_period_q("", year, quarter), organization=org).first()


def reads_cycle(user: User | None, cycle: Cycle) -> bool:
    """Whether the user sees the whole cycle (its organization), not only some evaluations."""
    return scope_for(user).reads(cycle.organization.path)


# --- tiers ---------------------------------------------------------------------------------------


def current_assessments(ev: Evaluation) -> dict[str, Assessment]:
    return {a.tier: a for a in ev.assessments.filter(is_current=True)}


def current_decision(ev: Evaluation) -> Decision | None:
    return ev.decisions.filter(status=DecisionStatus.CURRENT).first()


def decision_history(ev: Evaluation) -> list[Decision]:
    return list(
        ev.decisions.select_related("deciding_body", "supersedes").order_by("created_at", "id")
    )


# --- facts for the rules -------------------------------------------------------------------------


def parse_grades(
    ev: Evaluation, grades: Mapping[str, str]
) -> tuple[tuple[Grade, ...], tuple[Grade, ...]]:
    """Stored grades (criterion code → grade) as (task grades, other grades); ValueError if bad."""
    by_code = {c.code: c for c in grade_criteria(ev)}
    task: list[Grade] = []
    other: list[Grade] = []
    for code, value in grades.items():
        criterion = by_code.get(code)
        if criterion is None:
            raise ValueError(f"Mã tiêu chí «{code}» không có trong mẫu tự đánh giá.")
        (task if criterion.is_task else other).append(Grade(value))
    return tuple(task), tuple(other)


def parse_points(points: Mapping[str, object]) -> dict[str, Decimal]:
    """Stored points (criterion code → decimal text) as Decimals; ValueError if not a number."""
    out: dict[str, Decimal] = {}
    for code, value in points.items():
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"Điểm của tiêu chí «{code}» không phải là số.") from None
        if not number.is_finite():
            raise ValueError(f"Điểm của tiêu chí «{code}» không phải là số.")
        out[code] = number
    return out


def _rating_inputs(
    ev: Evaluation, grades: Mapping[str, str] | None, points: Mapping[str, object] | None
) -> tuple[Mapping[str, str], Mapping[str, object]]:
    """Explicit grades/points, else the committee's appraisal, else the self-assessment."""
    if grades is not None or points is not None:
        return grades or {}, points or {}
    tiers = current_assessments(ev)
    for tier in (Tier.COMMITTEE, Tier.SELF):
        row = tiers.get(tier)
        if row is not None and (row.grades or row.points):
            return row.grades, row.points
    return {}, {}


def _tasks(ev: Evaluation) -> TaskTally | None:
    if ev.tasks_total is None:
        return None
    return TaskTally(
        total=ev.tasks_total,
        completed=ev.tasks_completed or 0,
        on_time=ev.tasks_on_time or 0,
        late=ev.tasks_late or 0,
        exceeded=ev.tasks_exceeded or 0,
    )


def _level_or_none(value: str) -> Level | None:
    return Level(value) if value else None


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


def member_facts(
    ev: Evaluation,
    *,
    grades: Mapping[str, str] | None = None,
    points: Mapping[str, object] | None = None,
) -> MemberFacts:
    assert ev.member is not None
    raw_grades, raw_points = _rating_inputs(ev, grades, points)
    task, other = parse_grades(ev, raw_grades)
    parsed_points = parse_points(raw_points)
    return MemberFacts(
        subject=ev.member.card_number,
        task_grades=task,
        other_grades=other,
        civil_service_level=_level_or_none(ev.civil_service_level),
        disciplined=ev.disciplined,
        discipline_self_remedied=ev.discipline_self_remedied,
        degradation_concluded=ev.degradation_concluded,
        targets_assigned=ev.targets_assigned,
        targets_met=ev.targets_met,
        sick_leave_months=ev.sick_leave_months,
        maternity_leave=ev.maternity_leave,
        joined_on=ev.member.joined_on,
        full_member_on=ev.member.full_member_on,
        period_end=period_of(ev.cycle).end,
        exempted=ev.exempted,
        suspended=ev.suspended,
        is_leader=ev.is_leader,
        points=parsed_points or None,
        tasks=_tasks(ev),
        earlier_shortcomings_remedied=ev.earlier_shortcomings_remedied,
        # qd366 (issue 24): leaders derived from roles and posts; temporary Party activity
        led_units=(leaders.led_units(ev.member, ev.cycle) if _reads_leaders(ev.cycle) else ()),
        temporary_cell=ev.temporary_cell,
        temporary_cell_comment=ev.temporary_cell_comment,
    )


def _reads_leaders(cycle: Cycle) -> bool:
    """qd366 derives leaders from roles and posts; older cycles keep their checkbox (issue 24)."""
    return uses_points(profile_of(cycle))


def _current_levels(query: Q) -> list[Level]:
    rows = Decision.objects.filter(query, status=DecisionStatus.CURRENT).exclude(level="")
    return [Level(level) for level in rows.values_list("level", flat=True)]


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def organization_facts(
    ev: Evaluation,
    *,
    grades: Mapping[str, str] | None = None,
    points: Mapping[str, object] | None = None,
) -> OrganizationFacts:
    org = ev.organization
    assert org is not None
    raw_grades, raw_points = _rating_inputs(ev, grades, points)
    task, other = parse_grades(ev, raw_grades)
    parsed_points = parse_points(raw_points)
    cycle = ev.cycle
    period = _period_q("evaluation__cycle__", cycle.year, cycle.quarter)
    is_cell = org.kind == OrganizationKind.CELL
    member_levels = _current_levels(
        period
        & Q(evaluation__subject_kind=SubjectKind.MEMBER)
        & (
            Q(evaluation__unit_id=org.pk)
            if is_cell
            else Q(evaluation__subject_path__startswith=org.path)
        )
    )
    subordinate_levels: list[Level] = []
    subordinate_units = disciplined_units = 0
    if not is_cell:
        subordinate_levels = _current_levels(
            period
            & Q(evaluation__subject_kind=SubjectKind.ORGANIZATION, evaluation__unit_id=org.pk)
        )
        counts = Evaluation.objects.filter(
            _period_q("cycle__", cycle.year, cycle.quarter),
            subject_kind=SubjectKind.ORGANIZATION,
            unit_id=org.pk,
        ).aggregate(total=Count("id"), disciplined=Count("id", filter=Q(disciplined=True)))
        subordinate_units, disciplined_units = counts["total"], counts["disciplined"]
    end = period_of(cycle).end
    return OrganizationFacts(
        kind=RuleOrganizationKind.CELL if is_cell else RuleOrganizationKind.PARTY_COMMITTEE,
        subject=org.code,
        task_grades=task,
        other_grades=other,
        member_levels=tuple(member_levels),
        subordinate_levels=tuple(subordinate_levels),
        same_level_bodies_level=_level_or_none(ev.same_level_bodies_level),
        disciplined=ev.disciplined,
        discipline_self_remedied=ev.discipline_self_remedied,
        leadership_discipline=(
            DisciplineForm(ev.leadership_discipline) if ev.leadership_discipline else None
        ),
        subordinate_units=subordinate_units,
        subordinate_units_disciplined=disciplined_units,
        disunity=ev.disunity,
        targets_assigned=ev.targets_assigned,
        targets_met=ev.targets_met,
        targets_force_majeure=ev.targets_force_majeure,
        age_months=(
            _months_between(org.founded_on, end)
            if org.founded_on is not None and org.founded_on <= end
            else None
        ),
        points=parsed_points or None,
        tasks=_tasks(ev),
        earlier_shortcomings_remedied=ev.earlier_shortcomings_remedied,
    )


def order_facts(ev: Evaluation) -> DecisionOrderFacts:
    """What must be decided before this evaluation (used by qd124 and qd366)."""
    cycle = ev.cycle
    undecided = Evaluation.objects.filter(
        _period_q("cycle__", cycle.year, cycle.quarter), subject_kind=SubjectKind.ORGANIZATION
    ).exclude(decisions__status=DecisionStatus.CURRENT)
    # qd366 (issue 24): the head after every unit he or she leads, the agency before its Party
    # organization (Điều 12); older cycles keep their order as it was.
    qd366 = _reads_leaders(cycle)
    if ev.subject_kind == SubjectKind.MEMBER:
        assert ev.member is not None
        collectives = undecided.filter(organization_id=ev.unit_id)
        return DecisionOrderFacts(
            subject_kind=RuleSubjectKind.MEMBER,
            subject=subject_code(ev),
            undecided_collectives=tuple(collectives.values_list("organization__code", flat=True)),
            undecided_led_units=leaders.undecided_led_units(ev.member, cycle) if qd366 else (),
        )
    assert ev.organization is not None
    subordinates = undecided.filter(unit_id=ev.organization_id).order_by("subject_path")
    return DecisionOrderFacts(
        subject_kind=RuleSubjectKind.ORGANIZATION,
        subject=subject_code(ev),
        undecided_subordinates=tuple(subordinates.values_list("organization__code", flat=True)),
        undecided_same_level_bodies=(
            leaders.undecided_agency(ev.organization, ev) if qd366 else ()
        ),
    )


def review_findings(ev: Evaluation) -> list[Finding]:
    """Under qd366, why this member does not review at all (Điều 5): a self-assessment from a
    member admitted under 6 months, exempted or suspended is refused (issue 24)."""
    profile = profile_of(ev.cycle)
    if ev.subject_kind != SubjectKind.MEMBER or not uses_points(profile):
        return []
    return profile.check_review(member_facts(ev))


# --- checks --------------------------------------------------------------------------------------


def level_findings(
    ev: Evaluation,
    outcome: Outcome,
    *,
    profile: Profile | None = None,
    grades: Mapping[str, str] | None = None,
    points: Mapping[str, object] | None = None,
) -> list[Finding]:
    """The profile's level conditions for this outcome: errors refuse it, warnings inform.

    A not-classified outcome is accepted when the facts give that reason; `other` is a decision
    of the competent body and needs no fact (the service asks for its written reason).
    """
    profile = profile or profile_of(ev.cycle)
    facts: MemberFacts | OrganizationFacts
    if ev.subject_kind == SubjectKind.MEMBER:
        facts = member_facts(ev, grades=grades, points=points)
    else:
        facts = organization_facts(ev, grades=grades, points=points)
    if isinstance(outcome, NotClassifiedReason):
        reason = profile.not_classified_reason(facts)
        if reason is outcome or (reason is None and outcome is NotClassifiedReason.OTHER):
            return []
        if reason is not None:
            finding = profile.not_classified(facts)
            assert finding is not None
            return [
                dataclasses.replace(
                    finding,
                    message=f"Lý do không xếp loại phải là «{reason.label}»: {finding.message}",
                )
            ]
        return [
            Finding(
                rule="evaluation.not_classified.no_fact",
                citation=profile.title,
                message=(
                    f"Không có căn cứ để không xếp loại với lý do «{outcome.label}»: hãy ghi "
                    "nhận tình trạng (miễn, đình chỉ sinh hoạt đảng...) trước, hoặc chọn "
                    "«trường hợp khác» và ghi rõ lý do."
                ),
                subject=facts.subject,
            )
        ]
    findings: list[Finding]
    if isinstance(facts, MemberFacts):
        findings = profile.check_member_decision(facts, outcome)
    else:
        findings = profile.check_organization_decision(facts, outcome)
    if uses_points(profile) and facts.points is not None:
        score = profile.score_total(facts.frame or point_frame(), facts.points)
        findings = [*score.errors, *findings]
    return findings


def point_frame() -> PointFrame:
    """The 100-point criteria tree in use: the qd366 sample frame until committees load their
    own criteria (local data, CV 10072-CV/BTCTW)."""
    from tongket.evaluation.regulations import qd366

    return qd366.SAMPLE_FRAME


def quota_scope(ev: Evaluation, profile: Profile) -> tuple[Q, str]:
    """The current decisions the quota on `excellent` counts with this one, and their label.

    The scope is the cycle (the deciding organization: HD 21's grassroots organization); under a
    `peer_group` scope, evaluations carrying a peer group are counted within it.
    """
    query = Q(evaluation__cycle_id=ev.cycle_id, evaluation__subject_kind=ev.subject_kind)
    label = ev.cycle.organization.code
    if uses_points(profile):
        # qd366 (issue 24): every subject is in exactly one group, "" the not-grouped ones.
        query &= Q(evaluation__peer_group=ev.peer_group)
        return query, ev.peer_group or UNGROUPED
    if profile.params.quota_scope is QuotaScope.PEER_GROUP and ev.peer_group:
        query &= Q(evaluation__peer_group=ev.peer_group)
        label = f"{label} / {ev.peer_group}"
    return query, label


UNGROUPED = "Chưa phân nhóm"


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


def _overflow(profile: Profile, levels: Sequence[Level]) -> int:
    excellent = sum(1 for level in levels if level is Level.EXCELLENT)
    return excellent - profile.quota_cap(levels)


def quota_findings(ev: Evaluation, outcome: Outcome, profile: Profile) -> list[Finding]:
    """The quota finding when this outcome puts the scope (further) over the cap.

    Read under the service's lock on the cycle row. Counts every current decision in the scope
    except this evaluation's, then adds the outcome; a finding is raised only when the overflow
    grows, so a decision that does not take a place is never asked to justify the others.
    """
    query, label = quota_scope(ev, profile)
    others = _current_levels(query & ~Q(evaluation_id=ev.pk))
    before = list(others)
    existing = ev.decisions.filter(status=DecisionStatus.CURRENT).exclude(level="").first()
    if existing is not None:
        before.append(Level(existing.level))
    after = [*others, outcome] if isinstance(outcome, Level) else list(others)
    if _overflow(profile, after) <= max(_overflow(profile, before), 0):
        return []
    kind = RuleSubjectKind(ev.subject_kind)
    if uses_points(profile):
        # qd366 (issue 24): counted per group, with the group's recorded exception if any.
        exception = quota_exception_for(ev.cycle, ev.subject_kind, ev.peer_group)
        return profile.check_group_quota(after, subject_kind=kind, group=label, exception=exception)
    return profile.check_quota(after, subject=kind, scope_label=label)


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


def decision_findings(
    ev: Evaluation, outcome: Outcome, *, profile: Profile | None = None
) -> list[Finding]:
    """Everything a decision runs: level conditions, order of decisions, then the quota."""
    profile = profile or profile_of(ev.cycle)
    findings = level_findings(ev, outcome, profile=profile)
    if isinstance(outcome, Level):
        findings += profile.check_decision_order(order_facts(ev))
    findings += quota_findings(ev, outcome, profile)
    return findings


def is_quota_finding(finding: Finding) -> bool:
    return QUOTA_RULE_MARK in finding.rule


# --- counts --------------------------------------------------------------------------------------

LEVEL_KEYS = ("excellent", "good", "completed", "not_completed")


def _tally_annotations(prefix: str = "") -> dict[str, Any]:
    current = f"{prefix}current"
    out: dict[str, Any] = {"total": Count(f"{prefix}id", distinct=True)}
    for key in LEVEL_KEYS:
        out[key] = Count(f"{prefix}id", filter=Q(**{f"{current}__level": key}), distinct=True)
    out["not_classified"] = Count(
        f"{prefix}id",
        filter=Q(**{f"{current}__id__isnull": False, f"{current}__level": ""}),
        distinct=True,
    )
    out["pending"] = Count(
        f"{prefix}id", filter=Q(**{f"{current}__id__isnull": True}), distinct=True
    )
    return out


def _with_current(queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    return queryset.annotate(
        current=FilteredRelation("decisions", condition=Q(decisions__status=DecisionStatus.CURRENT))
    )


def _empty_tally() -> dict[str, int]:
    return {
        "total": 0,
        **dict.fromkeys(LEVEL_KEYS, 0),
        "not_classified": 0,
        "pending": 0,
    }


def _tally(row: Mapping[str, Any]) -> dict[str, int]:
    return {key: int(row[key]) for key in _empty_tally()}


def organization_level(org: Organization, year: int, quarter: int | None = None) -> Level | None:
    """The organization's own current decided level for the period, from any cycle."""
    # Explicit ordering: the model's (by evaluation, then cycle) joins the organization table and
    # sorts; the cycle organization's path keeps the same choice should several cycles decide.
    level = (
        Decision.objects.filter(
            _period_q("evaluation__cycle__", year, quarter),
            status=DecisionStatus.CURRENT,
            evaluation__organization=org,
        )
        .order_by("evaluation__cycle__organization__path", "evaluation_id", "created_at", "id")
        .values_list("level", flat=True)[:1]
    )
    found = list(level)
    return Level(found[0]) if found and found[0] else None


def _stats_profile(org: Organization, year: int, quarter: int | None) -> str | None:
    """The profile of the first cycle (by organization path) holding an evaluation in the subtree.

    A cycle evaluates its own organization's subtree, so only the cycles of the organization's
    ancestors (itself included) and of its descendants can hold one; the ancestors come first in
    path order. Each is a semi-join from the subtree's evaluations, bounded by those paths (not a
    walk over every cycle of the period in path order).
    """
    in_subtree = Evaluation.objects.filter(cycle=OuterRef("pk"), subject_path__startswith=org.path)
    cycles = Cycle.objects.filter(_period_q("", year, quarter), Exists(in_subtree))
    for candidates in (
        cycles.filter(organization__path__in=ancestor_paths(org.path)),
        cycles.filter(organization__path__startswith=org.path),
    ):
        found = list(
            candidates.order_by("organization__path").values_list("profile_id", flat=True)[:1]
        )
        if found:
            return found[0]
    return None


def stats(org: Organization, year: int, quarter: int | None = None) -> dict[str, Any]:
    """Decided results over the organization's subtree (the `tongket stats` JSON shape), from
    the maintained tally (`tally_groups`). Same JSON as `raw_stats`."""
    return _stats_json(org, year, quarter, tally_groups(org, year, quarter))


def subtree_counts(
    org: Organization, year: int, quarter: int | None = None
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The members' counts and the organizations' counts by kind under the organization's
    subtree, by current level (`stats`' "members" and "organizations", nothing else): a few
    rows of the tally whatever the subtree's size (the year-end report's tables)."""
    found = _stats_json(org, year, quarter, tally_groups(org, year, quarter), level=False)
    return found["members"], found["organizations"]


def tally_groups(
    org: Organization, year: int, quarter: int | None = None
) -> list[tuple[str, str, str | None, int]]:
    """(subject kind, organization kind, current level or None when pending, count) over the
    organization's subtree, its own evaluation left out.

    Sums the maintained tally (`tongket.evaluation.tally`) under the subtree's path: members
    counted at their cell, organizations at their parent, so the organization's own evaluation
    is left out as in `raw_stats`. Two small indexed corrections keep it exact should an
    evaluation's copied path disagree with the organization it names (an organization moved
    since): evaluations at exactly this path that are another organization's are added, and this
    organization's evaluations deeper in the subtree are taken out.
    """
    tallied = (
        ResultTally.objects.filter(
            year=year, quarter=tally.period_key(quarter), path__startswith=org.path
        )
        .values("subject_kind", "org_kind", "level")
        .annotate(count=Sum("n"))
        .order_by()
    )
    # The corrections, in the same query (UNION ALL): this organization's own are taken out.
    corrections = Q(subject_kind=SubjectKind.ORGANIZATION, subject_path=org.path)
    sign: Case | Value = Value(1)
    if org.pk is not None:
        sign = Case(When(organization=org, then=Value(-1)), default=Value(1))
        deeper = Q(organization=org, subject_path__startswith=org.path) & ~Q(subject_path=org.path)
        corrections = (corrections & ~Q(organization=org)) | deeper
    fixes = (
        _with_current(Evaluation.objects.filter(_period_q("cycle__", year, quarter), corrections))
        .values(
            "subject_kind",
            "org_kind",
            level=Coalesce(F("current__level"), Value(tally.PENDING)),
        )
        .annotate(count=Sum(sign))
        .order_by()
    )
    return [
        (
            row["subject_kind"],
            row["org_kind"],
            None if row["level"] == tally.PENDING else row["level"],
            int(row["count"]),
        )
        for row in tallied.union(fixes, all=True)
    ]


def raw_stats(org: Organization, year: int, quarter: int | None = None) -> dict[str, Any]:
    """`stats` counted from the raw evaluations and current decisions (for verification).

    One grouped query over the subtree (subject kind, organization kind, current level: the
    hand-written floor's shape), then the organization's own level and the profile.
    """
    subtree = Evaluation.objects.filter(
        _period_q("cycle__", year, quarter), subject_path__startswith=org.path
    )
    if org.pk is not None:
        subtree = subtree.exclude(organization=org)  # its own rating is `level`, not a count
    return _stats_json(org, year, quarter, _raw_groups(subtree))


def _raw_groups(evaluations: QuerySet[Evaluation]) -> list[tuple[str, str, str | None, int]]:
    """(subject kind, organization kind, current level or None, count) of the evaluations."""
    # At most one current decision per evaluation (eval_one_current_decision): the left join
    # gives one row per evaluation, so COUNT(*) needs no DISTINCT. The current level is NULL
    # when undecided and "" when not classified.
    rows = (
        _with_current(evaluations)
        .values("subject_kind", "org_kind", current_level=F("current__level"))
        .annotate(n=Count("*"))
        .order_by()
    )
    return [
        (row["subject_kind"], row["org_kind"], row["current_level"], int(row["n"])) for row in rows
    ]


def _stats_json(
    org: Organization,
    year: int,
    quarter: int | None,
    groups: Iterable[tuple[str, str, str | None, int]],
    *,
    level: bool = True,
) -> dict[str, Any]:
    """The JSON of `stats`; `level=False` leaves out the two queries of the organization's
    own level and the profile (None)."""
    members = _empty_tally()
    organizations: dict[str, dict[str, int]] = {}
    for subject_kind, org_kind, current_level, count in groups:
        if subject_kind == SubjectKind.MEMBER:
            counts = members
        else:
            counts = organizations.setdefault(org_kind, _empty_tally())
        _add_to_tally(counts, current_level, count)
    own = organization_level(org, year, quarter) if level else None
    return {
        "org": org.code,
        "year": year,
        "profile": _stats_profile(org, year, quarter) if level else None,
        "level": own.value if own is not None else None,
        "members": members,
        # A kind whose rows add up to nothing has no evaluation: the raw count has no group.
        "organizations": {k: v for k, v in sorted(organizations.items()) if v["total"]},
    }


def _add_to_tally(counts: dict[str, int], level: str | None, count: int) -> None:
    counts["total"] += count
    if level is None:
        counts["pending"] += count
    elif level == "":
        counts["not_classified"] += count
    elif level in LEVEL_KEYS:
        counts[level] += count


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
            _period_q("evaluation__cycle__", year, None),
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


# --- findings ------------------------------------------------------------------------------------


def _stored_warnings(decisions: Iterable[Decision]) -> list[Finding]:
    out: list[Finding] = []
    for d in decisions:
        for item in d.findings:
            out.append(
                Finding(
                    rule=item["rule"],
                    citation=item["citation"],
                    message=item["message"],
                    severity=Severity(item["severity"]),
                    subject=item["subject"],
                    justification=item.get("justification", ""),
                )
            )
    return out


def cycle_findings(cycle: Cycle) -> list[Finding]:
    """Open findings of a cycle: the quota per scope on the current decisions (with the deciding
    body's recorded justification), then warnings accepted with individual decisions."""
    profile = profile_of(cycle)
    decisions = list(
        Decision.objects.filter(evaluation__cycle=cycle, status=DecisionStatus.CURRENT)
        .select_related("evaluation")
        .order_by("created_at", "id")
    )
    stored = _stored_warnings(decisions)
    justifications = {(f.rule, f.subject): f.justification for f in stored if f.justification}
    groups: dict[tuple[str, str], list[Level]] = {}
    use_peer = profile.params.quota_scope is QuotaScope.PEER_GROUP
    for d in decisions:
        ev = d.evaluation
        key = (ev.subject_kind, ev.peer_group if use_peer else "")
        groups.setdefault(key, [])
        if d.level:
            groups[key].append(Level(d.level))
    out: list[Finding] = []
    for (kind, peer), levels in sorted(groups.items()):
        label = cycle.organization.code + (f" / {peer}" if peer else "")
        for finding in profile.check_quota(
            levels, subject=RuleSubjectKind(kind), scope_label=label
        ):
            out.append(
                dataclasses.replace(
                    finding, justification=justifications.get((finding.rule, label), "")
                )
            )
    seen = {(f.rule, f.subject) for f in out}
    for finding in stored:
        if not is_quota_finding(finding) and (finding.rule, finding.subject) not in seen:
            seen.add((finding.rule, finding.subject))
            out.append(finding)
    return out


def findings(org: Organization, year: int, quarter: int | None = None) -> list[Finding]:
    """Findings over the subtree: each cycle of an organization in it, and warnings accepted with
    the decisions about its subjects taken by a superior's cycle (the organization's own rating)."""
    cycles = Cycle.objects.filter(
        _period_q("", year, quarter), organization__path__startswith=org.path
    ).select_related("organization")
    out: list[Finding] = []
    for cycle in cycles.order_by("organization__path"):
        out += cycle_findings(cycle)
    outside = Decision.objects.filter(
        _period_q("evaluation__cycle__", year, quarter),
        status=DecisionStatus.CURRENT,
        evaluation__subject_path__startswith=org.path,
    ).exclude(evaluation__cycle__organization__path__startswith=org.path)
    seen = {(f.rule, f.subject) for f in out}
    for finding in _stored_warnings(outside):
        if (finding.rule, finding.subject) not in seen:
            out.append(finding)
    return out


def findings_json(items: Iterable[Finding]) -> list[dict[str, str]]:
    """The `tongket findings --json` shape; INFO notes are not findings to act on."""
    return [
        {
            "rule": f.rule,
            "citation": f.citation,
            "severity": str(f.severity),
            "subject": f.subject,
            "message": f.message,
            "justification": f.justification,
        }
        for f in items
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]


def regulations_json() -> list[dict[str, Any]]:
    """The `tongket regulations --json` shape: every profile with its years and parameters."""
    from tongket.evaluation.regulations import all_profiles

    def plain(value: object) -> object:
        if isinstance(value, bool | int):
            return value
        if isinstance(value, Decimal):
            return str(value)
        return str(value)

    return [
        {
            "id": p.id,
            "title": p.title,
            "short_title": p.short_title,
            "years": {"first": p.first_year, "last": p.last_year},
            "periods": sorted(str(k) for k in p.periods),
            "parameters": [
                {
                    "name": row.name,
                    "value": plain(row.value),
                    "default": plain(row.default),
                    "description": row.description,
                    "source": row.source,
                    "verified": row.verified,
                }
                for row in p.params_table()
            ],
        }
        for p in all_profiles()
    ]


# --- screens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaMeter:
    excellent: int
    cap: int
    base: int
    percent: Decimal

    @property
    def over(self) -> bool:
        return self.excellent > self.cap

    @property
    def meter_max(self) -> int:
        return max(self.cap, self.excellent, 1)


@dataclass(frozen=True)
class UnitProgress:
    code: str
    name: str
    counts: Mapping[str, int]  # total, self, cell, committee, decided + level keys


@dataclass(frozen=True)
class Dashboard:
    cycle: Cycle
    profile: Profile
    members: Mapping[str, int]
    organizations: Mapping[str, int]
    units: tuple[UnitProgress, ...]
    member_quota: QuotaMeter
    organization_quota: QuotaMeter
    findings: tuple[Finding, ...]


def _progress_annotations() -> dict[str, Any]:
    out = _tally_annotations()
    for tier in Tier:
        out[f"tier_{tier.value}"] = Count(
            "assessments",
            filter=Q(assessments__tier=tier, assessments__is_current=True),
            distinct=True,
        )
    return out


def _quota_meter(cycle: Cycle, profile: Profile, kind: str) -> QuotaMeter:
    from tongket.evaluation.regulations.base import quota_base_count

    levels = _current_levels(Q(evaluation__cycle=cycle, evaluation__subject_kind=kind))
    policy = profile.quota_policy()
    return QuotaMeter(
        excellent=sum(1 for level in levels if level is Level.EXCELLENT),
        cap=profile.quota_cap(levels),
        base=quota_base_count(levels, policy.base),
        percent=policy.percent,
    )


def dashboard(cycle: Cycle) -> Dashboard:
    """The cycle's progress per tier and per unit, level distribution, quota meters, findings.

    A fixed number of queries whatever the number of members and cells.
    """
    profile = profile_of(cycle)
    evaluations = _with_current(Evaluation.objects.filter(cycle=cycle))
    totals = {
        row["subject_kind"]: _tally(row) | {t.value: int(row[f"tier_{t.value}"]) for t in Tier}
        for row in evaluations.values("subject_kind").annotate(**_progress_annotations()).order_by()
    }
    empty = _empty_tally() | {t.value: 0 for t in Tier}
    unit_rows = (
        evaluations.filter(subject_kind=SubjectKind.MEMBER)
        .values("unit__code", "unit__name", "unit__path")
        .annotate(**_progress_annotations())
        .order_by("unit__path")
    )
    units = tuple(
        UnitProgress(
            code=row["unit__code"],
            name=row["unit__name"],
            counts=_tally(row) | {t.value: int(row[f"tier_{t.value}"]) for t in Tier},
        )
        for row in unit_rows
    )
    return Dashboard(
        cycle=cycle,
        profile=profile,
        members=totals.get(SubjectKind.MEMBER, empty),
        organizations=totals.get(SubjectKind.ORGANIZATION, empty),
        units=units,
        member_quota=_quota_meter(cycle, profile, SubjectKind.MEMBER),
        organization_quota=_quota_meter(cycle, profile, SubjectKind.ORGANIZATION),
        findings=tuple(
            f for f in cycle_findings(cycle) if f.severity in (Severity.ERROR, Severity.WARNING)
        ),
    )


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
        ev = row.evaluation
        assert ev.member is not None
        facts = MemberFacts(
            subject=ev.member.card_number,
            joined_on=ev.member.joined_on,
            period_end=end,
            exempted=ev.exempted,
            suspended=ev.suspended,
        )
        found = profile.check_review(facts)
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
