"""The award decision (Quyết định khen thưởng) with its annex, from the decision as recorded;
no database here."""

from __future__ import annotations

import re

from tongket.awards.selectors import AwardDecisionRecord
from tongket.core.formatting import format_count
from tongket.reports.builders import _archive, _article, _issued
from tongket.reports.documents.formats import signature_on
from tongket.reports.documents.model import (
    QUYET_DINH,
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    document_number_text,
    place_date_line,
)
from tongket.reports.facts import YearEndFacts

_LEADING_NUMBER = re.compile(r"\s*(\d+)")


def decision_number(number: str) -> int | None:
    """`45` of `45-QĐ/ĐU`; None when the recorded number does not start with one."""
    found = _LEADING_NUMBER.match(number)
    return int(found.group(1)) if found else None


def build_award_decision(facts: YearEndFacts, record: AwardDecisionRecord) -> OfficialDocument:
    """Quyết định khen thưởng: the authority and "QUYẾT ĐỊNH:" centred, articles in bold, the
    recipients annexed after the signature; signed by the decision's signer, or by the deputy
    when the signer is among those rewarded (`awards.signer.not_own_award`)."""
    o = facts.organization
    y = record.year
    form = record.form_name or "khen thưởng"
    members = [r for r in record.rows if r.recipient_kind == "member"]
    collectives = [r for r in record.rows if r.recipient_kind != "member"]
    whom: list[str] = []
    if collectives:
        whom.append(f"{format_count(len(collectives))} tập thể")
    if members:
        whom.append(f"{format_count(len(members))} đồng chí đảng viên")
    common = record.common_achievement
    achievement = f", đã có thành tích {common}" if common else ""
    body: list[Block] = [
        Paragraph(o.committee_name.upper(), bold=True, centered=True),
        Paragraph("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", italic=True),
        Paragraph(
            "Căn cứ quy định, hướng dẫn của Trung ương về khen thưởng tổ chức đảng và đảng viên;",
            italic=True,
        ),
        Paragraph(
            f"Căn cứ kết quả đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {y};",
            italic=True,
        ),
        Paragraph(f"Xét đề nghị của Văn phòng {o.committee_name},", italic=True),
        Heading("QUYẾT ĐỊNH:", level=1, centered=True),
        _article(
            1,
            f"Tặng {form} cho {' và '.join(whom)} (có danh sách kèm theo){achievement}.",
        ),
        _article(2, "Quyết định có hiệu lực kể từ ngày ký."),
        _article(
            3,
            f"Văn phòng {o.committee_name}, các chi bộ trực thuộc và các tập thể, cá nhân có "
            "tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]
    headers: tuple[str, ...] = ("TT", "Họ và tên", "Chi bộ")
    widths: tuple[int, ...] = (1, 6, 8)
    rows: list[tuple[str, ...]] = []
    for i, r in enumerate(record.rows, start=1):
        unit = r.recipient_unit if r.recipient_kind == "member" else "Tập thể"
        rows.append((str(i), r.recipient_name, unit, *(() if common else (r.achievement,))))
    if not common:
        headers, widths = (*headers, "Thành tích"), (1, 5, 5, 6)
    number = decision_number(record.number)
    number_text = document_number_text(number, QUYET_DINH.code, o.issuer_code)[len("Số") :]
    signer = record.signer
    day = place_date_line(o.place, record.date).split(", ", 1)[1]
    return _issued(
        facts,
        number=number,
        kind=QUYET_DINH,
        date=record.date,
        summary=f"Về việc tặng {form} năm {y}",
        body=body,
        signature=signature_on(
            record.date,
            signer.on_behalf or o.on_behalf,
            signer.signer.title,
            signer.signer.name,
        ),
        recipients=("Như Điều 3", _archive(facts, record.date)),
        annex_title=(
            f"DANH SÁCH {'ĐẢNG VIÊN' if not collectives else 'TẬP THỂ, CÁ NHÂN'} ĐƯỢC TẶNG "
            f"{form.upper()} NĂM {y}\n"
            f"(Kèm theo Quyết định số{number_text}, {day} của {o.committee_name})"
        ),
        annex=(
            Table(
                headers=headers,
                rows=tuple(rows),
                column_widths=widths,
                column_align="R" + "L" * (len(headers) - 1),
            ),
        ),
    )
