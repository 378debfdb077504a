"""Excel export and import of score sheets: the documented layout, all-or-nothing imports."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tongket.scoring import excel, selectors, services
from tongket.scoring.models import Frame, ScoreLine, ScoreSheet, SheetStatus
from tongket.scoring.tests.test_services import SGDDT, make_frame

pytestmark = pytest.mark.django_db


def filled_template(frame: Frame, units: list[str], values: dict[str, dict[str, object]]) -> bytes:
    """The downloadable template for `units`, with `values[unit][code]` typed into column E."""
    data = excel.template_for_frame(frame, [(u, u) for u in units])
    book = load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        unit = ws["B4"].value
        for row in range(excel.FIRST_ROW, ws.max_row + 1):
            code = ws.cell(row=row, column=1).value
            if code in values.get(unit, {}):
                ws.cell(row=row, column=5, value=values[unit][code])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = {"1.1": 28, "1.2": "27,5", "2.1": 18, "2.2": 17.25}


def test_the_template_follows_the_documented_layout():
    frame = make_frame()
    book = load_workbook(io.BytesIO(excel.template_for_frame(frame, [(SGDDT, "Sở")])))
    ws = book.worksheets[0]
    assert [ws[f"A{r}"].value for r in range(1, 6)] == list(excel.LABELS)
    assert (ws["B1"].value, ws["B2"].value, ws["B3"].value, ws["B4"].value) == (
        "T-2021",
        2021,
        1,
        SGDDT,
    )
    assert [c.value for c in ws[excel.HEADER_ROW]] == [h for _l, h in excel.COLUMNS]
    codes = [ws.cell(row=r, column=1).value for r in range(excel.FIRST_ROW, ws.max_row + 1)]
    assert codes == ["1", "1.1", "1.2", "2", "2.1", "2.2", "B", "P"]


def test_a_good_workbook_imports_and_submits_the_self_scores():
    frame = make_frame()
    data = filled_template(frame, [SGDDT], {SGDDT: GOOD})
    result = excel.import_workbook(actor=None, source=data, mode="self", submit=True)
    (sheet,) = result.sheets
    assert sheet.status == SheetStatus.SELF_SUBMITTED
    assert sheet.self_points == Decimal("90.75")
    assert ScoreLine.objects.get(sheet=sheet, code="1.2").self_score == Decimal("27.5")


def test_a_workbook_with_bad_rows_writes_nothing_and_names_every_error():
    frame = make_frame()
    bad = {**GOOD, "1.1": "ba mươi", "2.1": 25, "1": 5}
    data = filled_template(frame, [SGDDT, "UBND.QT.STC"], {"UBND.QT.STC": GOOD, SGDDT: bad})
    with pytest.raises(excel.ImportFailed) as caught:
        excel.import_workbook(actor=None, source=data, mode="self", submit=True)
    errors = {(e.sheet, e.row, e.column) for e in caught.value.errors}
    # Row 8 is criterion 1, row 9 is 1.1, row 12 is 2.1 (the frame's order from row 8).
    assert errors == {(SGDDT, 9, "E"), (SGDDT, 12, "E"), (SGDDT, 8, "E")}
    assert all("Trang" in str(e) and "dòng" in str(e) for e in caught.value.errors)
    # The other department's good worksheet was not written either.
    assert not ScoreSheet.objects.filter(frame=frame).exists()


def test_an_error_found_by_the_services_rolls_back_the_worksheets_already_written():
    frame = make_frame()
    sealed = ScoreSheet.objects.get(unit__code=SGDDT, frame__code="QT-HTNV-SBN-2020")
    data = excel.write_workbook(
        [
            excel.Page(
                selectors.domain_frame(frame),
                "UBND.QT.STC",
                "Sở Tài chính",
                {
                    c: excel.LineValues(self_score=Decimal(str(v).replace(",", ".")))
                    for c, v in GOOD.items()
                },
            ),
            excel.page_for_sheet(sealed),
        ]
    )
    with pytest.raises(excel.ImportFailed) as caught:
        excel.import_workbook(actor=None, source=data, mode="self")
    assert [e.message for e in caught.value.errors] == [
        "Phiếu chấm điểm đã được công bố kết quả nên không sửa được."
    ]
    assert not ScoreSheet.objects.filter(frame=frame).exists()


def test_a_header_that_does_not_follow_the_layout_is_reported_by_cell():
    frame = make_frame()
    book = load_workbook(io.BytesIO(excel.template_for_frame(frame, [(SGDDT, "Sở")])))
    ws = book.worksheets[0]
    ws["B4"] = None
    ws.cell(row=excel.HEADER_ROW, column=5, value="Điểm")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(excel.ImportFailed) as caught:
        excel.import_workbook(actor=None, source=out.getvalue(), mode="self")
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "B"), (7, "E")]


def test_an_outsider_cannot_import_into_a_unit_they_do_not_see(django_user_model):
    frame = make_frame()
    user = django_user_model.objects.create_user("ngoai", password="x")
    data = filled_template(frame, [SGDDT], {SGDDT: GOOD})
    with pytest.raises(excel.ImportFailed) as caught:
        excel.import_workbook(actor=user, source=data, mode="self")
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, "B")]
    assert not ScoreSheet.objects.filter(frame=frame).exists()


def test_an_exported_sheet_imports_back_as_the_appraisal():
    frame = make_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    services.enter_self_scores(
        actor=None,
        sheet_id=sheet.pk,
        lines={c: services.LineInput(Decimal(str(v).replace(",", "."))) for c, v in GOOD.items()},
        submit=True,
    )
    sheet.refresh_from_db()
    book = load_workbook(io.BytesIO(excel.write_workbook([excel.page_for_sheet(sheet)])))
    ws = book.worksheets[0]
    for row in range(excel.FIRST_ROW, ws.max_row + 1):
        ws.cell(row=row, column=8, value=ws.cell(row=row, column=5).value)
    ws.cell(row=excel.FIRST_ROW + 1, column=8, value=20)
    ws.cell(row=excel.FIRST_ROW + 1, column=9, value="Thiếu minh chứng")
    for row in (excel.FIRST_ROW, excel.FIRST_ROW + 3):  # groups carry no score
        ws.cell(row=row, column=8, value=None)
    out = io.BytesIO()
    book.save(out)
    (done,) = excel.import_workbook(actor=None, source=out.getvalue(), mode="appraisal").sheets
    assert (done.status, done.appraised_points) == (SheetStatus.APPRAISED, Decimal("82.75"))
