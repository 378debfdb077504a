"""The shared vocabulary of evaluation (domain.py): levels, grades, reasons, periods, the facts
the rules read and the quota policy — pure, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.evaluation.domain import (
    DecisionOrderFacts,
    Enforcement,
    Grade,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    OrganizationKind,
    Period,
    PeriodKind,
    PointCriterion,
    PointFrame,
    PointGroup,
    QuotaBase,
    QuotaPolicy,
    QuotaScope,
    Rounding,
    SubjectKind,
    TaskTally,
    add_months,
    all_at_least,
    at_least,
    count_at_least,
    max_level,
    min_level,
)

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


def test_levels_have_vietnamese_labels_and_an_order():
    assert [level.label for level in Level.descending()] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]
    assert [level.short_label for level in Level.descending()] == [
        "HTXSNV",
        "HTTNV",
        "HTNV",
        "KHTNV",
    ]
    assert [level.rank for level in Level.descending()] == [4, 3, 2, 1]
    assert min_level(E, C, G) is C
    assert max_level(N, G) is G
    assert at_least(G, C)
    assert at_least(G, G)
    assert not at_least(C, G)


def test_grades_and_reasons_have_vietnamese_labels():
    assert [grade.label for grade in Grade] == ["Xuất sắc", "Tốt", "Trung bình", "Kém"]
    for reason in NotClassifiedReason:
        assert reason.label
    assert NotClassifiedReason.SUSPENDED.label == "Đảng viên bị đình chỉ sinh hoạt đảng"


@pytest.mark.parametrize(
    ("period", "label", "end"),
    [
        (Period(2020), "Năm 2020", date(2020, 12, 31)),
        (Period(2026, 1), "Quý I năm 2026", date(2026, 3, 31)),
        (Period(2024, 2), "Quý II năm 2024", date(2024, 6, 30)),
        (Period(2026, 4), "Quý IV năm 2026", date(2026, 12, 31)),
    ],
)
def test_period_label_and_end(period, label, end):
    assert period.label == label
    assert period.end == end


def test_period_quarter_must_be_1_to_4():
    with pytest.raises(ValueError, match="Quý"):
        Period(2026, 5)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2020, 6, 30), 6, date(2020, 12, 30)),
        (date(2020, 8, 31), 6, date(2021, 2, 28)),
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
        (date(2020, 1, 15), 12, date(2021, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "counts",
    [
        (5, 6, 0, 0, 0),  # more completed than assigned
        (5, 3, 2, 2, 0),  # on time + late above completed
        (5, 5, 2, 0, 3),  # more exceeding than on time
        (5, 5, -1, 0, 0),
    ],
)
def test_task_tally_refuses_inconsistent_counts(counts):
    with pytest.raises(ValueError, match="nhiệm vụ"):
        TaskTally(*counts)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"targets_assigned": 2, "targets_met": 3},
        {"targets_assigned": -1},
        {"sick_leave_months": Decimal(-1)},
        {"joined_on": date(2020, 5, 1), "full_member_on": date(2020, 4, 1)},
    ],
)
def test_member_facts_refuse_impossible_values(kwargs):
    with pytest.raises(ValueError, match="không"):
        MemberFacts(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subordinate_units": 2, "subordinate_units_disciplined": 3},
        {"age_months": -1},
        {"targets_assigned": 1, "targets_met": 2},
    ],
)
def test_organization_facts_refuse_impossible_values(kwargs):
    with pytest.raises(ValueError, match=r"không|phải"):
        OrganizationFacts(**kwargs)


def test_point_frame_refuses_duplicate_codes_and_empty_maxima():
    one = PointCriterion("1", "Tiêu chí", Decimal(30), PointGroup.GENERAL)
    with pytest.raises(ValueError, match="trùng"):
        PointFrame("f", "Khung", (one, one))
    with pytest.raises(ValueError, match="lớn hơn 0"):
        PointFrame("f", "Khung", (PointCriterion("1", "T", Decimal(0), PointGroup.TASKS),))


def test_counts_and_grade_floors_read_the_order_of_levels_and_grades():
    assert count_at_least([E, G, C, N, G], G) == 3
    assert count_at_least([], N) == 0
    assert all_at_least([Grade.EXCELLENT, Grade.GOOD], Grade.GOOD)
    assert not all_at_least([Grade.GOOD, Grade.AVERAGE], Grade.GOOD)
    assert all_at_least([], Grade.EXCELLENT)


@given(st.lists(st.sampled_from(list(Level)), min_size=1))
def test_min_and_max_level_are_the_lowest_and_highest_rank(levels):
    assert min_level(*levels).rank == min(level.rank for level in levels)
    assert max_level(*levels).rank == max(level.rank for level in levels)


def test_period_kinds_and_labels_are_vietnamese():
    assert Period(2026).kind is PeriodKind.YEAR
    assert Period(2026, 2).kind is PeriodKind.QUARTER
    assert [kind.label for kind in PeriodKind] == [
        "Hằng năm",
        "Hằng quý",
        "Theo nhiệm kỳ",
        "Khi cần thiết",
    ]


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_add_months_lands_in_the_right_month_never_after_the_day(start, months):
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day <= start.day


def test_an_organization_counts_its_members_as_a_cell_and_its_organizations_as_a_committee():
    cell = OrganizationFacts(
        kind=OrganizationKind.CELL, member_levels=(G,), subordinate_levels=(E,)
    )
    committee = OrganizationFacts(
        kind=OrganizationKind.PARTY_COMMITTEE, member_levels=(G,), subordinate_levels=(E,)
    )
    assert cell.constituent_levels == (G,)
    assert committee.constituent_levels == (E,)
    assert cell.kind.constituents_label == "đảng viên"
    assert committee.kind.constituents_label == "tổ chức đảng trực thuộc"


def test_a_point_frame_adds_its_maxima_by_group():
    frame = PointFrame(
        "f",
        "Khung",
        (
            PointCriterion("1", "Chung", Decimal(30), PointGroup.GENERAL),
            PointCriterion("2.1", "Nhiệm vụ", Decimal(40), PointGroup.TASKS),
            PointCriterion("2.2", "Nhiệm vụ", Decimal(30), PointGroup.TASKS),
        ),
    )
    assert frame.max_total == Decimal(100)
    assert frame.group_max(PointGroup.TASKS) == Decimal(70)
    assert frame.criterion("2.2") is frame.criteria[2]
    assert frame.criterion("9") is None


def test_order_facts_say_nothing_is_pending_by_default():
    facts = DecisionOrderFacts(subject_kind=SubjectKind.MEMBER)
    assert facts.undecided_collectives == facts.undecided_subordinates == ()


def test_quota_policy_defaults_to_hd21_and_labels_its_choices_in_vietnamese():
    policy = QuotaPolicy()
    assert (policy.percent, policy.base, policy.scope, policy.rounding, policy.enforcement) == (
        Decimal(20),
        QuotaBase.GOOD,
        QuotaScope.GRASSROOTS,
        Rounding.FLOOR,
        Enforcement.BLOCK,
    )
    assert QuotaBase.GOOD_OR_BETTER.label.endswith("trở lên")
    assert Rounding.HALF_UP.label == "làm tròn"
    assert Enforcement.WARN.label.startswith("cảnh báo")
    with pytest.raises(ValueError, match="Decimal"):
        QuotaPolicy(percent=20)  # type: ignore[arg-type]
