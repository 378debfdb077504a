"""Mẫu 04 (`tongket report --kind form-04`, and the page's download) lists exactly the
documents the dossier holds: the generated ones and the uploads, a removed upload gone."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from docx import Document
from pypdf import PdfReader

from tongket.core.demo import DEMO_ORG
from tongket.dossier import selectors, services
from tongket.dossier.tests.documents import add
from tongket.dossier.tests.test_domain import PDF, docx_bytes
from tongket.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def _listed_titles(path: Path) -> list[str]:
    """The «Tên tài liệu» column of the list's table (the heading and signature are layout
    tables of their own)."""
    lists = [
        t for t in Document(str(path)).tables if "Tên tài liệu" in [c.text for c in t.rows[0].cells]
    ]
    assert len(lists) == 1
    header = [cell.text for cell in lists[0].rows[0].cells]
    column = header.index("Tên tài liệu")
    return [row.cells[column].text for row in lists[0].rows[1:]]


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _fill(user_named: Callable[[str], Any], ev: Evaluation) -> list[str]:
    """Three uploads and a typed comment, one upload then removed: the titles that remain."""
    office = user_named("vanphong")
    kept = []
    for kind, title, name, content in (
        ("minutes", "Biên bản hội nghị kiểm điểm Chi bộ Kế hoạch - Tài chính", "bb.pdf", PDF),
        ("complaint", "Đơn kiến nghị ngày 02/12/2026", "don.docx", docx_bytes()),
        ("other", "Tài liệu nộp nhầm", "nham.pdf", PDF),
    ):
        row = add(office, ev, kind, title, (name, content))
        kept.append(title)
    services.remove_document(actor=office, document_id=row.pk)
    kept.remove("Tài liệu nộp nhầm")
    add(
        office,
        ev,
        "residence_comment",
        "Nhận xét của Chi ủy khu phố 3",
        None,
        text="Gương mẫu nơi cư trú.",
        signed_by="Trần Thị Lan",
        signed_on=dt.date(2026, 11, 20),
    )
    kept.append("Nhận xét của Chi ủy khu phố 3")
    return kept


def test_form_04_lists_exactly_the_dossiers_documents_in_docx_and_pdf(
    tmp_path: Path, user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    uploaded = _fill(user_named, evaluation)
    assert evaluation.member is not None
    card = evaluation.member.card_number
    docx_path, pdf_path = tmp_path / "mau-04.docx", tmp_path / "mau-04.pdf"
    for path, fmt in ((docx_path, "docx"), (pdf_path, "pdf")):
        call_command(
            "report",
            "--org",
            DEMO_ORG,
            "--year",
            "2026",
            "--kind",
            "form-04",
            "--member",
            card,
            "--format",
            fmt,
            "-o",
            str(path),
        )
    listed = _listed_titles(docx_path)
    # The generated part: the member's submitted Mẫu 2B (the demo decides no result for it yet).
    generated = [e.title for e in selectors.dossier_of(evaluation).entries if e.generated]
    assert generated == ["Bản tự kiểm điểm theo Mẫu 2B (đã gửi chi bộ)"]
    assert sorted(listed) == sorted(generated + uploaded)
    assert "Tài liệu nộp nhầm" not in listed
    # Điều 17's order: the self-assessment, the residence comment, the minutes, the complaint.
    assert listed == [
        "Bản tự kiểm điểm theo Mẫu 2B (đã gửi chi bộ)",
        "Nhận xét của Chi ủy khu phố 3",
        "Biên bản hội nghị kiểm điểm Chi bộ Kế hoạch - Tài chính",
        "Đơn kiến nghị ngày 02/12/2026",
    ]
    pdf_text = _pdf_text(pdf_path.read_bytes())
    assert "DANH MỤC HỒ SƠ" in pdf_text
    assert "Tổng số: 04 tài liệu." in pdf_text
    for title in listed:
        assert title.split(" (")[0] in pdf_text, title
    assert "Tài liệu nộp nhầm" not in pdf_text


def test_the_pages_form_04_matches_the_dossier(
    client_for: Callable[[str], Client], user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    uploaded = _fill(user_named, evaluation)
    answer = client_for("dangvien").get(f"/ho-so/danh-gia/{evaluation.pk}/mau-04.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = _pdf_text(answer.content)
    for title in uploaded:
        assert title in text, title
