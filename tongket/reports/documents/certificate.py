"""Printable commendations (Giấy khen, Bằng khen): the facts and an A4 landscape PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from tongket.core.formatting import date_short
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


def render_certificate_pdf(cert: Certificate) -> bytes:
    """The commendation on one A4 landscape page inside a decorative frame drawn with lines."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(_CONTENT_INSET_MM, _CONTENT_INSET_MM, _CONTENT_INSET_MM)
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0
    pdf.set_title(nfc(f"{cert.form_name} - {cert.recipient_name}"))
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    register_fonts(pdf)
    pdf.add_page()

    _frame(pdf)
    _heading(pdf, cert)
    heading_bottom = pdf.get_y()
    footer_top = _footer(pdf, cert)
    # The recipient and the achievement sit centred in the space the heading and footer leave.
    free = footer_top - heading_bottom - _middle_height(pdf, cert)
    pdf.set_y(heading_bottom + max(free, 0) / 2)
    _recipient_and_achievement(pdf, cert)
    return sign_if_configured(bytes(pdf.output()))


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


def _heading(pdf: FPDF, cert: Certificate) -> None:
    pdf.set_y(_CONTENT_INSET_MM + 4)
    _line(pdf, nfc(cert.motto).upper(), "B", 15)
    rule_width = pdf.get_string_width(nfc(cert.motto).upper())
    rule_y = pdf.get_y() - 0.8
    pdf.set_line_width(0.3)
    pdf.line((pdf.w - rule_width) / 2, rule_y, (pdf.w + rule_width) / 2, rule_y)
    pdf.ln(_GAP_MM)
    _line(pdf, nfc(cert.issuer_body).upper(), "B", 16)
    pdf.ln(_GAP_MM)
    _line(pdf, "TẶNG", "B", 15)
    pdf.ln(_GAP_MM)
    pdf.set_text_color(*_FRAME_RGB)
    _line(pdf, nfc(cert.form_name).upper(), "B", 44)
    pdf.set_text_color(0)


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


def _footer(pdf: FPDF, cert: Certificate) -> float:
    """Write the decision and the signature at the bottom; return where the footer starts."""
    signature = cert.signature
    lines = 2 if signature.on_behalf else 1
    block_height = (1 + lines + 1) * line_height(14) + _SIGNATURE_SPACE_MM
    top = pdf.h - _CONTENT_INSET_MM - block_height
    half = pdf.epw / 2
    right_x = pdf.l_margin + half

    pdf.set_xy(pdf.l_margin, top + line_height(14) * 2)
    pdf.set_font(FONT_FAMILY, "I", 13)
    pdf.multi_cell(half, line_height(13), cert.decision_text, align=Align.C, new_x=XPos.LMARGIN)
    if cert.register_number:
        pdf.multi_cell(
            half,
            line_height(13),
            f"Số vào sổ: {nfc(cert.register_number)}",
            align=Align.C,
            new_x=XPos.LMARGIN,
        )

    pdf.set_xy(right_x, top)
    _column_line(pdf, half, place_date_line(nfc(cert.place), cert.decision_date), "I", 14)
    if signature.on_behalf:
        _column_line(pdf, half, nfc(signature.on_behalf).upper(), "B", 14)
    _column_line(pdf, half, nfc(signature.title).upper(), "B", 14)
    pdf.set_xy(right_x, pdf.get_y() + _SIGNATURE_SPACE_MM)
    _column_line(pdf, half, nfc(signature.name), "B", 14)
    return top


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
