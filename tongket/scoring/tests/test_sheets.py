"""The «Bảng điểm» and «Chỉ tiêu» workbook sheets: services, rules, scope, round trip."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tongket.core.tests.workbooks import (
    assert_formulas_neutralized,
    assert_imports_back_unchanged,
)
from tongket.exchange.exporter import export_workbook
from tongket.exchange.importer import run_import
from tongket.exchange.workbook import write_workbook
from tongket.scoring import selectors, services
from tongket.scoring.models import Frame, ScoreLine, ScoreSheet, SheetStatus, Target
from tongket.scoring.sheets import ScoreLineSheet, TargetSheet

pytestmark = pytest.mark.django_db

SCORES = "Bảng điểm"
TARGETS = "Chỉ tiêu"
UNIT = "UBND.QT.SGDDT"
CODE = "QT-HTNV-SBN-2020"


def errors(report: Any) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.rule) for p in report.errors]


@pytest.fixture
def frame_v2() -> Frame:
    """A new version of the 2020 task frame: no unit has a sheet on it yet."""
    old = Frame.objects.get(code=CODE, version=1)
    return services.new_frame_version(actor=None, frame_id=old.pk, reason="Sửa lỗi chính tả")


def line(
    code: str, score: Any = "", *, unit: str = UNIT, version: Any = 2, **more: Any
) -> list[Any]:
    values = {
        "na": "",
        "evidence": "",
        "appraised_na": "",
        "appraised": "",
        "comment": "",
        **more,
    }
    return [
        unit,
        2020,
        CODE,
        version,
        code,
        "",
        values["na"],
        score,
        values["evidence"],
        values["appraised_na"],
        values["appraised"],
        values["comment"],
    ]


def scores_book(*rows: list[Any]) -> bytes:
    return write_workbook([(ScoreLineSheet(), rows)])


def target(name: str, planned: Any, achieved: Any = "", **more: Any) -> list[Any]:
    values = {"direction": "", "override": "", "override_reason": "", "evidence": "", **more}
    return [
        UNIT,
        "UBND.QT",
        2020,
        name,
        "%",
        values["direction"],
        planned,
        achieved,
        values["override"],
        values["override_reason"],
        values["evidence"],
        values.get("reason", ""),
        "",
    ]


def targets_book(*rows: list[Any]) -> bytes:
    return write_workbook([(TargetSheet(), rows)])


@pytest.mark.parametrize("username", ["quantri", "vanphong", "bithu", "bithu2", "khoi"])
def test_exported_score_sheets_and_targets_import_back_without_any_change(username, user_named):
    user = user_named(username)
    assert_imports_back_unchanged(user, ["score_lines", "targets"], ScoreSheet, Target)


def test_the_export_holds_every_line_of_the_sheets_the_user_may_see(user_named):
    sheet = load_workbook(io.BytesIO(export_workbook(user_named("vanphong"), ["score_lines"])))
    rows = list(sheet[SCORES].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {UNIT}
    lines = ScoreLine.objects.filter(sheet__unit__code=UNIT).count()
    assert len(rows) == lines
    first = next(r for r in rows if r[2] == CODE and r[4] == "1.2")
    assert first[7] == 47  # the department's own score; the appraisal gave it another
    assert not list(
        load_workbook(io.BytesIO(export_workbook(user_named("dangvien"), ["score_lines"])))[
            SCORES
        ].iter_rows(min_row=2, values_only=True)
    )


def test_self_scores_open_a_draft_sheet_through_the_services(user_named, frame_v2):
    user = user_named("vanphong")
    data = scores_book(
        line("1.1.a", "19,5", evidence="Báo cáo số 12/BC-SGDĐT"),
        line("1.1.b", 20),
        line("1.2", "", na="x"),
    )
    report = run_import(data, actor=user, dry_run=False)
    assert report.ok, report.problems
    assert report.counts()[SCORES] == {"create": 3}
    sheet = ScoreSheet.objects.get(unit__code=UNIT, frame=frame_v2)
    assert sheet.status == SheetStatus.DRAFT
    lines = {ln.code: ln for ln in sheet.lines.all()}
    assert lines["1.1.a"].self_score == Decimal("19.5")
    assert lines["1.1.a"].evidence == "Báo cáo số 12/BC-SGDĐT"
    assert lines["1.2"].not_applicable
    assert run_import(data, actor=user, dry_run=False).changes == 0
    # A later file with one criterion changes that line only; the others keep their scores.
    again = run_import(scores_book(line("1.1.b", 18)), actor=user, dry_run=False)
    assert [o.action for o in again.outcomes] == ["update"]
    lines = {ln.code: ln for ln in sheet.lines.all()}
    assert (lines["1.1.a"].self_score, lines["1.1.b"].self_score) == (Decimal("19.5"), Decimal(18))


def test_the_issuer_appraises_a_submitted_sheet_from_the_appraisal_columns(frame_v2):
    sheet = services.open_sheet(actor=None, unit_code=UNIT, frame_id=frame_v2.pk)
    placed = list(selectors.domain_frame(frame_v2).walk())
    leaves = {p.criterion.code: p.criterion.max_points for p in placed if p.criterion.is_leaf}
    full = {c: services.LineInput(m) for c, m in leaves.items()}
    services.enter_self_scores(actor=None, sheet_id=sheet.pk, lines=full, submit=True)
    # A file with the appraisal columns only: the unit's own scores are left alone.
    book = Workbook()
    ws = book.active
    ws.title = SCORES
    keys = ("unit_code", "year", "frame_code", "version", "criterion", "appraised_score", "comment")
    ws.append([next(c.header for c in ScoreLineSheet.columns if c.key == k) for k in keys])
    for code, top in leaves.items():
        ws.append([UNIT, 2020, CODE, 2, code, top - 1, "Trừ 1 điểm"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import(buffer.getvalue(), actor=None, dry_run=False)
    assert report.ok, report.problems
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.APPRAISED
    appraised = {ln.code: ln for ln in sheet.lines.all() if ln.code in leaves}
    assert all(ln.appraised_score == leaves[c] - 1 for c, ln in appraised.items())
    assert {ln.appraiser_comment for ln in appraised.values()} == {"Trừ 1 điểm"}
    assert sheet.lines.get(code="1.2").self_score == leaves["1.2"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([line("1.1.a", 25)], [(SCORES, 2, "Điểm tự chấm", "scoring.score.above_max")]),
        ([line("9.9", 1)], [(SCORES, 2, "Mã tiêu chí", "scoring.score.unknown_criterion")]),
        ([line("1.1.a", "ba mươi")], [(SCORES, 2, "Điểm tự chấm", "import.cell.number")]),
        ([line("1", 5)], [(SCORES, 2, "Điểm tự chấm", "scoring.score.on_group")]),
        (
            [line("1.1.a", 5, na="có lẽ")],
            [(SCORES, 2, "Không áp dụng (tự chấm)", "import.cell.choice")],
        ),
        (
            [line("1.1.a", 5), line("1.1.a", 6)],
            [(SCORES, 3, "Mã tiêu chí", "import.score.duplicate_criterion")],
        ),
        (
            [line("1.1.a", 5, unit="UBND.KHONGCO")],
            [(SCORES, 2, "Mã đơn vị", "scoring.unit.unknown_agency")],
        ),
        ([line("1.1.a", 5, version=7)], [(SCORES, 2, "Khung chấm điểm", "scoring.frame.unknown")]),
        (
            [line("1.1.a", 5, version=1)],
            [(SCORES, 2, "Mã tiêu chí", "scoring.sheet.sealed")],
        ),
        (
            [line("1.1.a", 5, appraised=4)],
            [(SCORES, 2, "Điểm thẩm định", "access.denied")],
        ),
    ],
)
def test_each_refusal_names_sheet_row_column_and_rule(rows, expected, user_named, frame_v2):
    before = list(ScoreLine.objects.order_by("pk").values_list("self_score", "appraised_score"))
    report = run_import(scores_book(*rows), actor=user_named("vanphong"), dry_run=False)
    assert errors(report) == expected
    assert not report.applied
    assert list(ScoreLine.objects.order_by("pk").values_list("self_score", "appraised_score")) == (
        before
    )


def test_one_bad_line_means_no_sheet_is_written(user_named, frame_v2):
    data = scores_book(line("1.1.a", 10), line("1.1.b", 10), line("1.2", 99))
    before = ScoreSheet.objects.count()
    report = run_import(data, actor=user_named("vanphong"), dry_run=False)
    assert errors(report) == [(SCORES, 4, "Điểm tự chấm", "scoring.score.above_max")]
    assert ScoreSheet.objects.count() == before


def test_a_cell_secretary_sees_the_sheet_but_cannot_enter_its_scores(user_named, frame_v2):
    report = run_import(scores_book(line("1.1.a", 10)), actor=user_named("bithu2"), dry_run=False)
    assert errors(report) == [(SCORES, 2, "Mã đơn vị", "access.denied")]
    assert not ScoreSheet.objects.filter(frame=frame_v2).exists()


# --- targets -----------------------------------------------------------------------------------


def test_a_new_target_is_assigned_through_the_service():
    data = targets_book(target("Tỷ lệ giáo viên đạt chuẩn", "95", "96,5", evidence="Báo cáo"))
    report = run_import(data, actor=None, dry_run=False)
    assert report.ok, report.problems
    made = Target.objects.get(name="Tỷ lệ giáo viên đạt chuẩn", is_current=True)
    assert (made.target_value, made.achieved_value, made.met) == (
        Decimal(95),
        Decimal("96.5"),
        True,
    )
    assert made.sort_order == 4
    assert run_import(data, actor=None, dry_run=False).changes == 0


def test_a_changed_target_needs_a_reason_and_becomes_its_next_version():
    name = "Tỷ lệ trường đạt chuẩn quốc gia"
    refused = run_import(targets_book(target(name, 60, "59")), actor=None, dry_run=False)
    assert errors(refused) == [(TARGETS, 2, "Lý do thay đổi", "scoring.target.reason")]
    changed = target(name, 60, "59", reason="Số liệu thống kê chính thức")
    report = run_import(targets_book(changed), actor=None, dry_run=False)
    assert report.ok, report.problems
    versions = list(Target.objects.filter(name=name).order_by("version"))
    assert [t.is_current for t in versions] == [False, False, True]
    assert (versions[-1].achieved_value, versions[-1].met) == (Decimal(59), False)


def test_an_override_without_its_reason_is_refused_by_the_domain_rule():
    row = target("Chỉ tiêu mới", 10, 9, override="Đạt")
    report = run_import(targets_book(row), actor=None, dry_run=False)
    assert errors(report) == [
        (TARGETS, 2, "Lý do ghi nhận", "scoring.target.override_without_reason")
    ]


def test_only_the_issuer_assigns_targets(user_named):
    report = run_import(
        targets_book(target("Chỉ tiêu mới", 10)), actor=user_named("vanphong"), dry_run=False
    )
    assert errors(report) == [(TARGETS, 2, "Mã cơ quan giao", "access.denied")]
    report = run_import(
        targets_book(target("Chỉ tiêu mới", 10)), actor=user_named("dangvien"), dry_run=False
    )
    assert errors(report) == [(TARGETS, 2, "Mã đơn vị", "scoring.unit.unknown_agency")]


def test_formula_like_evidence_is_neutralized_on_export_and_imports_back(user_named):
    data = targets_book(target("Chỉ tiêu mới", 10, evidence="=1+2"))
    assert run_import(data, actor=None, dry_run=False).ok
    assert_formulas_neutralized(user_named("vanphong"), ["targets"], TARGETS, "'=1+2")


@pytest.mark.parametrize(
    ("kind", "header"), [("scores", "Mã đơn vị,Năm,"), ("targets", "Mã đơn vị,")]
)
def test_score_lines_and_targets_download_as_csv(client_for, kind, header):
    response = client_for("vanphong").get(f"/exchange/export/{kind}.csv")
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")
    assert text.startswith(header)
    assert UNIT in text
