"""The page's charts in print: drawn as PNG from the same SVG, embedded in the DOCX and PDF."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader

from tongket.reports import charts
from tongket.reports.chart_images import SCALE, svg_to_png
from tongket.reports.facts import ScoreLine
from tongket.reports.selectors import render_report

ORG = "QT.KCQDN.SGDDT"


def test_a_chart_is_drawn_at_three_times_its_svg_size_with_its_labels_in_ink():
    line = ScoreLine(title="Bộ tiêu chí", points=Decimal("326.70"), maximum=Decimal("350.00"))
    svg = charts.score_history_svg([(2020, line)])
    assert "326,7/350" in svg
    image = Image.open(BytesIO(svg_to_png(svg)))
    assert image.size == (charts.WIDTH * SCALE, charts.HEIGHT * SCALE)
    colours = {colour for _count, colour in image.getcolors(maxcolors=100_000) or ()}
    assert (255, 255, 255) in colours
    assert len(colours) > 3  # the bar, the text and the axis, not a blank page


@pytest.mark.django_db
def test_the_year_end_report_embeds_the_pages_charts_in_docx_and_pdf():
    docx = render_report(None, ORG, 2020, kind="year-end", fmt="docx").content
    pictures = Document(BytesIO(docx)).inline_shapes
    # The two level charts and the score chart, at 150 mm wide.
    assert len(pictures) == 3
    assert {round(p.width.mm) for p in pictures} == {150}
    pdf = render_report(None, ORG, 2020, kind="year-end", fmt="pdf").content
    images = [image for page in PdfReader(BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 3


@pytest.mark.django_db
def test_the_markdown_report_gives_each_charts_figures_as_a_table():
    text = render_report(None, ORG, 2020, kind="year-end", fmt="md").content.decode()
    assert "Xếp loại chi bộ qua các năm" in text
    assert "| 2020 | 2 | 5 |" in text  # a table prints plain numbers (the prose keeps "02")
