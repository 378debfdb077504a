"""The sample frames reproduce the seed's results exactly: 326,7/350, 1st; 88,57/97,0, 2nd; 4/4."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tongket.scoring.domain import (
    CriterionKind,
    Frame,
    ScoreBasis,
    band_from_data,
    bands_to_data,
    basis_value,
    compute_sheet,
    criterion_from_data,
    criterion_to_data,
    rank,
    rank_sheets,
    rank_word,
    targets_summary,
)
from tongket.scoring.frames import (
    QUANG_TRI_PAR_FRAME_2020,
    QUANG_TRI_TASK_FRAME_2020,
    SAMPLE_2020_PAR_PEER_RESULTS,
    SAMPLE_2020_TASK_PEER_TOTALS,
    SAMPLE_FRAMES,
    SAMPLE_SGDDT_2020_PAR_NOT_APPLICABLE,
    SAMPLE_SGDDT_2020_PAR_SCORES,
    SAMPLE_SGDDT_2020_TARGETS,
    SAMPLE_SGDDT_2020_TASK_NOT_APPLICABLE,
    SAMPLE_SGDDT_2020_TASK_SCORES,
    SGDDT,
)


def task_sheet():
    return compute_sheet(
        QUANG_TRI_TASK_FRAME_2020,
        SAMPLE_SGDDT_2020_TASK_SCORES,
        SAMPLE_SGDDT_2020_TASK_NOT_APPLICABLE,
    )


def par_sheet():
    return compute_sheet(
        QUANG_TRI_PAR_FRAME_2020, SAMPLE_SGDDT_2020_PAR_SCORES, SAMPLE_SGDDT_2020_PAR_NOT_APPLICABLE
    )


def without_findings(verdict):
    """A computed sheet the rules say nothing about."""
    assert verdict.findings == ()
    return verdict.value


@pytest.mark.parametrize("sample", SAMPLE_FRAMES, ids=lambda f: f.code)
def test_sample_frame_is_valid_and_says_it_is_a_sample(sample: Frame):
    assert sample.validate() == ()
    assert sample.is_sample
    assert "mẫu" in sample.title
    assert "mẫu" in sample.citation


@pytest.mark.parametrize("sample", SAMPLE_FRAMES, ids=lambda f: f.code)
def test_sample_frame_reads_back_from_the_json_a_stored_frame_keeps(sample: Frame):
    criteria = tuple(criterion_from_data(criterion_to_data(c)) for c in sample.criteria)
    bands = tuple(band_from_data(b) for b in bands_to_data(sample.bands))
    assert (criteria, bands) == (sample.criteria, sample.bands)


@pytest.mark.parametrize(
    ("sample", "declared_max"),
    [(QUANG_TRI_TASK_FRAME_2020, Decimal("350")), (QUANG_TRI_PAR_FRAME_2020, Decimal("100"))],
    ids=["task", "par"],
)
def test_sample_frame_has_the_seeds_maximum(sample: Frame, declared_max: Decimal):
    assert sample.max_points == declared_max


def test_task_frame_has_bonus_and_penalty_outside_its_350_points():
    kinds = {c.code: c.kind for c in QUANG_TRI_TASK_FRAME_2020.criteria}
    assert kinds["6"] is CriterionKind.BONUS
    assert kinds["7"] is CriterionKind.PENALTY


def test_education_department_scores_326_7_of_350_and_is_excellent():
    sheet = without_findings(task_sheet())
    assert sheet.points == Decimal("326.7")
    assert sheet.max_points == Decimal("350")
    assert (sheet.base_points, sheet.bonus_points, sheet.penalty_points) == (
        Decimal("325.2"),
        Decimal("2"),
        Decimal("0.5"),
    )
    assert sheet.level == "Hoàn thành xuất sắc nhiệm vụ"


def test_education_department_par_index_is_88_57_of_its_own_97_0():
    sheet = without_findings(par_sheet())
    assert sheet.points == Decimal("88.57")
    assert sheet.max_points == Decimal("97.0")
    assert sheet.frame_max == Decimal("100")
    assert sheet.percent() == Decimal("91.31")
    assert not sheet.subtotal("4.2").applicable


def test_education_department_ranks_first_of_twenty_in_task_scoring():
    assert len(SAMPLE_2020_TASK_PEER_TOTALS) == 20
    assert dict(SAMPLE_2020_TASK_PEER_TOTALS)[SGDDT] == task_sheet().value.points
    ranked = rank(list(SAMPLE_2020_TASK_PEER_TOTALS))
    first = ranked[0]
    assert (first.key, first.rank, first.shared) == (SGDDT, 1, False)
    assert rank_word(first.rank) == "Nhất"
    assert [r.rank for r in ranked[:5]] == [1, 2, 3, 3, 5]


def test_education_department_ranks_second_in_par_by_percent_of_own_maximum():
    assert len(SAMPLE_2020_PAR_PEER_RESULTS) == 20
    sheet = par_sheet().value
    results = {unit: (points, own_max) for unit, points, own_max in SAMPLE_2020_PAR_PEER_RESULTS}
    assert results[SGDDT] == (sheet.points, sheet.max_points)
    basis = QUANG_TRI_PAR_FRAME_2020.rank_basis
    assert basis is ScoreBasis.PERCENT
    entries = [(unit, basis_value(basis, *result)) for unit, result in results.items()]
    ranked = {r.key: r.rank for r in rank(entries)}
    assert ranked[SGDDT] == 2
    assert rank_word(ranked[SGDDT]) == "Nhì"
    # More points than the department, but out of a full 100: ranked below it.
    assert results["Sở Tư pháp"][0] > sheet.points
    assert ranked["Sở Tư pháp"] > ranked[SGDDT]


def test_sample_sheets_rank_on_their_frames():
    sheet = task_sheet().value
    ranked = rank_sheets(QUANG_TRI_TASK_FRAME_2020, [(SGDDT, sheet)])
    assert [(r.key, r.rank) for r in ranked] == [(SGDDT, 1)]


def test_education_department_met_four_of_four_targets():
    summary = targets_summary(SAMPLE_SGDDT_2020_TARGETS)
    assert summary.text == "4/4"
    directions = {t.direction for t in SAMPLE_SGDDT_2020_TARGETS}
    assert len(directions) == 2  # the samples show both directions
