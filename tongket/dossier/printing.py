"""Mẫu 04 (Hướng dẫn 43-HD/BTCTW): the list of a subject's dossier, exactly the documents the
dossier holds (selectors.dossier_of), as DOCX or PDF from the reports app's one layout."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tongket.core.errors import DomainError
from tongket.dossier import selectors
from tongket.dossier.domain import CITATION
from tongket.dossier.selectors import Dossier
from tongket.evaluation.models import SubjectKind
from tongket.people.models import OrganizationKind
from tongket.people.selectors import secretary_name
from tongket.reports.documents.docx_renderer import render_docx
from tongket.reports.documents.formats import archive_line, signature_on
from tongket.reports.documents.model import DocumentType, OfficialDocument, Paragraph, Table
from tongket.reports.documents.pdf_renderer import render_pdf
from tongket.selfassessment.printing import MIME, PrintedForm, place_of

LIST = DocumentType("", "DANH MỤC HỒ SƠ")


def build_form_04(dossier: Dossier) -> OfficialDocument:
    ev = dossier.evaluation
    year = ev.cycle.year
    issuer = ev.cycle.organization
    cell = issuer.kind == OrganizationKind.CELL
    today = timezone.localdate()
    who = "đồng chí " if ev.subject_kind == SubjectKind.MEMBER else ""
    card = f" (số thẻ {ev.member.card_number})" if ev.member is not None else ""
    rows = tuple(
        (
            str(i),
            entry.title,
            entry.kind.label,
            entry.date_text,
            entry.note,
        )
        for i, entry in enumerate(dossier.entries, start=1)
    )
    return OfficialDocument(
        superior_body=issuer.parent.name.upper() if issuer.parent is not None else "",
        issuer_body=issuer.name.upper(),
        issuer_code="",
        number=None,
        kind=LIST,
        place=place_of(issuer),
        date=today,
        summary=(
            f"hồ sơ kiểm điểm, đánh giá, xếp loại chất lượng năm {year} của "
            f"{who}{dossier.subject}{card}"
        ),
        body=(
            Paragraph("Mẫu 04 (Hướng dẫn 43-HD/BTCTW)", italic=True, centered=True),
            Paragraph(f"Căn cứ {CITATION}.", italic=True),
            Table(
                headers=("TT", "Tên tài liệu", "Loại tài liệu", "Ngày", "Ghi chú"),
                rows=rows or (("", "Hồ sơ chưa có tài liệu nào.", "", "", ""),),
                column_widths=(1, 6, 4, 2, 5),
                column_align="CLLCL",
            ),
            Paragraph(f"Tổng số: {len(rows):02d} tài liệu."),
        ),
        signature=signature_on(
            today, "T/M CHI BỘ" if cell else "T/M ĐẢNG ỦY", "Bí thư", secretary_name(issuer)
        ),
        recipients=(archive_line(today, cell=cell),),
    )


def render_form_04(dossier: Dossier, fmt: str) -> PrintedForm:
    if fmt not in MIME:
        raise DomainError(
            f"Mẫu 04 xuất dạng docx hoặc pdf, không phải «{fmt}».",
            field="format",
            rule="dossier.print.format",
        )
    document = build_form_04(dossier)
    content = render_docx(document) if fmt == "docx" else render_pdf(document)
    ev = dossier.evaluation
    who = ev.member.card_number if ev.member is not None else (ev.organization or ev.unit).code
    return PrintedForm(content, MIME[fmt], f"mau-04-{who}-{ev.cycle.year}.{fmt}")


def render_kind_04(
    user: Any, org_code: str, year: int, *, fmt: str, card: str | None
) -> PrintedForm:
    """`tongket report --kind form-04 [--member CARD]`: the member's dossier, or the
    organization's own."""
    return render_form_04(selectors.annual_dossier(user, org_code, year, card), fmt)
