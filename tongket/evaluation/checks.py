"""The checks of evaluation, read-only: the facts the rules read, and what the rules find.

- facts: `member_facts`, `organization_facts` (from an evaluation, its tiers and the current
  decisions), `order_facts` (what must be decided first);
- findings of one proposed outcome: `level_findings` (the profile's level conditions),
  `decision_findings` (those and the order of decisions);
- the quota on `excellent` of one decision or of a whole batch, counted as its result would stand:
  `quota_verdicts` (counts read here, the verdict from `regulations/quota.py`);
- `batch_findings`: every finding a batch of decisions would meet, for the inline check of the
  decision page (nothing written, no lock taken);
- findings of decided results: `cycle_findings`, `findings` (a subtree).

Nothing here writes. The services run the same functions under their locks before writing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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

from tongket.core.rules import Finding, Severity
from tongket.core.statements import Statement, slot
from tongket.criteria.selectors import bound_to_a_set
from tongket.evaluation import leaders
from tongket.evaluation.domain import (
    CaseFacts,
    CaseGroup,
    DecisionOrderFacts,
    DisciplineForm,
    Grade,
    LedUnit,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    QuotaScope,
    TaskTally,
    Violation,
)
from tongket.evaluation.domain import OrganizationKind as RuleOrganizationKind
from tongket.evaluation.domain import SubjectKind as RuleSubjectKind
from tongket.evaluation.models import (
    UNGROUPED,
    Assessment,
    Cycle,
    Decision,
    DecisionStatus,
    Evaluation,
    SubjectKind,
    Tier,
)
from tongket.evaluation.regulations import get_profile, qd366, quota
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.quota import QuotaCounts, QuotaVerdict
from tongket.evaluation.selectors import (
    Outcome,
    current_assessments,
    current_levels,
    grade_criteria,
    period_of,
    period_q,
    point_frame,
    profile_of,
    quota_exception_for,
    review_facts,
    subject_code,
    uses_points,
)
from tongket.people.models import Organization, OrganizationKind, ancestor_paths

QUOTA_RULE_MARK = ".quota."
ALREADY_DECIDED = "Đã có quyết định xếp loại; muốn thay đổi phải ban hành quyết định điều chỉnh."

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


def _level_or_none(value: str) -> Level | None:
    return Level(value) if value else None


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
    # qd366 (issue 24): leaders derived from roles and posts; temporary Party activity
    led = _led_units(ev)
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
        frame=point_frame(ev) if parsed_points else None,
        tasks=leaders.task_tally(ev),
        earlier_shortcomings_remedied=ev.earlier_shortcomings_remedied,
        led_units=led,
        temporary_cell=ev.temporary_cell,
        temporary_cell_comment=ev.temporary_cell_comment,
        cases=_member_cases(ev, led) if reads_leaders(ev.cycle) else None,
    )


def _led_units(ev: Evaluation) -> tuple[LedUnit, ...]:
    """The units the member leads under qd366 (read once per evaluation object: the level rules
    and the order of decisions both ask; none when `with_decision_facts` found no leading role
    or post)."""
    if not reads_leaders(ev.cycle):
        return ()
    found: tuple[LedUnit, ...] | None = getattr(ev, "_led_units", None)
    if found is None:
        leads = (getattr(ev, "leads_role", True), getattr(ev, "leads_post", True))
        assert ev.member is not None
        found = leaders.led_units(ev.member, ev.cycle) if any(leads) else ()
        ev._led_units = found  # type: ignore[attr-defined]
    return found


def reads_leaders(cycle: Cycle) -> bool:
    """qd366 derives leaders from roles and posts; older cycles keep their checkbox (issue 24).
    The regulation alone says so, not the cycle's parameters (`profile_of` would validate them
    for nothing)."""
    return uses_points(get_profile(cycle.profile_id))


def review_findings(ev: Evaluation) -> list[Finding]:
    """Under qd366, why this member does not review at all (Điều 5): a self-assessment from a
    member admitted under 6 months, exempted or suspended is refused (issue 24), and is neither
    invited to one nor shown it as a step. Reads only the facts that rule needs (no query beyond
    the cycle's profile), so it also serves evaluations not saved yet and lists of them."""
    profile = profile_of(ev.cycle)
    if ev.subject_kind != SubjectKind.MEMBER or ev.member is None or not uses_points(profile):
        return []
    facts = MemberFacts(
        subject=ev.member.card_number,
        joined_on=ev.member.joined_on,
        period_end=period_of(ev.cycle).end,
        exempted=ev.exempted,
        suspended=ev.suspended,
    )
    return profile.check_review(facts)


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
    period = period_q("evaluation__cycle__", cycle.year, cycle.quarter)
    is_cell = org.kind == OrganizationKind.CELL
    member_levels = current_levels(
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
        subordinate_levels = current_levels(
            period
            & Q(evaluation__subject_kind=SubjectKind.ORGANIZATION, evaluation__unit_id=org.pk)
        )
        counts = Evaluation.objects.filter(
            period_q("cycle__", cycle.year, cycle.quarter),
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
        frame=point_frame(ev) if parsed_points else None,
        tasks=leaders.task_tally(ev),
        earlier_shortcomings_remedied=ev.earlier_shortcomings_remedied,
        cases=_collective_cases(ev) if reads_leaders(cycle) else None,
    )


# --- qd366: what the not_completed cases of Điều 11.4 read (issue 24, item 4) -------------------


def _period_start(cycle: Cycle) -> dt.date:
    month = 1 if cycle.quarter is None else (cycle.quarter - 1) * 3 + 1
    return dt.date(cycle.year, month, 1)


def _violations(ev: Evaluation, form: str, here: str) -> tuple[Violation, ...]:
    return (
        Violation(
            form=DisciplineForm(form) if form else None,
            duty_related=ev.discipline_duty_related,
            unit=ev.discipline_unit.strip() or here,
            committed_on=ev.discipline_date,
        ),
    )


def _case_facts(
    ev: Evaluation,
    *,
    group: CaseGroup,
    unit: str,
    violations: tuple[Violation, ...],
    tasks: TaskTally | None,
    led_units: tuple[LedUnit, ...],
) -> CaseFacts:
    return CaseFacts(
        group=group,
        unit=unit,
        period_start=_period_start(ev.cycle),
        period_end=period_of(ev.cycle).end,
        subject=subject_code(ev),
        prohibitions_breached=ev.prohibitions_breached,
        basic_targets_missed=ev.basic_targets_missed,
        confidence_votes=ev.confidence_votes or 0,
        low_confidence_votes=ev.low_confidence_votes or 0,
        corruption_under_management=ev.corruption_under_management,
        personnel_wrongdoing=ev.personnel_wrongdoing,
        disunity=ev.disunity,
        self_remedied=ev.discipline_self_remedied,
        force_majeure=ev.targets_force_majeure,
        competent_justification=ev.competent_justification,
        violations=violations,
        degradation_concluded=ev.degradation_concluded,
        tasks=tasks,
        led_units=led_units,
    )


def _member_cases(ev: Evaluation, led: tuple[LedUnit, ...]) -> CaseFacts:
    """A member's group: a leader when he or she leads a unit (or is marked so), a member
    outside the political system, otherwise a member without a post."""
    if led or ev.is_leader:
        group = CaseGroup.LEADER
    elif ev.outside_political_system:
        group = CaseGroup.OUTSIDE
    else:
        group = CaseGroup.NO_POST
    here = ev.unit.code
    return _case_facts(
        ev,
        group=group,
        unit=here,
        violations=_violations(ev, ev.discipline_form, here) if ev.disciplined else (),
        tasks=leaders.task_tally(ev),
        led_units=led,
    )


def _collective_cases(ev: Evaluation) -> CaseFacts:
    """A collective: its leadership's heaviest discipline, a leadership member degraded, and its
    own body's planned tasks."""
    assert ev.organization is not None
    here = ev.organization.code
    form = ev.leadership_discipline or ev.discipline_form
    tasks = leaders.task_tally(ev)
    return _case_facts(
        ev,
        group=CaseGroup.COLLECTIVE,
        unit=here,
        violations=_violations(ev, form, here) if form else (),
        tasks=None,
        led_units=(LedUnit(code=here, role="Tập thể lãnh đạo", tasks=tasks),) if tasks else (),
    )


def with_decision_facts(evaluations: QuerySet[Evaluation], cycle: Cycle) -> QuerySet[Evaluation]:
    """The evaluations of `cycle` with what a decision's checks read beyond their own rows, in
    the same query: whether a current decision exists (`decided`), whether the collective
    before them (a member's cell, an organization's subordinates) is undecided, whether the
    member leads something (qd366), and their current assessments (one more query). Each
    annotation only tells whether the full read is needed: when it is, the checks read the
    details as before, so no check is weakened (`order_facts`, `_led_units`)."""
    ends = leaders.period_end(cycle) if reads_leaders(cycle) else None
    return with_period_facts(evaluations, cycle.year, cycle.quarter, leaders_on=ends)


def with_period_facts(
    evaluations: QuerySet[Evaluation],
    year: int,
    quarter: int | None,
    *,
    leaders_on: dt.date | None,
) -> QuerySet[Evaluation]:
    """`with_decision_facts` for the cycles of a period, the leaders (qd366) read on the day
    `leaders_on` when given (the values may be slots of a compiled statement:
    `core.statements`)."""
    current = Decision.objects.filter(evaluation=OuterRef("pk"), status=DecisionStatus.CURRENT)
    organizations = Evaluation.objects.filter(
        period_q("cycle__", year, quarter), subject_kind=SubjectKind.ORGANIZATION
    ).exclude(Exists(current))
    annotations: dict[str, Exists] = {
        "decided": Exists(current),
        "undecided_collective": Exists(organizations.filter(organization_id=OuterRef("unit_id"))),
        "undecided_subordinate": Exists(organizations.filter(unit_id=OuterRef("organization_id"))),
        # qd366: the frame a score is counted on (`point_frame`) is read only for a bound set.
        "bound_to_a_set": bound_to_a_set(),
    }
    if leaders_on is not None:
        annotations |= leaders.leading_on(leaders_on)
        annotations["on_committee"] = leaders.on_committee_on(leaders_on)
    return evaluations.annotate(**annotations).prefetch_related(
        Prefetch("assessments", queryset=current_tiers(), to_attr="current_assessments")
    )


def current_tiers() -> QuerySet[Assessment]:
    """The current assessments (one per tier), in tier order: what the checks read of an
    evaluation's tiers (`current_assessments` on it, `selectors.current_assessments`)."""
    return Assessment.objects.filter(is_current=True).order_by("tier")


def order_facts(ev: Evaluation) -> DecisionOrderFacts:
    """What must be decided before this evaluation (used by qd124 and qd366)."""
    cycle = ev.cycle

    def undecided() -> QuerySet[Evaluation]:  # built only when read: most decisions need not
        return Evaluation.objects.filter(
            period_q("cycle__", cycle.year, cycle.quarter), subject_kind=SubjectKind.ORGANIZATION
        ).exclude(decisions__status=DecisionStatus.CURRENT)

    # qd366 (issue 24): the head after every unit he or she leads, the agency before its Party
    # organization (Điều 12); older cycles keep their order as it was.
    qd366 = reads_leaders(cycle)
    if ev.subject_kind == SubjectKind.MEMBER:
        assert ev.member is not None
        # qd366 Điều 12: the leadership collective before its members, and members before the
        # Party organization: only a member of the unit's committee waits for the unit (qd124
        # rates every collective before its individuals, as it did).
        waits = getattr(ev, "undecided_collective", True) and (
            not qd366 or leaders.sits_on_committee(ev)
        )
        return DecisionOrderFacts(
            subject_kind=RuleSubjectKind.MEMBER,
            subject=subject_code(ev),
            undecided_collectives=(
                tuple(
                    undecided()
                    .filter(organization_id=ev.unit_id)
                    .values_list("organization__code", flat=True)
                )
                if waits
                else ()
            ),
            undecided_led_units=tuple(
                f"{unit.role} ({unit.code})" for unit in _led_units(ev) if unit.level is None
            ),
        )
    assert ev.organization is not None
    subordinates = undecided().filter(unit_id=ev.organization_id).order_by("subject_path")
    return DecisionOrderFacts(
        subject_kind=RuleSubjectKind.ORGANIZATION,
        subject=subject_code(ev),
        undecided_subordinates=(
            tuple(subordinates.values_list("organization__code", flat=True))
            if getattr(ev, "undecided_subordinate", True)
            else ()
        ),
        undecided_same_level_bodies=(
            leaders.undecided_agency(ev.organization, ev) if qd366 else ()
        ),
        # Quarters rate leaders (KL 198); nothing requires quarterly ratings of ordinary
        # members (DOMAIN.md §5), so only the year's organization waits for them.
        undecided_members=(
            _undecided_ordinary_members(ev) if qd366 and cycle.quarter is None else ()
        ),
    )


def _undecided_ordinary_members(ev: Evaluation) -> tuple[str, ...]:
    """qd366 Điều 12, members before the Party organization: the names of the organization's
    own members in the period with no current decision, leaving out those who sit on its
    committee or on a committee above it (they are rated with that collective, after it:
    `qd366.order.collective_first`, `qd366.order.head_after_unit`; else a grassroots Bí thư in
    one of its cells would deadlock the order) and those who do
    not review (Điều 5: suspended, exempted, admitted too recently), whom nobody classifies."""
    cycle = ev.cycle
    assert ev.organization is not None
    profile = profile_of(cycle)
    end = period_of(cycle).end
    in_period = period_q("cycle__", cycle.year, cycle.quarter)
    # Decided in any cycle of the period (a nested committee's own cycle lists them too).
    decided = Evaluation.objects.filter(
        in_period,
        member_id=OuterRef("member_id"),
        decisions__status=DecisionStatus.CURRENT,
    )
    rows = (
        Evaluation.objects.filter(
            in_period, subject_kind=SubjectKind.MEMBER, unit_id=ev.organization_id
        )
        .exclude(Exists(decided))
        .exclude(Exists(leaders.roles_held_in_or_above(cycle, ev.organization)))
        .select_related("member")
        .order_by("member__card_number")
    )
    names: list[str] = []
    for row in rows:
        if profile.not_classified_reason(review_facts(row, end)) is None:
            assert row.member is not None
            names.append(row.member.full_name)
    return tuple(names)


# --- checks of one outcome -------------------------------------------------------------------


def level_findings(
    ev: Evaluation,
    outcome: Outcome,
    *,
    profile: Profile | None = None,
    grades: Mapping[str, str] | None = None,
    points: Mapping[str, object] | None = None,
    proposed_or_decided: bool = False,
) -> list[Finding]:
    """The profile's level conditions for this outcome: errors refuse it, warnings inform.

    `proposed_or_decided`: the cell's proposal or the competent body's decision, which under
    qd366 may give a member `excellent` or `good` only on a score (`qd366.member_scored_level`).

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
        if proposed_or_decided and uses_points(profile):
            findings = [*findings, *qd366.member_scored_level(facts, outcome)]
    else:
        findings = profile.check_organization_decision(facts, outcome)
    if uses_points(profile) and facts.points is not None:
        score = profile.score_total(facts.frame or point_frame(ev), facts.points)
        findings = [*score.errors, *findings]
    return findings


def decision_findings(
    ev: Evaluation,
    outcome: Outcome,
    *,
    profile: Profile | None = None,
    deciding_body: Organization | None = None,
) -> list[Finding]:
    """What a decision runs before the quota: who may decide it (qd366, HD 43 §3: by default
    the cycle's organization; None for a superior's reclassification, which the superior may
    always make), the level conditions, then the order of decisions (the quota of the whole
    batch is `quota_verdicts`)."""
    profile = profile or profile_of(ev.cycle)
    findings: list[Finding] = []
    if deciding_body is not None and uses_points(profile):
        findings += profile.check_deciding_body(deciding_body_facts(ev, deciding_body))
    findings += level_findings(ev, outcome, profile=profile, proposed_or_decided=True)
    if isinstance(outcome, Level) and profile.orders_decisions:
        findings += profile.check_decision_order(order_facts(ev))
    if isinstance(outcome, Level) and uses_points(profile):
        findings += qd366.decision_steps(subject_code(ev), _missing_steps(ev))
    if (
        uses_points(profile)
        and profile.params.quarter_not_completed_bars_excellent
        and outcome is Level.EXCELLENT
        and ev.cycle.quarter is None
    ):
        findings += [
            dataclasses.replace(f, subject=subject_code(ev))
            for f in qd366.year_after_quarters(outcome, quarter_levels(ev), profile.params)
        ]
    return findings


def _missing_steps(ev: Evaluation) -> list[str]:
    """The steps before a decision (Điều 12) with no current assessment: the subject's own
    self-assessment, and any appraisal or proposal (the cell's or the committee's)."""
    tiers = set(current_assessments(ev))
    missing = []
    if Tier.SELF not in tiers:
        missing.append("bản tự đánh giá, xếp loại")
    if not tiers & {Tier.CELL, Tier.COMMITTEE}:
        missing.append("ý kiến thẩm định, đề xuất")
    return missing


def quarter_levels(ev: Evaluation) -> dict[int, Level]:
    """The current decided levels of the same subject in the quarters of its year (the local
    rule linking the quarters to the year reads them)."""
    subject = (
        Q(evaluation__member_id=ev.member_id)
        if ev.member_id
        else Q(evaluation__organization_id=ev.organization_id)
    )
    rows = Decision.objects.filter(
        subject,
        status=DecisionStatus.CURRENT,
        evaluation__cycle__year=ev.cycle.year,
        evaluation__cycle__quarter__isnull=False,
    ).exclude(level="")
    return {
        quarter or 0: Level(level)
        for quarter, level in rows.values_list("evaluation__cycle__quarter", "level")
    }


def _body(org: Organization) -> qd366.Body:
    return qd366.Body(code=org.code, name=org.name)


def _nearest_grassroots(paths: Sequence[str]) -> qd366.Body | None:
    found = (
        Organization.objects.filter(path__in=paths, kind=OrganizationKind.GRASSROOTS)
        .order_by("-depth")
        .first()
    )
    return None if found is None else _body(found)


def deciding_body_facts(ev: Evaluation, body: Organization) -> qd366.DecidingBodyFacts:
    """Who decides `ev` and the bodies HD 43 §3 could name: the grassroots organization above
    the subject (read only when the subject is not a direct cell or member of `body`) and an
    organization's directly superior committee (its `unit`)."""
    here = _body(body)
    unit = ev.unit
    direct = body.kind == OrganizationKind.GRASSROOTS and (
        unit.pk == body.pk or (unit.parent_id == body.pk and unit.kind == OrganizationKind.CELL)
    )
    if ev.subject_kind == SubjectKind.MEMBER:
        return qd366.DecidingBodyFacts(
            subject=subject_code(ev),
            subject_kind=RuleSubjectKind.MEMBER,
            deciding_body=here,
            grassroots=here if direct else _nearest_grassroots(ancestor_paths(ev.subject_path)),
        )
    org = ev.organization
    assert org is not None
    is_cell = org.kind == OrganizationKind.CELL
    grassroots: qd366.Body | None = None
    if is_cell:
        grassroots = (
            here
            if body.kind == OrganizationKind.GRASSROOTS and unit.pk == body.pk
            else _nearest_grassroots(ancestor_paths(org.path)[:-1])
        )
    return qd366.DecidingBodyFacts(
        subject=subject_code(ev),
        subject_kind=RuleSubjectKind.ORGANIZATION,
        deciding_body=here,
        is_cell=is_cell,
        grassroots=grassroots,
        superior=here if unit.pk == body.pk else _body(unit),
    )


# --- the quota on `excellent` --------------------------------------------------------------------


def quota_scope(ev: Evaluation, profile: Profile) -> tuple[str | None, str]:
    """The current decisions the quota on `excellent` counts with this one, and their label:
    those of the cycle's evaluations of the same kind, within the peer group given (None: all).

    The scope is the cycle (the deciding organization: HD 21's grassroots organization); under a
    `peer_group` scope, evaluations carrying a peer group are counted within it.
    """
    label = ev.cycle.organization.code
    if uses_points(profile):
        # qd366 (issue 24): every subject is in exactly one group, "" the not-grouped ones.
        return ev.peer_group, ev.peer_group or UNGROUPED
    if profile.params.quota_scope is QuotaScope.PEER_GROUP and ev.peer_group:
        return ev.peer_group, f"{label} / {ev.peer_group}"
    return None, label


def _scope_levels(by_group: Hashable) -> QuerySet[Decision, tuple[int, str]]:
    """The levels of the current decisions in a quota scope (`quota_scope`): the cycle's (slot
    `cycle`) evaluations of a kind (slot `kind`), by_group: of a peer group (slot `group`).
    Counted, so unordered: the default order joined the cycle and its organization to sort rows
    nobody reads in order (one current decision per evaluation)."""
    query = Q(
        evaluation__cycle_id=slot("cycle", IntegerField()),
        evaluation__subject_kind=slot("kind", CharField()),
    )
    if by_group:
        query &= Q(evaluation__peer_group=slot("group", CharField()))
    return (
        Decision.objects.filter(query, status=DecisionStatus.CURRENT)
        .exclude(level="")
        .order_by()
        .values_list("evaluation_id", "level")
    )


# Compiled once per connection and shape (`core.statements`): building it on every decision was
# a tenth of the decision's CPU (issue 22).
_SCOPE_LEVELS: Statement[Decision] = Statement(_scope_levels)


@dataclass(frozen=True)
class Change:
    """One outcome a decision (new, correction or reclassification) would give an evaluation."""

    evaluation: Evaluation
    outcome: Outcome
    justification: str = ""


def quota_verdicts(changes: Sequence[Change], profile: Profile) -> dict[int, QuotaVerdict]:
    """The quota's verdict for each evaluation of the changes, counted as the result would stand.

    The changes are grouped by quota scope; in each, the counts before are the scope's current
    decisions and the counts after replace the changed evaluations' current decisions (if any) by
    their new outcomes, all at once, so a batch is judged by its final state whatever its order.
    A scope's verdict goes to the changes that take the places beyond the cap: its last changes to
    `excellent` in the order given, as many as the overflow grows (all of its changes when none
    is to `excellent`); it is justified when each of those carries a justification. Read under a
    decision's lock on the cycle.
    """
    scopes: dict[str, tuple[tuple[int, str | None], RuleSubjectKind, list[Change]]] = {}
    seen: set[int] = set()
    for change in changes:
        ev = change.evaluation
        if ev.pk in seen:  # the same evaluation twice: the second is refused as decided
            continue
        seen.add(ev.pk)
        group, label = quota_scope(ev, profile)
        kind = RuleSubjectKind(ev.subject_kind)
        scope = (ev.cycle_id, group)
        scopes.setdefault(f"{kind}:{label}", (scope, kind, []))[2].append(change)
    out: dict[int, QuotaVerdict] = {}
    for key, ((cycle_id, group), kind, items) in scopes.items():
        label = key.split(":", 1)[1]
        values = {"cycle": cycle_id, "kind": items[0].evaluation.subject_kind, "group": group}
        rows = _SCOPE_LEVELS.tuples(group is not None, values)
        current: dict[int, str] = {row[0]: row[1] for row in rows}
        before = QuotaCounts.of(Level(level) for level in current.values())
        changed = {item.evaluation.pk for item in items}
        after = QuotaCounts.of(
            [Level(level) for pk, level in current.items() if pk not in changed]
            + [item.outcome for item in items if isinstance(item.outcome, Level)]
        )
        policy = profile.quota_policy()
        note = ""
        if uses_points(profile):
            # qd366 (issue 24): the group's rate (a recorded exception up to 25 %), small groups
            first = items[0].evaluation
            exception = (
                quota_exception_for(first.cycle, first.subject_kind, first.peer_group)
                if getattr(first.cycle, "has_quota_exceptions", True)
                else None
            )
            policy = profile.group_policy(after, exception)
            note = qd366.group_quota_note(label, exception, after, profile.params)
        growth = quota.overflow(after, policy) - max(quota.overflow(before, policy), 0)
        excellent = [item for item in items if item.outcome is Level.EXCELLENT]
        taking = excellent[max(len(excellent) - growth, 0) :] if excellent and growth > 0 else items
        reasons = [item.justification.strip() for item in taking]
        justification = "; ".join(dict.fromkeys(reasons)) if all(reasons) else ""
        verdict = profile.judge_quota(
            before, after, kind, justification=justification, scope_label=label, policy=policy
        )
        if note:
            verdict = dataclasses.replace(
                verdict,
                findings=tuple(
                    dataclasses.replace(f, message=f.message + note) for f in verdict.findings
                ),
            )
        for item in items:
            out[item.evaluation.pk] = verdict if item in taking else QuotaVerdict()
    return out


def is_quota_finding(finding: Finding) -> bool:
    return QUOTA_RULE_MARK in finding.rule


# --- a batch, before it is decided ---------------------------------------------------------------


def batch_findings(cycle: Cycle, changes: Sequence[Change]) -> list[Finding]:
    """Every finding the decisions of `changes` (in the order given) would meet, errors and
    warnings, each naming its subject: the checks `services.decide_many` runs, read-only.

    Each evaluation is checked on the current decisions (not on the batch's earlier ones, which
    a page's inline check has not written), and the quota on the whole batch.
    """
    profile = profile_of(cycle)
    wanted = list(changes)
    verdicts = quota_verdicts(wanted, profile)
    decided = set(
        Decision.objects.filter(
            evaluation_id__in=[c.evaluation.pk for c in wanted], status=DecisionStatus.CURRENT
        ).values_list("evaluation_id", flat=True)
    )
    out: list[Finding] = []
    for change in wanted:
        ev = change.evaluation
        code = subject_code(ev)
        if ev.pk in decided:
            found = [
                Finding(rule="evaluation.already_decided", citation="", message=ALREADY_DECIDED)
            ]
        else:
            found = decision_findings(
                ev, change.outcome, profile=profile, deciding_body=cycle.organization
            )
            found += verdicts[ev.pk].findings
        out += [dataclasses.replace(f, subject=code) for f in found]
    return out


# --- findings of decided results -----------------------------------------------------------------


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
        found = profile.check_quota(levels, subject=RuleSubjectKind(kind), scope_label=label)
        if uses_points(profile):
            # qd366 (issue 24): per group, with its recorded exception
            label = peer or UNGROUPED
            found = profile.check_group_quota(
                levels,
                subject_kind=RuleSubjectKind(kind),
                group=label,
                exception=quota_exception_for(cycle, kind, peer),
            )
        for finding in found:
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
        period_q("", year, quarter), organization__path__startswith=org.path
    ).select_related("organization")
    out: list[Finding] = []
    for cycle in cycles.order_by("organization__path"):
        out += cycle_findings(cycle)
    outside = Decision.objects.filter(
        period_q("evaluation__cycle__", year, quarter),
        status=DecisionStatus.CURRENT,
        evaluation__subject_path__startswith=org.path,
    ).exclude(evaluation__cycle__organization__path__startswith=org.path)
    seen = {(f.rule, f.subject) for f in out}
    for finding in _stored_warnings(outside):
        if (finding.rule, finding.subject) not in seen:
            out.append(finding)
    return out
