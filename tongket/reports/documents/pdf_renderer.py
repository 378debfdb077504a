"""PDF rendering of an official Party document with the bundled Liberation Serif fonts.

It draws the layout of `layout.LAYOUT`, as the Word renderer does, and decides page breaks the
way Word and LibreOffice decide them for that file: a heading stays with the first line after it,
a table row never splits, the signature block takes the body's last paragraph with it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from tongket.reports.documents import model
from tongket.reports.documents.docx_renderer import house_page_setup
from tongket.reports.documents.layout import FIGURE_LINE_EXTRA_PT, LAYOUT, PT_MM
from tongket.reports.signing import sign_if_configured

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
_ALIGN = {"L": Align.L, "C": Align.C, "R": Align.R}


def register_fonts(pdf: FPDF) -> None:
    """Load the bundled serif in its four styles into `pdf` under `FONT_FAMILY`."""
    for style, filename in _FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(FONT_DIR / filename))


def line_height(size_pt: float) -> float:
    return float(Decimal(str(size_pt)) * LAYOUT.line_factor) * PT_MM


def nfc(text: str) -> str:
    # fpdf2 draws precomposed glyphs; a decomposed "ệ" would show its marks misplaced.
    return unicodedata.normalize("NFC", text)


class _PartyPdf(FPDF):
    """Numbers every page but the first at the top centre, in the top margin (HD 36)."""

    numbered = True

    def header(self) -> None:
        if self.page_no() < 2 or not self.numbered:
            return
        top = self.t_margin
        self.set_font(FONT_FAMILY, "", LAYOUT.body_pt)
        self.set_xy(self.l_margin, LAYOUT.page_number_from_top_mm)
        self.cell(self.epw, line_height(LAYOUT.body_pt), str(self.page_no()), align=Align.C)
        self.set_xy(self.l_margin, top)


def _new_pdf(setup: model.PageSetup, *, height_mm: float | None = None) -> _PartyPdf:
    pdf = _PartyPdf(
        orientation="P",
        unit="mm",
        format=(float(setup.width_mm), height_mm or float(setup.height_mm)),
    )
    pdf.set_margins(float(setup.left_mm), float(setup.top_mm), float(setup.right_mm))
    pdf.set_auto_page_break(True, margin=float(setup.bottom_mm))
    # Text starts exactly at the margin, as in Word; fpdf2 would pad each line by 1 mm.
    pdf.c_margin = 0
    register_fonts(pdf)
    return pdf


class _Ruler:
    """Measures how tall blocks come out by drawing them on an endless scratch page."""

    def __init__(self, setup: model.PageSetup) -> None:
        self.pdf = _new_pdf(setup, height_mm=10_000)
        self.pdf.numbered = False

    def height(self, draw: Callable[[FPDF], None]) -> float:
        pdf = self.pdf
        pdf.add_page()
        pdf.set_xy(pdf.l_margin, pdf.t_margin)
        draw(pdf)
        return pdf.get_y() - pdf.t_margin


def render_pdf(doc: model.OfficialDocument, *, page: model.PageSetup | None = None) -> bytes:
    """The document as a PDF laid out like the Word version; page and margins default to the
    house template's, so an office that changes the template changes both."""
    setup = page or house_page_setup()
    pdf = _new_pdf(setup)
    pdf.set_title(nfc(f"{doc.kind.name} {doc.summary}"))
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    ruler = _Ruler(setup)
    pdf.add_page()

    _header(pdf, doc)
    _title(pdf, doc)

    def signature(target: FPDF) -> None:
        _signature_and_recipients(target, doc)

    _flow(pdf, ruler, doc.body, keep_last_with=signature)
    # The signature block is one table row in the Word file: it never splits.
    if pdf.get_y() + ruler.height(signature) > pdf.page_break_trigger:
        pdf.add_page()
    signature(pdf)
    if doc.annex:
        pdf.add_page()
        _centered_in(pdf, pdf.epw, nfc(doc.annex_title), "B", LAYOUT.body_pt)
        pdf.ln(LAYOUT.paragraph_gap_pt * PT_MM)
        _flow(pdf, ruler, doc.annex)
    return sign_if_configured(bytes(pdf.output()))


def _flow(
    pdf: FPDF,
    ruler: _Ruler,
    blocks: Sequence[model.Block],
    *,
    keep_last_with: Callable[[FPDF], None] | None = None,
) -> None:
    """Draw the blocks, breaking pages where the Word file's keep rules break them."""
    for index, block in enumerate(blocks):
        needed = 0.0
        follows_heading = index > 0 and isinstance(blocks[index - 1], model.Heading)
        if isinstance(block, model.Heading) and not follows_heading:
            # A heading (and the headings right after it) stays with the first line that follows.
            run = index
            while run < len(blocks) and isinstance(blocks[run], model.Heading):
                needed += ruler.height(partial(_block, block=blocks[run]))
                run += 1
            if run == len(blocks) - 1 and keep_last_with is not None and _one_unit(blocks[run]):
                # A chain of keeps: heading, the last paragraph, the signature go together.
                needed += _last_with(ruler, blocks[run], keep_last_with)
            elif run < len(blocks):
                needed += _first_unit_height(ruler, blocks[run])
        elif isinstance(block, model.Table):
            needed = _first_unit_height(ruler, block)
        if index == len(blocks) - 1 and keep_last_with is not None:
            needed = max(needed, _last_with(ruler, block, keep_last_with))
            if isinstance(block, model.BulletList) and len(block.items) > 1:
                _block(pdf, model.BulletList(block.items[:-1]))
                block = model.BulletList(block.items[-1:])
        if needed and pdf.get_y() + needed > pdf.page_break_trigger and not _at_top(pdf):
            pdf.add_page()
        _block(pdf, block)


def _one_unit(block: model.Block) -> bool:
    return isinstance(block, model.Paragraph) or (
        isinstance(block, model.BulletList) and len(block.items) == 1
    )


def _last_with(ruler: _Ruler, block: model.Block, signature: Callable[[FPDF], None]) -> float:
    """The room the body's last paragraph (or list item) needs with the signature after it."""
    if isinstance(block, model.Paragraph):
        return ruler.height(partial(_block, block=block)) + ruler.height(signature)
    if isinstance(block, model.BulletList):
        last = model.BulletList(block.items[-1:])
        return ruler.height(partial(_block, block=last)) + ruler.height(signature)
    return 0.0


def _at_top(pdf: FPDF) -> bool:
    return pdf.get_y() <= pdf.t_margin + 0.01


def _first_unit_height(ruler: _Ruler, block: model.Block) -> float:
    """What must follow a heading on its page: one line of text, or a table's caption, header
    and first row."""
    if isinstance(block, model.Table):
        first = model.Table(
            headers=block.headers,
            rows=block.rows[:1],
            caption=block.caption,
            column_widths=block.column_widths,
            column_align=block.column_align,
        )
        return ruler.height(lambda p: _table(p, first, gap_after=False))
    if isinstance(block, model.PageBreak):
        return 0.0
    if isinstance(block, model.Figure):
        return _figure_height(block)
    return line_height(LAYOUT.body_pt)


def _header(pdf: FPDF, doc: model.OfficialDocument) -> None:
    top = pdf.get_y()
    left_width = pdf.epw * float(LAYOUT.left_share)
    right_x = pdf.l_margin + left_width
    right_width = pdf.epw - left_width
    size = LAYOUT.body_pt

    pdf.set_xy(pdf.l_margin, top)
    _centered_in(pdf, left_width, nfc(doc.superior_body).upper(), "", size)
    _centered_in(pdf, left_width, nfc(doc.issuer_body).upper(), "B", size)
    _centered_in(pdf, left_width, model.ISSUER_MARK, "", size)
    _centered_in(pdf, left_width, nfc(doc.number_text), "", size)
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    _centered_in(pdf, right_width, model.PARTY_MOTTO, "B", LAYOUT.motto_pt)
    # HD 36: a solid rule beneath the motto, exactly as long as the motto.
    motto_width = pdf.get_string_width(model.PARTY_MOTTO)
    rule_x = right_x + (right_width - motto_width) / 2
    rule_y = pdf.get_y() - 0.8
    pdf.set_line_width(0.3)
    pdf.line(rule_x, rule_y, rule_x + motto_width, rule_y)
    pdf.set_xy(right_x, pdf.get_y() + LAYOUT.date_gap_before_pt * PT_MM)
    _centered_in(pdf, right_width, nfc(doc.place_date_text), "I", size)

    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()))


def _title(pdf: FPDF, doc: model.OfficialDocument) -> None:
    pdf.ln(LAYOUT.title_gap_before_pt * PT_MM)
    _centered_in(pdf, pdf.epw, nfc(doc.kind.name).upper(), "B", LAYOUT.type_name_pt)
    _centered_in(pdf, pdf.epw, nfc(doc.summary), "B", LAYOUT.body_pt)
    _centered_in(pdf, pdf.epw, model.SUMMARY_RULE, "", LAYOUT.body_pt)
    pdf.ln(LAYOUT.title_gap_after_pt * PT_MM)


def _block(pdf: FPDF, block: model.Block) -> None:
    if isinstance(block, model.Heading):
        style = "BI" if block.level == 3 else "B"
        _justified(pdf, ((nfc(block.text), style),), centered=block.centered)
    elif isinstance(block, model.Paragraph):
        spans = tuple(
            (nfc(run.text), ("B" if run.bold else "") + ("I" if run.italic else ""))
            for run in block.spans
        )
        _justified(pdf, spans, centered=block.centered)
    elif isinstance(block, model.BulletList):
        for item in block.items:
            _justified(pdf, (("- " + nfc(item), ""),))
    elif isinstance(block, model.Table):
        _table(pdf, block)
    elif isinstance(block, model.PageBreak):
        pdf.add_page()
    elif isinstance(block, model.Figure):
        _figure(pdf, block)


def _figure_height(figure: model.Figure) -> float:
    """The picture's line with the gap after it: Word and LibreOffice want both on the page."""
    return float(figure.height_mm) + (FIGURE_LINE_EXTRA_PT + LAYOUT.paragraph_gap_pt) * PT_MM


def _figure(pdf: FPDF, figure: model.Figure) -> None:
    """The picture centred at its size, on a line one point taller (as the Word file)."""
    if pdf.get_y() + _figure_height(figure) > pdf.page_break_trigger and not _at_top(pdf):
        pdf.add_page()
    width = float(figure.width_mm)
    pdf.image(
        BytesIO(figure.png),
        x=pdf.l_margin + (pdf.epw - width) / 2,
        y=pdf.get_y(),
        w=width,
        h=float(figure.height_mm),
        alt_text=nfc(figure.caption),
    )
    pdf.set_y(pdf.get_y() + _figure_height(figure))


def _justified(pdf: FPDF, spans: tuple[tuple[str, str], ...], *, centered: bool = False) -> None:
    columns = pdf.text_columns(
        text_align=Align.C if centered else Align.J, line_height=float(LAYOUT.line_factor)
    )
    with (
        columns,
        columns.paragraph(
            first_line_indent=0 if centered else LAYOUT.first_line_indent_mm,
            bottom_margin=LAYOUT.paragraph_gap_pt * PT_MM,
        ) as paragraph,
    ):
        for text, style in spans:
            pdf.set_font(FONT_FAMILY, style, LAYOUT.body_pt)
            paragraph.write(text)
    pdf.set_x(pdf.l_margin)


def _table(pdf: FPDF, block: model.Table, *, gap_after: bool = True) -> None:
    gap = LAYOUT.paragraph_gap_pt * PT_MM
    if block.caption:
        _centered_in(pdf, pdf.epw, nfc(block.caption), "B", LAYOUT.body_pt)
        pdf.ln(gap)
    widths = tuple(float(share * Decimal(str(pdf.epw))) for share in block.width_fractions())
    pdf.set_font(FONT_FAMILY, "", LAYOUT.table_pt)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        # fpdf2 centres a table on the paper, not between margins of unequal width.
        align=Align.L,
        line_height=line_height(LAYOUT.table_pt),
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD", fill_color=None),
        repeat_headings=1,
        padding=(float(LAYOUT.cell_padding_v_mm), float(LAYOUT.cell_padding_h_mm)),
    ) as table:
        header = table.row()
        for value in block.headers:
            header.cell(nfc(value), align=Align.C)
        for values in block.rows:
            row = table.row()
            for column, value in enumerate(values):
                row.cell(nfc(value), align=_ALIGN[block.alignment(column)])
    if gap_after:
        # The table's top line, which Word counts in its height besides each row's line.
        pdf.ln(gap + float(LAYOUT.table_border_pt) * PT_MM)


def _signature_and_recipients(pdf: FPDF, doc: model.OfficialDocument) -> None:
    size = LAYOUT.body_pt
    pdf.ln(line_height(size))
    top = pdf.get_y()
    left_width = pdf.epw * float(LAYOUT.left_share)
    right_x = pdf.l_margin + left_width
    right_width = pdf.epw - left_width

    if doc.countersignature is not None:
        pdf.set_xy(pdf.l_margin, top)
        _signature_column(pdf, left_width, doc.countersignature)
    elif doc.recipients:
        pdf.set_xy(pdf.l_margin, top)
        pdf.set_font(FONT_FAMILY, "U", size)
        pdf.cell(
            pdf.get_string_width(model.RECIPIENTS_LABEL),
            line_height(size),
            model.RECIPIENTS_LABEL,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font(FONT_FAMILY, "", LAYOUT.recipient_pt)
        for recipient in doc.recipients:
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(
                left_width,
                line_height(LAYOUT.recipient_pt),
                "- " + nfc(recipient),
                align=Align.L,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    _signature_column(pdf, right_width, doc.signature)
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()))


def _signature_column(pdf: FPDF, width: float, signature: model.Signature) -> None:
    x = pdf.get_x()
    size = LAYOUT.body_pt
    for line in signature.heading_lines:
        _centered_in(pdf, width, line, "B", size)
    pdf.set_xy(x, pdf.get_y() + LAYOUT.signature_space_lines * line_height(size))
    _centered_in(pdf, width, nfc(signature.name), "B", size)


def _centered_in(pdf: FPDF, width: float, text: str, style: str, size: float) -> None:
    """Write centred lines in a column starting at the current x, and move below them."""
    x = pdf.get_x()
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.multi_cell(width, line_height(size), text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
