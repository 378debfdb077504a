"""Mẫu 03 (Hướng dẫn 43-HD/BTCTW): the superior's decision cancelling a result and
reclassifying, as a Party document (HD 36 layout) built from the sealed decisions."""

from __future__ import annotations

import re

from tongket.core.formatting import date_short
from tongket.evaluation import selectors
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.models import Decision, DecisionKind, SubjectKind
from tongket.reports.documents.formats import archive_line, signature_on
from tongket.reports.documents.model import QUYET_DINH, Heading, OfficialDocument, Paragraph

FORM = "Mẫu 03 (Hướng dẫn 43-HD/BTCTW ngày 31/10/2025)"
GROUNDS = (
    "Căn cứ Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị về kiểm điểm, đánh giá, xếp "
    "loại chất lượng đối với tập thể, cá nhân trong hệ thống chính trị; Hướng dẫn số "
    "43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương;"
)
_NUMBER = re.compile(r"^\s*(\d+)\s*-\s*[^/]+/\s*(.+?)\s*$")


def _outcome(decision: Decision) -> str:
    if decision.level:
        return f"«{Level(decision.level).label}»"
    return f"không xếp loại ({NotClassifiedReason(decision.not_classified_reason).label.lower()})"


def _number(text: str) -> tuple[int | None, str]:
    """`40-QĐ/BTV` → (40, "BTV"); a number written otherwise stays blank for the office."""
    found = _NUMBER.match(text)
    if found is None:
        return None, "ĐU"
    return int(found.group(1)), found.group(2)


def reclassification_document(decision: Decision) -> OfficialDocument:
    """The decision of the directly superior committee's standing committee (HD 43 §3): article 1
    cancels the result it supersedes, article 2 states the new one, article 3 who carries it out.
    Refused (ValueError) for a decision that is not a reclassification."""
    if decision.kind != DecisionKind.RECLASSIFICATION or decision.supersedes is None:
        raise ValueError("Chỉ quyết định hủy kết quả và xếp loại lại mới có Mẫu 03.")
    ev = decision.evaluation
    old = decision.supersedes
    body = decision.deciding_body
    year = ev.cycle.year
    who = "đồng chí" if ev.subject_kind == SubjectKind.MEMBER else ""
    subject = f"{who} {selectors.subject_name(ev)}".strip()
    number, issuer_code = _number(decision.number)
    articles = [
        f"Điều 1. Hủy kết quả xếp loại chất lượng năm {year} của {subject} ({_outcome(old)}) tại "
        f"Quyết định số {old.number} ngày {date_short(old.date)} của {old.deciding_body.name}.",
        f"Điều 2. Xếp loại lại chất lượng năm {year} của {subject}: {_outcome(decision)}."
        + (f" Lý do: {decision.justification}" if decision.justification else ""),
        f"Điều 3. {old.deciding_body.name}, {subject} và các cơ quan, đơn vị liên quan chịu trách "
        "nhiệm thi hành Quyết định này.",
    ]
    return OfficialDocument(
        superior_body=(body.parent.name.upper() if body.parent is not None else ""),
        issuer_body=body.name.upper(),
        issuer_code=issuer_code,
        number=number,
        kind=QUYET_DINH,
        place=body.place or "Quảng Trị",
        date=decision.date,
        summary=f"về việc hủy kết quả và xếp loại lại chất lượng năm {year} đối với {subject}",
        body=(
            Paragraph(f"BAN THƯỜNG VỤ {body.name.upper()}", bold=True, centered=True),
            Paragraph(f"- {GROUNDS}"),
            Paragraph(
                f"- Căn cứ Quyết định số {old.number} ngày {date_short(old.date)} của "
                f"{old.deciding_body.name} về xếp loại chất lượng năm {year};"
            ),
            Paragraph(f"- Xét: {decision.reason}"),
            Heading("QUYẾT ĐỊNH:", level=1, centered=True),
            *(Paragraph(text) for text in articles),
        ),
        signature=signature_on(decision.date, "T/M BAN THƯỜNG VỤ", "Bí thư", ""),
        recipients=(
            "- Như Điều 3,",
            archive_line(decision.date, cell=False),
        ),
    )
