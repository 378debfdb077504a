"""Profile qd132 (132-QĐ/TW + HD 16 + HD 21): every member and organization rule, table-driven."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tongket.core.rules import Severity
from tongket.evaluation.domain import (
    DisciplineForm,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    OrganizationKind,
    Period,
    SubjectKind,
)
from tongket.evaluation.regulations import qd132
from tongket.evaluation.regulations.blocks import grades_level
from tongket.evaluation.tests.regulations import (
    TB,
    XS,
    C,
    E,
    G,
    K,
    N,
    T,
    assert_case,
    decision_properties,
    facts_with,
    graded_members,
    graded_organizations,
    rules_of,
)

PROFILE = qd132.PROFILE


def member(**changes: object) -> MemberFacts:
    defaults = {"subject": "0001", "task_grades": (XS, XS), "other_grades": (T, XS)}
    return facts_with(MemberFacts, defaults, changes)


def cell(**changes: object) -> OrganizationFacts:
    defaults = {
        "kind": OrganizationKind.CELL,
        "subject": "CB01",
        "task_grades": (XS,),
        "other_grades": (T, T),
        "member_levels": (E, G, G, G, G),
    }
    return facts_with(OrganizationFacts, defaults, changes)


# --- grades ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "other", "expected"),
    [
        ((XS, XS), (T, XS), E),
        ((XS, XS), (T, TB), G),  # another criterion only trung bình: not excellent
        ((XS, T), (XS, XS), G),  # one task criterion only tốt: not excellent
        ((T, T), (TB, TB), G),
        ((T, TB), (T, T), C),  # a task criterion trung bình: not good
        ((TB, TB), (TB, TB), C),
        ((XS, XS), (XS, K), N),  # any kém: not completed
        ((K,), (XS,), N),
    ],
)
def test_grade_ladder_gives_the_level_of_the_criteria(task, other, expected):
    assert grades_level(task, other) is expected


# --- member ------------------------------------------------------------------------------------

MEMBER_CASES = [
    # (facts overrides, expected level, rule expected among the findings or None)
    ({}, E, None),
    ({"other_grades": (TB,)}, G, "qd132.member.excellent.criteria"),
    ({"task_grades": (TB,)}, C, "qd132.member.good.criteria"),
    ({"task_grades": (K,)}, N, "qd132.member.not_completed.criteria"),
    ({"civil_service_level": E}, E, None),
    ({"civil_service_level": G}, G, "qd132.member.excellent.civil_service_cap"),
    ({"civil_service_level": C}, C, "qd132.member.good.civil_service_cap"),
    ({"civil_service_level": N}, N, "qd132.member.not_completed.civil_service"),
    ({"disciplined": True}, N, "qd132.member.not_completed.discipline"),
    # 132 has no self-remedy exception for members
    (
        {"disciplined": True, "discipline_self_remedied": True},
        N,
        "qd132.member.not_completed.discipline",
    ),
    ({"degradation_concluded": True}, N, "qd132.member.not_completed.degradation"),
    ({"targets_assigned": 4, "targets_met": 1}, N, "qd132.member.not_completed.targets"),
    ({"targets_assigned": 4, "targets_met": 2}, E, None),  # exactly 50 % is enough
    ({"targets_assigned": 3, "targets_met": 1}, N, "qd132.member.not_completed.targets"),
    ({"targets_assigned": 0, "targets_met": 0}, E, None),
    ({"sick_leave_months": Decimal("2.9")}, E, None),
    ({"sick_leave_months": Decimal(3)}, C, "qd132.member.good.sick_leave"),
    ({"maternity_leave": True}, E, "qd132.member.maternity_leave"),
    ({"task_grades": (), "other_grades": ()}, E, "qd132.member.criteria.not_recorded"),
]


@pytest.mark.parametrize(("overrides", "expected", "rule"), MEMBER_CASES)
def test_member_level_allowed_follows_each_rule(overrides, expected, rule):
    verdict = PROFILE.member_level_allowed(member(**overrides))
    assert_case(verdict, expected, rule)
    if rule is not None:
        assert all(f.citation and f.message for f in verdict.findings)


def test_member_reasons_accumulate_and_the_lowest_cap_wins():
    facts = member(civil_service_level=G, sick_leave_months=Decimal(4), other_grades=(TB,))
    verdict = PROFILE.member_level_allowed(facts)
    assert verdict.value is C
    assert rules_of(verdict.findings) == {
        "qd132.member.excellent.criteria",
        "qd132.member.excellent.civil_service_cap",
        "qd132.member.good.sick_leave",
    }


def test_member_party_level_may_not_exceed_the_civil_service_level():
    facts = member(civil_service_level=G)
    errors = PROFILE.check_member_decision(facts, E)
    assert [f.rule for f in errors] == ["qd132.member.excellent.civil_service_cap"]
    assert errors[0].severity is Severity.ERROR
    assert "132" in errors[0].citation or "16-HD" in errors[0].citation
    assert errors[0].message.startswith("Không thể xếp loại «Hoàn thành xuất sắc nhiệm vụ»")
    assert PROFILE.check_member_decision(facts, G) == []
    assert PROFILE.check_member_decision(facts, C) == []


def test_maternity_leave_note_never_blocks_a_decision():
    findings = PROFILE.check_member_decision(member(maternity_leave=True), E)
    assert findings == []


# --- not classified ----------------------------------------------------------------------------

END_2020 = Period(2020).end


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"joined_on": date(2020, 6, 30), "period_end": END_2020}, None),  # 6 months on 30/12
        (
            {"joined_on": date(2020, 7, 1), "period_end": END_2020},
            NotClassifiedReason.JOINED_UNDER_6_MONTHS,
        ),
        (
            {"joined_on": date(2020, 11, 2), "period_end": END_2020},
            NotClassifiedReason.JOINED_UNDER_6_MONTHS,
        ),
        ({"joined_on": date(2020, 7, 1), "period_end": None}, None),
        ({"exempted": True}, NotClassifiedReason.EXEMPTED),
        ({"suspended": True, "exempted": True}, NotClassifiedReason.SUSPENDED),
    ],
)
def test_member_not_classified_reasons(overrides, reason):
    facts = member(**overrides)
    assert PROFILE.not_classified_reason(facts) is reason
    finding = PROFILE.not_classified(facts)
    if reason is None:
        assert finding is None
    else:
        assert finding is not None
        assert finding.rule == f"qd132.member.not_classified.{reason.value}"


def test_a_new_member_takes_part_in_the_review_but_is_not_classified():
    facts = member(joined_on=date(2020, 9, 1), period_end=END_2020)
    finding = PROFILE.not_classified(facts)
    assert finding is not None
    assert "tham gia kiểm điểm nhưng không xếp loại" in finding.message
    for level in Level.descending():
        errors = PROFILE.check_member_decision(facts, level)
        assert [f.severity for f in errors] == [Severity.ERROR]
    assert not PROFILE.member_level_allowed(facts).ok


@pytest.mark.parametrize(("age", "classified"), [(5, False), (6, True), (None, True)])
def test_organization_younger_than_6_months_is_not_classified(age, classified):
    facts = cell(age_months=age)
    assert (PROFILE.not_classified(facts) is None) is classified
    if not classified:
        assert (
            PROFILE.not_classified_reason(facts) is NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS
        )


# --- organization ------------------------------------------------------------------------------

ORGANIZATION_CASES = [
    ({}, E, None),
    ({"other_grades": (TB,)}, G, "qd132.organization.excellent.criteria"),
    ({"task_grades": (TB,)}, C, "qd132.organization.good.criteria"),
    # 4 of 5 members good+ = 80 %: excellent; 3 of 5 = 60 %: good; 2 of 5 = 40 %: completed
    ({"member_levels": (E, G, G, G, C)}, E, None),
    ({"member_levels": (E, G, G, C, C)}, G, "qd132.organization.excellent.constituent_good_share"),
    ({"member_levels": (G, G, C, C, C)}, C, "qd132.organization.good.constituent_good_share"),
    ({"member_levels": (G, C)}, G, "qd132.organization.excellent.constituent_good_share"),  # 50 %
    # any member not_completed: never good or better
    ({"member_levels": (E, E, E, E, N)}, C, "qd132.organization.good.constituent_not_completed"),
    # more than 20 % [?] not completed: not completed; exactly 20 % is not more
    (
        {"member_levels": (E, E, E, N, N)},
        N,
        "qd132.organization.not_completed.members_not_completed",
    ),
    (
        {"member_levels": (), "task_grades": (XS,)},
        E,
        "qd132.organization.constituents.not_recorded",
    ),
    ({"same_level_bodies_level": E}, E, None),
    ({"same_level_bodies_level": G}, E, None),
    ({"same_level_bodies_level": C}, G, "qd132.organization.excellent.same_level_bodies"),
    ({"same_level_bodies_level": N}, C, "qd132.organization.good.same_level_bodies"),
    ({"disciplined": True}, N, "qd132.organization.not_completed.discipline"),
    ({"disciplined": True, "discipline_self_remedied": True}, E, None),
    ({"targets_assigned": 4, "targets_met": 1}, N, "qd132.organization.not_completed.targets"),
    (
        {"targets_assigned": 4, "targets_met": 1, "targets_force_majeure": True},
        E,
        "qd132.organization.targets.force_majeure",
    ),
    ({"leadership_discipline": DisciplineForm.REPRIMAND}, E, None),
    (
        {"leadership_discipline": DisciplineForm.WARNING},
        N,
        "qd132.organization.not_completed.leadership_discipline",
    ),
    (
        {"leadership_discipline": DisciplineForm.EXPULSION},
        N,
        "qd132.organization.not_completed.leadership_discipline",
    ),
]


@pytest.mark.parametrize(("overrides", "expected", "rule"), ORGANIZATION_CASES)
def test_organization_level_allowed_follows_each_rule(overrides, expected, rule):
    assert_case(PROFILE.organization_level_allowed(cell(**overrides)), expected, rule)


def test_exactly_20_percent_of_members_not_completed_is_not_more_than_20_percent():
    facts = cell(member_levels=(E, E, E, E, N))
    rules = rules_of(PROFILE.organization_level_allowed(facts).findings)
    assert "qd132.organization.not_completed.members_not_completed" not in rules


def test_cell_cannot_be_good_when_a_member_did_not_complete():
    facts = cell(member_levels=(E, G, G, G, N))
    for level, refused in ((E, True), (G, True), (C, False), (N, False)):
        errors = PROFILE.check_organization_decision(facts, level)
        assert bool(errors) is refused
        if refused:
            assert "qd132.organization.good.constituent_not_completed" in rules_of(errors)


def test_party_committee_counts_its_subordinate_organizations_not_its_members():
    committee = OrganizationFacts(
        kind=OrganizationKind.PARTY_COMMITTEE,
        task_grades=(XS,),
        other_grades=(T,),
        member_levels=(C, C, C, C, C),  # members are only completed...
        subordinate_levels=(E, E, G, G, G),  # ...but every cell is good or better
    )
    verdict = PROFILE.organization_level_allowed(committee)
    assert verdict.value is E
    low = OrganizationFacts(
        kind=OrganizationKind.PARTY_COMMITTEE, subordinate_levels=(G, C, C), member_levels=(E,)
    )
    low_verdict = PROFILE.organization_level_allowed(low)
    assert low_verdict.value is C
    assert "tổ chức đảng trực thuộc" in low_verdict.findings[-1].message


def test_seed_department_organization_rated_good_passes_the_rules():
    # 2020: 07 cells, 02 excellent and 05 good; the bloc committee rated the organization good.
    organization = OrganizationFacts(
        kind=OrganizationKind.PARTY_COMMITTEE,
        subject="Đảng bộ Sở Giáo dục và Đào tạo",
        subordinate_levels=(E, E, G, G, G, G, G),
        targets_assigned=4,
        targets_met=4,
    )
    assert PROFILE.check_organization_decision(organization, G) == []
    assert PROFILE.organization_level_allowed(organization).value is E


def test_decision_order_is_not_constrained_under_132():
    from tongket.evaluation.domain import DecisionOrderFacts

    facts = DecisionOrderFacts(subject_kind=SubjectKind.MEMBER, undecided_collectives=("Chi bộ 1",))
    assert PROFILE.check_decision_order(facts) == []


# --- properties ----------------------------------------------------------------------------------


(
    test_check_member_decision_accepts_exactly_the_levels_at_or_below_the_allowed_level,
    test_check_organization_decision_accepts_exactly_the_levels_at_or_below_the_allowed_level,
) = decision_properties(PROFILE, graded_members(), graded_organizations())
