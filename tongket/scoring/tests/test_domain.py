"""Scorecard rules without a database: totals, validation, bands, ranking, history, targets."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.scoring.domain import (
    Band,
    Criterion,
    CriterionKind,
    Frame,
    ScoreBasis,
    Target,
    TargetDirection,
    TieBreak,
    TieBreakBy,
    Trend,
    YearResult,
    compare_sheets,
    compute_sheet,
    rank,
    rank_sheets,
    rank_word,
    targets_summary,
    year_over_year,
)

D = Decimal
NORMAL, BONUS, PENALTY = CriterionKind.NORMAL, CriterionKind.BONUS, CriterionKind.PENALTY


def c(code, max_points, *children, kind=NORMAL):
    return Criterion(code, f"Tiêu chí {code}", D(max_points), kind, children)


def frame(*criteria: Criterion, **options: Any) -> Frame:
    return replace(Frame("F", "Khung thử", "UBND tỉnh", 2020, 1, criteria), **options)


# Max 20: two normal groups of 10, a nested bonus in group 1, a bonus group capped at 3 and a
# penalty group capped at 4.
SMALL = frame(
    c("1", "10", c("1.1", "6"), c("1.2", "4"), c("1.3", "2", kind=BONUS)),
    c("2", "10", c("2.1", "5"), c("2.2", "5", c("2.2.a", "3"), c("2.2.b", "2"))),
    c("3", "3", c("3.1", "2"), c("3.2", "2"), kind=BONUS),
    c("4", "4", c("4.1", "3"), c("4.2", "3"), kind=PENALTY),
)
FULL = {"1.1": "6", "1.2": "4", "2.1": "5", "2.2.a": "3", "2.2.b": "2"}


def scores(base=None, **overrides):
    values = dict(FULL if base is None else base)
    values.update({code.replace("_", "."): v for code, v in overrides.items()})
    return {code: None if v is None else D(v) for code, v in values.items()}


def test_small_frame_is_valid_and_its_maximum_leaves_out_bonus_and_penalty():
    assert SMALL.validate() == ()
    assert SMALL.max_points == D("20")


@pytest.mark.parametrize(
    ("given_scores", "not_applicable", "points", "own_max", "bonus", "penalty"),
    [
        pytest.param(FULL, (), "20", "20", "0", "0", id="all-full"),
        pytest.param(
            {"1.1": "5", "1.2": "3", "2.1": "4", "2.2.a": "2", "2.2.b": "1"},
            (),
            "15",
            "20",
            "0",
            "0",
            id="partial",
        ),
        pytest.param({**FULL, "3.1": "1.5"}, (), "21.5", "20", "1.5", "0", id="bonus-above-max"),
        pytest.param(
            {**FULL, "3.1": "2", "3.2": "2"}, (), "23", "20", "3", "0", id="bonus-capped-at-3"
        ),
        pytest.param({**FULL, "4.1": "2.5"}, (), "17.5", "20", "0", "2.5", id="penalty"),
        pytest.param(
            {**FULL, "4.1": "3", "4.2": "3"}, (), "16", "20", "0", "4", id="penalty-capped-at-4"
        ),
        pytest.param(
            {**FULL, "1.1": "5", "1.2": "3", "1.3": "2"},
            (),
            "20",
            "20",
            "0",
            "0",
            id="nested-bonus-fills-its-group",
        ),
        pytest.param(
            {**FULL, "1.3": "2"}, (), "20", "20", "0", "0", id="nested-bonus-capped-by-group"
        ),
        pytest.param(
            {k: v for k, v in FULL.items() if k != "2.2.b"},
            ("2.2.b",),
            "18",
            "18",
            "0",
            "0",
            id="na-leaf",
        ),
        pytest.param({"1.1": "6", "1.2": "3"}, ("2",), "9", "10", "0", "0", id="na-group"),
        pytest.param(FULL, ("3",), "20", "20", "0", "0", id="na-bonus-keeps-max"),
        pytest.param(
            {"1.1": "1", "1.2": "0", "2.1": "0", "2.2.a": "0", "2.2.b": "0", "4.1": "3"},
            (),
            "0",
            "20",
            "0",
            "3",
            id="penalty-never-below-zero",
        ),
    ],
)
def test_sheet_total_sums_leaves_with_bonus_penalty_and_not_applicable(
    given_scores, not_applicable, points, own_max, bonus, penalty
):
    verdict = compute_sheet(SMALL, scores(given_scores), not_applicable)
    assert verdict.findings == ()
    assert verdict.value.points == D(points)
    assert verdict.value.max_points == D(own_max)
    assert verdict.value.frame_max == D("20")
    assert verdict.value.bonus_points == D(bonus)
    assert verdict.value.penalty_points == D(penalty)


def test_subtotals_list_every_criterion_in_sheet_order_with_its_own_maximum():
    sheet = compute_sheet(SMALL, scores(**{"2_2_a": "1"}), ["2.2.b"]).value
    assert list(sheet.subtotals) == [
        "1",
        "1.1",
        "1.2",
        "1.3",
        "2",
        "2.1",
        "2.2",
        "2.2.a",
        "2.2.b",
        "3",
        "3.1",
        "3.2",
        "4",
        "4.1",
        "4.2",
    ]
    group = sheet.subtotal("2.2")
    assert (group.points, group.max_points, group.declared_max) == (D(1), D(3), D(5))
    na = sheet.subtotal("2.2.b")
    assert (na.applicable, na.points, na.max_points) == (False, D(0), D(0))
    assert sheet.subtotal("1.3").kind is BONUS
    assert sheet.subtotal("4.1").kind is PENALTY
    assert sheet.subtotal("2.2.a").depth == 2


@pytest.mark.parametrize(
    ("given_scores", "not_applicable", "rule", "subject"),
    [
        pytest.param(scores(**{"1_1": "7"}), (), "scoring.score.above_max", "1.1", id="above"),
        pytest.param(
            scores(**{"4_1": "3.5"}), (), "scoring.score.above_max", "4.1", id="penalty-above"
        ),
        pytest.param(scores(**{"1_1": "-1"}), (), "scoring.score.negative", "1.1", id="negative"),
        pytest.param(scores(**{"1": "5"}), (), "scoring.score.on_group", "1", id="group"),
        pytest.param(scores(), ("2.2.b",), "scoring.score.on_not_applicable", "2.2.b", id="na"),
        pytest.param(
            scores({k: v for k, v in FULL.items() if k != "2.2.a"}),
            ("2.2",),
            "scoring.score.on_not_applicable",
            "2.2.b",
            id="na-subtree",
        ),
        pytest.param(
            scores(**{"9_9": "1"}), (), "scoring.score.unknown_criterion", "9.9", id="unknown"
        ),
        pytest.param(
            scores(), ("9",), "scoring.score.unknown_not_applicable", "9", id="unknown-na"
        ),
        pytest.param(
            scores({k: v for k, v in FULL.items() if k != "1.2"}),
            (),
            "scoring.score.missing",
            "1.2",
            id="missing",
        ),
        pytest.param(scores(**{"1_2": None}), (), "scoring.score.missing", "1.2", id="none"),
        pytest.param(scores(**{"1_1": "NaN"}), (), "scoring.score.invalid", "1.1", id="nan"),
    ],
)
def test_sheet_error_names_the_criterion(given_scores, not_applicable, rule, subject):
    verdict = compute_sheet(SMALL, given_scores, not_applicable)
    assert not verdict.ok
    assert [(f.rule, f.subject) for f in verdict.errors] == [(rule, subject)]
    assert subject in verdict.errors[0].message or subject == "1"


def test_sheet_with_errors_still_shows_a_running_total():
    verdict = compute_sheet(SMALL, scores(**{"1_1": "7", "1_2": None}))
    assert not verdict.ok
    # 1.1 counts its maximum 6, the missing 1.2 counts 0.
    assert verdict.value.points == D("16")


def test_missing_bonus_and_penalty_scores_count_zero_without_a_finding():
    verdict = compute_sheet(SMALL, scores())
    assert verdict.ok
    assert verdict.value.points == D("20")


def test_sheet_reports_frame_errors():
    broken = frame(c("1", "5", c("1.1", "4"), c("1.2", "4")))
    verdict = compute_sheet(broken, {"1.1": D(4), "1.2": D(4)})
    assert [f.rule for f in verdict.errors] == ["scoring.frame.children_exceed_parent"]
    assert verdict.value.points == D(5)


@pytest.mark.parametrize(
    ("broken", "rule", "subject", "severity"),
    [
        pytest.param(
            frame(c("1", "10", c("1.1", "5"), c("1.1", "5"))),
            "scoring.frame.duplicate_code",
            "1.1",
            Severity.ERROR,
            id="duplicate",
        ),
        pytest.param(
            frame(c("1", "10", c("1.1", "6"), c("1.2", "5"))),
            "scoring.frame.children_exceed_parent",
            "1",
            Severity.ERROR,
            id="children-exceed",
        ),
        pytest.param(
            frame(c("1", "10", c("1.1", "6"), c("1.2", "3"))),
            "scoring.frame.parent_unreachable",
            "1",
            Severity.WARNING,
            id="unreachable",
        ),
        pytest.param(
            frame(c("1", "10"), c("2", "5", c("2.1", "6"), kind=BONUS)),
            "scoring.frame.child_exceeds_parent",
            "2.1",
            Severity.ERROR,
            id="bonus-item-above-cap",
        ),
        pytest.param(
            frame(c("1", "10"), c("2", "5", c("2.1", "2", kind=PENALTY), kind=BONUS)),
            "scoring.frame.kind_conflict",
            "2.1",
            Severity.ERROR,
            id="penalty-in-bonus",
        ),
        pytest.param(
            frame(c("1", "-1")), "scoring.frame.invalid_max", "1", Severity.ERROR, id="negative"
        ),
        pytest.param(
            frame(c("1", "5", kind=BONUS)),
            "scoring.frame.no_normal_criteria",
            "F",
            Severity.ERROR,
            id="only-bonus",
        ),
        pytest.param(
            frame(Criterion("", "Không mã", D(5))),
            "scoring.frame.empty_code",
            "Không mã",
            Severity.ERROR,
            id="empty-code",
        ),
        pytest.param(
            frame(c("1", "10"), bands=(Band(D(90), "A"), Band(D(90), "B"))),
            "scoring.frame.duplicate_band",
            "A",
            Severity.ERROR,
            id="duplicate-band",
        ),
        pytest.param(
            frame(c("1", "350"), bands=(Band(D(315), "Xuất sắc"),)),
            "scoring.frame.band_above_hundred_percent",
            "Xuất sắc",
            Severity.WARNING,
            id="points-read-as-percent",
        ),
        pytest.param(
            frame(c("1", "10"), tie_break=TieBreak(TieBreakBy.CRITERION, "9")),
            "scoring.frame.unknown_tie_break_criterion",
            "9",
            Severity.ERROR,
            id="tie-break",
        ),
    ],
)
def test_frame_validation_names_the_criterion(broken, rule, subject, severity):
    findings = broken.validate()
    assert (rule, subject, severity) in [(f.rule, f.subject, f.severity) for f in findings]


POINT_BANDS = frame(
    c("1", "350"),
    bands=(
        Band(D(315), "Hoàn thành xuất sắc nhiệm vụ", "excellent"),
        Band(D(280), "Hoàn thành tốt nhiệm vụ", "good"),
        Band(D(175), "Hoàn thành nhiệm vụ", "completed"),
        Band(D(0), "Không hoàn thành nhiệm vụ", "not_completed"),
    ),
    band_basis=ScoreBasis.POINTS,
)
# Bands given out of order on purpose: the highest minimum reached wins.
PERCENT_BANDS = frame(
    c("1", "97"),
    c("2", "3"),
    bands=(Band(D(70), "Tốt", "good"), Band(D(90), "Xuất sắc", "excellent"), Band(D(50), "Đạt")),
)


@pytest.mark.parametrize(
    ("points", "code"),
    [
        ("350", "excellent"),
        ("315", "excellent"),
        ("314.9", "good"),
        ("280", "good"),
        ("279.99", "completed"),
        ("175", "completed"),
        ("174.9", "not_completed"),
        ("0", "not_completed"),
    ],
)
def test_point_bands_are_inclusive_at_the_bottom(points, code):
    sheet = compute_sheet(POINT_BANDS, {"1": D(points)}).value
    assert sheet.band is not None
    assert sheet.band.code == code


@pytest.mark.parametrize(
    ("points", "level"),
    [
        ("97", "Xuất sắc"),
        ("87.3", "Xuất sắc"),  # exactly 90 % of the own maximum 97
        ("87.29", "Tốt"),
        ("67.9", "Tốt"),  # exactly 70 %
        ("48.5", "Đạt"),  # exactly 50 %
        ("48.49", None),  # below every band
    ],
)
def test_percent_bands_read_the_units_own_maximum(points, level):
    sheet = compute_sheet(PERCENT_BANDS, {"1": D(points)}, ["2"]).value
    assert sheet.max_points == D(97)
    assert sheet.level == level


@pytest.mark.parametrize(
    ("values", "ranks"),
    [
        pytest.param(["10", "9", "9", "8"], [1, 2, 2, 4], id="tie-skips"),
        pytest.param(["5", "5", "5"], [1, 1, 1], id="all-equal"),
        pytest.param(["9", "10", "9", "10"], [1, 1, 3, 3], id="unsorted"),
        pytest.param(["1", "2", "3"], [1, 2, 3], id="ascending-input"),
        pytest.param([], [], id="empty"),
        pytest.param(["326.7", "326.70", "321.5"], [1, 1, 3], id="equal-decimals"),
    ],
)
def test_competition_ranking_shares_equal_totals_and_skips_the_next_rank(values, ranks):
    result = rank([(f"u{i}", D(v)) for i, v in enumerate(values)])
    assert [r.rank for r in result] == ranks
    assert [r.shared for r in result] == [ranks.count(r) > 1 for r in ranks]


def test_ranking_keeps_tied_units_in_input_order():
    result = rank([("a", D(10)), ("b", D(9)), ("c", D(9)), ("d", D(8))])
    assert [(r.key, r.rank) for r in result] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


@pytest.mark.parametrize(
    ("breaks", "expected"),
    [
        pytest.param(
            {"a": 0, "b": 1, "c": 2, "d": 0},
            [("a", 1), ("c", 2), ("b", 3), ("d", 4)],
            id="tie-break-splits",
        ),
        pytest.param(
            {"a": 0, "b": 1, "c": 1, "d": 0},
            [("a", 1), ("b", 2), ("c", 2), ("d", 4)],
            id="equal-tie-break-still-shares",
        ),
        pytest.param(
            {"a": 0, "b": 0, "c": 0, "d": 9},
            [("a", 1), ("b", 2), ("c", 2), ("d", 4)],
            id="tie-break-never-beats-the-total",
        ),
    ],
)
def test_tie_break_orders_equal_totals_only(breaks, expected):
    entries = [("a", D(10)), ("b", D(9)), ("c", D(9)), ("d", D(8))]
    result = rank(entries, tie_break=lambda key: D(breaks[key]))
    assert [(r.key, r.rank) for r in result] == expected


# Unit A has every criterion; for unit B criterion 2 does not apply (own maximum 97).
RANKED = frame(c("1", "97"), c("2", "3"))


def two_units(ranked_frame):
    a = compute_sheet(ranked_frame, {"1": D(88), "2": D(2)}).value  # 90 of 100 = 90 %
    b = compute_sheet(ranked_frame, {"1": D(88)}, ["2"]).value  # 88 of 97 = 90,72 %
    return [("A", a), ("B", b)]


@pytest.mark.parametrize(
    ("basis", "order"),
    [(ScoreBasis.PERCENT, ["B", "A"]), (ScoreBasis.POINTS, ["A", "B"])],
)
def test_rank_basis_is_the_frames_choice(basis, order):
    chosen = frame(c("1", "97"), c("2", "3"), rank_basis=basis)
    assert [r.key for r in rank_sheets(chosen, two_units(chosen))] == order


def test_frames_rank_by_percent_of_own_maximum_by_default():
    assert RANKED.rank_basis is ScoreBasis.PERCENT
    assert [r.key for r in rank_sheets(RANKED, two_units(RANKED))] == ["B", "A"]


POINTS, PERCENT = ScoreBasis.POINTS, ScoreBasis.PERCENT


@pytest.mark.parametrize(
    ("basis", "tie_break", "a", "b", "b_na", "order", "ranks"),
    [
        pytest.param(
            POINTS, None, {"1": 80, "2": 0}, {"1": 80, "2": 0}, (), "AB", [1, 1], id="shared"
        ),
        pytest.param(
            POINTS,
            TieBreak(TieBreakBy.CRITERION, "1"),
            {"1": 75, "2": 5},
            {"1": 80, "2": 0},
            (),
            "BA",
            [1, 2],
            id="criterion-subtotal",
        ),
        pytest.param(
            POINTS,
            TieBreak(TieBreakBy.CRITERION, "3"),
            {"1": 80, "2": 2, "3": 2},
            {"1": 80, "2": 0},
            (),
            "BA",
            [1, 2],
            id="fewer-deductions",
        ),
        pytest.param(
            POINTS,
            TieBreak(TieBreakBy.PERCENT),
            {"1": 80, "2": 0},
            {"1": 80},
            ("2",),
            "BA",
            [1, 2],
            id="percent-of-smaller-maximum",
        ),
        pytest.param(
            PERCENT,
            TieBreak(TieBreakBy.POINTS),
            {"1": 72},
            {"1": 72, "2": 8},
            (),
            "BA",
            [1, 2],
            id="more-points-at-equal-percent",
        ),
    ],
)
def test_frame_tie_break_orders_equal_totals(basis, tie_break, a, b, b_na, order, ranks):
    tied = frame(
        c("1", "90"),
        c("2", "10"),
        c("3", "5", kind=PENALTY),
        rank_basis=basis,
        tie_break=tie_break,
    )
    # In the last case A's criterion 2 does not apply: 72 of 90 and 80 of 100 are both 80 %.
    a_na = ("2",) if "2" not in a else ()
    sheet_a = compute_sheet(tied, {k: D(v) for k, v in a.items()}, a_na)
    sheet_b = compute_sheet(tied, {k: D(v) for k, v in b.items()}, b_na)
    assert sheet_a.ok
    assert sheet_b.ok
    result = rank_sheets(tied, [("A", sheet_a.value), ("B", sheet_b.value)])
    assert "".join(r.key for r in result) == order
    assert [r.rank for r in result] == ranks


def test_ranking_refuses_a_sheet_from_another_frame():
    other = frame(c("1", "97"), c("2", "3"), year=2021)
    sheets = [*two_units(RANKED), ("C", compute_sheet(other, {"1": D(1), "2": D(1)}).value)]
    with pytest.raises(DomainError) as raised:
        rank_sheets(RANKED, sheets)
    assert raised.value.rule == "scoring.rank.different_frames"


@pytest.mark.parametrize(
    ("number", "word"), [(1, "Nhất"), (2, "Nhì"), (3, "Ba"), (4, "Tư"), (5, "5"), (20, "20")]
)
def test_rank_word_is_written_as_prose_writes_it(number, word):
    assert rank_word(number) == word


def test_rank_word_refuses_a_rank_below_one():
    with pytest.raises(ValueError, match="Thứ hạng"):
        rank_word(0)


def test_comparison_lists_only_the_criteria_the_appraisal_changed():
    self_sheet = compute_sheet(SMALL, scores(**{"3_1": "2"})).value
    appraised = compute_sheet(
        SMALL, scores({k: v for k, v in FULL.items() if k != "2.2.b"}, **{"1_1": "5"}), ["2.2.b"]
    ).value
    differences = {d.code: d for d in compare_sheets(self_sheet, appraised)}
    assert set(differences) == {"1", "1.1", "2", "2.2", "2.2.b", "3", "3.1"}
    assert differences["1.1"].difference == D(-1)
    assert differences["3.1"].difference == D(-2)
    assert differences["2.2.b"].applicability_changed
    assert differences["2.2.b"].difference is None
    # Group 2 lost nothing in points relative to its new maximum, but its maximum fell.
    assert (differences["2"].self_max, differences["2"].appraised_max) == (D(10), D(8))


def test_comparison_refuses_sheets_of_different_frames():
    other = compute_sheet(frame(c("1", "10"), year=2021), {"1": D(1)}).value
    with pytest.raises(DomainError):
        compare_sheets(compute_sheet(SMALL, scores()).value, other)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param(
            [YearResult(2019, D("310.5"), D(350), 3, 20), YearResult(2020, D("326.7"), D(350), 1)],
            [(2019, None, None, None, None), (2020, 2019, D("16.2"), 2, Trend.IMPROVED)],
            id="rank-up-is-an-improvement",
        ),
        pytest.param(
            [YearResult(2020, D("88.57"), D(97), 2), YearResult(2019, D("90"), D(100), 1)],
            [(2019, None, None, None, None), (2020, 2019, D("-1.43"), -1, Trend.DECLINED)],
            id="sorted-by-year-rank-down",
        ),
        pytest.param(
            [YearResult(2019, D(90), D(100)), YearResult(2020, D("88.57"), D(97))],
            [(2019, None, None, None, None), (2020, 2019, D("-1.43"), None, Trend.IMPROVED)],
            id="no-rank-fewer-points-higher-percent",
        ),
        pytest.param(
            [YearResult(2018, D(80), D(100), 2), YearResult(2020, D(85), D(100), 2)],
            [(2018, None, None, None, None), (2020, 2018, D(5), 0, Trend.UNCHANGED)],
            id="gap-names-the-year-compared",
        ),
    ],
)
def test_year_over_year_compares_each_year_with_the_previous_one(history, expected):
    changes = year_over_year(history)
    assert [
        (ch.year, ch.previous_year, ch.points_change, ch.rank_change, ch.trend) for ch in changes
    ] == expected


def test_year_over_year_percent_change_is_in_percentage_points():
    changes = year_over_year([YearResult(2019, D(90), D(100)), YearResult(2020, D("88.57"), D(97))])
    assert changes[1].percent_change == D("1.31")


def test_year_over_year_refuses_two_results_for_one_year():
    with pytest.raises(DomainError) as raised:
        year_over_year([YearResult(2020, D(1), D(2)), YearResult(2020, D(1), D(2))])
    assert raised.value.rule == "scoring.history.duplicate_year"


HIGHER, LOWER = TargetDirection.HIGHER_IS_BETTER, TargetDirection.LOWER_IS_BETTER


@pytest.mark.parametrize(
    ("target", "achieved", "direction", "met"),
    [
        ("95", "95", HIGHER, True),
        ("95", "96.2", HIGHER, True),
        ("95", "94.99", HIGHER, False),
        ("0.3", "0.3", LOWER, True),
        ("0.3", "0.21", LOWER, True),
        ("0.3", "0.31", LOWER, False),
        ("95", None, HIGHER, False),
        ("0.3", None, LOWER, False),
    ],
)
def test_target_is_met_in_its_direction(target, achieved, direction, met):
    value = None if achieved is None else D(achieved)
    assert Target("Chỉ tiêu", "%", D(target), value, direction).is_met() is met


@pytest.mark.parametrize("override", [True, False])
def test_target_override_with_reason_decides_over_the_numbers(override):
    target = Target(
        "Tỷ lệ trường đạt chuẩn",
        "%",
        D(60),
        D(58) if override else D(62),
        met_override=override,
        override_reason="Bão lũ năm 2020, UBND tỉnh chấp thuận",
    )
    assert target.is_met() is override


def test_target_override_without_reason_is_refused():
    with pytest.raises(DomainError) as raised:
        Target("Chỉ tiêu", "%", D(1), D(0), met_override=True, override_reason="  ")
    assert raised.value.field == "override_reason"


@pytest.mark.parametrize(
    ("achieved", "text"),
    [(["1", "1", "1", "1"], "4/4"), (["1", "0", "1", "1"], "3/4"), ([], "0/0")],
)
def test_targets_summary_reads_met_over_total(achieved, text):
    targets = [Target(f"Chỉ tiêu {i}", "%", D(1), D(a)) for i, a in enumerate(achieved)]
    summary = targets_summary(targets)
    assert summary.text == str(summary) == text


def test_targets_summary_ratio_is_exact_and_absent_without_targets():
    targets = [Target("A", "%", D(1), D(1)), Target("B", "%", D(1), D(0)), Target("C", "%", D(1))]
    assert targets_summary(targets).ratio == Fraction(1, 3)
    assert targets_summary([]).ratio is None


# --- properties --------------------------------------------------------------------------------

points_st = st.decimals(min_value=0, max_value=30, places=1)


@st.composite
def trees(draw, with_root_bonus=False):
    """A random frame: up to three levels, nested bonus and penalty items, some root penalties."""
    counter = iter(range(1, 1000))

    def node(code, depth, kind):
        children: tuple[Criterion, ...] = ()
        if depth < 3 and draw(st.booleans()):
            children = tuple(
                node(
                    f"{code}.{i + 1}",
                    depth + 1,
                    draw(st.sampled_from([NORMAL, NORMAL, BONUS, PENALTY]))
                    if kind is NORMAL
                    else NORMAL,
                )
                for i in range(draw(st.integers(1, 3)))
            )
        own = sum((ch.max_points for ch in children if ch.kind is NORMAL), start=D(0))
        max_points = own if children and kind is NORMAL else draw(points_st)
        return Criterion(code, f"Tiêu chí {code}", max_points, kind, children)

    root_kinds = [NORMAL, NORMAL, PENALTY] + ([BONUS] if with_root_bonus else [])
    roots = [node(str(next(counter)), 0, NORMAL)]
    roots += [
        node(str(next(counter)), 0, draw(st.sampled_from(root_kinds)))
        for _ in range(draw(st.integers(0, 3)))
    ]
    return frame(*roots)


@st.composite
def sheets(draw, with_root_bonus=False):
    tree = draw(trees(with_root_bonus))
    leaves = [p.criterion for p in tree.walk() if p.criterion.is_leaf]
    given = {
        leaf.code: draw(
            st.one_of(
                st.none(),
                st.decimals(min_value=-2, max_value=leaf.max_points + 2, places=2),
            )
        )
        for leaf in leaves
    }
    codes = [p.criterion.code for p in tree.walk()]
    na = draw(st.sets(st.sampled_from(codes)))
    return tree, given, na, codes


@given(sheets())
def test_total_never_exceeds_the_units_own_maximum_without_bonus(case):
    tree, given_scores, na, _ = case
    sheet = compute_sheet(tree, given_scores, na).value
    assert D(0) <= sheet.points <= sheet.max_points
    for node in sheet.subtotals.values():
        assert D(0) <= node.points <= node.max_points <= node.declared_max


@given(sheets(with_root_bonus=True), st.data())
def test_marking_a_criterion_not_applicable_never_raises_the_maximum(case, data):
    tree, given_scores, na, codes = case
    extra = data.draw(st.sampled_from(codes))
    before = compute_sheet(tree, given_scores, na).value
    after = compute_sheet(tree, given_scores, {*na, extra}).value
    assert after.max_points <= before.max_points
    for code, node in after.subtotals.items():
        assert node.max_points <= before.subtotals[code].max_points


@given(
    st.lists(st.integers(0, 6), max_size=25),
    st.one_of(st.none(), st.lists(st.integers(0, 2), min_size=25, max_size=25)),
)
def test_ranks_are_non_decreasing_and_count_the_units_above(values, breaks):
    entries = [(i, D(v)) for i, v in enumerate(values)]
    tie_break = None if breaks is None else (lambda key: D(breaks[key]))
    result = rank(entries, tie_break)
    assert sorted(r.key for r in result) == list(range(len(values)))
    ranks = [r.rank for r in result]
    assert ranks == sorted(ranks)

    def standing(key):
        return (values[key], 0 if breaks is None else breaks[key])

    for r in result:
        above = sum(1 for other in result if standing(other.key) > standing(r.key))
        assert above == r.rank - 1


def test_ranking_by_an_unknown_tie_break_criterion_is_refused_not_crashed():
    broken = frame(c("1", "10"), tie_break=TieBreak(TieBreakBy.CRITERION, "9"))
    sheet = compute_sheet(broken, {"1": D(5)}).value
    with pytest.raises(DomainError) as raised:
        rank_sheets(broken, [("A", sheet), ("B", sheet)])
    assert raised.value.rule == "scoring.frame.unknown_tie_break_criterion"


def test_the_tie_break_rule_is_stated_in_words_for_each_kind():
    from tongket.scoring.domain import TieBreak, TieBreakBy, describe_tie_break

    plain = frame(c("1", "60"), c("2", "40"))
    assert describe_tie_break(plain) == "Các đơn vị bằng nhau cùng hạng (không có tiêu chí phụ)."
    by_points = replace(plain, tie_break=TieBreak(TieBreakBy.POINTS))
    assert "tổng điểm cao hơn" in describe_tie_break(by_points)
    by_criterion = replace(plain, tie_break=TieBreak(TieBreakBy.CRITERION, "1"))
    assert describe_tie_break(by_criterion).startswith("Khi bằng điểm, đơn vị có điểm tiêu chí 1")
