"""The summary table for the superior: counts by level and kind, its layout as data."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tongket.core.errors import DomainError
from tongket.reports.selectors import render_report
from tongket.reports.statistics import LAYOUT_ENV, SHIPPED_LAYOUT, parse_layout

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
        "07",
        "02",
        "05",
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
def test_the_statistics_come_as_xlsx_or_pdf_only():
    with pytest.raises(DomainError):
        render_report(None, ORG, 2020, kind="statistics", fmt="docx")
