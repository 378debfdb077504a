"""The news item (tin bài) as a Word file, a PDF and an HTML page, from one `NewsArticle`.

An article is not a Party document: no header, number or signature, only the headline, the
paragraphs, the photo's caption where the editor puts the photo, and the byline. The DOCX and
the PDF share the documents' layout (`layout.LAYOUT`) and house template, so they agree page for
page as the documents do; the HTML page escapes every text it prints. No Django here.
"""

from __future__ import annotations

from html import escape
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf.enums import Align, XPos, YPos

from tongket.reports.documents.docx_renderer import (
    _add_run,
    _body_paragraph,
    _centered,
    _clear_body,
    _exact,
    house_page_setup,
    house_template_path,
)
from tongket.reports.documents.layout import LAYOUT, PT_MM
from tongket.reports.documents.pdf_renderer import (
    FONT_FAMILY,
    _centered_in,
    _justified,
    _new_pdf,
    line_height,
)
from tongket.reports.news import NewsArticle
from tongket.reports.signing import sign_if_configured

CAPTION_PREFIX = "Ảnh: "


def _body(article: NewsArticle) -> list[tuple[str, str]]:
    """The body in reading order: ("p", text) for a paragraph, ("caption", text) for the
    photo's caption."""
    parts = [("p", text) for text in article.paragraphs]
    parts.insert(article.caption_after, ("caption", CAPTION_PREFIX + article.caption))
    return parts


def render_article_docx(article: NewsArticle, *, template: Path | None = None) -> bytes:
    """The article over the house template: the headline centred and bold, the paragraphs
    justified, the caption centred in italics, the byline bold on the right."""
    document = Document(str(template or house_template_path()))
    _clear_body(document)
    document.styles["Normal"].paragraph_format.widow_control = False
    headline = _centered(document, space_after=LAYOUT.title_gap_after_pt)
    _add_run(headline, article.headline, bold=True, size=LAYOUT.type_name_pt)
    for kind, text in _body(article):
        if kind == "caption":
            _add_run(_body_paragraph(document, centered=True), text, italic=True)
        else:
            _add_run(_body_paragraph(document), text)
    if article.byline:
        byline = document.add_paragraph()
        byline.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        byline.paragraph_format.space_after = Pt(LAYOUT.paragraph_gap_pt)
        _exact(byline, LAYOUT.body_pt)
        _add_run(byline, article.byline, bold=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def render_article_pdf(article: NewsArticle) -> bytes:
    """The same article drawn as the Word file lays it out (signed when signing is set up)."""
    pdf = _new_pdf(house_page_setup())
    pdf.set_title(article.headline)
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    pdf.add_page()
    _centered_in(pdf, pdf.epw, article.headline, "B", LAYOUT.type_name_pt)
    pdf.ln(LAYOUT.title_gap_after_pt * PT_MM)
    for kind, text in _body(article):
        if kind == "caption":
            _justified(pdf, ((text, "I"),), centered=True)
        else:
            _justified(pdf, ((text, ""),))
    if article.byline:
        size = LAYOUT.body_pt
        if pdf.get_y() + line_height(size) > pdf.page_break_trigger:
            pdf.add_page()
        pdf.set_font(FONT_FAMILY, "B", size)
        pdf.multi_cell(
            pdf.epw,
            line_height(size),
            article.byline,
            align=Align.R,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    return sign_if_configured(bytes(pdf.output()))


def render_article_html(article: NewsArticle) -> str:
    """A page the office's website can take as it is: every text escaped, no script or style
    from outside, the photo's place marked by its caption."""
    lines = [
        "<!DOCTYPE html>",
        '<html lang="vi">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(article.headline)}</title>",
        "</head>",
        "<body>",
        "<article>",
        f"<h1>{escape(article.headline)}</h1>",
    ]
    for kind, text in _body(article):
        if kind == "caption":
            lines.append(
                f"<figure><figcaption><em>{escape(text.removeprefix(CAPTION_PREFIX))}</em>"
                "</figcaption></figure>"
            )
        else:
            lines.append(f"<p>{escape(text)}</p>")
    if article.byline:
        lines.append(f'<p class="byline"><strong>{escape(article.byline)}</strong></p>')
    lines += ["</article>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"
