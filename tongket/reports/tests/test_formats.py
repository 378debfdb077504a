"""Format by date: a 2020 document keeps HD 36's format and the 2020 names, a 2026 document
takes QĐ 399/HD 05 and the current names."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from tongket.core.demo import DEMO_ORG
from tongket.people import services as people
from tongket.reports.documents.formats import (
    archive_line,
    number_series,
    rules_on,
    signature_on,
)
from tongket.reports.selectors import render_report
from tongket.reports.tests.decisions import dateline, latest_decision_date

NEW_SUPERIOR = "Đảng bộ UBND tỉnh"


def test_the_rules_of_the_documents_date_apply():
    assert rules_on(dt.date(2021, 2, 24)).id == "hd36"
    assert rules_on(dt.date(2026, 3, 5)).id == "qd399"


def test_a_deputy_signs_for_the_secretary_under_hd36_and_on_behalf_of_the_committee_from_2026():
    before = signature_on(dt.date(2021, 2, 24), "T/M ĐẢNG ỦY", "Phó Bí thư", "Lê Văn Tính")
    after = signature_on(dt.date(2026, 3, 5), "T/M ĐẢNG ỦY", "Phó Bí thư", "Lê Văn Tính")
    assert before.heading_lines == ("T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ")
    assert after.heading_lines == ("T/M ĐẢNG ỦY", "PHÓ BÍ THƯ")
    cell = signature_on(dt.date(2021, 2, 24), "T/M CHI BỘ", "Phó Bí thư", "A")
    assert cell.heading_lines == ("T/M CHI BỘ", "PHÓ BÍ THƯ")


def test_the_recipients_end_with_the_archive_line_of_the_date():
    assert archive_line(dt.date(2021, 2, 24), cell=False) == "Lưu Văn phòng"
    assert archive_line(dt.date(2026, 3, 5), cell=False) == "Lưu Đảng ủy."
    assert archive_line(dt.date(2026, 3, 5), cell=True) == "Lưu Chi bộ."


@pytest.mark.django_db
def test_a_2020_document_prints_the_2020_superior_and_a_2026_one_the_current(
    user_named: Any,
) -> None:
    # The superior is renamed on 01/7/2025, as an administrator renames it (dated history).
    superior = people.update_organization(
        actor=None, code="QT.KCQDN", name=NEW_SUPERIOR, renamed_on=dt.date(2025, 7, 1)
    )
    assert superior.name == NEW_SUPERIOR
    user = user_named("vanphong")
    old = render_report(
        user, DEMO_ORG, 2020, kind="year-end", fmt="md", date=dt.date(2021, 2, 24)
    ).content.decode()
    assert "ngày 24 tháng 02 năm 2021" in old
    assert "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH" in old
    assert NEW_SUPERIOR.upper() not in old
    assert "Lưu Văn phòng" in old
    new = render_report(
        user, DEMO_ORG, 2020, kind="year-end", fmt="md", date=dt.date(2026, 3, 5)
    ).content.decode()
    assert "ngày 05 tháng 3 năm 2026" in new
    assert NEW_SUPERIOR.upper() in new
    assert "Lưu Đảng ủy." in new


@pytest.mark.parametrize(
    ("day", "year", "terms", "series"),
    [
        (dt.date(2021, 2, 24), 2020, ("2020-2025",), "2020"),
        (dt.date(2025, 12, 31), 2025, (), "2025"),
        (dt.date(2026, 3, 5), 2026, ("2020-2025",), "NK 2025-2030"),
        (dt.date(2027, 1, 8), 2027, ("2025-2030",), "NK 2025-2030"),
        (dt.date(2031, 1, 8), 2031, (), "NK 2030-2035"),
    ],
)
def test_numbers_run_per_year_under_hd36_and_through_the_term_from_2026(day, year, terms, series):
    assert number_series(day, year, terms) == series


def _docx_text(content: bytes) -> str:
    document = DocxDocument(BytesIO(content))
    cells = (c.text for t in document.tables for r in t.rows for c in r.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(content)).pages)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["decision", "minutes"])
def test_the_docx_and_the_pdf_print_the_date_and_the_superior_of_the_documents_date(
    kind: str,
) -> None:
    """Done means, issue 21: what the Markdown shows above, the files a clerk signs show too."""
    people.update_organization(
        actor=None, code="QT.KCQDN", name=NEW_SUPERIOR, renamed_on=dt.date(2025, 7, 1)
    )
    for when, line, superior, other in (
        (
            dt.date(2021, 2, 24),
            "ngày 24 tháng 02 năm 2021",
            "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
            NEW_SUPERIOR.upper(),
        ),
        (
            dt.date(2026, 3, 5),
            "ngày 05 tháng 3 năm 2026",
            NEW_SUPERIOR.upper(),
            "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
        ),
    ):
        docx = _docx_text(
            render_report(None, DEMO_ORG, 2020, kind=kind, fmt="docx", date=when).content
        )
        pdf = _pdf_text(
            render_report(None, DEMO_ORG, 2020, kind=kind, fmt="pdf", date=when).content
        )
        for text in (docx, pdf):
            assert line in text
            assert superior in text
            assert other not in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["decision", "notice"])
def test_without_a_conference_the_decision_and_notice_carry_the_decisions_date(kind: str) -> None:
    """New-office walk: with no conference recorded, the recognition decision printed today's
    date whatever day the committee decided; it carries the date of its decisions."""
    latest = latest_decision_date(DEMO_ORG, 2026)
    text = render_report(None, DEMO_ORG, 2026, kind=kind, fmt="md").content.decode()
    assert dateline(latest) in text
