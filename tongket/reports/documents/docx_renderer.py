"""Word (.docx) rendering of an official Party document over the office's house template."""

from __future__ import annotations

import os
import unicodedata
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, TypedDict, Unpack

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tongket.reports.documents import model
from tongket.reports.documents.layout import FIGURE_LINE_EXTRA_PT, LAYOUT, PT_MM

# An office replaces the house templates by pointing this variable at its own folder; it is read
# at call time, not through Django settings, so renderers stay usable outside Django.
HOUSE_TEMPLATES_ENV = "TONGKET_HOUSE_TEMPLATES_DIR"
HOUSE_TEMPLATE_NAME = "party.docx"
SHIPPED_HOUSE_DIR = Path(__file__).resolve().parent.parent / "house"
HOUSE_FONT = "Times New Roman"

# Table borders in eighths of a point, as Word stores them.
_BORDER_EIGHTHS = int(LAYOUT.table_border_pt * 8)

# Direct formatting carries sizes, weights and layout from HD 36; the font family is left to
# the template's styles so an office can change it without touching code.
Docx = Any  # python-docx's oxml elements and proxies are only loosely typed


def house_template_path() -> Path:
    """The Word template that carries page setup and styles.

    `$TONGKET_HOUSE_TEMPLATES_DIR/party.docx` when the variable is set, else the one shipped in
    `tongket/reports/house/`.
    """
    folder = os.environ.get(HOUSE_TEMPLATES_ENV, "").strip()
    return (Path(folder) if folder else SHIPPED_HOUSE_DIR) / HOUSE_TEMPLATE_NAME


def house_page_setup(template: Path | None = None) -> model.PageSetup:
    """Paper and margins as the house template sets them, so PDF and Word agree."""
    return _page_setup_of(Document(str(template or house_template_path())).sections[0])


def _page_setup_of(section: Docx) -> model.PageSetup:
    def mm(length: int | None, default: Decimal) -> Decimal:
        if length is None:
            return default
        # EMU: 36 000 per millimetre. Word stores twentieths of a point, so 210 mm comes back as
        # 210.01 mm: a tenth of a millimetre is the precision a page setup has.
        return (Decimal(length) / 36000).quantize(Decimal("0.1"))

    d = model.DEFAULT_PAGE_SETUP
    return model.PageSetup(
        width_mm=mm(section.page_width, d.width_mm),
        height_mm=mm(section.page_height, d.height_mm),
        top_mm=mm(section.top_margin, d.top_mm),
        bottom_mm=mm(section.bottom_margin, d.bottom_mm),
        left_mm=mm(section.left_margin, d.left_mm),
        right_mm=mm(section.right_margin, d.right_mm),
    )


def write_house_template(path: Path, page: model.PageSetup = model.DEFAULT_PAGE_SETUP) -> None:
    """Write the shipped house template: A4, HD 36 margins, Times New Roman 14 for every script,
    Vietnamese proofing language, and page numbers top centre from page 2."""
    document = Document()
    core = document.core_properties
    core.title = "Mẫu văn bản của Đảng (Hướng dẫn 36-HD/VPTW)"
    core.author = "Tổng kết"
    core.language = "vi-VN"

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(float(page.width_mm))
    section.page_height = Mm(float(page.height_mm))
    section.top_margin = Mm(float(page.top_mm))
    section.bottom_margin = Mm(float(page.bottom_mm))
    section.left_margin = Mm(float(page.left_mm))
    section.right_margin = Mm(float(page.right_mm))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # HD 36: the first page carries no number.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _append_page_field(number)

    _set_font(document.styles["Normal"].element, size_pt=14)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None:
            _set_font(run_defaults, size_pt=14)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(0)
    for name in ("Header", "Footer"):
        if name in [s.name for s in document.styles]:
            _set_font(document.styles[name].element, size_pt=14)

    _clear_body(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def render_docx(doc: model.OfficialDocument, *, template: Path | None = None) -> bytes:
    """The document as a .docx laid out per Hướng dẫn 36-HD/VPTW over the house template."""
    document = Document(str(template or house_template_path()))
    _clear_body(document)
    # The PDF knows no widows and orphans: neither does the Word file, so lines fall alike.
    document.styles["Normal"].paragraph_format.widow_control = False
    text_width = int(Mm(float(_page_setup_of(document.sections[-1]).text_width_mm)))
    left_width = int(text_width * LAYOUT.left_share)
    widths = (left_width, text_width - left_width)

    _header(document, doc, widths)
    _title(document, doc)
    for index, block in enumerate(doc.body):
        last = _block(document, block, text_width)
        if index == len(doc.body) - 1 and last is not None:
            # The signature never stands alone on a page: the last paragraph goes with it.
            last.paragraph_format.keep_together = True
            last.paragraph_format.keep_with_next = True
    _signature_and_recipients(document, doc, widths)
    if doc.annex:
        _annex(document, doc, text_width)

    out = BytesIO()
    document.save(out)
    return out.getvalue()


# --- layout -----------------------------------------------------------------------------------


def _header(document: Docx, doc: model.OfficialDocument, widths: tuple[int, int]) -> None:
    table = _layout_table(document, widths)
    left, right = table.rows[0].cells
    _cell_line(left.paragraphs[0], _caps(doc.superior_body))
    _cell_line(left.add_paragraph(), _caps(doc.issuer_body), bold=True)
    _cell_line(left.add_paragraph(), model.ISSUER_MARK)
    _cell_line(left.add_paragraph(), _nfc(doc.number_text))

    # HD 36: a rule as long as the motto beneath it; an underline is exactly that long.
    _cell_line(
        right.paragraphs[0], model.PARTY_MOTTO, bold=True, size=LAYOUT.motto_pt, underline=True
    )
    date_line = right.add_paragraph()
    date_line.paragraph_format.space_before = Pt(LAYOUT.date_gap_before_pt)
    _cell_line(date_line, _nfc(doc.place_date_text), italic=True)


def _title(document: Docx, doc: model.OfficialDocument) -> None:
    name = _centered(document, space_before=LAYOUT.title_gap_before_pt)
    _add_run(name, _caps(doc.kind.name), bold=True, size=LAYOUT.type_name_pt)
    summary = _centered(document)
    _add_run(summary, _nfc(doc.summary), bold=True)
    rule = _centered(document, space_after=LAYOUT.title_gap_after_pt)
    _add_run(rule, model.SUMMARY_RULE)


def _block(document: Docx, block: model.Block, text_width: int) -> Docx | None:
    """Add the block; return its last paragraph if it ends with one (to keep with the next)."""
    if isinstance(block, model.Heading):
        paragraph = _body_paragraph(document, centered=block.centered)
        paragraph.paragraph_format.keep_with_next = True
        _add_run(paragraph, _nfc(block.text), bold=True, italic=block.level == 3)
        return paragraph
    if isinstance(block, model.Paragraph):
        paragraph = _body_paragraph(document, centered=block.centered)
        for run in block.spans:
            _add_run(paragraph, _nfc(run.text), bold=run.bold, italic=run.italic)
        return paragraph
    if isinstance(block, model.BulletList):
        paragraph = None
        for item in block.items:
            paragraph = _body_paragraph(document)
            _add_run(paragraph, "- " + _nfc(item))
        return paragraph
    if isinstance(block, model.Table):
        _table(document, block, text_width)
    elif isinstance(block, model.PageBreak):
        _page_break(document)
    elif isinstance(block, model.Figure):
        _figure(document, block)
    return None


def _figure(document: Docx, figure: model.Figure) -> None:
    """The picture alone on an exactly-sized line (its height and one point, the PDF's
    measure), so both files give it the same room."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(LAYOUT.paragraph_gap_pt)
    fmt.line_spacing = Pt(float(figure.height_mm) / PT_MM + FIGURE_LINE_EXTRA_PT)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    run = paragraph.add_run()
    run.font.size = Pt(1)
    run.add_picture(
        BytesIO(figure.png), width=Mm(float(figure.width_mm)), height=Mm(float(figure.height_mm))
    )


def _page_break(document: Docx) -> None:
    # An empty paragraph that starts a page takes no room the PDF would not also take:
    # the break is the next paragraph's "page break before", not a line holding a break.
    document.add_paragraph().paragraph_format.page_break_before = True
    _exact(document.paragraphs[-1], 1)


def _annex(document: Docx, doc: model.OfficialDocument, text_width: int) -> None:
    """The annexed list after the signature, from a new page, under its centred title."""
    title = _centered(document, space_after=LAYOUT.paragraph_gap_pt)
    title.paragraph_format.page_break_before = True
    title.paragraph_format.keep_with_next = True
    _add_run(title, _nfc(doc.annex_title), bold=True)
    for block in doc.annex:
        _block(document, block, text_width)


def _table(document: Docx, block: model.Table, text_width: int) -> None:
    gap = LAYOUT.paragraph_gap_pt
    if block.caption:
        # No room above: the block before already ends with its 6 pt (LibreOffice would not add
        # a heading's space after to a caption's space before, the PDF would).
        caption = _centered(document, space_after=gap)
        caption.paragraph_format.keep_with_next = True
        _add_run(caption, _nfc(block.caption), bold=True)
    widths = [int(text_width * share) for share in block.width_fractions()]
    table = document.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, "single")
    # Word and LibreOffice count a row's border line (½ pt) into its height; the PDF draws the
    # border over the padding: half a border less padding above and below keeps rows alike.
    _cell_margins(
        table,
        LAYOUT.cell_padding_v_mm - LAYOUT.table_border_pt / 2 * Decimal(PT_MM),
        LAYOUT.cell_padding_h_mm,
    )
    _column_widths(table, widths)
    aligns = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER}
    for row_index, values in enumerate((block.headers, *block.rows)):
        row = table.rows[row_index]
        header = row_index == 0
        if header:
            _repeat_as_header(row)
        # A row is never split between two pages, in the PDF as here.
        _keep_row_together(row)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            align = "C" if header else block.alignment(column)
            paragraph.alignment = aligns.get(align, WD_ALIGN_PARAGRAPH.RIGHT)
            _exact(paragraph, LAYOUT.table_pt)
            _add_run(paragraph, _nfc(value), bold=header, size=LAYOUT.table_pt)
    # Two tables in a row would merge into one: a 6 pt paragraph parts them, the gap the PDF
    # leaves after a table.
    after = document.add_paragraph().paragraph_format
    after.line_spacing = Pt(gap)
    after.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _signature_and_recipients(
    document: Docx, doc: model.OfficialDocument, widths: tuple[int, int]
) -> None:
    spacer = document.add_paragraph()
    _exact(spacer, LAYOUT.body_pt)
    spacer.paragraph_format.keep_with_next = True
    table = _layout_table(document, widths)
    _keep_row_together(table.rows[0])
    left, right = table.rows[0].cells

    _signature_cell(right, doc.signature)
    if doc.countersignature is not None:
        _signature_cell(left, doc.countersignature)
        return
    label = left.paragraphs[0]
    label.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if doc.recipients:
        _add_run(label, model.RECIPIENTS_LABEL, underline=True)
        for recipient in doc.recipients:
            line = left.add_paragraph()
            _exact(line, LAYOUT.recipient_pt)
            _add_run(line, "- " + _nfc(recipient), size=LAYOUT.recipient_pt)


def _signature_cell(cell: Docx, signature: model.Signature) -> None:
    for index, line in enumerate(signature.heading_lines):
        _cell_line(cell.paragraphs[0] if index == 0 else cell.add_paragraph(), line, bold=True)
    for _ in range(LAYOUT.signature_space_lines):
        _exact(cell.add_paragraph(), LAYOUT.body_pt)
    _cell_line(cell.add_paragraph(), _nfc(signature.name), bold=True)


# --- python-docx helpers ----------------------------------------------------------------------


def _nfc(text: str) -> str:
    # Decomposed diacritics show as loose marks in many fonts; offices type precomposed letters.
    return unicodedata.normalize("NFC", text)


def _caps(text: str) -> str:
    return _nfc(text).upper()


def _add_run(
    paragraph: Docx,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: int = LAYOUT.body_pt,
) -> Docx:
    if paragraph.paragraph_format.line_spacing is None:
        _exact(paragraph, size)
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    run.font.size = Pt(size)
    return run


class RunStyle(TypedDict, total=False):
    """`_add_run`'s keyword arguments."""

    bold: bool
    italic: bool
    underline: bool
    size: int


def _cell_line(paragraph: Docx, text: str, **style: Unpack[RunStyle]) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_run(paragraph, text, **style)


def _centered(document: Docx, *, space_before: int = 0, space_after: int = 0) -> Docx:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _body_paragraph(document: Docx, *, centered: bool = False) -> Docx:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    if centered:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Mm(LAYOUT.first_line_indent_mm)
    fmt.space_after = Pt(LAYOUT.paragraph_gap_pt)
    _exact(paragraph, LAYOUT.body_pt)
    return paragraph


def _exact(paragraph: Docx, size: int) -> None:
    """Lines at the layout's exact pitch for the paragraph's largest font size."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(float(LAYOUT.pitch_pt(size)))
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _layout_table(document: Docx, widths: tuple[int, int]) -> Docx:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _borders(table, "nil")
    # The columns' text runs edge to edge, as the PDF draws them.
    _cell_margins(table, Decimal(0), Decimal(0))
    _column_widths(table, widths)
    return table


def _cell_margins(table: Docx, vertical_mm: Decimal, horizontal_mm: Decimal) -> None:
    properties = table._tbl.tblPr
    for existing in properties.findall(qn("w:tblCellMar")):
        properties.remove(existing)
    margins = OxmlElement("w:tblCellMar")
    for edge, mm in (
        ("top", vertical_mm),
        ("left", horizontal_mm),
        ("bottom", vertical_mm),
        ("right", horizontal_mm),
    ):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(mm * 72 * 20 / Decimal("25.4"))))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # CT_TblPr is a sequence: tblCellMar comes before tblLook.
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _column_widths(table: Docx, widths: list[int] | tuple[int, ...]) -> None:
    # A fixed layout reads the grid; other readers read each cell's width: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _borders(table: Docx, value: str) -> None:
    # Set explicitly: an office template may give tables a default style with or without lines.
    properties = table._tbl.tblPr
    for existing in properties.findall(qn("w:tblBorders")):
        properties.remove(existing)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), str(_BORDER_EIGHTHS))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    # CT_TblPr is a sequence: tblBorders must come before shading, layout, margins and look.
    successors = {qn(f"w:{tag}") for tag in ("shd", "tblLayout", "tblCellMar", "tblLook")}
    for index, child in enumerate(properties):
        if child.tag in successors:
            properties.insert(index, borders)
            return
    properties.append(borders)


def _repeat_as_header(row: Docx) -> None:
    row_properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_properties.append(header)


def _keep_row_together(row: Docx) -> None:
    row_properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    row_properties.append(cant_split)


def _clear_body(document: Docx) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _set_font(element: Docx, *, size_pt: int) -> None:
    """Name the house font for every script slot (ASCII, high ANSI, East Asian, complex script):
    Word picks the East Asian or complex slot for some characters and would otherwise fall back
    to another font mid-word."""
    run_properties = element.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = OxmlElement("w:rPr")
        element.append(run_properties)
    for tag in ("w:rFonts", "w:sz", "w:szCs", "w:lang"):
        for existing in run_properties.findall(qn(tag)):
            run_properties.remove(existing)
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), HOUSE_FONT)
    run_properties.insert(0, fonts)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(size_pt * 2))
        run_properties.append(size)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    language.set(qn("w:bidi"), "ar-SA")
    run_properties.append(language)


def _append_page_field(paragraph: Docx) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)
