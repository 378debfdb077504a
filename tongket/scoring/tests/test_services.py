"""Scoring services and selectors on the demo database: totals, ranking, sealing, targets, scope."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tongket.audit.models import AuditEvent
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.scoring import domain, selectors, services
from tongket.scoring.models import Frame, ScoreSheet, SheetStatus, Target
from tongket.scoring.services import LineInput

pytestmark = pytest.mark.django_db

D = Decimal
SGDDT = "UBND.QT.SGDDT"


def small_frame(code: str = "T-2021", year: int = 2021) -> domain.Frame:
    c = domain.Criterion
    return domain.Frame(
        code=code,
        title=f"Khung thử năm {year}",
        issuer="Ủy ban nhân dân tỉnh Quảng Trị",
        year=year,
        version=1,
        criteria=(
            c("1", "Nhiệm vụ", D(60), children=(c("1.1", "A", D(30)), c("1.2", "B", D(30)))),
            c("2", "Cải cách", D(40), children=(c("2.1", "C", D(20)), c("2.2", "D", D(20)))),
            c("B", "Điểm thưởng", D(5), domain.CriterionKind.BONUS),
            c("P", "Điểm trừ", D(10), domain.CriterionKind.PENALTY),
        ),
        bands=(
            domain.Band(D(90), "Hoàn thành xuất sắc nhiệm vụ", "excellent"),
            domain.Band(D(70), "Hoàn thành tốt nhiệm vụ", "good"),
            domain.Band(D(0), "Hoàn thành nhiệm vụ", "completed"),
        ),
        tie_break=domain.TieBreak(domain.TieBreakBy.CRITERION, "1"),
    )


def make_frame(code: str = "T-2021") -> Frame:
    return services.create_frame(
        actor=None, issuer_code="UBND.QT", series="T", frame=small_frame(code)
    )


def lines(values: dict[str, str]) -> dict[str, LineInput]:
    return {code: LineInput(D(v), "minh chứng") for code, v in values.items()}


def scored_sheet(unit: str, frame: Frame, values: dict[str, str], na: set[str] | None = None):
    sheet = services.open_sheet(actor=None, unit_code=unit, frame_id=frame.pk)
    services.enter_self_scores(
        actor=None, sheet_id=sheet.pk, lines=lines(values), not_applicable=na or set(), submit=True
    )
    return services.appraise_sheet(actor=None, sheet_id=sheet.pk, lines=lines(values))


FULL = {"1.1": "28", "1.2": "27", "2.1": "18", "2.2": "17"}


@pytest.mark.parametrize(
    ("extra", "na", "points", "own_max", "level"),
    [
        ({}, set(), "90", "100", "excellent"),
        ({"B": "3"}, set(), "93", "100", "excellent"),
        ({"P": "4.5"}, set(), "85.5", "100", "good"),
        ({"B": "5", "P": "10"}, set(), "85", "100", "good"),
        ({}, {"2.2"}, "73", "80", "excellent"),  # 73/80 = 91,25 % of the unit's own maximum
        ({"P": "2"}, {"2"}, "53", "60", "good"),  # 88,3 %
    ],
)
def test_totals_count_bonus_penalty_and_not_applicable_criteria(extra, na, points, own_max, level):
    frame = make_frame()
    values = {k: v for k, v in {**FULL, **extra}.items() if k not in na and k[:1] not in na}
    sheet = scored_sheet(SGDDT, frame, values, na)
    assert (sheet.appraised_points, sheet.appraised_max) == (D(points), D(own_max))
    assert sheet.level_code == level
    assert sheet.status == SheetStatus.APPRAISED


def test_a_submitted_sheet_needs_every_applicable_criterion_scored():
    frame = make_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    services.enter_self_scores(actor=None, sheet_id=sheet.pk, lines=lines({"1.1": "10"}))
    with pytest.raises(DomainError) as caught:
        services.enter_self_scores(
            actor=None, sheet_id=sheet.pk, lines=lines({"1.1": "10"}), submit=True
        )
    assert caught.value.rule == "scoring.score.missing"
    assert {f.subject for f in caught.value.findings} == {"1.2", "2.1", "2.2"}


def test_a_score_above_the_criterion_maximum_is_refused_even_in_a_draft():
    frame = make_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    with pytest.raises(DomainError) as caught:
        services.enter_self_scores(actor=None, sheet_id=sheet.pk, lines=lines({"1.1": "31"}))
    assert caught.value.rule == "scoring.score.above_max"


def test_a_write_at_a_stale_version_is_refused_as_a_concurrent_edit_and_changes_nothing():
    frame = make_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    read = sheet.version
    services.enter_self_scores(
        actor=None, sheet_id=sheet.pk, lines=lines({"1.1": "10"}), expected_version=read
    )
    with pytest.raises(ConcurrentEdit):
        services.enter_self_scores(
            actor=None, sheet_id=sheet.pk, lines=lines({"1.1": "20"}), expected_version=read
        )
    sheet.refresh_from_db()
    assert sheet.version == read + 1
    assert sheet.lines.get(code="1.1").self_score == D(10)
    services.enter_self_scores(
        actor=None, sheet_id=sheet.pk, lines=lines(FULL), submit=True, expected_version=read + 1
    )
    with pytest.raises(ConcurrentEdit):
        services.appraise_sheet(
            actor=None, sheet_id=sheet.pk, lines=lines(FULL), expected_version=read + 1
        )
    assert (
        services.appraise_sheet(
            actor=None, sheet_id=sheet.pk, lines=lines(FULL), expected_version=read + 2
        ).version
        == read + 3
    )


def test_equal_totals_share_a_rank_and_the_next_rank_skips():
    frame = make_frame()
    units = ["UBND.QT.STC", "UBND.QT.SNV", "UBND.QT.SYT", "UBND.QT.STP"]
    group = services.create_peer_group(
        actor=None, frame_id=frame.pk, name="Nhóm thử", unit_codes=units
    )
    # STC 90; SNV and SYT 80 with the same subtotal of criterion 1 (the tie-break); STP 70.
    totals = {
        "UBND.QT.STC": FULL,
        "UBND.QT.SNV": {"1.1": "25", "1.2": "25", "2.1": "15", "2.2": "15"},
        "UBND.QT.SYT": {"1.1": "30", "1.2": "20", "2.1": "20", "2.2": "10"},
        "UBND.QT.STP": {"1.1": "20", "1.2": "20", "2.1": "15", "2.2": "15"},
    }
    for unit, values in totals.items():
        scored_sheet(unit, frame, values)
    services.publish_results(actor=None, group_id=group.pk)
    ranks = dict(
        ScoreSheet.objects.filter(frame=frame).values_list("unit__code", "rank").order_by("rank")
    )
    assert ranks == {"UBND.QT.STC": 1, "UBND.QT.SNV": 2, "UBND.QT.SYT": 2, "UBND.QT.STP": 4}
    ranking = selectors.peer_group_ranking(None, group.pk)
    assert [(r.rank, r.shared) for r in ranking.rows] == [
        (1, False),
        (2, True),
        (2, True),
        (4, False),
    ]


def test_the_tie_break_criterion_splits_equal_totals():
    frame = make_frame()
    group = services.create_peer_group(
        actor=None, frame_id=frame.pk, name="Nhóm", unit_codes=["UBND.QT.STC", "UBND.QT.SNV"]
    )
    scored_sheet("UBND.QT.STC", frame, {"1.1": "25", "1.2": "25", "2.1": "15", "2.2": "15"})
    scored_sheet("UBND.QT.SNV", frame, {"1.1": "30", "1.2": "25", "2.1": "15", "2.2": "10"})
    services.publish_results(actor=None, group_id=group.pk)
    ranks = dict(ScoreSheet.objects.filter(frame=frame).values_list("unit__code", "rank"))
    assert ranks == {"UBND.QT.SNV": 1, "UBND.QT.STC": 2}


def test_results_cannot_be_published_before_every_unit_is_appraised():
    frame = make_frame()
    group = services.create_peer_group(
        actor=None, frame_id=frame.pk, name="Nhóm", unit_codes=["UBND.QT.STC", "UBND.QT.SNV"]
    )
    scored_sheet("UBND.QT.STC", frame, FULL)
    with pytest.raises(DomainError) as caught:
        services.publish_results(actor=None, group_id=group.pk)
    assert caught.value.rule == "scoring.publish.not_appraised"
    assert not ScoreSheet.objects.filter(frame=frame, status=SheetStatus.SEALED).exists()


def sealed_sheet() -> ScoreSheet:
    return ScoreSheet.objects.get(unit__code=SGDDT, frame__code="QT-HTNV-SBN-2020")


def test_a_sealed_sheet_refuses_self_scores_and_appraisal():
    sheet = sealed_sheet()
    assert sheet.status == SheetStatus.SEALED
    before = list(sheet.lines.values_list("code", "self_score", "appraised_score"))
    with pytest.raises(DomainError) as caught:
        services.appraise_sheet(actor=None, sheet_id=sheet.pk, lines=lines({"1.2": "50"}))
    assert caught.value.rule == services.SEALED_RULE
    with pytest.raises(DomainError) as caught:
        services.enter_self_scores(actor=None, sheet_id=sheet.pk, lines=lines({"1.2": "50"}))
    assert caught.value.rule == services.SEALED_RULE
    sheet.refresh_from_db()
    assert sheet.appraised_points == D("326.7")
    assert list(sheet.lines.values_list("code", "self_score", "appraised_score")) == before


def test_a_published_group_cannot_be_published_again():
    group = sealed_sheet().peer_group
    assert group is not None
    with pytest.raises(DomainError) as caught:
        services.publish_results(actor=None, group_id=group.pk)
    assert caught.value.rule == services.SEALED_RULE


def test_a_new_frame_version_copies_the_frame_and_leaves_the_old_one_untouched():
    old = Frame.objects.get(code="QT-HTNV-SBN-2020")
    criteria = old.criteria
    new = services.new_frame_version(actor=None, frame_id=old.pk, reason="Đính chính tiêu chí 1.2")
    old.refresh_from_db()
    assert (new.version, new.supersedes_id, new.criteria) == (2, old.pk, criteria)
    assert old.criteria == criteria
    assert sealed_sheet().frame_id == old.pk
    with pytest.raises(DomainError) as caught:
        services.new_frame_version(actor=None, frame_id=old.pk, reason="lần nữa")
    assert caught.value.rule == "scoring.frame.not_latest"


def test_a_frame_that_breaks_the_structure_rules_is_refused():
    broken = small_frame("T-BAD")
    broken = domain.Frame(**{**broken.__dict__, "criteria": broken.criteria[:1] * 2})
    with pytest.raises(DomainError) as caught:
        services.create_frame(actor=None, issuer_code="UBND.QT", series="T", frame=broken)
    assert caught.value.rule == "scoring.frame.duplicate_code"


def test_every_write_is_audited():
    before = AuditEvent.objects.count()
    frame = make_frame()
    scored_sheet(SGDDT, frame, FULL)
    actions = list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True))
    assert actions == [
        "scoring.frame.create",
        "scoring.sheet.open",
        "scoring.sheet.self_submit",
        "scoring.sheet.appraise",
    ]


# --- access ------------------------------------------------------------------------------------


def outsider():
    return get_user_model().objects.create_user("ngoai", password="x")


def test_the_office_of_the_departments_party_organization_enters_self_scores(user_named):
    frame = make_frame()
    sheet = services.open_sheet(actor=user_named("vanphong"), unit_code=SGDDT, frame_id=frame.pk)
    services.enter_self_scores(actor=user_named("vanphong"), sheet_id=sheet.pk, lines=lines(FULL))
    with pytest.raises(PermissionDenied):
        services.enter_self_scores(actor=user_named("bithu2"), sheet_id=sheet.pk, lines={})
    with pytest.raises(NotFound):
        services.enter_self_scores(actor=outsider(), sheet_id=sheet.pk, lines={})


def test_only_the_issuer_appraises(user_named):
    frame = make_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    services.enter_self_scores(actor=None, sheet_id=sheet.pk, lines=lines(FULL), submit=True)
    with pytest.raises(PermissionDenied):
        services.appraise_sheet(actor=user_named("vanphong"), sheet_id=sheet.pk, lines=lines(FULL))
    with pytest.raises(NotFound):
        services.appraise_sheet(actor=outsider(), sheet_id=sheet.pk, lines=lines(FULL))


@pytest.mark.parametrize(
    ("username", "sees"),
    [("quantri", True), ("vanphong", True), ("khoi", True), ("bithu2", True), ("dangvien", False)],
)
def test_the_departments_sheets_are_seen_through_its_party_organizations(
    user_named, username, sees
):
    assert selectors.visible_sheets(user_named(username)).filter(unit__code=SGDDT).exists() is sees


def test_a_user_of_another_department_sees_the_published_ranking_but_not_our_sheet(
    other_department_user,
):
    user = other_department_user
    sheet = sealed_sheet()
    with pytest.raises(NotFound):
        selectors.sheet_view(user, sheet.pk)
    assert sheet.peer_group is not None
    ranking = selectors.peer_group_ranking(user, sheet.peer_group.pk)
    mine = {r.unit_code: r.may_open for r in ranking.rows}
    assert mine[SGDDT] is False
    assert mine["UBND.QT.STC"] is True
    with pytest.raises(NotFound):
        selectors.peer_group_ranking(outsider(), sheet.peer_group.pk)


def test_an_unpublished_ranking_is_hidden_from_the_units(user_named):
    frame = make_frame()
    group = services.create_peer_group(
        actor=None, frame_id=frame.pk, name="Nhóm", unit_codes=[SGDDT]
    )
    with pytest.raises(NotFound):
        selectors.peer_group_ranking(user_named("vanphong"), group.pk)
    assert selectors.peer_group_ranking(user_named("quantri"), group.pk).ranked == 0


# --- reads -------------------------------------------------------------------------------------


def test_the_sheet_view_highlights_where_the_appraisal_changed_the_self_score(user_named):
    view = selectors.sheet_view(user_named("vanphong"), sealed_sheet().pk)
    changed = {r.code: r.difference for r in view.rows if r.differs and r.is_leaf}
    assert changed == {"1.2": D(-2), "3.1": D("-0.8"), "6.2": D(-1)}
    assert view.self_total.points == D("330.5")
    assert view.appraised_total is not None
    assert view.appraised_total.points == D("326.7")


def test_year_over_year_shows_the_department_rising_from_third_to_first(user_named):
    unit = selectors.resolve_unit(user_named("vanphong"), "QT.KCQDN.SGDDT")
    history = {h.series: h for h in selectors.year_over_year(user_named("vanphong"), unit)}
    task = history["QT-HTNV-SBN"].changes
    assert [(c.year, c.points, c.rank) for c in task] == [
        (2019, D("318.5"), 3),
        (2020, D("326.7"), 1),
    ]
    assert task[1].rank_change == 2
    assert task[1].trend is domain.Trend.IMPROVED


def test_a_party_cell_code_resolves_to_the_agency_it_sits_in():
    assert selectors.resolve_unit(None, "QT.KCQDN.SGDDT.TTR").code == SGDDT
    with pytest.raises(NotFound):
        selectors.resolve_unit(None, "QT")


def test_the_scores_command_reports_the_seed_results_exactly():
    out = StringIO()
    call_command("scores", org="QT.KCQDN.SGDDT", year=2020, json=True, stdout=out)
    assert json.loads(out.getvalue()) == {
        "org": SGDDT,
        "year": 2020,
        "scorecards": [
            {
                "frame": "QT-HTNV-SBN-2020",
                "points": "326.7",
                "max": "350.0",
                "rank": 1,
                "of": 20,
                "level": "excellent",
            },
            {
                "frame": "QT-CCHC-SO-2020",
                "points": "88.57",
                "max": "97.0",
                "rank": 2,
                "of": 20,
                "level": None,
            },
        ],
        "targets": {"met": 4, "total": 4},
    }


def test_the_scores_command_prints_the_results_in_vietnamese():
    out = StringIO()
    call_command("scores", org="UBND.QT.SGDDT", year=2020, stdout=out)
    text = out.getvalue()
    assert "326,7 điểm/350 điểm, xếp thứ Nhất trong 20 đơn vị" in text
    assert "88,57 điểm/97 điểm, xếp thứ Nhì trong 20 đơn vị" in text
    assert "Chỉ tiêu: đạt 4/4" in text


# --- targets -----------------------------------------------------------------------------------


def set_target(year: int, data: services.TargetInput, **change: Any) -> Target:
    """The province sets (or changes) one of the department's targets for the year."""
    return services.set_target(
        actor=None, unit_code=SGDDT, issuer_code="UBND.QT", year=year, data=data, **change
    )


def test_a_target_change_adds_a_version_and_keeps_the_history():
    current = Target.objects.filter(unit__code=SGDDT, year=2020, is_current=True)
    assert current.count() == 4
    assert all(t.met for t in current)
    first = current.order_by("sort_order").first()
    assert first is not None
    changed = set_target(
        2020,
        services.TargetInput(
            name=first.name,
            unit_of_measure="%",
            target_value=first.target_value,
            achieved_value=D("99.0"),
        ),
        replaces=first.pk,
        reason="Số liệu thống kê chính thức",
    )
    assert (changed.version, changed.met, changed.lineage) == (3, False, first.lineage)
    history = Target.objects.filter(lineage=first.lineage).order_by("version")
    assert [(t.version, t.is_current) for t in history] == [(1, False), (2, False), (3, True)]
    assert selectors.targets_summary(None, changed.unit, 2020).text == "3/4"


def test_a_target_override_needs_a_reason():
    with pytest.raises(DomainError) as caught:
        set_target(
            2021,
            services.TargetInput(
                name="Chỉ tiêu mới", unit_of_measure="%", target_value=D(1), met_override=True
            ),
        )
    assert caught.value.rule == "scoring.target.override_without_reason"


def test_a_change_to_a_target_needs_a_reason():
    target = Target.objects.filter(unit__code=SGDDT, is_current=True).first()
    assert target is not None
    with pytest.raises(DomainError) as caught:
        set_target(
            2020,
            services.TargetInput(
                name=target.name, unit_of_measure="%", target_value=target.target_value
            ),
            replaces=target.pk,
        )
    assert caught.value.rule == "scoring.target.reason"
