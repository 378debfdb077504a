"""PDF rendering of an official Party document with the bundled Liberation Serif fonts."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from tongket.reports.documents.docx_renderer import house_page_setup
from tongket.reports.documents.model import (
    ISSUER_MARK,
    PARTY_MOTTO,
    RECIPIENTS_LABEL,
    SUMMARY_RULE,
    Block,
    BulletList,
    Heading,
    OfficialDocument,
    PageBreak,
    PageSetup,
    Paragraph,
    Table,
)

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
# Liberation Serif has Times New Roman's metrics, so a page breaks where Word would break it,
# and unlike the 1.x release it carries every Vietnamese letter (ă ơ ư đ ệ ỹ ...).
FONT_FAMILY = "LiberationSerif"
_FONT_FILES = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}

PT_MM = 25.4 / 72
LINE_SPACING = 1.15  # Word's "single" line for Times New Roman
_LEFT_SHARE = 0.45  # same split as the Word header table
_BODY_INDENT_MM = 10.0
_PARAGRAPH_GAP_MM = 6 * PT_MM
_TABLE_FONT_PT = 13
_RECIPIENT_FONT_PT = 12
_PAGE_NUMBER_Y_MM = 10.0
# Room to sign and stamp: four empty lines, as the Word version leaves.
_SIGNATURE_SPACE_MM = 4 * 14 * PT_MM * LINE_SPACING


def register_fonts(pdf: FPDF) -> None:
    """Load the bundled serif in its four styles into `pdf` under `FONT_FAMILY`."""
    for style, filename in _FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / filename))


def line_height(size_pt: float) -> float:
    return size_pt * PT_MM * LINE_SPACING


def nfc(text: str) -> str:
    # fpdf2 draws precomposed glyphs; a decomposed "ệ" would show its marks misplaced.
    return unicodedata.normalize("NFC", text)


class _PartyPdf(FPDF):
    """Numbers every page but the first at the top centre, in the top margin (HD 36)."""

    def header(self) -> None:
        if self.page_no() < 2:
            return
        top = self.t_margin
        self.set_font(FONT_FAMILY, "", 14)
        self.set_xy(self.l_margin, _PAGE_NUMBER_Y_MM)
        self.cell(self.epw, line_height(14), str(self.page_no()), align=Align.C)
        self.set_xy(self.l_margin, top)


def render_pdf(doc: OfficialDocument, *, page: PageSetup | None = None) -> bytes:
    """The document as a PDF laid out like the Word version; page and margins default to the
    house template's, so an office that changes the template changes both."""
    setup = page or house_page_setup()
    pdf = _PartyPdf(
        orientation="P", unit="mm", format=(float(setup.width_mm), float(setup.height_mm))
    )
    pdf.set_margins(float(setup.left_mm), float(setup.top_mm), float(setup.right_mm))
    pdf.set_auto_page_break(True, margin=float(setup.bottom_mm))
    # Text starts exactly at the margin, as in Word; fpdf2 would pad each line by 1 mm.
    pdf.c_margin = 0
    pdf.set_title(nfc(f"{doc.kind.name} {doc.summary}"))
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    register_fonts(pdf)
    pdf.add_page()

    _header(pdf, doc)
    _title(pdf, doc)
    for block in doc.body:
        _block(pdf, block)
    _signature_and_recipients(pdf, doc)
    return bytes(pdf.output())


def _header(pdf: FPDF, doc: OfficialDocument) -> None:
    top = pdf.get_y()
    left_width = pdf.epw * _LEFT_SHARE
    right_x = pdf.l_margin + left_width
    right_width = pdf.epw - left_width

    pdf.set_xy(pdf.l_margin, top)
    _centered_in(pdf, left_width, nfc(doc.superior_body).upper(), "", 14)
    _centered_in(pdf, left_width, nfc(doc.issuer_body).upper(), "B", 14)
    _centered_in(pdf, left_width, ISSUER_MARK, "", 14)
    _centered_in(pdf, left_width, nfc(doc.number_text), "", 14)
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    _centered_in(pdf, right_width, PARTY_MOTTO, "B", 15)
    # HD 36: a solid rule beneath the motto, exactly as long as the motto.
    motto_width = pdf.get_string_width(PARTY_MOTTO)
    rule_x = right_x + (right_width - motto_width) / 2
    rule_y = pdf.get_y() - 0.8
    pdf.set_line_width(0.3)
    pdf.line(rule_x, rule_y, rule_x + motto_width, rule_y)
    pdf.set_xy(right_x, pdf.get_y() + 6 * PT_MM)
    _centered_in(pdf, right_width, nfc(doc.place_date_text), "I", 14)

    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()))


def _title(pdf: FPDF, doc: OfficialDocument) -> None:
    pdf.ln(18 * PT_MM)
    _centered_in(pdf, pdf.epw, nfc(doc.kind.name).upper(), "B", 16)
    _centered_in(pdf, pdf.epw, nfc(doc.summary), "B", 14)
    _centered_in(pdf, pdf.epw, SUMMARY_RULE, "", 14)
    pdf.ln(12 * PT_MM)


def _block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Heading):
        # A heading never ends a page alone: start a new page if a line of text cannot follow it.
        if pdf.get_y() + 3 * line_height(14) > pdf.page_break_trigger:
            pdf.add_page()
        style = "BI" if block.level == 3 else "B"
        _justified(pdf, ((nfc(block.text), style),))
    elif isinstance(block, Paragraph):
        spans = tuple(
            (nfc(run.text), ("B" if run.bold else "") + ("I" if run.italic else ""))
            for run in block.spans
        )
        _justified(pdf, spans)
    elif isinstance(block, BulletList):
        for item in block.items:
            _justified(pdf, (("- " + nfc(item), ""),))
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, PageBreak):
        pdf.add_page()


def _justified(pdf: FPDF, spans: tuple[tuple[str, str], ...]) -> None:
    columns = pdf.text_columns(text_align=Align.J, line_height=LINE_SPACING)
    with (
        columns,
        columns.paragraph(
            first_line_indent=_BODY_INDENT_MM, bottom_margin=_PARAGRAPH_GAP_MM
        ) as paragraph,
    ):
        for text, style in spans:
            pdf.set_font(FONT_FAMILY, style, 14)
            paragraph.write(text)
    pdf.set_x(pdf.l_margin)


def _table(pdf: FPDF, block: Table) -> None:
    if block.caption:
        if pdf.get_y() + 4 * line_height(14) > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(6 * PT_MM)
        _centered_in(pdf, pdf.epw, nfc(block.caption), "B", 14)
        pdf.ln(6 * PT_MM)
    widths = tuple(float(share * Decimal(str(pdf.epw))) for share in block.width_fractions())
    pdf.set_font(FONT_FAMILY, "", _TABLE_FONT_PT)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        # fpdf2 centres a table on the paper, not between margins of unequal width.
        align=Align.L,
        line_height=line_height(_TABLE_FONT_PT),
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD", fill_color=None),
        repeat_headings=1,
        padding=(1, 1.5),
    ) as table:
        header = table.row()
        for value in block.headers:
            header.cell(nfc(value), align=Align.C)
        for values in block.rows:
            row = table.row()
            for value in values:
                row.cell(nfc(value))
    pdf.ln(_PARAGRAPH_GAP_MM)


def _signature_and_recipients(pdf: FPDF, doc: OfficialDocument) -> None:
    signature = doc.signature
    lines = (2 if signature.on_behalf else 1) + 1
    needed = lines * line_height(14) + _SIGNATURE_SPACE_MM + 12 * PT_MM
    recipients_height = line_height(14) + len(doc.recipients) * line_height(_RECIPIENT_FONT_PT)
    # The signature and the recipients stay together on one page, as in the Word version.
    if pdf.get_y() + max(needed, recipients_height) > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(12 * PT_MM)
    top = pdf.get_y()
    left_width = pdf.epw * _LEFT_SHARE
    right_x = pdf.l_margin + left_width
    right_width = pdf.epw - left_width

    if doc.recipients:
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(FONT_FAMILY, "U", 14)
        pdf.cell(
            pdf.get_string_width(RECIPIENTS_LABEL),
            line_height(14),
            RECIPIENTS_LABEL,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font(FONT_FAMILY, "", _RECIPIENT_FONT_PT)
        for recipient in doc.recipients:
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(
                left_width,
                line_height(_RECIPIENT_FONT_PT),
                "- " + nfc(recipient),
                align=Align.L,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    if signature.on_behalf:
        _centered_in(pdf, right_width, nfc(signature.on_behalf).upper(), "B", 14)
    _centered_in(pdf, right_width, nfc(signature.title).upper(), "B", 14)
    pdf.set_xy(right_x, pdf.get_y() + _SIGNATURE_SPACE_MM)
    _centered_in(pdf, right_width, nfc(signature.name), "B", 14)
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()))


def _centered_in(pdf: FPDF, width: float, text: str, style: str, size: float) -> None:
    """Write centred lines in a column starting at the current x, and move below them."""
    x = pdf.get_x()
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.multi_cell(width, line_height(size), text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
