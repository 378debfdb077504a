"""Official documents: the seed's year-end report rendered to DOCX, PDF and Markdown agree."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from tongket.core.errors import DomainError
from tongket.core.formatting import format_count, format_decimal
from tongket.reports.documents.docx_renderer import (
    HOUSE_TEMPLATES_ENV,
    house_page_setup,
    house_template_path,
    render_docx,
    write_house_template,
)
from tongket.reports.documents.markdown_renderer import escape, render_markdown
from tongket.reports.documents.model import (
    BAO_CAO,
    DOCUMENT_TYPES,
    QUYET_DINH,
    BulletList,
    Heading,
    OfficialDocument,
    PageBreak,
    PageSetup,
    Paragraph,
    Run,
    Signature,
    Table,
    document_number_text,
    document_type,
    place_date_line,
)
from tongket.reports.documents.pdf_renderer import render_pdf
from tongket.reports.tests.rendering import ARTIFACTS, docx_text, flat, pdf_text, write_pngs

A4_POINTS = (Decimal("595.28"), Decimal("841.89"))

# The figures of the seed article, written the way the selector will write them.
SCORE = format_decimal(Decimal("326.7"))
SCORE_MAX = format_decimal(Decimal(350))
PAR_SCORE = format_decimal(Decimal("88.57"))
PAR_MAX = format_decimal(Decimal("97.0"))
EXCELLENT_CELLS = format_count(2)
GOOD_CELLS = format_count(5)
FIGURES = (SCORE, SCORE_MAX, PAR_SCORE, PAR_MAX, EXCELLENT_CELLS, GOOD_CELLS, "4/4")


def year_end_report(*, number: int | None = 12, signature: Signature | None = None):
    return OfficialDocument(
        superior_body="Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh",
        issuer_body="Đảng ủy Sở Giáo dục và Đào tạo",
        issuer_code="ĐU",
        number=number,
        kind=BAO_CAO,
        place="Quảng Trị",
        date=date(2021, 2, 24),
        summary="Tổng kết công tác xây dựng Đảng năm 2020, phương hướng, nhiệm vụ năm 2021",
        body=(
            Heading("I- KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2020", level=1),
            Heading("1. Công tác chính trị, tư tưởng", level=2),
            Paragraph(
                "Dưới sự lãnh đạo của Đảng ủy Sở Giáo dục và Đào tạo, năm 2020 Đảng bộ Sở đã "
                "thực hiện tốt mọi nhiệm vụ chính trị liên quan đến công tác chính trị, tư tưởng; "
                "công tác xây dựng tổ chức Đảng, đảng viên; công tác kiểm tra, giám sát và thi "
                "hành kỷ luật đảng; công tác dân vận và lãnh đạo các tổ chức đoàn thể."
            ),
            Heading("2. Kết quả đánh giá, xếp loại", level=2),
            Paragraph(
                runs=(
                    Run("Đảng bộ Sở được Đảng ủy Khối xếp loại "),
                    Run("“Hoàn thành tốt nhiệm vụ”", bold=True),
                    Run("; Ngành giáo dục và đào tạo hoàn thành 4/4 chỉ tiêu cơ bản của tỉnh "),
                    Run("giao; Sở đạt ", italic=True),
                    Run(f"{SCORE} điểm/{SCORE_MAX} điểm", bold=True),
                    Run(", xếp thứ Nhất trong 20 sở, ban, ngành cấp tỉnh."),
                )
            ),
            Table(
                caption="Bảng 1. Kết quả chấm điểm năm 2020",
                headers=("Nội dung chấm điểm", "Điểm đạt", "Điểm tối đa", "Xếp hạng"),
                rows=(
                    ("Đánh giá, xếp loại của UBND tỉnh", SCORE, SCORE_MAX, "Nhất/20"),
                    ("Chỉ số cải cách hành chính (PAR Index) năm 2020", PAR_SCORE, PAR_MAX, "Nhì"),
                ),
                column_widths=(6, 2, 2, 2),
            ),
            BulletList(
                (
                    f"{EXCELLENT_CELLS} chi bộ xếp loại hoàn thành xuất sắc nhiệm vụ;",
                    f"{GOOD_CELLS} chi bộ xếp loại hoàn thành tốt nhiệm vụ;",
                    "10 đồng chí đảng viên xếp loại hoàn thành xuất sắc nhiệm vụ.",
                )
            ),
            PageBreak(),
            Heading("II- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021", level=1),
            Heading("Nhiệm vụ trọng tâm", level=3),
            Paragraph(
                "Tiếp tục đổi mới công tác quản lý, phương thức lãnh đạo; các chi bộ chủ động xây "
                "dựng kế hoạch công tác xây dựng đảng năm 2021 và chỉ đạo, đôn đốc, kiểm tra việc "
                "tổ chức thực hiện.",
                italic=True,
            ),
        ),
        signature=signature or Signature("T/M Đảng ủy", "Phó Bí thư", "Lê Văn Tính"),
        recipients=(
            "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh (b/c),",
            "Các chi bộ trực thuộc,",
            "Lưu Văn phòng Đảng ủy.",
        ),
    )


def expected_texts(doc: OfficialDocument) -> list[str]:
    """Every piece of text the page must show, in reading order."""
    texts = [
        "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
        "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "*",
        doc.number_text,
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quảng Trị, ngày 24 tháng 02 năm 2021",
        "BÁO CÁO",
        doc.summary,
        "-----",
    ]
    for block in doc.body:
        if isinstance(block, Heading):
            texts.append(block.text)
        elif isinstance(block, Paragraph):
            texts.append(block.plain_text)
        elif isinstance(block, Table):
            texts.append(block.caption)
            texts.extend(block.headers)
            for row in block.rows:
                texts.extend(row)
        elif isinstance(block, BulletList):
            texts.extend(block.items)
    texts.append("Nơi nhận:")
    texts.extend(doc.recipients)
    texts.extend(["T/M ĐẢNG ỦY", "PHÓ BÍ THƯ", "Lê Văn Tính"])
    return texts


def markdown_text(markdown: str) -> str:
    """The Markdown as a reader sees it: markup gone, escapes resolved."""
    lines = []
    for line in markdown.splitlines():
        if re.fullmatch(r"\|( --- \|)+", line) or line == "---":
            continue
        line = re.sub(r"^#+ |^- ", "", line)
        line = line.replace("**", "").rstrip("\\")
        line = re.sub(r"(?<!\\)\*", "", line)
        line = re.sub(r"(?<!\\)\|", " ", line)
        lines.append(re.sub(r"\\(.)", r"\1", line))
    return flat(" ".join(lines))


def assert_in_order(haystack: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = haystack.find(flat(needle), position)
        assert found >= 0, (
            f"missing or out of order: {needle!r} after …{haystack[position - 60 : position]!r}"
        )
        position = found + len(flat(needle))


RENDERED = {
    "docx": lambda doc: docx_text(render_docx(doc)),
    "pdf": lambda doc: pdf_text(render_pdf(doc)),
    "markdown": lambda doc: markdown_text(render_markdown(doc)),
}


# --- the model ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "type_code", "issuer_code", "expected"),
    [
        (12, "BC", "ĐU", "Số 12-BC/ĐU"),
        (5, "QĐ", "ĐU", "Số 5-QĐ/ĐU"),
        (127, "QĐ", "TW", "Số 127-QĐ/TW"),
        (3, "CTr", "ĐU", "Số 3-CTr/ĐU"),
        (None, "BC", "ĐU", "Số    -BC/ĐU"),
    ],
)
def test_document_number_is_written_without_a_colon(number, type_code, issuer_code, expected):
    assert document_number_text(number, type_code, issuer_code) == expected


def test_document_number_must_be_positive():
    with pytest.raises(DomainError) as error:
        document_number_text(0, "BC", "ĐU")
    assert error.value.field == "number"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 2, 24), "Quảng Trị, ngày 24 tháng 02 năm 2021"),
        (date(2020, 12, 5), "Quảng Trị, ngày 05 tháng 12 năm 2020"),
        (date(2025, 1, 1), "Quảng Trị, ngày 01 tháng 01 năm 2025"),
        (date(2018, 4, 3), "Quảng Trị, ngày 03 tháng 4 năm 2018"),
        (date(2026, 3, 5), "Quảng Trị, ngày 05 tháng 3 năm 2026"),
    ],
)
def test_place_date_line_pads_days_below_10_and_months_1_and_2_only(day, expected):
    assert place_date_line("Quảng Trị", day) == expected


@given(st.dates(min_value=date(1930, 2, 3), max_value=date(2200, 12, 31)))
def test_place_date_line_pads_the_day_always_and_the_month_only_in_january_and_february(day):
    line = place_date_line("Hà Nội", day)
    month = r"0[12]" if day.month <= 2 else r"[3-9]|1[0-2]"
    assert re.fullmatch(rf"Hà Nội, ngày \d\d tháng ({month}) năm \d{{4}}", line)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("BC", "BÁO CÁO"),
        ("NQ", "NGHỊ QUYẾT"),
        ("KH", "KẾ HOẠCH"),
        ("CTr", "CHƯƠNG TRÌNH"),
        ("QĐ", "QUYẾT ĐỊNH"),
        ("TB", "THÔNG BÁO"),
        ("BB", "BIÊN BẢN"),
        ("TTr", "TỜ TRÌNH"),
    ],
)
def test_each_document_type_code_has_its_vietnamese_name(code, name):
    assert document_type(code).name == name
    assert DOCUMENT_TYPES[code].code == code


def test_a_decomposed_type_code_finds_its_type():
    assert document_type(unicodedata.normalize("NFD", "QĐ")) is QUYET_DINH


def test_unknown_document_type_code_is_refused_in_vietnamese():
    with pytest.raises(DomainError, match="Không có loại văn bản"):
        document_type("XYZ")


def test_table_rows_must_match_the_header():
    with pytest.raises(ValueError, match="Dòng 1"):
        Table(headers=("A", "B"), rows=(("1",),))


def test_paragraph_takes_text_or_runs_not_both():
    with pytest.raises(ValueError, match="text hoặc runs"):
        Paragraph("a", runs=(Run("b"),))


def test_table_width_fractions_add_up_to_one():
    table = Table(headers=("A", "B", "C"), rows=(), column_widths=(6, 2, 2))
    assert table.width_fractions() == (Decimal("0.6"), Decimal("0.2"), Decimal("0.2"))
    assert sum(Table(headers=("A", "B", "C"), rows=()).width_fractions()) == pytest.approx(1)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2020. Năm bản lề", "2020\\. Năm bản lề"),
        ("- gạch đầu dòng", "\\- gạch đầu dòng"),
        ("# không phải đề mục", "\\# không phải đề mục"),
        ("Điểm *ưu tiên* [1]", "Điểm \\*ưu tiên\\* \\[1\\]"),
        ("326,7 điểm", "326,7 điểm"),
    ],
)
def test_markdown_escapes_what_would_read_as_markup(text, shown):
    assert escape(text) == shown


# --- rendering ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", sorted(RENDERED))
def test_every_form_shows_the_whole_document_in_reading_order(form):
    doc = year_end_report()
    assert_in_order(RENDERED[form](doc), expected_texts(doc))


@pytest.mark.parametrize("form", sorted(RENDERED))
@pytest.mark.parametrize(
    "fragment",
    [
        "Số 12-BC/ĐU",
        "Quảng Trị, ngày 24 tháng 02 năm 2021",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BÁO CÁO",
        "T/M ĐẢNG ỦY",
        "PHÓ BÍ THƯ",
        "Lê Văn Tính",
        *FIGURES,
    ],
)
def test_every_form_shows_the_header_signature_and_figures(form, fragment):
    assert flat(fragment) in RENDERED[form](year_end_report())


@pytest.mark.parametrize("form", sorted(RENDERED))
def test_deputy_signature_reads_k_t_bi_thu_then_pho_bi_thu(form):
    doc = year_end_report(signature=Signature("K/T Bí thư", "Phó Bí thư", "Võ Văn Minh"))
    assert_in_order(RENDERED[form](doc), ["K/T BÍ THƯ", "PHÓ BÍ THƯ", "Võ Văn Minh"])


def test_a_draft_leaves_the_number_blank():
    doc = year_end_report(number=None)
    assert "Số    -BC/ĐU" in "\n".join(
        p.text
        for cell in Document(BytesIO(render_docx(doc))).tables[0].rows[0].cells
        for p in cell.paragraphs
    )
    assert flat("Số -BC/ĐU") in pdf_text(render_pdf(doc))
    assert "Số    -BC/ĐU" in render_markdown(doc)


def millimetres(length) -> Decimal:
    assert length is not None
    return (Decimal(length) / 36000).quantize(Decimal("0.1"))


def test_docx_is_a4_with_the_house_margins():
    section = Document(BytesIO(render_docx(year_end_report()))).sections[0]
    sizes = (section.page_width, section.page_height)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(millimetres(v) for v in sizes) == (Decimal(210), Decimal(297))
    assert tuple(millimetres(v) for v in margins) == tuple(map(Decimal, (20, 20, 30, 15)))
    assert section.different_first_page_header_footer


def test_docx_names_times_new_roman_for_every_script():
    document = Document(BytesIO(render_docx(year_end_report())))
    fonts = document.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(slot)) == "Times New Roman"


def test_docx_header_is_a_borderless_two_column_table_with_the_hd36_styles():
    document = Document(BytesIO(render_docx(year_end_report())))
    header = document.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left, right = header.rows[0].cells
    superior, issuer, mark, number = left.paragraphs
    assert (superior.text, superior.runs[0].bold) == (
        "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
        False,
    )
    assert (issuer.text, issuer.runs[0].bold) == ("ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO", True)
    assert (mark.text, number.text) == ("*", "Số 12-BC/ĐU")
    motto, place_date = right.paragraphs
    assert motto.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert motto.runs[0].bold
    assert motto.runs[0].underline
    assert motto.runs[0].font.size == Pt(15)
    assert place_date.text == "Quảng Trị, ngày 24 tháng 02 năm 2021"
    assert place_date.runs[0].italic
    assert place_date.runs[0].font.size == Pt(14)


def test_docx_type_name_and_summary_are_bold_and_centred():
    document = Document(BytesIO(render_docx(year_end_report())))
    paragraphs = [p for p in document.paragraphs if p.text]
    type_name, summary = paragraphs[0], paragraphs[1]
    assert type_name.text == "BÁO CÁO"
    assert type_name.runs[0].bold
    assert type_name.runs[0].font.size == Pt(16)
    assert summary.runs[0].bold
    assert type_name.alignment == summary.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert summary.runs[0].font.size == Pt(14)


def test_docx_recipients_are_at_twelve_points_left_of_the_signature():
    document = Document(BytesIO(render_docx(year_end_report())))
    left, right = document.tables[-1].rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    assert left.paragraphs[0].runs[0].underline
    assert [p.runs[0].font.size for p in left.paragraphs[1:]] == [Pt(12)] * 3
    assert [p.text for p in right.paragraphs if p.text] == [
        "T/M ĐẢNG ỦY",
        "PHÓ BÍ THƯ",
        "Lê Văn Tính",
    ]


def test_docx_body_table_keeps_its_column_widths():
    document = Document(BytesIO(render_docx(year_end_report())))
    body_table = document.tables[1]
    widths = [cell.width for cell in body_table.rows[0].cells]
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01)


def test_pdf_is_a4_portrait_with_page_numbers_from_page_two():
    reader = PdfReader(BytesIO(render_pdf(year_end_report())))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = (
            round(Decimal(str(v)), 2) for v in (page.mediabox.width, page.mediabox.height)
        )
        assert (width, height) == A4_POINTS
    first_lines = [page.extract_text().splitlines()[0].strip() for page in reader.pages]
    assert first_lines[0] != "1"
    assert first_lines[1:] == [str(n) for n in range(2, len(reader.pages) + 1)]


def test_pdf_embeds_the_bundled_serif():
    reader = PdfReader(BytesIO(render_pdf(year_end_report())))
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts |= {str(font["/BaseFont"]) for font in resources["/Font"].values()}
    assert any("LiberationSerif" in name for name in fonts), fonts
    assert any("Bold" in name for name in fonts)
    assert any("Italic" in name for name in fonts)


def test_pdf_renders_every_vietnamese_letter():
    letters = "ă â đ ê ô ơ ư Ă Â Đ Ê Ô Ơ Ư ệ ỹ ế ẩ ữ ặ ờ ở ỡ ợ ụ ủ ứ ừ ử ự ỳ ỵ ỷ Ỹ Ự Ặ Ẫ"
    doc = year_end_report()
    doc = OfficialDocument(**{**doc.__dict__, "body": (Paragraph(letters),)})
    assert flat(letters) in pdf_text(render_pdf(doc))


def test_decomposed_input_is_rendered_precomposed():
    doc = year_end_report()
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thanh Quang")
    doc = OfficialDocument(**{**doc.__dict__, "body": (Paragraph(decomposed),)})
    assert "Nguyễn Thanh Quang" in pdf_text(render_pdf(doc))
    assert "Nguyễn Thanh Quang" in docx_text(render_docx(doc))
    assert "Nguyễn Thanh Quang" in render_markdown(doc)


def leftmost_text_mm(data: bytes) -> Decimal:
    """Where the leftmost glyph of page 1 starts, in millimetres from the paper's edge."""
    starts: list[float] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    PdfReader(BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return (Decimal(str(min(starts))) * Decimal("25.4") / 72).quantize(Decimal(1))


@pytest.mark.parametrize("left_mm", [Decimal(30), Decimal(45)])
def test_pdf_text_starts_at_the_left_margin_of_the_page_setup(left_mm):
    page = PageSetup(left_mm=left_mm)
    assert leftmost_text_mm(render_pdf(year_end_report(), page=page)) == left_mm


def test_pdf_takes_the_house_template_margins_by_default():
    assert leftmost_text_mm(render_pdf(year_end_report())) == house_page_setup().left_mm


def test_shipped_house_template_has_the_hd36_page_setup():
    assert house_page_setup() == PageSetup(
        width_mm=Decimal("210.0"),
        height_mm=Decimal("297.0"),
        top_mm=Decimal("20.0"),
        bottom_mm=Decimal("20.0"),
        left_mm=Decimal("30.0"),
        right_mm=Decimal("15.0"),
    )


def test_an_office_template_folder_replaces_the_shipped_template(tmp_path, monkeypatch):
    write_house_template(
        tmp_path / "party.docx", PageSetup(left_mm=Decimal(25), right_mm=Decimal(20))
    )
    monkeypatch.setenv(HOUSE_TEMPLATES_ENV, str(tmp_path))
    assert house_template_path() == tmp_path / "party.docx"
    section = Document(BytesIO(render_docx(year_end_report()))).sections[0]
    assert millimetres(section.left_margin) == 25
    assert house_page_setup().left_mm == Decimal("25.0")


def test_the_shipped_template_carries_no_body_text():
    document = Document(str(house_template_path()))
    assert [p.text for p in document.paragraphs] == []


def test_pdf_first_page_renders_to_png_for_a_visual_check():
    if write_pngs(render_pdf(year_end_report()), "bao-cao-12-BC", "-f", "1", "-l", "2"):
        pages = sorted(ARTIFACTS.glob("bao-cao-12-BC-*.png"))
        assert len(pages) == 2
        assert all(page.stat().st_size > 10_000 for page in pages)
