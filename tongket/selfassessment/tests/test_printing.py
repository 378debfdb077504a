"""The printed Mẫu 2B and 01 (`tongket report --kind form-…`): headings of parts A and B, the
totals over 30 / 70 / 100, the proposed level, the annex; DOCX and PDF from one layout."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from pypdf import PdfReader

from tongket.core.demo import DEMO_ORG
from tongket.criteria import services as criteria_services
from tongket.criteria.domain import Appendix, Node
from tongket.evaluation.domain import Level, PointGroup
from tongket.evaluation.models import Evaluation
from tongket.people.models import Member
from tongket.selfassessment import services

pytestmark = pytest.mark.django_db

HEADINGS_2B = (
    "BẢN KIỂM ĐIỂM CÁ NHÂN",
    "Mẫu 2B (Hướng dẫn 43-HD/BTCTW)",
    "A- KIỂM ĐIỂM",
    "I- Ưu điểm, kết quả đạt được",
    "II- Hạn chế, khuyết điểm và nguyên nhân",
    "VI- Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "B- TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
    "1. Tiêu chí chung: 29,5/30 điểm",
    "2. Kết quả thực hiện nhiệm vụ: 64/70 điểm",
    "Tổng cộng: 93,5/100 điểm",
    "Tự xếp loại: Hoàn thành xuất sắc nhiệm vụ",
    "PHỤ LỤC KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
    "Tổng số 10 nhiệm vụ: 10 đúng tiến độ, bảo đảm chất lượng; 0 chậm tiến độ; 3 vượt yêu cầu; 0 "
    "chưa hoàn thành.",
)


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _report(tmp_path: Path, *args: str, fmt: str) -> Path:
    out = tmp_path / f"form.{fmt}"
    call_command("report", "--year", "2026", "--format", fmt, "-o", str(out), *args)
    return out


def test_the_printed_2b_carries_its_headings_totals_and_annex_in_docx_and_pdf(
    tmp_path: Path, user_named: Callable[[str], Any]
) -> None:
    card = Member.objects.get(user=user_named("dangvien")).card_number
    args = ("--org", DEMO_ORG, "--kind", "form-2b", "--member", card)
    docx_text = _docx_text(_report(tmp_path, *args, fmt="docx"))
    pdf_text = _pdf_text(_report(tmp_path, *args, fmt="pdf"))
    for heading in HEADINGS_2B:
        assert heading in docx_text, heading
        assert " ".join(heading.split()) in pdf_text, heading


def test_a_quarter_is_refused_for_a_years_form(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        _report(tmp_path, "--org", DEMO_ORG, "--kind", "form-2b", "--quarter", "3", fmt="pdf")
    assert "--quarter chỉ dùng với form-05" in str(caught.value)


def test_mau_05_prints_the_members_self_assessment_of_the_quarter(
    tmp_path: Path, user_named: Callable[[str], Any]
) -> None:
    """A quarterly cycle opened by the office; the member fills the quarter's form (each
    criterion at its maximum, so the points add up to the set's 100), and Mẫu 05 prints it
    for that quarter, in DOCX and PDF."""
    from tongket.evaluation import services as evaluation_services
    from tongket.selfassessment import selectors

    member_user = user_named("dangvien")
    member = Member.objects.get(user=member_user)
    cycle = evaluation_services.open_cycle(
        actor=user_named("vanphong"), organization_code=DEMO_ORG, year=2026, quarter=3
    )
    ev = Evaluation.objects.get(cycle=cycle, member=member)
    form = services.start(actor=member_user, evaluation_id=ev.pk)
    scored = [n for n in selectors.nodes_for(form) if n.points is not None]
    leaves_only = [n for n in scored if not any(m.parent == n.code for m in scored)]
    services.save_draft(
        actor=member_user,
        form_id=form.pk,
        data=services.FormInput(
            texts={"strengths_duties": "Hoàn thành dự toán quý III đúng hạn."},
            points={n.code: str(n.points) for n in leaves_only},
            proposed_level=Level.GOOD,
        ),
    )
    args = ("--org", DEMO_ORG, "--kind", "form-05", "--member", member.card_number)
    docx_text = _docx_text(_report(tmp_path, *args, "--quarter", "3", fmt="docx"))
    pdf_text = _pdf_text(_report(tmp_path, *args, "--quarter", "3", fmt="pdf"))
    for expected in (
        "BẢN TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "Mẫu 05 (Hướng dẫn 43-HD/BTCTW)",
        "Quý 3 năm 2026",
        "Hoàn thành dự toán quý III đúng hạn.",
        "Tổng cộng: 100/100 điểm",
        "Tự xếp loại: Hoàn thành tốt nhiệm vụ",
    ):
        assert expected in docx_text, expected
        assert expected in pdf_text, expected
    with pytest.raises(CommandError) as caught:
        _report(tmp_path, *args, "--quarter", "2", fmt="pdf")
    assert "quý 2 năm 2026" in str(caught.value)


def test_a_personal_form_asks_for_the_member(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        _report(tmp_path, "--org", DEMO_ORG, "--kind", "form-2b", fmt="pdf")
    assert "--member" in str(caught.value)


def _pl1_nodes() -> tuple[Node, ...]:
    g, t = PointGroup.GENERAL, PointGroup.TASKS
    return (
        Node("1", "Lãnh đạo thực hiện nhiệm vụ chính trị", Decimal(15), g),
        Node("2", "Xây dựng Đảng về chính trị, tư tưởng, đạo đức", Decimal(15), g),
        Node("3", "Kết quả thực hiện nhiệm vụ theo kế hoạch", Decimal(50), t),
        Node("4", "Kiểm tra, giám sát và thi hành kỷ luật đảng", Decimal(20), t),
    )


def test_the_printed_01_of_a_cell_carries_its_headings_and_totals(tmp_path: Path) -> None:
    draft = criteria_services.save_draft(
        actor=None,
        organization_code=DEMO_ORG,
        year=2026,
        appendix=Appendix.PL1,
        title="Bộ tiêu chí đánh giá tập thể năm 2026",
        nodes=_pl1_nodes(),
    )
    criteria_services.publish_set(actor=None, set_id=draft.pk)
    cell = f"{DEMO_ORG}.KHTC"
    ev = Evaluation.objects.get(
        organization__code=cell, cycle__year=2026, cycle__quarter__isnull=True
    )
    form = services.start(actor=None, evaluation_id=ev.pk)
    assert form.form == "01"
    services.save_draft(
        actor=None,
        form_id=form.pk,
        data=services.FormInput(
            texts={"strengths_duties": "Chi bộ lãnh đạo hoàn thành kế hoạch tài chính năm."},
            points={"1": "14", "2": "14,5", "3": "45", "4": "18"},
            proposed_level=Level.GOOD,
        ),
    )
    text = _docx_text(_report(tmp_path, "--org", cell, "--kind", "form-01", fmt="docx"))
    for heading in (
        "BÁO CÁO",
        "Kiểm điểm tập thể Chi bộ Kế hoạch - Tài chính năm 2026",
        "Mẫu 01 (Hướng dẫn 43-HD/BTCTW)",
        "A- KIỂM ĐIỂM TẬP THỂ",
        "B- TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "1. Tiêu chí chung: 28,5/30 điểm",
        "2. Kết quả thực hiện nhiệm vụ: 63/70 điểm",
        "Tổng cộng: 91,5/100 điểm",
        "Tự xếp loại: Hoàn thành tốt nhiệm vụ",
        "T/M CHI BỘ",
    ):
        assert heading in text, heading
