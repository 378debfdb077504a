"""The chrome drawn once per language (`core/templatetags/chrome.py`): what differs per request
(the holes) still differs, and nothing of one user reaches another."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.template import Context, Template
from django.test import Client

from tongket.core.templatetags import chrome

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return html[html.index("<body") : html.index("</header>")]


def test_the_header_holds_each_users_own_name_search_and_token(
    client_for: Callable[[str], Client],
) -> None:
    chrome.clear()
    first = client_for("quantri").get("/search/?q=Tr%E1%BA%A7n+%22x%22").content.decode()
    second = client_for("bithu").get("/org/?kind=cell").content.decode()
    assert 'value="Trần &quot;x&quot;"' in header(first)  # the search text, escaped
    assert 'value="Trần' not in header(second)
    names = [re.findall(r'class="user-name"[^>]*>([^<]*)<', header(h)) for h in (first, second)]
    assert all(len(n) == 1 and n[0].strip() for n in names)
    assert names[0] != names[1]
    tokens = [
        set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', header(h))) for h in (first, second)
    ]
    assert all(t and "\x1e" not in "".join(t) for t in tokens)
    assert tokens[0] != tokens[1]


def test_the_interface_is_vietnamese_only_whatever_the_browser_asks(
    client_for: Callable[[str], Client],
) -> None:
    """English was half done (header and menu only): it is absent until it is complete."""
    chrome.clear()
    user = client_for("vanphong")
    html = user.get("/org/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng xuất" in header(html)
    assert "lang-switch" not in html
    assert user.post("/i18n/setlang/", {"language": "en", "next": "/org/"}).status_code == 404


def test_a_hole_outside_a_chrome_block_renders_as_a_variable() -> None:
    template = Template('{% load chrome %}{% hole name|default:"—" %}')
    assert template.render(Context({"name": "<b>"})) == "&lt;b&gt;"
    assert template.render(Context({})) == "—"


def test_a_chrome_block_is_drawn_once_and_its_holes_on_every_render() -> None:
    chrome.clear()
    template = Template(
        '{% load chrome %}{% chrome "t" %}[{{ fixed }}|{% hole live %}]{% endchrome %}'
    )
    assert template.render(Context({"fixed": "a", "live": "1"})) == "[a|1]"
    assert template.render(Context({"fixed": "b", "live": "<2>"})) == "[a|&lt;2&gt;]"


def _menu(client: Client) -> str:
    page = client.get("/thong-bao/").content.decode()
    return page[page.index('class="container nav-list"') : page.index("</nav>")]


def test_the_menu_links_the_own_self_assessment_and_the_criteria_sets_to_who_may_see_them(
    client_for: Callable[[str], Client],
) -> None:
    """Issue 20: a member reaches their own form and the sets above their cell; a superior
    reader (no member record, no write grant) the sets only; an account with neither, none."""
    import io
    import sys

    from django.core.management import call_command

    chrome.clear()
    member = _menu(client_for("dangvien"))
    assert '<a href="/tu-kiem-diem/">Tự kiểm điểm</a>' in member
    assert '<a href="/criteria/">Bộ tiêu chí</a>' in member
    reader = _menu(client_for("khoi"))
    assert "/tu-kiem-diem/" not in reader
    assert '<a href="/criteria/">Bộ tiêu chí</a>' in reader
    secretary = _menu(client_for("bithu"))
    assert "/tu-kiem-diem/" in secretary
    assert "/criteria/" in secretary
    old, sys.stdin = sys.stdin, io.StringIO("Chua-gan-2026-kiem-thu\n")
    try:
        call_command("users", "add", "chua_gan", "--password-stdin", stdout=io.StringIO())
    finally:
        sys.stdin = old
    nobody = Client()
    assert nobody.login(username="chua_gan", password="Chua-gan-2026-kiem-thu")
    bare = _menu(nobody)
    assert "/tu-kiem-diem/" not in bare
    assert "/criteria/" not in bare
    assert "/thong-bao/" in nobody.get("/thong-bao/").content.decode()
