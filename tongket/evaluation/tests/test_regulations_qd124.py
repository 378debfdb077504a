"""Profile qd124 (124-QĐ/TW + HD 25): what changes from 132, table-driven, plus the order rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tongket.core.rules import Severity
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    MemberFacts,
    OrganizationFacts,
    OrganizationKind,
    QuotaScope,
    SubjectKind,
)
from tongket.evaluation.regulations import qd124
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

PROFILE = qd124.PROFILE


def member(**changes: object) -> MemberFacts:
    return facts_with(MemberFacts, {"task_grades": (XS,), "other_grades": (T, T)}, changes)


def collective(**changes: object) -> OrganizationFacts:
    defaults = {
        "kind": OrganizationKind.PARTY_COMMITTEE,
        "task_grades": (XS,),
        "other_grades": (T, XS),
        "subordinate_units": 10,
    }
    return facts_with(OrganizationFacts, defaults, changes)


MEMBER_CASES = [
    ({}, E, None),
    ({"other_grades": (TB,)}, G, "qd124.member.excellent.criteria"),
    ({"task_grades": (K,)}, N, "qd124.member.not_completed.criteria"),
    ({"civil_service_level": C}, C, "qd124.member.good.civil_service_cap"),
    ({"disciplined": True}, N, "qd124.member.not_completed.discipline"),
    # self-detected and remedied [?]: not not_completed, but still not excellent
    (
        {"disciplined": True, "discipline_self_remedied": True},
        G,
        "qd124.member.excellent.discipline",
    ),
    ({"degradation_concluded": True}, N, "qd124.member.not_completed.degradation"),
    ({"targets_assigned": 10, "targets_met": 4}, N, "qd124.member.not_completed.targets"),
    ({"targets_assigned": 10, "targets_met": 5}, E, None),
    ({"sick_leave_months": Decimal(3)}, C, "qd124.member.good.sick_leave"),
    ({"is_leader": True, "led_unit_level": E}, E, None),
    ({"is_leader": True, "led_unit_level": G}, G, "qd124.member.excellent.leader_unit"),
    ({"is_leader": True, "led_unit_level": N}, N, "qd124.member.not_completed.leader_unit"),
    ({"is_leader": True}, E, "qd124.member.leader.unit_not_decided"),
    ({"is_leader": False, "led_unit_level": N}, E, None),
]


@pytest.mark.parametrize(("overrides", "expected", "rule"), MEMBER_CASES)
def test_member_level_allowed_follows_each_rule(overrides, expected, rule):
    verdict = PROFILE.member_level_allowed(member(**overrides))
    assert_case(verdict, expected, rule)
    if rule is not None:
        assert all("124" in f.citation or "25-HD" in f.citation for f in verdict.findings)


def test_a_head_whose_unit_is_not_decided_gets_a_warning_not_an_error():
    findings = PROFILE.check_member_decision(member(is_leader=True), E)
    assert [(f.rule, f.severity) for f in findings] == [
        ("qd124.member.leader.unit_not_decided", Severity.WARNING)
    ]


def test_leader_cap_can_be_switched_off_as_a_parameter():
    profile = PROFILE.with_params(leader_capped_by_unit=False)
    facts = member(is_leader=True, led_unit_level=C)
    assert profile.member_level_allowed(facts).value is E
    assert PROFILE.member_level_allowed(facts).value is C


ORGANIZATION_CASES = [
    ({}, E, None),
    # a collective's level no longer counts its members' levels (they are decided after it)
    ({"kind": OrganizationKind.CELL, "member_levels": (N, N, C)}, E, None),
    ({"other_grades": (TB,)}, G, "qd124.organization.excellent.criteria"),
    ({"same_level_bodies_level": C}, G, "qd124.organization.excellent.same_level_bodies"),
    ({"disciplined": True}, N, "qd124.organization.not_completed.discipline"),
    (
        {"disciplined": True, "discipline_self_remedied": True},
        G,
        "qd124.organization.excellent.discipline",
    ),
    # any subordinate unit disciplined: not excellent; over 20 %: not completed
    (
        {"subordinate_units_disciplined": 1},
        G,
        "qd124.organization.excellent.subordinate_discipline",
    ),
    (
        {"subordinate_units_disciplined": 2},
        G,
        "qd124.organization.excellent.subordinate_discipline",
    ),
    (
        {"subordinate_units_disciplined": 3},
        N,
        "qd124.organization.not_completed.subordinate_discipline",
    ),
    (
        {"leadership_discipline": DisciplineForm.REPRIMAND},
        G,
        "qd124.organization.excellent.leadership_discipline",
    ),
    (
        {"leadership_discipline": DisciplineForm.WARNING},
        N,
        "qd124.organization.not_completed.leadership_discipline",
    ),
    ({"disunity": True}, N, "qd124.organization.not_completed.disunity"),
    ({"targets_assigned": 4, "targets_met": 1}, N, "qd124.organization.not_completed.targets"),
]


@pytest.mark.parametrize(("overrides", "expected", "rule"), ORGANIZATION_CASES)
def test_organization_level_allowed_follows_each_rule(overrides, expected, rule):
    assert_case(PROFILE.organization_level_allowed(collective(**overrides)), expected, rule)


def test_collective_cannot_be_excellent_when_a_subordinate_unit_was_disciplined():
    facts = collective(subordinate_units_disciplined=1)
    errors = PROFILE.check_organization_decision(facts, E)
    assert rules_of(errors) == {"qd124.organization.excellent.subordinate_discipline"}
    assert PROFILE.check_organization_decision(facts, G) == []


# --- order of decisions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "rules"),
    [
        (DecisionOrderFacts(subject_kind=SubjectKind.MEMBER), set()),
        (
            DecisionOrderFacts(
                subject_kind=SubjectKind.MEMBER, undecided_collectives=("Chi bộ 1",)
            ),
            {"qd124.order.collective_first"},
        ),
        (
            DecisionOrderFacts(subject_kind=SubjectKind.MEMBER, undecided_led_units=("Phòng A",)),
            {"qd124.order.head_after_unit"},
        ),
        (
            DecisionOrderFacts(
                subject_kind=SubjectKind.ORGANIZATION,
                undecided_subordinates=("Chi bộ 1", "Chi bộ 2"),
                undecided_same_level_bodies=("Sở Giáo dục và Đào tạo",),
            ),
            {"qd124.order.lower_first", "qd124.order.government_first"},
        ),
    ],
)
def test_decision_order_collectives_first_and_a_head_after_the_unit(facts, rules):
    findings = PROFILE.check_decision_order(facts)
    assert rules_of(findings) == rules
    assert all(f.severity is Severity.ERROR for f in findings)


def test_order_finding_names_what_is_still_undecided():
    facts = DecisionOrderFacts(
        subject_kind=SubjectKind.ORGANIZATION, undecided_subordinates=("Chi bộ 1", "Chi bộ 2")
    )
    (finding,) = PROFILE.check_decision_order(facts)
    assert "Chi bộ 1, Chi bộ 2" in finding.message


def test_quota_is_counted_within_each_peer_group_by_default():
    assert PROFILE.quota_policy().scope is QuotaScope.PEER_GROUP
    finding = PROFILE.check_quota([E, E, G, G, G, G, G], scope_label="Nhóm các sở")[0]
    assert finding.rule == "qd124.quota.member.excellent"
    assert "nhóm có chức năng, nhiệm vụ tương đồng" in finding.message
    assert finding.subject == "Nhóm các sở"


# --- properties --------------------------------------------------------------------------------


(
    test_check_member_decision_accepts_exactly_the_levels_at_or_below_the_allowed_level,
    test_check_organization_decision_accepts_exactly_the_levels_at_or_below_the_allowed_level,
) = decision_properties(PROFILE, graded_members(), graded_organizations())
