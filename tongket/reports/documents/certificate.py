"""Printable commendations (Giấy khen, Bằng khen): the facts and an A4 landscape PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from tongket.core.formatting import date_short
from tongket.reports.documents.docx_renderer import (
    Docx,
    _add_run,
    _cell_line,
    _clear_body,
    _exact,
    _layout_table,
    house_template_path,
)
from tongket.reports.documents.layout import LAYOUT, PT_MM
from tongket.reports.documents.model import PARTY_MOTTO, Signature, place_date_line
from tongket.reports.documents.pdf_renderer import FONT_FAMILY, line_height, nfc, register_fonts
from tongket.reports.signing import sign_if_configured

# Deep red for the frame and the form's name, as printed commendation blanks are.
_FRAME_RGB = (160, 20, 20)
_OUTER_INSET_MM = 8.0
_INNER_INSET_MM = 14.0
_CONTENT_INSET_MM = 22.0
_ORNAMENT_STEP_MM = 6.0
_SIGNATURE_SPACE_MM = 20.0
_GAP_MM = 4.0
_ACHIEVEMENT_PT = 17
_FORM_PT = 44


@dataclass(frozen=True)
class Certificate:
    """A commendation as printed: who gives it, in what form, to whom, for what, by which decision.

    `recipient_title` precedes a person's name ("Đồng chí"); leave it empty for a collective
    whose name already says what it is ("Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng").
    `achievement` is the text after "Đã có thành tích".
    """

    issuer_body: str  # ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO
    form_name: str  # GIẤY KHEN
    recipient_name: str
    achievement: str
    decision_number: str  # 45-QĐ/ĐU
    decision_date: dt.date
    place: str
    signature: Signature
    recipient_title: str = "Đồng chí"
    recipient_detail: str = ""  # post or unit under the name
    motto: str = PARTY_MOTTO
    register_number: str = ""  # số vào sổ khen thưởng

    @property
    def decision_text(self) -> str:
        """`Quyết định số 45-QĐ/ĐU, ngày 24/02/2021`."""
        return f"Quyết định số {self.decision_number}, ngày {date_short(self.decision_date)}"


def render_certificate_pdf(cert: Certificate, *, preprinted: bool = False) -> bytes:
    """The commendation on one A4 landscape page inside a decorative frame drawn with lines.

    `preprinted`: only the variable text (recipient, achievement, decision, date, signer), at
    the places the full certificate puts it, for printing onto pre-printed certificate paper.
    """
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(_CONTENT_INSET_MM, _CONTENT_INSET_MM, _CONTENT_INSET_MM)
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0
    pdf.set_title(nfc(f"{cert.form_name} - {cert.recipient_name}"))
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    register_fonts(pdf)
    pdf.add_page()

    plan = _plan(pdf, cert)
    if not preprinted:
        _frame(pdf)
    _heading(pdf, cert, draw=not preprinted)
    # Drawn in reading order (heading, recipient, footer), as the Word file has them.
    pdf.set_y(plan.middle_top)
    _recipient_and_achievement(pdf, cert)
    _footer(pdf, cert, plan.footer_top)
    return sign_if_configured(bytes(pdf.output()))


@dataclass(frozen=True)
class _Plan:
    """Where the parts of a certificate start, in mm from the paper's top edge."""

    heading_bottom: float
    middle_top: float
    middle_height: float
    footer_top: float


def _plan(pdf: FPDF, cert: Certificate) -> _Plan:
    heading_bottom = _CONTENT_INSET_MM + 4 + _heading_height(pdf, cert)
    footer_top = pdf.h - _CONTENT_INSET_MM - _footer_height(cert)
    middle = _middle_height(pdf, cert)
    # The recipient and the achievement sit centred in the space the heading and footer leave.
    free = footer_top - heading_bottom - middle
    return _Plan(heading_bottom, heading_bottom + max(free, 0) / 2, middle, footer_top)


def _heading_lines(cert: Certificate) -> tuple[tuple[str, str, float], ...]:
    return (
        (nfc(cert.motto).upper(), "B", 15),
        (nfc(cert.issuer_body).upper(), "B", 16),
        ("TẶNG", "B", 15),
        (nfc(cert.form_name).upper(), "B", _FORM_PT),
    )


def _heading_height(pdf: FPDF, cert: Certificate) -> float:
    height = 0.0
    for text, style, size in _heading_lines(cert):
        height += _lines(pdf, text, style, size) * line_height(size)
    return height + 3 * _GAP_MM


def _lines(pdf: FPDF, text: str, style: str, size: float, width: float | None = None) -> int:
    pdf.set_font(FONT_FAMILY, style, size)
    lines = pdf.multi_cell(width or pdf.epw, line_height(size), text, dry_run=True, output="LINES")
    assert isinstance(lines, list)  # output="LINES" returns the wrapped lines
    return len(lines)


def _footer_height(cert: Certificate) -> float:
    lines = 1 + len(cert.signature.heading_lines) + 1
    return lines * line_height(14) + _SIGNATURE_SPACE_MM


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*_FRAME_RGB)
    outer, inner = _OUTER_INSET_MM, _INNER_INSET_MM
    pdf.set_line_width(1.2)
    pdf.rect(outer, outer, pdf.w - 2 * outer, pdf.h - 2 * outer)
    pdf.set_line_width(0.4)
    pdf.rect(inner, inner, pdf.w - 2 * inner, pdf.h - 2 * inner)
    pdf.rect(inner + 1.5, inner + 1.5, pdf.w - 2 * inner - 3, pdf.h - 2 * inner - 3)

    # A chain of diamonds runs in the band between the two frames.
    middle = (outer + inner) / 2
    half = (inner - outer) / 2 - 1.0
    pdf.set_line_width(0.3)
    x = inner + _ORNAMENT_STEP_MM
    while x <= pdf.w - inner - _ORNAMENT_STEP_MM + 0.01:
        for y in (middle, pdf.h - middle):
            _diamond(pdf, x, y, half)
        x += _ORNAMENT_STEP_MM
    y = inner + _ORNAMENT_STEP_MM
    while y <= pdf.h - inner - _ORNAMENT_STEP_MM + 0.01:
        for x_edge in (middle, pdf.w - middle):
            _diamond(pdf, x_edge, y, half)
        y += _ORNAMENT_STEP_MM

    # Corners: a square with its diagonals, and brackets turning into the inner frame.
    for cx, cy, sx, sy in (
        (middle, middle, 1, 1),
        (pdf.w - middle, middle, -1, 1),
        (middle, pdf.h - middle, 1, -1),
        (pdf.w - middle, pdf.h - middle, -1, -1),
    ):
        pdf.rect(cx - half, cy - half, 2 * half, 2 * half)
        pdf.line(cx - half, cy - half, cx + half, cy + half)
        pdf.line(cx - half, cy + half, cx + half, cy - half)
        bx, by = cx + sx * (inner - outer + 4), cy + sy * (inner - outer + 4)
        pdf.set_line_width(0.6)
        pdf.line(bx, by, bx + sx * 14, by)
        pdf.line(bx, by, bx, by + sy * 14)
        pdf.line(bx + sx * 3, by + sy * 3, bx + sx * 9, by + sy * 3)
        pdf.line(bx + sx * 3, by + sy * 3, bx + sx * 3, by + sy * 9)
        pdf.set_line_width(0.3)
    pdf.set_draw_color(0)


def _diamond(pdf: FPDF, x: float, y: float, half: float) -> None:
    pdf.polygon(((x, y - half), (x + half, y), (x, y + half), (x - half, y)))


def _heading(pdf: FPDF, cert: Certificate, *, draw: bool = True) -> None:
    """Motto, issuer, "TẶNG" and the form's name; pre-printed paper has them already."""
    pdf.set_y(_CONTENT_INSET_MM + 4)
    for index, (text, style, size) in enumerate(_heading_lines(cert)):
        if index:
            pdf.ln(_GAP_MM)
        if not draw:
            pdf.set_y(pdf.get_y() + _lines(pdf, text, style, size) * line_height(size))
            continue
        if index == 3:
            pdf.set_text_color(*_FRAME_RGB)
        _line(pdf, text, style, size)
        pdf.set_text_color(0)
        if index == 0:
            rule_width = pdf.get_string_width(text)
            rule_y = pdf.get_y() - 0.8
            pdf.set_line_width(0.3)
            pdf.line((pdf.w - rule_width) / 2, rule_y, (pdf.w + rule_width) / 2, rule_y)


def _achievement_text(cert: Certificate) -> str:
    return f"Đã có thành tích {nfc(cert.achievement).strip()}"


def _middle_height(pdf: FPDF, cert: Certificate) -> float:
    pdf.set_font(FONT_FAMILY, "", _ACHIEVEMENT_PT)
    lines = pdf.multi_cell(
        pdf.epw, line_height(_ACHIEVEMENT_PT), _achievement_text(cert), dry_run=True, output="LINES"
    )
    assert isinstance(lines, list)  # output="LINES" returns the wrapped lines
    height = line_height(24) + _GAP_MM + len(lines) * line_height(_ACHIEVEMENT_PT)
    if cert.recipient_detail:
        height += line_height(16)
    return float(height)


def _recipient_and_achievement(pdf: FPDF, cert: Certificate) -> None:
    title = nfc(cert.recipient_title).strip()
    name = nfc(cert.recipient_name).strip()
    pdf.set_font(FONT_FAMILY, "I", 20)
    title_text = f"{title} " if title else ""
    title_width = pdf.get_string_width(title_text)
    pdf.set_font(FONT_FAMILY, "B", 24)
    name_width = pdf.get_string_width(name)
    if title_width + name_width <= pdf.epw:
        # Title and name on one centred line, each in its own style.
        pdf.set_x((pdf.w - title_width - name_width) / 2)
        if title_text:
            pdf.set_font(FONT_FAMILY, "I", 20)
            pdf.cell(title_width, line_height(24), title_text)
        pdf.set_font(FONT_FAMILY, "B", 24)
        pdf.cell(name_width, line_height(24), name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        _line(pdf, f"{title_text}{name}", "B", 24)
    if cert.recipient_detail:
        _line(pdf, nfc(cert.recipient_detail), "I", 16)
    pdf.ln(_GAP_MM)
    _line(pdf, _achievement_text(cert), "", _ACHIEVEMENT_PT)


def _footer(pdf: FPDF, cert: Certificate, top: float) -> None:
    """The decision on the left, the place, date and signature on the right, from `top`."""
    signature = cert.signature
    half = pdf.epw / 2
    right_x = pdf.l_margin + half

    pdf.set_xy(pdf.l_margin, top + line_height(14) * 2)
    pdf.set_font(FONT_FAMILY, "I", 13)
    for text in _decision_lines(cert):
        pdf.multi_cell(half, line_height(13), text, align=Align.C, new_x=XPos.LMARGIN)

    pdf.set_xy(right_x, top)
    _column_line(pdf, half, place_date_line(nfc(cert.place), cert.decision_date), "I", 14)
    for line in signature.heading_lines:
        _column_line(pdf, half, line, "B", 14)
    pdf.set_xy(right_x, pdf.get_y() + _SIGNATURE_SPACE_MM)
    _column_line(pdf, half, nfc(signature.name), "B", 14)


def _decision_lines(cert: Certificate) -> tuple[str, ...]:
    lines = [nfc(cert.decision_text)]
    if cert.register_number:
        lines.append(f"Số vào sổ: {nfc(cert.register_number)}")
    return tuple(lines)


def _line(pdf: FPDF, text: str, style: str, size: float) -> None:
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(
        pdf.epw, line_height(size), text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _column_line(pdf: FPDF, width: float, text: str, style: str, size: float) -> None:
    x = pdf.get_x()
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.multi_cell(width, line_height(size), text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)


# --- the Word file ----------------------------------------------------------------------------


def render_certificate_docx(cert: Certificate, *, preprinted: bool = False) -> bytes:
    """The same certificate as a Word file: the same places and sizes as the PDF (measured with
    the same font), the frame as a double page border, one page; `preprinted` as for the PDF."""
    ruler = FPDF(orientation="L", unit="mm", format="A4")
    ruler.set_margins(_CONTENT_INSET_MM, _CONTENT_INSET_MM, _CONTENT_INSET_MM)
    ruler.c_margin = 0
    register_fonts(ruler)
    ruler.add_page()
    plan = _plan(ruler, cert)

    document = Document(str(house_template_path()))
    _clear_body(document)
    section = document.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = Mm(_CONTENT_INSET_MM + 4)
    # The footer's place is computed from the paper's bottom edge; the margin only has to let it be.
    section.bottom_margin = Mm(10)
    section.left_margin = section.right_margin = Mm(_CONTENT_INSET_MM)
    section.different_first_page_header_footer = True
    if not preprinted:
        _page_frame(section)

    for index, (text, style, size) in enumerate(_heading_lines(cert)):
        paragraph = _line_paragraph(document, size, after_mm=_GAP_MM if index < 3 else 0)
        if preprinted:
            continue
        run = _add_run(paragraph, text, bold="B" in style, underline=index == 0, size=int(size))
        if index == 3:
            run.font.color.rgb = RGBColor(*_FRAME_RGB)

    title = nfc(cert.recipient_title).strip()
    recipient = _line_paragraph(document, 24, before_mm=plan.middle_top - plan.heading_bottom)
    if title:
        _add_run(recipient, f"{title} ", italic=True, size=20)
    _add_run(recipient, nfc(cert.recipient_name).strip(), bold=True, size=24)
    if cert.recipient_detail:
        _add_run(_line_paragraph(document, 16), nfc(cert.recipient_detail), italic=True, size=16)
    gap_after = plan.footer_top - plan.middle_top - plan.middle_height
    achievement = _line_paragraph(document, _ACHIEVEMENT_PT, before_mm=_GAP_MM)
    # A hair less than the PDF's gap, so rounding to Word's twips never pushes a line over.
    achievement.paragraph_format.space_after = Pt(max(gap_after - 1, 0) / PT_MM)
    _add_run(achievement, _achievement_text(cert), size=_ACHIEVEMENT_PT)

    half = int(Mm((297 - 2 * _CONTENT_INSET_MM) / 2))
    table = _layout_table(document, (half, half))
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    _exact(first, 14)
    second = left.add_paragraph()
    _exact(second, 14)
    for text in _decision_lines(cert):
        _cell_line(left.add_paragraph(), text, italic=True, size=13)
    place_date = place_date_line(nfc(cert.place), cert.decision_date)
    _cell_line(right.paragraphs[0], place_date, italic=True)
    for line in cert.signature.heading_lines:
        _cell_line(right.add_paragraph(), line, bold=True)
    name = right.add_paragraph()
    name.paragraph_format.space_before = Pt(_SIGNATURE_SPACE_MM / PT_MM)
    _cell_line(name, nfc(cert.signature.name), bold=True)

    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _line_paragraph(
    document: Docx, size: float, *, before_mm: float = 0, after_mm: float = 0
) -> Docx:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before_mm / PT_MM)
    fmt.space_after = Pt(after_mm / PT_MM)
    fmt.line_spacing = Pt(float(LAYOUT.pitch_pt(int(size))))
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return paragraph


def _page_frame(section: Docx) -> None:
    """A red double border around the page where the PDF draws its outer frame."""
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    colour = "{:02X}{:02X}{:02X}".format(*_FRAME_RGB)
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "thinThickSmallGap")
        element.set(qn("w:sz"), "24")
        element.set(qn("w:space"), str(round(_OUTER_INSET_MM / PT_MM)))
        element.set(qn("w:color"), colour)
        borders.append(element)
    # CT_SectPr is a sequence: pgBorders follows pgMar (and paperSrc).
    sect_pr = section._sectPr
    margins = sect_pr.find(qn("w:pgMar"))
    if margins is not None:
        margins.addnext(borders)
    else:
        sect_pr.append(borders)
