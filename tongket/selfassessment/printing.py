"""Mẫu 01 and 2A/2B/2C of HD 43 as documents: facts read once into a frozen dataclass
(`form_facts`), then an OfficialDocument the reports app's DOCX and PDF renderers draw from one
layout (reports/documents/layout.py), so both files agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tongket.core.errors import DomainError
from tongket.core.formatting import date_short, format_points
from tongket.criteria.domain import Node, leaves
from tongket.evaluation import selectors as evaluation_selectors
from tongket.evaluation.documents import reclassification_document
from tongket.evaluation.domain import Level, PointGroup
from tongket.evaluation.models import DecisionKind, Evaluation
from tongket.people.models import Organization, OrganizationKind
from tongket.people.selectors import secretary_name
from tongket.reports.documents.docx_renderer import render_docx
from tongket.reports.documents.model import (
    Block,
    DocumentType,
    Heading,
    OfficialDocument,
    Paragraph,
    Run,
    Signature,
    Table,
)
from tongket.reports.documents.pdf_renderer import render_pdf
from tongket.selfassessment import domain, selectors
from tongket.selfassessment.domain import FormKind, RemedyState, TaskLine
from tongket.selfassessment.models import SelfAssessment

PERSONAL = DocumentType("", "BẢN KIỂM ĐIỂM CÁ NHÂN")
# Mẫu 05: the member's self-assessment and classification for a quarter or the year (its fields
# beyond parts A and B are not confirmed, DOMAIN.md §5 [?]: it prints the same parts).
SELF_RATING = DocumentType("", "BẢN TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG")
COLLECTIVE = DocumentType("BC", "BÁO CÁO")
FORM_KINDS = {
    "form-01": FormKind.F01,
    "form-2a": FormKind.F2A,
    "form-2b": FormKind.F2B,
    "form-2c": FormKind.F2C,
}
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
ANNEX_TITLE = "PHỤ LỤC KẾT QUẢ THỰC HIỆN NHIỆM VỤ\n(sản phẩm, tiến độ, chất lượng)"


@dataclass(frozen=True)
class FormFacts:
    form: FormKind
    year: int
    subject_name: str
    subject_detail: str  # birth date, cell... (a person) or the organization's name
    unit_name: str  # the cell (a member) or the collective
    superior_name: str
    place: str
    date: dt.date
    texts: dict[str, str]
    remedies: tuple[tuple[str, RemedyState], ...]
    nodes: tuple[Node, ...]
    points: dict[str, Decimal]
    general: Decimal
    tasks_points: Decimal
    total: Decimal
    level_by_points: Level
    proposed_level: Level | None
    tasks: tuple[TaskLine, ...]
    counts: domain.AnnexCounts
    signer_title: str
    signer_name: str
    on_behalf: str  # "Nhập thay bởi …" when a secretary entered it
    set_title: str
    quarter: int | None = None  # a quarter's evaluation (Mẫu 05 for a quarter)
    as_form_05: bool = False  # printed as Mẫu 05, the personal self-assessment of a period


def place_of(org: Organization) -> str:
    """The place a document of the organization is dated at (its own, or the nearest above)."""
    current: Organization | None = org
    while current is not None:
        if current.place:
            return current.place
        current = current.parent
    return "Quảng Trị"


def form_facts(form: SelfAssessment) -> FormFacts:
    ev: Evaluation = form.evaluation
    nodes = tuple(selectors.nodes_for(form))
    score = selectors.score_of(form, list(nodes))
    points = {code: Decimal(str(v).replace(",", ".")) for code, v in (form.points or {}).items()}
    tasks = tuple(selectors.tasks_of(form))
    unit = ev.unit if ev.member_id else (ev.organization or ev.unit)
    superior = unit.parent
    if ev.member is not None:
        member = ev.member
        name = member.full_name
        birth = f"Ngày sinh: {date_short(member.birth_date)}; " if member.birth_date else ""
        detail = f"{birth}Chi bộ: {ev.unit.name}"
        signer_title, signer_name = "NGƯỜI TỰ KIỂM ĐIỂM", member.full_name
    else:
        org = ev.organization
        assert org is not None
        name = org.name
        detail = org.name
        signer_title = "T/M CHI BỘ" if org.kind == OrganizationKind.CELL else "T/M ĐẢNG ỦY"
        signer_name = secretary_name(org)
    when = form.submitted_at or timezone.now()
    return FormFacts(
        form=FormKind(form.form),
        year=ev.cycle.year,
        subject_name=name,
        subject_detail=detail,
        unit_name=unit.name,
        superior_name=superior.name if superior is not None else "",
        place=place_of(unit),
        date=timezone.localtime(when).date(),
        texts={k: getattr(form, k) for k in domain.PART_A},
        remedies=tuple(selectors.remedy_rows(form)),
        nodes=nodes,
        points=points,
        general=score.general,
        tasks_points=score.tasks,
        total=score.total,
        level_by_points=score.level,
        proposed_level=Level(form.proposed_level) if form.proposed_level else None,
        tasks=tasks,
        counts=domain.annex_counts(tasks),
        signer_title=signer_title,
        signer_name=signer_name,
        on_behalf=(
            f"Nhập thay bởi {form.entered_by_label} (đảng viên không có tài khoản)."
            if form.entered_on_behalf
            else ""
        ),
        set_title=str(form.criteria_set),
        quarter=ev.cycle.quarter,
    )


def _text(value: str) -> list[Block]:
    lines = [line for line in value.splitlines() if line.strip()]
    return [Paragraph(line) for line in lines] or [Paragraph("Không.", italic=True)]


def _points_cell(facts: FormFacts, node: Node) -> str:
    scored = {n.code for n in leaves(facts.nodes)}
    if node.code in scored:
        value = facts.points.get(node.code)
        return format_points(value) if value is not None else ""
    below = [n for n in leaves(facts.nodes) if _under(n, node.code, facts.nodes)]
    return format_points(sum((facts.points.get(n.code, Decimal(0)) for n in below), Decimal(0)))


def _under(node: Node, ancestor: str, nodes: tuple[Node, ...]) -> bool:
    by_code = {n.code: n for n in nodes}
    current = node
    for _ in range(20):
        if current.parent == ancestor:
            return True
        if not current.parent or current.parent not in by_code:
            return False
        current = by_code[current.parent]
    return False


def _part_a(facts: FormFacts) -> list[Block]:
    t = facts.texts
    collective = facts.form is FormKind.F01
    body: list[Block] = [
        Heading("A- KIỂM ĐIỂM" if not collective else "A- KIỂM ĐIỂM TẬP THỂ", level=1),
        Heading("I- Ưu điểm, kết quả đạt được", level=2),
        Heading(
            "1. Về phẩm chất chính trị" if not collective else "1. Về lãnh đạo, chỉ đạo",
            level=3,
        ),
        *_text(t["strengths_politics"]),
        Heading(
            "2. Về đạo đức, lối sống" if not collective else "2. Về xây dựng tổ chức đảng",
            level=3,
        ),
        *_text(t["strengths_ethics"]),
        Heading("3. Về thực hiện chức trách, nhiệm vụ được giao", level=3),
        *_text(t["strengths_duties"]),
        Heading("4. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu", level=3),
        *_text(t["commitment"]),
        Heading("II- Hạn chế, khuyết điểm và nguyên nhân", level=2),
        *_text(t["shortcomings"]),
        Heading(
            "III- Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết "
            "luận hoặc được chỉ ra ở các kỳ kiểm điểm trước",
            level=2,
        ),
    ]
    if facts.remedies:
        body.append(
            Table(
                headers=("TT", "Hạn chế, khuyết điểm", "Kết quả khắc phục"),
                rows=tuple(
                    (str(i), text, state.label)
                    for i, (text, state) in enumerate(facts.remedies, start=1)
                ),
                column_widths=(1, 8, 3),
                column_align="CLL",
            )
        )
    else:
        body.append(Paragraph("Không có hạn chế, khuyết điểm được chỉ ra ở kỳ trước.", italic=True))
    body += [
        Heading("IV- Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)", level=2),
        *_text(t["explanations"]),
        Heading(
            "V- Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể "
            "(nếu có)"
            if not collective
            else "V- Làm rõ trách nhiệm của tập thể và cá nhân",
            level=2,
        ),
        *_text(t["responsibility"]),
        Heading("VI- Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm", level=2),
        *_text(t["direction"]),
    ]
    return body


def _part_b(facts: FormFacts) -> list[Block]:
    rows = []
    for section in (PointGroup.GENERAL, PointGroup.TASKS):
        for node in facts.nodes:
            if node.section is section:
                rows.append(
                    (
                        node.code,
                        node.title,
                        format_points(node.points or Decimal(0)),
                        _points_cell(facts, node),
                    )
                )
    proposed = facts.proposed_level.label if facts.proposed_level else "(chưa tự xếp loại)"
    return [
        Heading("B- TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", level=1),
        Paragraph(f"Chấm điểm theo {facts.set_title}.", italic=True),
        Table(
            headers=("Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm"),
            rows=tuple(rows),
            column_widths=(1, 8, 2, 2),
            column_align="LLRR",
        ),
        Paragraph(
            runs=(
                Run("1. Tiêu chí chung: "),
                Run(f"{format_points(facts.general)}/30 điểm", bold=True),
            )
        ),
        Paragraph(
            runs=(
                Run("2. Kết quả thực hiện nhiệm vụ: "),
                Run(f"{format_points(facts.tasks_points)}/70 điểm", bold=True),
            )
        ),
        Paragraph(
            runs=(Run("Tổng cộng: "), Run(f"{format_points(facts.total)}/100 điểm", bold=True))
        ),
        Paragraph(f"Mức xếp loại theo điểm: {facts.level_by_points.label}."),
        Paragraph(runs=(Run("Tự xếp loại: "), Run(proposed, bold=True))),
    ]


def _annex(facts: FormFacts) -> list[Block]:
    if not facts.tasks:
        return []
    c = facts.counts
    return [
        Table(
            headers=("TT", "Nhiệm vụ", "Hạn", "Hoàn thành", "Chất lượng", "Vượt"),
            rows=tuple(
                (
                    str(i),
                    task.title,
                    date_short(task.due_on),
                    date_short(task.done_on) if task.done_on else "Chưa",
                    "Đạt" if task.quality_ok else "Chưa đạt",
                    "Có" if task.exceeded_requirements else "",
                )
                for i, task in enumerate(facts.tasks, start=1)
            ),
            column_widths=(1, 8, 3, 3, 3, 2),
            column_align="CLCCCC",
        ),
        Paragraph(
            f"Tổng số {c.total} nhiệm vụ: {c.on_time} đúng tiến độ, bảo đảm chất lượng; "
            f"{c.late} chậm tiến độ; {c.exceeded} vượt yêu cầu; {c.not_completed} chưa hoàn thành."
        ),
    ]


def build_document(facts: FormFacts) -> OfficialDocument:
    collective = facts.form is FormKind.F01
    template = "05" if facts.as_form_05 else facts.form.value
    period = f"Quý {facts.quarter} năm {facts.year}" if facts.quarter else f"Năm {facts.year}"
    intro: list[Block] = [
        Paragraph(f"Mẫu {template} (Hướng dẫn 43-HD/BTCTW)", italic=True, centered=True),
    ]
    if not collective:
        intro.append(Paragraph(f"Họ và tên: {facts.subject_name}; {facts.subject_detail}."))
    if facts.on_behalf:
        intro.append(Paragraph(facts.on_behalf, italic=True))
    return OfficialDocument(
        superior_body=facts.superior_name,
        issuer_body=facts.unit_name,
        issuer_code="CB" if collective else "",
        number=None,
        kind=COLLECTIVE if collective else (SELF_RATING if facts.as_form_05 else PERSONAL),
        place=facts.place,
        date=facts.date,
        summary=(
            f"Kiểm điểm tập thể {facts.subject_name} năm {facts.year}" if collective else period
        ),
        body=tuple(intro + _part_a(facts) + _part_b(facts)),
        signature=Signature(
            on_behalf=facts.signer_title if collective else "",
            title="BÍ THƯ" if collective else facts.signer_title,
            name=facts.signer_name,
        ),
        annex_title=ANNEX_TITLE if facts.tasks else "",
        annex=tuple(_annex(facts)),
    )


@dataclass(frozen=True)
class PrintedForm:
    content: bytes
    content_type: str
    filename: str


def render_form(form: SelfAssessment, fmt: str, *, as_form_05: bool = False) -> PrintedForm:
    if fmt not in MIME:
        raise DomainError(
            f"Mẫu kiểm điểm xuất dạng docx hoặc pdf, không phải «{fmt}».",
            field="format",
            rule="selfassessment.print.format",
        )
    document = build_document(replace(form_facts(form), as_form_05=as_form_05))
    content = render_docx(document) if fmt == "docx" else render_pdf(document)
    ev = form.evaluation
    who = ev.member.card_number if ev.member is not None else (ev.organization or ev.unit).code
    name = "05" if as_form_05 else form.form.lower()
    period = f"{ev.cycle.year}-q{ev.cycle.quarter}" if ev.cycle.quarter else f"{ev.cycle.year}"
    return PrintedForm(content, MIME[fmt], f"mau-{name}-{who}-{period}.{fmt}")


def render_kind(
    user: Any,
    org_code: str,
    year: int,
    *,
    kind: str,
    fmt: str,
    card: str | None,
    quarter: int | None,
) -> PrintedForm:
    """`tongket report --kind form-…`: the form of the member (card) or the organization."""
    if kind == "form-03" and quarter is None:
        return render_reclassification(
            user, selectors.annual_evaluation(user, org_code, year, card), fmt
        )
    if kind == "form-05":
        return _render_form_05(user, org_code, year, fmt=fmt, card=card, quarter=quarter)
    if quarter is not None:
        raise DomainError(
            f"«{kind}» là mẫu của cả năm: --quarter chỉ dùng với form-05 (Mẫu 05, tự đánh giá "
            "hằng quý).",
            field="quarter",
            rule="selfassessment.print.quarter_only_05",
        )
    wanted = FORM_KINDS[kind]
    if wanted is not FormKind.F01 and not card:
        raise DomainError(
            f"Mẫu {wanted.value} là bản kiểm điểm cá nhân: thêm --member SỐ_THẺ.",
            field="member",
            rule="selfassessment.print.member_required",
        )
    ev = selectors.annual_evaluation(
        user, org_code, year, card if wanted is not FormKind.F01 else None
    )
    form = selectors.form_of(ev)
    if form is None:
        raise DomainError(
            f"Chưa có bản tự kiểm điểm năm {year} của {selectors_subject(ev)}.",
            field="member",
            rule="selfassessment.print.none",
        )
    if form.form != wanted.value:
        raise DomainError(
            f"{selectors_subject(ev)} kiểm điểm theo Mẫu {form.form}, không phải Mẫu "
            f"{wanted.value}.",
            field="kind",
            rule="selfassessment.print.other_form",
        )
    return render_form(form, fmt)


def selectors_subject(ev: Evaluation) -> str:
    if ev.member is not None:
        return f"đảng viên {ev.member.full_name} ({ev.member.card_number})"
    org = ev.organization or ev.unit
    return org.name


def render_reclassification(user: Any, ev: Evaluation, fmt: str) -> PrintedForm:
    """Mẫu 03: the latest cancel-and-reclassify decision of the evaluation, the same document
    the evaluation page offers (evaluation/documents.py), as DOCX or PDF."""
    if fmt not in MIME:
        raise DomainError(
            f"Mẫu 03 xuất dạng docx hoặc pdf, không phải «{fmt}».",
            field="format",
            rule="selfassessment.print.format",
        )
    found = [
        d
        for d in evaluation_selectors.decision_history(ev)
        if d.kind == DecisionKind.RECLASSIFICATION
    ]
    if not found:
        raise DomainError(
            f"Chưa có quyết định hủy kết quả và xếp loại lại (Mẫu 03) năm {ev.cycle.year} của "
            f"{selectors_subject(ev)}.",
            field="kind",
            rule="selfassessment.print.no_reclassification",
        )
    decision = evaluation_selectors.reclassification_decision(user, found[-1].pk)
    document = reclassification_document(decision)
    content = render_docx(document) if fmt == "docx" else render_pdf(document)
    number = decision.number.replace("/", "-")
    return PrintedForm(content, MIME[fmt], f"mau-03-{number}.{fmt}")


def _render_form_05(
    user: Any, org_code: str, year: int, *, fmt: str, card: str | None, quarter: int | None
) -> PrintedForm:
    """Mẫu 05: the member's self-assessment for the quarter (or, without --quarter, the year),
    from the form filled on that period's evaluation."""
    if not card:
        raise DomainError(
            "Mẫu 05 là bản tự đánh giá cá nhân: thêm --member SỐ_THẺ.",
            field="member",
            rule="selfassessment.print.member_required",
        )
    ev = selectors.annual_evaluation(user, org_code, year, card, quarter=quarter)
    form = selectors.form_of(ev)
    if form is None:
        period = f"quý {quarter} năm {year}" if quarter else f"năm {year}"
        raise DomainError(
            f"Chưa có bản tự đánh giá {period} của {selectors_subject(ev)}.",
            field="member",
            rule="selfassessment.print.none",
        )
    return render_form(form, fmt, as_form_05=True)
