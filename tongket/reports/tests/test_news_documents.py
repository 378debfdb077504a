"""The news item as DOCX, PDF and an HTML page (issue 21): one article in every form, the page
escaping what it prints, and the downloads on the report page, the API and the command."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader

from tongket.core.errors import DomainError
from tongket.reports.documents.article import render_article_html
from tongket.reports.news import AwardFact, Person, news_article
from tongket.reports.selectors import render_report
from tongket.reports.tests.test_news import seed_facts

ORG = "QT.KCQDN.SGDDT"


def markdown_paragraphs() -> list[str]:
    """The article's paragraphs as the Markdown form prints them (the caption in brackets)."""
    text = render_report(None, ORG, 2020, kind="news", fmt="md").content.decode()
    return text.strip().split("\n\n")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _Text(HTMLParser):
    """The text of an HTML page by element, as a browser would show it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.opened: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.opened.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.opened and self.opened[-1] == tag:
            self.opened.pop()

    def handle_data(self, data: str) -> None:
        if self.opened and data.strip():
            self.texts.setdefault(self.opened[-1], []).append(data)


def parsed(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


@pytest.mark.django_db
def test_the_docx_has_the_markdowns_headline_paragraphs_and_byline_in_order() -> None:
    expected = markdown_paragraphs()
    docx = DocxDocument(BytesIO(render_report(None, ORG, 2020, kind="news", fmt="docx").content))
    shown = [p for p in docx.paragraphs if p.text.strip()]
    texts = [p.text for p in shown]
    caption = next(p for p in expected if p.startswith("[Ảnh: "))
    assert texts == [f"Ảnh: {caption[len('[Ảnh: ') : -1]}" if p == caption else p for p in expected]
    headline, byline = shown[0], shown[-1]
    assert headline.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in headline.runs)
    assert byline.text == expected[-1]
    assert byline.text.isupper()
    assert byline.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert all(run.italic for run in shown[texts.index(f"Ảnh: {caption[6:-1]}")].runs)
    assert any("326,7 điểm/350 điểm" in t for t in texts)
    assert not any("chưa có dữ liệu" in t or "khung mẫu" in t for t in texts)


@pytest.mark.django_db
def test_the_pdf_prints_the_same_article() -> None:
    pdf = PdfReader(BytesIO(render_report(None, ORG, 2020, kind="news", fmt="pdf").content))
    # Pages from the second carry their number at the top, as the Word file's do.
    text = "".join(
        squeeze(page.extract_text()).removeprefix(str(number) if number > 1 else "")
        for number, page in enumerate(pdf.pages, start=1)
    )
    for paragraph in markdown_paragraphs():
        assert squeeze(paragraph.strip("[]")) in text


@pytest.mark.django_db
def test_the_html_page_holds_the_article_in_its_elements() -> None:
    report = render_report(None, ORG, 2020, kind="news", fmt="html")
    assert report.content_type.startswith("text/html")
    assert report.filename == f"news-{ORG}-2020.html"
    page = report.content.decode()
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    text = parsed(page)
    expected = markdown_paragraphs()
    assert text.texts["h1"] == [expected[0]]
    assert text.texts["title"] == [expected[0]]
    assert text.texts["p"] == [p for p in expected[1:-1] if not p.startswith("[Ảnh: ")]
    assert text.texts["em"] == [next(p[6:-1] for p in expected if p.startswith("[Ảnh: "))]
    assert text.texts["strong"] == [expected[-1]]
    assert "script" not in text.tags
    assert "style" not in text.tags


def test_the_html_page_escapes_every_text_it_prints() -> None:
    hostile = "<script>alert('x')</script> & \"Chi bộ\" <b>Văn phòng</b>"
    facts = seed_facts(
        awards=(AwardFact(hostile, "Giấy khen", "Đảng ủy Khối", "<img src=x onerror=alert(1)>"),),
        author="<i>Văn phòng</i> & Sở",
        presenter=Person("Lê <Văn> Tính", "Phó Bí thư"),
    )
    page = render_article_html(news_article(facts))
    text = parsed(page)
    assert "script" not in text.tags
    assert not {"img", "b", "i"} & set(text.tags)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Chi bộ&quot;" in page
    # The browser shows exactly the text the office wrote.
    shown = " ".join(" ".join(v) for v in text.texts.values())
    assert hostile in shown
    assert "<img src=x onerror=alert(1)>" in shown
    assert text.texts["strong"] == ["<I>VĂN PHÒNG</I> & SỞ"]
    assert "Lê <Văn> Tính" in text.texts["em"][0]


def test_an_article_without_byline_ends_with_its_last_paragraph() -> None:
    article = news_article(seed_facts(author=""))
    page = parsed(render_article_html(article))
    assert "strong" not in page.texts
    assert page.texts["p"][-1] == article.paragraphs[-1]
    assert dataclasses.replace(article, byline="X") != article


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["year-end", "decision", "statistics", "referral"])
def test_only_the_news_item_comes_as_html(kind: str) -> None:
    with pytest.raises(DomainError) as refused:
        render_report(None, ORG, 2020, kind=kind, fmt="html")
    assert refused.value.rule == "reports.format.html"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html", "md"])
def test_the_command_writes_the_news_item(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"news.{fmt}"
    call_command("report", org=ORG, year=2020, kind="news", fmt=fmt, output=out)
    headline = markdown_paragraphs()[0]
    if fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert squeeze(headline) in squeeze(text)
    elif fmt == "docx":
        assert DocxDocument(str(out)).paragraphs[0].text == headline
    else:
        assert out.read_text(encoding="utf-8").count(headline) == (2 if fmt == "html" else 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("docx", "wordprocessingml"), ("pdf", "application/pdf"), ("html", "text/html")],
)
def test_the_report_page_offers_the_news_item_and_it_downloads_as_an_attachment(
    client_for: Callable[[str], Client], fmt: str, content_type: str
) -> None:
    client = client_for("vanphong")
    url = reverse(
        "reports:download", kwargs={"code": ORG, "year": 2020, "kind": "news", "fmt": fmt}
    )
    page = client.get(reverse("reports:organization", kwargs={"code": ORG, "year": 2020}))
    assert f'href="{url}"' in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    # An attachment, never shown as a page of the product's own site.
    assert response["Content-Disposition"].startswith("attachment")
    assert f"news-{ORG}-2020.{fmt}" in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_outsider_gets_no_news_item(client_for: Callable[[str], Client]) -> None:
    url = reverse(
        "reports:download", kwargs={"code": ORG, "year": 2020, "kind": "news", "fmt": "html"}
    )
    assert client_for("bithu2").get(url).status_code == 404
