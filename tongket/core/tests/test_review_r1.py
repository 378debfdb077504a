"""Review r1 of the template refactor (d65af87..a271de0): the shared partials read their options
from the whole page's context, so a page variable of the same name leaks into a table or a form
that did not ask for it.

Latent today: the pages were crawled as five demo users (about 870 pages) before and after the
refactor and render the same HTML, except `scope="col"` now on the scoring tables' headers. These
tests pin the partials' own contract so the first page that trips on it fails here, not on screen.
"""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template


def render(source: str, **values: object) -> str:
    return re.sub(r"\s*\n\s*", "", Template(source).render(Context(values)))


def test_a_data_table_shows_a_caption_and_testid_only_when_its_tag_gives_them() -> None:
    """tables.py draws "the caption when given" and "its data-testid when given"; a table that
    gives neither must not pick up a `caption` or `testid` the page's context happens to hold
    (a figure's caption, a loop variable, a view's context key)."""
    html = render(
        '{% load tables %}{% data_table "Năm" %}<tr><td>2025</td></tr>{% enddata_table %}',
        caption="Biểu đồ của trang",
        testid="chart",
    )
    assert "<caption>" not in html
    assert "data-testid" not in html


class _OneField(forms.Form):
    note = forms.CharField(required=False)


def test_a_post_form_without_post_url_posts_to_its_page_after_one_that_had_one() -> None:
    """{% post_form %} (core/_post_form.html) posts "to the page, or to `post_url`". The pages
    build post_url with `{% url ... as post_url %}`, which stays set for the rest of the block: a
    later form on the same page drawn without post_url (the page's own form) must post to its
    page, not to the earlier form's address; its hidden `action` likewise."""
    html = render(
        "{% load forms %}{% url 'awards:index' as post_url %}"
        '{% post_form form=first submit_label="Một" post_url=post_url %}'
        '{% post_form form=second submit_label="Hai" %}',
        first=_OneField(prefix="first"),
        second=_OneField(prefix="second"),
    )
    forms_html = html.split("</form>")
    assert 'action="' in forms_html[0]
    assert 'action="' not in forms_html[1], forms_html[1]
