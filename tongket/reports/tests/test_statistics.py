"""The summary table for the superior: counts by level and kind, its layout as data."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import load_workbook
from pypdf import PdfReader

from tongket.core.errors import DomainError
from tongket.reports.documents.model import Signature
from tongket.reports.selectors import render_report
from tongket.reports.statistics import (
    LAYOUT_ENV,
    SHIPPED_LAYOUT,
    StatisticsFacts,
    load_layout,
    parse_layout,
    render_statistics_docx,
    render_statistics_pdf,
)
from tongket.reports.tests.decisions import dateline, latest_decision_date

ORG = "QT.KCQDN.SGDDT"


def rows_of(data: bytes) -> list[list[object]]:
    sheet = load_workbook(BytesIO(data)).active
    assert sheet is not None
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_the_table_counts_cells_and_members_by_level_as_the_stats_do():
    rows = rows_of(render_report(None, ORG, 2020, kind="statistics", fmt="xlsx").content)
    header = next(r for r in rows if r[:2] == ["TT", "Chỉ tiêu"])
    cells = next(r for r in rows if r[1] == "Chi bộ")
    members = next(r for r in rows if r[1] == "Đảng viên")
    by = dict(zip(header, cells, strict=True))
    assert (by["Tổng số"], by["Hoàn thành xuất sắc nhiệm vụ"], by["Hoàn thành tốt nhiệm vụ"]) == (
        "7",
        "2",
        "5",
    )
    assert by["Tỷ lệ HTXSNV (%)"] == "28,6"
    assert dict(zip(header, members, strict=True))["Hoàn thành xuất sắc nhiệm vụ"] == "10"


@pytest.mark.django_db
def test_a_province_changes_the_columns_and_rows_by_its_own_layout_file(tmp_path, monkeypatch):
    layout = json.loads(SHIPPED_LAYOUT.read_text(encoding="utf-8"))
    layout["columns"] = [
        {"key": "total", "title": "Số lượng"},
        {"key": "excellent", "title": "HTXS"},
    ]
    layout["rows"] = [{"title": "Đảng viên toàn đảng bộ", "subject": "member"}]
    path = Path(tmp_path / "bieu.json")
    path.write_text(json.dumps(layout), encoding="utf-8")
    monkeypatch.setenv(LAYOUT_ENV, str(path))
    rows = rows_of(render_report(None, ORG, 2020, kind="statistics", fmt="xlsx").content)
    assert ["TT", "Chỉ tiêu", "Số lượng", "HTXS"] in rows
    assert ["1", "Đảng viên toàn đảng bộ", "50", "10"] in rows
    pdf = render_report(None, ORG, 2020, kind="statistics", fmt="pdf").content
    text = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert "Đảng viên toàn đảng bộ" in text


def test_a_layout_with_an_unknown_column_is_refused_naming_it():
    with pytest.raises(DomainError) as refused:
        parse_layout({"columns": [{"key": "bogus"}], "rows": [{"subject": "member", "title": "x"}]})
    assert "bogus" in refused.value.message
    assert refused.value.rule == "reports.statistics.layout"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_statistics_come_as_xlsx_pdf_or_docx_only(fmt):
    with pytest.raises(DomainError) as refused:
        render_report(None, ORG, 2020, kind="statistics", fmt=fmt)
    assert refused.value.rule in ("reports.format.statistics", "reports.format.html")


def _docx_table(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.django_db
def test_the_docx_twin_has_the_pdfs_tables_and_the_xlsx_figures():
    report = render_report(None, ORG, 2020, kind="statistics", fmt="docx")
    assert report.filename == f"statistics-{ORG}-2020.docx"
    docx = DocxDocument(BytesIO(report.content))
    section = docx.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (section.page_width or 0) > (section.page_height or 0)
    xlsx = rows_of(render_report(None, ORG, 2020, kind="statistics", fmt="xlsx").content)
    start = next(i for i, r in enumerate(xlsx) if r[:2] == ["TT", "Chỉ tiêu"])
    layout = parse_layout(json.loads(SHIPPED_LAYOUT.read_text(encoding="utf-8")))
    expected = [[str(v) for v in r] for r in xlsx[start : start + 1 + len(layout.rows)]]
    # The first table is the Party header and the last the signature block; between them the
    # counts (and the reasons, when any) as the XLSX and the PDF print them.
    header, counts, *rest = docx.tables
    assert _docx_table(counts) == expected
    header_text = " ".join(c.text for c in header.rows[0].cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header_text
    assert "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO" in header_text
    # Numbers stand right-aligned, the titles left.
    body_row = counts.rows[1].cells
    assert body_row[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for c in body_row[2:])
    title = next(p for p in docx.paragraphs if p.text.startswith("BIỂU THỐNG KÊ"))
    assert title.text.endswith("NĂM 2020")
    assert all(run.bold for run in title.runs)
    pdf = PdfReader(BytesIO(render_report(None, ORG, 2020, kind="statistics", fmt="pdf").content))
    pdf_text = "".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for row in expected[1:]:
        assert " ".join(row) in pdf_text
    signature = " ".join(c.text for c in rest[-1].rows[0].cells)
    assert "T/M ĐẢNG ỦY" in signature


def test_the_docx_twin_lists_those_not_classified_with_their_reasons_as_the_pdf_does():
    facts = StatisticsFacts(
        year=2025,
        date=dt.date(2026, 1, 20),
        superior_body="Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh",
        issuer_body="Đảng ủy Sở Giáo dục và Đào tạo",
        place="Quảng Trị",
        signature=Signature("T/M ĐẢNG ỦY", "BÍ THƯ", "Trần Quốc Hưng"),
        members={"total": 14, "excellent": 3, "good": 9, "not_classified": 2},
        organizations={"cell": {"total": 5, "good": 4, "not_classified": 1}},
        reasons={
            ("member", "Nghỉ ốm dài ngày"): 2,
            ("organization", "Mới thành lập chưa đủ 6 tháng"): 1,
        },
    )
    layout = load_layout(SHIPPED_LAYOUT)
    docx = DocxDocument(BytesIO(render_statistics_docx(facts, layout)))
    _header, counts, reasons, _signature = docx.tables
    assert _docx_table(counts)[4][:2] == ["4", "Đảng viên"]
    assert _docx_table(counts)[4][2:5] == ["14", "12", "3"]
    assert _docx_table(reasons) == [
        ["Đối tượng", "Lý do", "Số lượng"],
        ["Đảng viên", "Nghỉ ốm dài ngày", "2"],
        ["Tổ chức đảng", "Mới thành lập chưa đủ 6 tháng", "1"],
    ]
    assert any(p.text == "Không xếp loại theo lý do" for p in docx.paragraphs)
    assert "Quảng Trị, ngày 20 tháng 01 năm 2026" in _header.rows[0].cells[1].text
    pdf_text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(BytesIO(render_statistics_pdf(facts, layout))).pages
    )
    assert "Không xếp loại theo lý do" in pdf_text
    for row in _docx_table(reasons)[1:]:
        assert " ".join(row) in pdf_text


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_the_table_prints_plain_numbers_without_the_leading_zero_of_prose(fmt):
    """Testers' finding: the table printed "07", "02"; official tables print plain numbers."""
    report = render_report(None, ORG, 2020, kind="statistics", fmt=fmt).content
    rows: list[list[object]]
    if fmt == "xlsx":
        rows = rows_of(report)
    elif fmt == "docx":
        rows = [list(r) for r in _docx_table(DocxDocument(BytesIO(report)).tables[1])]
    else:
        text = " ".join(PdfReader(BytesIO(report)).pages[0].extract_text().split())
        assert "Chi bộ 7" in text
        assert " 07 " not in text
        assert " 02 " not in text
        return
    cells = next(r for r in rows if r[1] == "Chi bộ")
    assert [str(v) for v in cells[2:5]] == ["7", "7", "2"]  # total, reviewed, excellent
    assert not any(str(v).startswith("0") and len(str(v)) > 1 for r in rows for v in r if v)


@pytest.mark.django_db
def test_the_table_carries_the_decisions_date_not_the_day_it_is_printed():
    """Testers' finding: the statistics were dated the day they were made; like the recognition
    decision they count, they carry the date of the decisions when the office sets none."""
    latest = latest_decision_date(ORG, 2020)
    assert latest != dt.date.today()
    docx = DocxDocument(
        BytesIO(render_report(None, ORG, 2020, kind="statistics", fmt="docx").content)
    )
    assert dateline(latest) in docx.tables[0].rows[0].cells[1].text
    pdf = render_report(None, ORG, 2020, kind="statistics", fmt="pdf").content
    assert dateline(latest) in " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())


@pytest.mark.django_db
def test_the_date_the_office_sets_wins_over_the_decisions_date():
    set_by_office = dt.date(2021, 1, 8)
    report = render_report(None, ORG, 2020, kind="statistics", fmt="docx", date=set_by_office)
    header = DocxDocument(BytesIO(report.content)).tables[0].rows[0].cells[1].text
    assert "ngày 08 tháng 01 năm 2021" in header
    assert dateline(latest_decision_date(ORG, 2020)) not in header
