"""The summary table a committee sends its superior about the year's classification: organizations
and members by level and by kind, and those not classified with their reasons, as XLSX, PDF and
DOCX (the PDF's tables in a Word file the office can still edit, over the house template).

The table's layout (title, columns, rows) is data, `house/statistics.json`, which a province
replaces by pointing `TONGKET_STATISTICS_LAYOUT` at its own file: the national form's exact
columns could not be verified (DOMAIN.md). No Django here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tongket.core.cells import neutralized
from tongket.core.errors import DomainError
from tongket.core.formatting import format_number, format_percent, percent
from tongket.reports.documents.docx_renderer import (
    _cell_line,
    _clear_body,
    _layout_table,
    _signature_cell,
    _table,
    house_template_path,
)
from tongket.reports.documents.layout import LAYOUT
from tongket.reports.documents.model import (
    ISSUER_MARK,
    PARTY_MOTTO,
    Signature,
    Table,
    place_date_line,
)
from tongket.reports.documents.pdf_renderer import FONT_FAMILY, line_height, nfc, register_fonts
from tongket.reports.signing import sign_if_configured

LAYOUT_ENV = "TONGKET_STATISTICS_LAYOUT"
SHIPPED_LAYOUT = Path(__file__).resolve().parent / "house" / "statistics.json"
# What a column may show: a count of the tally, or a share of those classified.
COLUMN_KEYS = (
    "total",
    "reviewed",
    "excellent",
    "excellent_percent",
    "good",
    "completed",
    "not_completed",
    "not_classified",
    "pending",
)
SUBJECTS = ("organization", "member")


@dataclass(frozen=True)
class Column:
    key: str
    title: str


@dataclass(frozen=True)
class Row:
    title: str
    subject: str  # "organization" or "member"
    kind: str = ""  # the organizations' kind (grassroots, cell...)


@dataclass(frozen=True)
class StatisticsLayout:
    title: str
    note: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


def _refuse(message: str, field: str) -> DomainError:
    return DomainError(
        f"Tệp bố cục biểu thống kê: {message}", field=field, rule="reports.statistics.layout"
    )


def parse_layout(data: Mapping[str, Any]) -> StatisticsLayout:
    """The layout from its JSON form; an unknown column or subject is refused by name."""
    columns = []
    for i, c in enumerate(data.get("columns") or (), start=1):
        if c.get("key") not in COLUMN_KEYS:
            raise _refuse(
                f"cột {i} mang khóa «{c.get('key')}», khóa hợp lệ: {', '.join(COLUMN_KEYS)}.",
                "columns",
            )
        columns.append(Column(c["key"], str(c.get("title") or c["key"])))
    rows = []
    for i, r in enumerate(data.get("rows") or (), start=1):
        if r.get("subject") not in SUBJECTS:
            raise _refuse(f"dòng {i}: «subject» phải là organization hoặc member.", "rows")
        rows.append(Row(str(r.get("title") or ""), r["subject"], str(r.get("kind") or "")))
    if not columns or not rows:
        raise _refuse("cần ít nhất một cột và một dòng.", "columns")
    return StatisticsLayout(
        str(data.get("title") or ""), str(data.get("note") or ""), tuple(columns), tuple(rows)
    )


def load_layout(path: Path | None = None) -> StatisticsLayout:
    """`$TONGKET_STATISTICS_LAYOUT` when set, else the shipped layout."""
    configured = os.environ.get(LAYOUT_ENV, "").strip()
    chosen = path or (Path(configured) if configured else SHIPPED_LAYOUT)
    try:
        data = json.loads(chosen.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _refuse(f"không đọc được {chosen}: {exc}", "layout") from exc
    return parse_layout(data)


@dataclass(frozen=True)
class StatisticsFacts:
    """The counts over the committee's subtree for the year (evaluation.stats)."""

    year: int
    date: dt.date
    superior_body: str
    issuer_body: str
    place: str
    signature: Signature
    members: Mapping[str, int]
    organizations: Mapping[str, Mapping[str, int]]  # kind -> counts
    reasons: Mapping[tuple[str, str], int]  # (subject kind, reason) -> count


def _value(counts: Mapping[str, int], key: str) -> str:
    reviewed = sum(counts.get(k, 0) for k in ("excellent", "good", "completed", "not_completed"))
    if key == "reviewed":
        return format_number(reviewed)
    if key == "excellent_percent":
        if not reviewed:
            return "-"
        return format_percent(percent(counts.get("excellent", 0), reviewed)).rstrip("%")
    return format_number(counts.get(key, 0))


def table_rows(facts: StatisticsFacts, layout: StatisticsLayout) -> list[list[str]]:
    """The main table's body: one row per layout row, one cell per layout column."""
    out = []
    for index, row in enumerate(layout.rows, start=1):
        counts = facts.members if row.subject == "member" else facts.organizations.get(row.kind, {})
        out.append([str(index), row.title, *(_value(counts, c.key) for c in layout.columns)])
    return out


def reason_rows(facts: StatisticsFacts) -> list[list[str]]:
    subjects = {"member": "Đảng viên", "organization": "Tổ chức đảng"}
    return [
        [subjects.get(subject, subject), reason, format_number(n)]
        for (subject, reason), n in sorted(facts.reasons.items())
    ]


def _title(facts: StatisticsFacts, layout: StatisticsLayout) -> str:
    return layout.title.replace("{year}", str(facts.year))


def render_statistics_xlsx(facts: StatisticsFacts, layout: StatisticsLayout) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thống kê"
    sheet.append(neutralized([facts.superior_body.upper()]))
    sheet.append(neutralized([facts.issuer_body.upper()]))
    sheet.append(neutralized([_title(facts, layout)]))
    sheet["C3"].font = Font(bold=True, size=13)
    sheet["A3"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(neutralized(["TT", "Chỉ tiêu", *(c.title for c in layout.columns)]))
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table_rows(facts, layout):
        sheet.append(neutralized(row))
        for cell in sheet[sheet.max_row][2:]:
            cell.alignment = Alignment(horizontal="right")
    if facts.reasons:
        sheet.append([])
        sheet.append(neutralized(["Không xếp loại theo lý do"]))
        sheet.append(neutralized(["Đối tượng", "Lý do", "Số lượng"]))
        for row in reason_rows(facts):
            sheet.append(neutralized(row))
    if layout.note:
        sheet.append([])
        sheet.append(neutralized([layout.note]))
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 30
    for i in range(len(layout.columns)):
        sheet.column_dimensions[chr(ord("C") + i)].width = 14
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def render_statistics_pdf(facts: StatisticsFacts, layout: StatisticsLayout) -> bytes:
    """One A4 landscape page (or more): the Party header, the title, the tables, the signature."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.c_margin = 1
    pdf.set_title(nfc(_title(facts, layout)))
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    register_fonts(pdf)
    pdf.add_page()
    half = pdf.epw / 2
    top = pdf.get_y()
    for text, style in (
        (facts.superior_body.upper(), ""),
        (facts.issuer_body.upper(), "B"),
        (ISSUER_MARK, ""),
    ):
        pdf.set_font(FONT_FAMILY, style, 13)
        pdf.multi_cell(
            half, line_height(13), nfc(text), align=Align.C, new_x="LMARGIN", new_y="NEXT"
        )
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font(FONT_FAMILY, "B", 14)
    pdf.multi_cell(half, line_height(14), PARTY_MOTTO, align=Align.C, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "I", 13)
    pdf.multi_cell(
        half, line_height(13), nfc(place_date_line(facts.place, facts.date)), align=Align.C
    )
    pdf.set_y(max(left_bottom, top + 3 * line_height(13)) + line_height(13))
    pdf.set_font(FONT_FAMILY, "B", 14)
    pdf.multi_cell(
        pdf.epw,
        line_height(14),
        nfc(_title(facts, layout)),
        align=Align.C,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    for table in statistics_tables(facts, layout):
        if table.caption:
            pdf.ln(3)
            pdf.set_font(FONT_FAMILY, "B", 12)
            pdf.cell(pdf.epw, line_height(12), table.caption, new_x="LMARGIN", new_y="NEXT")
        _pdf_table(
            pdf,
            list(table.headers),
            [list(r) for r in table.rows],
            [w / 10 for w in table.column_widths],
            numeric_from=2,
        )
    if layout.note:
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, "I", 10)
        pdf.multi_cell(pdf.epw, line_height(10), nfc(layout.note), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    x = pdf.l_margin + half
    for line in facts.signature.heading_lines:
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, "B", 13)
        pdf.cell(half, line_height(13), nfc(line), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_x(x)
    pdf.cell(half, line_height(13), nfc(facts.signature.name), align=Align.C)
    return sign_if_configured(bytes(pdf.output()))


def _pdf_table(
    pdf: FPDF, headers: list[str], rows: list[list[str]], widths: list[float], *, numeric_from: int
) -> None:
    pdf.set_font(FONT_FAMILY, "", 11)
    aligns = ["C"] + ["L"] * (numeric_from - 1) + ["R"] * (len(headers) - numeric_from)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=tuple(aligns),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=line_height(11),
        cell_fill_mode=TableCellFillMode.NONE,
    ) as table:
        heading = table.row()
        for value in headers:
            heading.cell(nfc(value), align=Align.C)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(nfc(value))


# The PDF's page: A4 landscape, margins 15 mm but 20 mm on the left (binding side).
_LANDSCAPE_MM = (297, 210)
_MARGINS_MM = {"top": 15, "bottom": 15, "left": 20, "right": 15}
# The PDF's sizes: the header at 13 pt, the motto and the title at 14 pt, the note at 10 pt.
_HEADER_PT, _TITLE_PT, _NOTE_PT = 13, 14, 10


def statistics_tables(facts: StatisticsFacts, layout: StatisticsLayout) -> tuple[Table, ...]:
    """The tables both the PDF and the DOCX print: the counts, then (when any) those not
    classified by reason. Widths are the PDF's, in tenths of a millimetre."""
    columns = len(layout.columns)
    share = (2620 - 600) // columns
    main = Table(
        headers=("TT", "Chỉ tiêu", *(c.title for c in layout.columns)),
        rows=tuple(tuple(r) for r in table_rows(facts, layout)),
        column_widths=(100, 500, *([share] * columns)),
        column_align="CL" + "R" * columns,
    )
    if not facts.reasons:
        return (main,)
    reasons = Table(
        headers=("Đối tượng", "Lý do", "Số lượng"),
        rows=tuple(tuple(r) for r in reason_rows(facts)),
        caption="Không xếp loại theo lý do",
        column_widths=(400, 1500, 300),
        column_align="LLR",
    )
    return (main, reasons)


def render_statistics_docx(facts: StatisticsFacts, layout: StatisticsLayout) -> bytes:
    """The PDF's page as a Word file: A4 landscape, the Party header, the title, the same
    tables (numbers right-aligned, header repeated, rows never split), the note, the signature."""
    document = Document(str(house_template_path()))
    _clear_body(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = (Mm(v) for v in _LANDSCAPE_MM)
    for edge, mm in _MARGINS_MM.items():
        setattr(section, f"{edge}_margin", Mm(mm))
    text_width = int(Mm(_LANDSCAPE_MM[0] - _MARGINS_MM["left"] - _MARGINS_MM["right"]))
    half = (text_width // 2, text_width - text_width // 2)

    header = _layout_table(document, half)
    left, right = header.rows[0].cells
    _cell_line(left.paragraphs[0], facts.superior_body.upper(), size=_HEADER_PT)
    _cell_line(left.add_paragraph(), facts.issuer_body.upper(), bold=True, size=_HEADER_PT)
    _cell_line(left.add_paragraph(), ISSUER_MARK, size=_HEADER_PT)
    _cell_line(right.paragraphs[0], PARTY_MOTTO, bold=True, size=_TITLE_PT)
    _cell_line(
        right.add_paragraph(),
        place_date_line(facts.place, facts.date),
        italic=True,
        size=_HEADER_PT,
    )

    title = document.add_paragraph()
    title.paragraph_format.space_before = Pt(LAYOUT.paragraph_gap_pt * 2)
    title.paragraph_format.space_after = Pt(LAYOUT.paragraph_gap_pt)
    _cell_line(title, _title(facts, layout), bold=True, size=_TITLE_PT)
    for table in statistics_tables(facts, layout):
        _table(document, table, text_width)
    if layout.note:
        note = document.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = note.add_run(layout.note)
        run.italic = True
        run.font.size = Pt(_NOTE_PT)

    signature = _layout_table(document, half)
    _signature_cell(signature.rows[0].cells[1], facts.signature)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
