"""Profile qd366 (366-QĐ/TW + HD 43): the 100-point frame, score bands, conditions, the minimum."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    LedUnit,
    Level,
    MemberFacts,
    OrganizationFacts,
    Period,
    PointCriterion,
    PointFrame,
    PointGroup,
    SubjectKind,
    TaskTally,
    at_least,
)
from tongket.evaluation.regulations import qd366
from tongket.evaluation.regulations.qd366 import SAMPLE_FRAME, level_by_score, score_total
from tongket.evaluation.tests.regulations import (
    C,
    E,
    G,
    N,
    assert_case,
    decision_properties,
    facts_with,
    levels,
    member_record,
    organization_record,
    rules_of,
    tallies,
)

PROFILE = qd366.PROFILE
FULL = {c.code: c.max_points for c in SAMPLE_FRAME.criteria}  # 100 points
ALL_DONE = TaskTally(total=10, completed=10, on_time=10, late=0, exceeded=3)


def points_totalling(total: str) -> dict[str, Decimal]:
    """Full marks, lowered criterion by criterion (task results first) so the sum is `total`."""
    points = dict(FULL)
    missing = Decimal(100) - Decimal(total)
    for code in ("2.1", "2.2", "2.3", "1.1"):
        taken = min(missing, points[code])
        points[code] -= taken
        missing -= taken
    return points


def member(**changes: object) -> MemberFacts:
    defaults = {"subject": "0001", "points": FULL, "tasks": ALL_DONE}
    return facts_with(MemberFacts, defaults, changes)


def collective(**changes: object) -> OrganizationFacts:
    defaults = {"points": FULL, "tasks": ALL_DONE, "subordinate_units": 10}
    return facts_with(OrganizationFacts, defaults, changes)


def two_criteria(
    code: str, title: str, general: tuple[str, int], tasks: tuple[str, int]
) -> PointFrame:
    """A frame of criterion A (general) and criterion B (tasks), each a (name, maximum)."""
    return PointFrame(
        code=code,
        title=title,
        criteria=(
            PointCriterion("A", general[0], Decimal(general[1]), PointGroup.GENERAL),
            PointCriterion("B", tasks[0], Decimal(tasks[1]), PointGroup.TASKS),
        ),
    )


def led_by(units: list[tuple[Level | None, TaskTally | None]]) -> tuple[LedUnit, ...]:
    """The units U0, U1 … the member leads, each with its (level, tasks)."""
    return tuple(
        LedUnit(f"U{n}", f"Bí thư Đơn vị {n}", level, tasks)
        for n, (level, tasks) in enumerate(units)
    )


# --- the frame and the score -------------------------------------------------------------------


def test_sample_frame_is_general_30_plus_task_results_70():
    assert SAMPLE_FRAME.group_max(PointGroup.GENERAL) == 30
    assert SAMPLE_FRAME.group_max(PointGroup.TASKS) == 70
    assert qd366.check_frame(SAMPLE_FRAME) == []


def test_a_local_frame_replaces_the_sample_and_is_checked_against_30_plus_70():
    local = two_criteria(
        "tinh-uy", "Khung của Tỉnh ủy", ("Tiêu chí chung", 30), ("Kết quả nhiệm vụ", 70)
    )
    verdict = score_total(local, {"A": Decimal(28), "B": Decimal("61.5")})
    assert verdict.ok
    assert verdict.value == Decimal("89.5")
    wrong = two_criteria("sai", "Khung sai", ("Chung", 40), ("Nhiệm vụ", 60))
    findings = score_total(wrong, {"A": Decimal(1), "B": Decimal(1)}).findings
    assert [f.rule for f in findings] == ["qd366.score.frame", "qd366.score.frame"]


@pytest.mark.parametrize(
    ("change", "rule", "named"),
    [
        ({"1.1": Decimal("8.01")}, "qd366.score.out_of_range", "1.1"),
        ({"2.3": Decimal(-1)}, "qd366.score.out_of_range", "2.3"),
        ({"9.9": Decimal(1)}, "qd366.score.unknown_criterion", "9.9"),
    ],
)
def test_score_total_errors_name_the_criterion(change, rule, named):
    points = {**FULL, **change}
    verdict = score_total(SAMPLE_FRAME, points)
    assert not verdict.ok
    (error,) = verdict.errors
    assert error.rule == rule
    assert named in error.message


def test_a_criterion_not_scored_is_an_error_naming_it():
    points = {code: value for code, value in FULL.items() if code != "1.3"}
    verdict = score_total(SAMPLE_FRAME, points)
    assert [f.rule for f in verdict.errors] == ["qd366.score.missing"]
    assert "1.3 «Ý thức tổ chức kỷ luật»" in verdict.errors[0].message
    assert verdict.value == Decimal(93)


def test_score_total_of_full_marks_is_100():
    verdict = score_total(SAMPLE_FRAME, FULL)
    assert verdict.ok
    assert verdict.value == Decimal(100)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ("100", E),
        ("90", E),
        ("89.99", G),
        ("70", G),
        ("69.99", C),
        ("50", C),
        ("49.99", N),
        ("0", N),
    ],
)
def test_level_by_score_bottoms_are_inclusive(points, expected):
    assert level_by_score(Decimal(points)) is expected
    assert PROFILE.level_by_score(Decimal(points)) is expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [("90", E), ("89.99", G), ("70", G), ("69.99", C), ("50", C), ("49.99", N)],
)
def test_member_level_by_score_reads_the_points_of_the_frame(total, expected):
    facts = member(points=points_totalling(total))
    assert PROFILE.member_level_by_score(facts).value is expected
    assert PROFILE.member_level_allowed(facts).value is expected


def test_score_message_writes_the_total_with_a_decimal_comma():
    verdict = PROFILE.member_level_by_score(member(points=points_totalling("89.99")))
    (finding,) = verdict.findings
    assert finding.rule == "qd366.member.excellent.score"
    assert "89,99/100" in finding.message


def test_points_not_recorded_only_warn_and_leave_the_level_to_the_conditions():
    facts = member(points=None)
    verdict = PROFILE.member_level_allowed(facts)
    assert verdict.value is E
    findings = PROFILE.check_member_decision(facts, E)
    assert [(f.rule, f.severity) for f in findings] == [
        ("qd366.member.score.not_recorded", Severity.WARNING)
    ]


def test_invalid_points_block_every_decision():
    facts = member(points={**FULL, "1.1": Decimal(9)})
    for level in Level.descending():
        rules = {
            f.rule
            for f in PROFILE.check_member_decision(facts, level)
            if f.severity is Severity.ERROR
        }
        assert "qd366.score.out_of_range" in rules


# --- conditions --------------------------------------------------------------------------------

TASK_CASES = [
    # total, completed, on_time, late, exceeded -> level by the tasks condition
    ((10, 10, 10, 0, 3), E),  # exactly 30 % exceeding
    ((10, 10, 10, 0, 2), G),  # 20 % exceeding: good
    ((3, 3, 3, 0, 1), E),  # 33,3 %
    ((10, 10, 9, 1, 1), C),  # one late: not good
    ((10, 10, 8, 2, 0), C),  # exactly 20 % late
    ((10, 10, 7, 3, 0), C),  # 30 % late: short of completed, warned; not a case of Điều 11.4
    ((10, 9, 9, 0, 5), C),  # not every task completed: likewise (the case needs > 50 %)
    ((0, 0, 0, 0, 0), E),  # no task assigned: nothing to fail
]


@pytest.mark.parametrize(("tally", "expected"), TASK_CASES)
def test_task_conditions_on_time_exceeding_and_late_shares(tally, expected):
    total, completed, on_time, late, exceeded = tally
    tasks = TaskTally(total, completed, on_time, late, exceeded)
    verdict = PROFILE.member_level_by_conditions(member(tasks=tasks))
    assert verdict.value is expected
    if expected is not E:
        assert any(f.rule.endswith(".tasks") for f in verdict.findings)


MEMBER_CASES = [
    ({}, E, None),
    ({"earlier_shortcomings_remedied": False}, G, "qd366.member.excellent.shortcomings"),
    ({"led_units": (LedUnit("CB1", "Bí thư Chi bộ 1", E),)}, E, None),
    (
        {"led_units": (LedUnit("CB1", "Bí thư Chi bộ 1", G),)},
        G,
        "qd366.member.excellent.leader_unit",
    ),
    ({"led_units": (LedUnit("CB1", "Bí thư Chi bộ 1", C),)}, C, "qd366.member.good.leader_unit"),
    # Điều 11 names the led unit for completed too: no floor
    (
        {"led_units": (LedUnit("CB1", "Bí thư Chi bộ 1", N),)},
        N,
        "qd366.member.not_completed.leader_unit",
    ),
    # the checkbox of older cycles is not read under 366: a warning asks for the role
    ({"is_leader": True, "led_unit_level": G}, E, "qd366.member.leader.no_role"),
    # long sick leave and maternity: classified on the actual results, no cap (Điều 5)
    ({"sick_leave_months": Decimal(3)}, E, "qd366.member.sick_leave.actual_results"),
    ({"sick_leave_months": Decimal(11)}, E, "qd366.member.sick_leave.actual_results"),
    ({"maternity_leave": True}, E, "qd366.member.maternity_leave"),
    ({"disciplined": True}, N, "qd366.member.not_completed.discipline"),
    (
        {"disciplined": True, "discipline_self_remedied": True},
        G,
        "qd366.member.excellent.discipline",
    ),
    ({"degradation_concluded": True}, N, "qd366.member.not_completed.degradation"),
    ({"civil_service_level": G}, G, "qd366.member.excellent.civil_service_cap"),
    ({"targets_assigned": 2, "targets_met": 0}, N, "qd366.member.not_completed.targets"),
    ({"tasks": None}, E, "qd366.member.tasks.not_recorded"),
]


@pytest.mark.parametrize(("overrides", "expected", "rule"), MEMBER_CASES)
def test_member_level_allowed_follows_each_condition(overrides, expected, rule):
    assert_case(PROFILE.member_level_allowed(member(**overrides)), expected, rule)


def test_level_is_the_lower_of_score_and_conditions():
    facts = member(points=points_totalling("95"), tasks=TaskTally(10, 10, 9, 1, 0))
    assert PROFILE.member_level_by_score(facts).value is E
    assert PROFILE.member_level_by_conditions(facts).value is C
    assert PROFILE.member_level_allowed(facts).value is C
    facts = member(points=points_totalling("60"), tasks=ALL_DONE)
    assert PROFILE.member_level_allowed(facts).value is C
    errors = PROFILE.check_member_decision(facts, G)
    assert rules_of(errors) == {"qd366.member.good.score"}


def test_without_the_124_list_a_disciplined_member_is_only_kept_from_excellent():
    profile = PROFILE.with_params(not_completed_cases_from_qd124=False)
    facts = member(disciplined=True, degradation_concluded=True)
    verdict = profile.member_level_allowed(facts)
    assert verdict.value is G
    assert rules_of(verdict.findings) == {"qd366.member.excellent.discipline"}


ORGANIZATION_CASES = [
    ({}, E, None),
    ({"earlier_shortcomings_remedied": False}, G, "qd366.organization.excellent.shortcomings"),
    ({"disciplined": True}, N, "qd366.organization.not_completed.discipline"),
    (
        {"disciplined": True, "discipline_self_remedied": True},
        G,
        "qd366.organization.excellent.discipline",
    ),
    (
        {"subordinate_units_disciplined": 2},
        G,
        "qd366.organization.excellent.subordinate_discipline",
    ),
    (
        {"subordinate_units_disciplined": 3},
        N,
        "qd366.organization.not_completed.subordinate_discipline",
    ),
    (
        {"leadership_discipline": DisciplineForm.REPRIMAND},
        G,
        "qd366.organization.excellent.leadership_discipline",
    ),
    (
        {"leadership_discipline": DisciplineForm.DISMISSAL},
        N,
        "qd366.organization.not_completed.leadership_discipline",
    ),
    ({"disunity": True}, N, "qd366.organization.not_completed.disunity"),
    ({"points": points_totalling("69.99")}, C, "qd366.organization.good.score"),
    ({"tasks": TaskTally(5, 5, 5, 0, 1)}, G, "qd366.organization.excellent.tasks"),
]


@pytest.mark.parametrize(("overrides", "expected", "rule"), ORGANIZATION_CASES)
def test_organization_level_allowed_follows_each_condition(overrides, expected, rule):
    assert_case(PROFILE.organization_level_allowed(collective(**overrides)), expected, rule)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"disunity": True}, E),
        ({"subordinate_units_disciplined": 5}, G),
        ({"leadership_discipline": DisciplineForm.EXPULSION}, G),
        ({"disciplined": True}, G),
    ],
)
def test_without_the_124_list_organizations_only_lose_excellent(overrides, expected):
    profile = PROFILE.with_params(not_completed_cases_from_qd124=False)
    assert profile.organization_level_allowed(collective(**overrides)).value is expected


def test_quarters_and_terms_are_evaluation_periods_under_366():
    assert PROFILE.check_period(Period(2026, 1)) == []
    assert PROFILE.check_period(Period(2025)) == []


def test_decision_order_applies_under_366():
    facts = DecisionOrderFacts(subject_kind=SubjectKind.MEMBER, undecided_led_units=("Phòng B",))
    assert rules_of(PROFILE.check_decision_order(facts)) == {"qd366.order.head_after_unit"}


@pytest.mark.parametrize(
    "overrides",
    [
        {"good_min_score": 95},
        {"completed_min_score": 70},
        {"general_max_points": 40},
    ],
)
def test_score_parameters_must_stay_consistent(overrides):
    with pytest.raises(DomainError):
        PROFILE.with_params(**overrides)


def test_score_bands_are_parameters():
    profile = PROFILE.with_params(excellent_min_score=Decimal(95))
    assert profile.level_by_score(Decimal(94)) is G
    assert PROFILE.level_by_score(Decimal(94)) is E


# --- properties ----------------------------------------------------------------------------------

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(scores, scores)
def test_level_by_score_is_monotone_in_the_points(a, b):
    low, high = min(a, b), max(a, b)
    assert at_least(level_by_score(high), level_by_score(low))


@st.composite
def frame_points(draw: st.DrawFn) -> dict[str, Decimal]:
    return {
        c.code: draw(st.decimals(min_value=0, max_value=c.max_points, places=2))
        for c in SAMPLE_FRAME.criteria
    }


@st.composite
def classified_members(draw: st.DrawFn) -> MemberFacts:
    return facts_with(
        MemberFacts,
        draw(member_record(max_targets=4)),
        {
            "points": draw(st.none() | frame_points()),
            "tasks": draw(st.none() | tallies()),
            "earlier_shortcomings_remedied": draw(st.booleans()),
            "sick_leave_months": Decimal(draw(st.integers(0, 6))),
            "led_units": tuple(
                LedUnit(
                    f"U{n}", f"Bí thư U{n}", draw(st.none() | levels), draw(st.none() | tallies())
                )
                for n in range(draw(st.integers(0, 3)))
            ),
        },
    )


@given(classified_members())
def test_final_member_level_is_never_above_either_component(facts):
    final = PROFILE.member_level_allowed(facts).value
    assert at_least(PROFILE.member_level_by_score(facts).value, final)
    assert at_least(PROFILE.member_level_by_conditions(facts).value, final)


@st.composite
def organizations(draw: st.DrawFn) -> OrganizationFacts:
    return facts_with(
        OrganizationFacts,
        draw(organization_record()),
        {
            "points": draw(st.none() | frame_points()),
            "tasks": draw(st.none() | tallies()),
            "earlier_shortcomings_remedied": draw(st.booleans()),
        },
    )


@given(organizations())
def test_final_organization_level_is_never_above_either_component(facts):
    final = PROFILE.organization_level_allowed(facts).value
    assert at_least(PROFILE.organization_level_by_score(facts).value, final)
    assert at_least(PROFILE.organization_level_by_conditions(facts).value, final)


(
    test_check_member_decision_accepts_exactly_the_levels_at_or_below_the_allowed_level,
    test_check_organization_decision_accepts_exactly_the_levels_at_or_below_the_allowed_level,
) = decision_properties(PROFILE, classified_members(), organizations())


# --- leaders and their units (Điều 11) ---------------------------------------------------------

EXCELLENT_TASKS = TaskTally(10, 10, 10, 0, 3)
LEADER_CASES = [
    # led units (decided level, task figures) -> the leader's highest level
    ([(E, EXCELLENT_TASKS)], E),
    ([(E, TaskTally(10, 10, 10, 0, 2))], G),  # 20 % exceeded: the unit is not excellent-grade
    ([(E, TaskTally(10, 10, 9, 1, 0))], C),  # one task late: not good-grade
    ([(E, TaskTally(10, 10, 8, 2, 0))], C),  # exactly 20 % late: still completed-grade
    ([(E, TaskTally(10, 10, 7, 3, 0))], C),  # 30 % late: the leader's cases decide below that
    ([(G, EXCELLENT_TASKS)], G),  # the decided level caps even with excellent figures
    ([(E, None)], E),  # no figures recorded: the decided level alone
    ([(E, EXCELLENT_TASKS), (G, None)], G),  # several units: checked against each
    ([(G, None), (C, None)], C),
    ([(None, None)], E),  # not decided: a warning here, the order refuses the decision
]
REFUSED = {G: "excellent", C: "good", N: "not_completed"}


@pytest.mark.parametrize(("units", "expected"), LEADER_CASES)
def test_a_leader_reaches_a_level_only_when_every_led_unit_meets_it(units, expected):
    verdict = qd366.member_leader_unit(member(led_units=led_by(units)), qd366.DEFAULTS)
    assert verdict.value is expected
    for finding in verdict.findings:
        assert "Điều 11" in finding.citation
    if expected is not E:
        assert f"qd366.member.{REFUSED[expected]}.leader_unit" in rules_of(verdict.findings)


def test_a_leader_of_an_undecided_unit_is_warned_and_the_unit_is_named():
    led = (LedUnit("QT.X", "Bí thư Chi bộ X", None),)
    verdict = qd366.member_leader_unit(member(led_units=led), qd366.DEFAULTS)
    (finding,) = verdict.findings
    assert finding.rule == "qd366.member.leader.unit_not_decided"
    assert finding.severity is Severity.WARNING
    assert "Bí thư Chi bộ X" in finding.message


def test_a_secretary_of_a_good_cell_cannot_be_decided_excellent():
    facts = member(led_units=(LedUnit("QT.X", "Bí thư Chi bộ X", G),))
    errors = [f for f in PROFILE.check_member_decision(facts, E) if f.severity is Severity.ERROR]
    assert rules_of(errors) == {"qd366.member.excellent.leader_unit"}
    assert "Hoàn thành tốt nhiệm vụ" in errors[0].message
    assert PROFILE.check_member_decision(facts, G) == []


# --- who is reviewed (Điều 5; HD 43 point 7) ---------------------------------------------------

END = Period(2026).end
REVIEW_CASES = [
    # facts -> the rule refusing the review, or None when the member reviews
    ({"joined_on": dt.date(2026, 7, 1)}, "qd366.member.not_reviewed.joined_under_6_months"),
    ({"joined_on": dt.date(2026, 6, 30)}, None),  # exactly 6 months before the end: reviews
    ({"joined_on": dt.date(2026, 7, 2)}, "qd366.member.not_reviewed.joined_under_6_months"),
    ({"exempted": True}, "qd366.member.not_reviewed.exempted"),
    ({"suspended": True}, "qd366.member.not_reviewed.suspended"),
    ({"sick_leave_months": Decimal(6)}, None),
    ({"maternity_leave": True}, None),
]


@pytest.mark.parametrize(("overrides", "rule"), REVIEW_CASES)
def test_new_exempted_and_suspended_members_do_not_review(overrides, rule):
    facts = member(period_end=END, **overrides)
    found = PROFILE.check_review(facts)
    assert rules_of(found) == ({rule} if rule else set())
    if rule:
        assert "Điều 5" in found[0].citation
        assert "không kiểm điểm, không xếp loại" in found[0].message
        # and they are not classified either: every level is refused
        assert rules_of(PROFILE.check_member_decision(facts, C)) == {rule}
        assert PROFILE.not_classified_reason(facts) is not None


def test_under_qd132_a_new_member_still_reviews_but_is_not_classified():
    from tongket.evaluation.regulations import qd132

    facts = MemberFacts(joined_on=dt.date(2020, 9, 1), period_end=Period(2020).end)
    finding = qd132.PROFILE.not_classified(facts)
    assert finding is not None
    assert "tham gia kiểm điểm" in finding.message


def test_long_sick_leave_is_capped_under_qd132_and_not_under_qd366():
    from tongket.evaluation.regulations import qd132

    sick = {"sick_leave_months": Decimal(4)}
    assert PROFILE.member_level_allowed(member(**sick)).value is E
    assert qd132.PROFILE.member_level_allowed(MemberFacts(**sick)).value is C  # type: ignore[arg-type]


TEMPORARY_CASES = [
    ({"temporary_cell": "Chi bộ Trường THPT A", "temporary_cell_comment": ""}, True),
    ({"temporary_cell": "Chi bộ Trường THPT A", "temporary_cell_comment": "   "}, True),
    ({"temporary_cell": "Chi bộ Trường THPT A", "temporary_cell_comment": "Hoàn thành tốt"}, False),
    ({}, False),
]


@pytest.mark.parametrize(("overrides", "refused"), TEMPORARY_CASES)
def test_temporary_activity_needs_the_temporary_cells_written_comment(overrides, refused):
    found = PROFILE.check_member_decision(member(**overrides), G)
    rules = rules_of(found)
    assert ("qd366.member.temporary_activity.comment_missing" in rules) is refused
    if refused:
        assert "Chi bộ Trường THPT A" in found[0].message


# --- the order of Điều 12 ----------------------------------------------------------------------

ORDER_CASES = [
    ({"undecided_collectives": ("CB1",)}, "qd366.order.collective_first"),
    ({"undecided_led_units": ("Bí thư Chi bộ 1 (CB1)",)}, "qd366.order.head_after_unit"),
    ({"undecided_subordinates": ("CB2",)}, "qd366.order.lower_first"),
    ({"undecided_same_level_bodies": ("Sở X (SX)",)}, "qd366.order.government_first"),
]


@pytest.mark.parametrize(("pending", "rule"), ORDER_CASES)
def test_each_order_refusal_cites_article_12_and_names_what_is_undecided(pending, rule):
    facts = DecisionOrderFacts(subject_kind=SubjectKind.MEMBER, subject="0001", **pending)
    (finding,) = qd366.decision_order(facts)
    assert finding.rule == rule
    assert "Điều 12" in finding.citation
    assert "Điều 12" in finding.message
    assert next(iter(pending.values()))[0] in finding.message


# --- the quota per group and its exception (Điều 11, point 1.5) --------------------------------

EXCEPTION = qd366.QuotaException(
    percent=Decimal(25),
    number="30-QĐ/ĐU",
    date=dt.date(2026, 12, 1),
    decided_by="Đảng ủy Sở",
    reason="Kết quả nổi trội",
    groups=("Chi bộ",),
)
CAP_CASES = [
    # good, excellent decided (other levels), exception -> cap
    (5, 0, None, 1),  # 20 % of 5 good
    (4, 0, None, 0),  # 0,8 -> floor 0
    (10, 0, None, 2),
    (10, 5, None, 2),  # the base is `good` literally: excellent ones do not count
    (4, 0, EXCEPTION, 1),  # 25 % of 4
    (8, 0, EXCEPTION, 2),
    (3, 0, EXCEPTION, 0),
]


@pytest.mark.parametrize(("good", "excellent", "exception", "cap"), CAP_CASES)
def test_group_cap_is_20_percent_of_those_rated_good_or_25_with_an_exception(
    good, excellent, exception, cap
):
    levels = [G] * good + [E] * excellent + [C, N]
    assert qd366.group_quota_cap(levels, exception=exception) == cap


def test_an_exception_never_raises_the_rate_above_the_maximum():
    over = dataclasses.replace(EXCEPTION, percent=Decimal(40))
    assert qd366.group_quota_cap([G] * 8, exception=over) == 2


def test_over_the_group_cap_is_refused_and_names_group_and_exception():
    levels = [G] * 8 + [E] * 3
    (finding,) = qd366.group_quota_findings(
        levels, subject_kind=SubjectKind.ORGANIZATION, group="Chi bộ", exception=EXCEPTION
    )
    assert finding.rule == "qd366.quota.organization.excellent"
    assert finding.severity is Severity.ERROR
    assert "Điều 11, điểm 1.5" in finding.citation
    assert "Nhóm «Chi bộ»" in finding.message
    assert "30-QĐ/ĐU" in finding.message
    assert (
        qd366.group_quota_findings(
            [G] * 8 + [E] * 2,
            subject_kind=SubjectKind.ORGANIZATION,
            group="Chi bộ",
            exception=EXCEPTION,
        )
        == []
    )


def test_a_small_group_over_its_cap_is_a_warning_to_justify():
    (finding,) = qd366.group_quota_findings(
        [G, G, E], subject_kind=SubjectKind.MEMBER, group="Lãnh đạo"
    )
    assert finding.severity is Severity.WARNING
    assert "nhóm nhỏ" in finding.message


EXCEPTION_CASES = [
    # percent, groups, reason -> rules refused
    (Decimal(25), ("Chi bộ",), "Nổi trội", set()),
    (Decimal("22.5"), ("Chi bộ",), "Nổi trội", set()),
    (Decimal("25.01"), ("Chi bộ",), "Nổi trội", {"qd366.quota.exception.percent"}),
    (Decimal(20), ("Chi bộ",), "Nổi trội", {"qd366.quota.exception.percent"}),
    (Decimal(25), (), "Nổi trội", {"qd366.quota.exception.groups"}),
    (Decimal(25), ("Khác",), "Nổi trội", {"qd366.quota.exception.groups"}),
    (Decimal(25), ("Chi bộ",), "  ", {"qd366.quota.exception.reason"}),
]


@pytest.mark.parametrize(("percent", "groups", "reason", "rules"), EXCEPTION_CASES)
def test_an_exception_is_above_20_up_to_25_percent_for_named_groups_with_a_reason(
    percent, groups, reason, rules
):
    found = qd366.check_quota_exception(
        percent, groups=groups, known_groups=("Chi bộ", "Đảng bộ cơ sở"), reason=reason
    )
    assert rules_of(found) == rules


@given(
    st.lists(st.sampled_from([E, G, C, N]), max_size=30),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_whatever_the_order_of_decisions_excellent_never_exceeds_the_groups_cap(
    wanted, with_exception, rnd
):
    """Decisions arrive in any order; each is checked against the group's decided levels. The
    accepted `excellent` never exceed the cap, and above 20 % only with the recorded exception."""
    exception = EXCEPTION if with_exception else None
    order = list(wanted)
    rnd.shuffle(order)
    decided: list[Level] = []
    for level in order:
        found = qd366.group_quota_findings(
            [*decided, level], subject_kind=SubjectKind.MEMBER, group="Chi bộ", exception=exception
        )
        if level is E and found:
            continue  # refused, or (small group) held until the deciding body justifies it
        decided.append(level)
    excellent = decided.count(E)
    good = decided.count(G)
    assert excellent <= qd366.group_quota_cap(decided, exception=exception)
    assert excellent * 100 <= (25 if with_exception else 20) * good


# --- not_completed cases of a leader (Điều 11.4) -----------------------------------------------

LEADER_NOT_COMPLETED_CASES = [
    # led units (level, tasks) -> not_completed by Điều 11.4?
    ([(G, TaskTally(10, 7, 7, 0, 0))], False),  # exactly 70 % of planned tasks
    ([(G, TaskTally(10, 6, 6, 0, 0))], True),  # under 70 %
    ([(N, None), (G, None)], False),  # exactly 50 % of the units not_completed
    ([(N, None), (N, None), (G, None)], True),  # over 50 %
    ([(N, None)], True),
    ([(None, None)], False),  # not decided: the order rule speaks
]


@pytest.mark.parametrize(("units", "refused"), LEADER_NOT_COMPLETED_CASES)
def test_a_leader_is_not_completed_by_the_led_units_tasks_or_failures(units, refused):
    verdict = qd366.member_leader_units_not_completed(
        member(led_units=led_by(units)), qd366.DEFAULTS
    )
    assert (verdict.value is N) is refused
    if refused:
        (finding,) = verdict.findings
        assert finding.rule == "qd366.member.not_completed.leader_units"
        assert "Điều 11, khoản 4" in finding.citation
