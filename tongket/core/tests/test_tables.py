"""`{% data_table %}` (core/templatetags/tables.py): the frame of a list table, its header row
and, for a table with nothing to list, the empty notice in its place."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError

TABLE = (
    '{% load i18n tables %}{% data_table _("Tên") "Số đảng viên"|numeric caption=caption'
    ' testid="children" empty="Chưa có tổ chức nào." %}'
    "{% for name, count in rows %}<tr><td>{{ name }}</td><td>{{ count }}</td></tr>{% endfor %}"
    "{% enddata_table %}"
)


def render(source: str, **values: object) -> str:
    return re.sub(r"\s*\n\s*", "", Template(source).render(Context(values)))


def test_a_table_draws_its_frame_caption_header_and_rows() -> None:
    html = render(TABLE, rows=[("Chi bộ 1", 12)], caption="Các <chi bộ>")
    assert html == (
        '<div class="table-wrap"><table class="table" data-testid="children">'
        "<caption>Các &lt;chi bộ&gt;</caption>"
        '<thead><tr><th scope="col">Tên</th><th scope="col" class="num">Số đảng viên</th>'
        "</tr></thead><tbody><tr><td>Chi bộ 1</td><td>12</td></tr></tbody></table></div>"
    )


def test_a_table_without_rows_shows_the_empty_notice_instead() -> None:
    html = render(TABLE, rows=[])
    assert "<table" not in html
    assert html == '<div class="empty"><p>Chưa có tổ chức nào.</p></div>'


def test_a_table_without_an_empty_notice_keeps_its_header_when_it_has_no_rows() -> None:
    html = render('{% load tables %}{% data_table "Năm" %}{% enddata_table %}')
    assert html == (
        '<div class="table-wrap"><table class="table"><thead><tr><th scope="col">Năm</th>'
        "</tr></thead><tbody></tbody></table></div>"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% data_table %}{% enddata_table %}",
        '{% data_table "Năm" colour="red" %}{% enddata_table %}',
        '{% data_table "Năm" testid="x" "Tên" %}{% enddata_table %}',
    ],
)
def test_a_table_without_columns_or_with_an_unknown_option_does_not_compile(source: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load tables %}" + source)
