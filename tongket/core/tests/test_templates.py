"""The base layout, the shared partials, the Vietnamese filters and the security headers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path
from django.utils import translation

from tongket.core.middleware import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware

CORE = Path(__file__).resolve().parents[1]
TEMPLATES = CORE / "templates"
STATIC = CORE / "static" / "tongket"


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _missing(request: HttpRequest) -> HttpResponse:
    raise Http404("Member 42 belongs to another organization")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Member 42 belongs to another organization")


def _section(name: str, url: str) -> object:
    return path(url, include(([path("", _ok, name="index")], name)))


# The URL names base.html looks for, so the tests can render it with and without them.
urlpatterns = [
    path(
        "people/",
        include(
            (
                [
                    path("", _ok, name="home"),
                    path("search/", _ok, name="search"),
                    path("organizations/", _ok, name="organization_list"),
                    path("members/", _ok, name="member_list"),
                ],
                "people",
            )
        ),
    ),
    path(
        "accounts/",
        include(
            (
                [path("login/", _ok, name="login"), path("logout/", _ok, name="logout")],
                "accounts",
            )
        ),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    _section("evaluation", "evaluation/"),
    _section("scoring", "scoring/"),
    _section("awards", "awards/"),
    _section("programs", "programs/"),
    _section("meetings", "meetings/"),
    _section("reports", "reports/"),
    path("missing/", _missing),
    path("forbidden/", _forbidden),
]


class _NoURLs:
    """A URL conf with no route at all: base.html must still render."""

    urlpatterns: list[object] = []


# Namespaces are identifiers in SVG, never fetched.
NAMESPACES = ("http://www.w3.org/2000/svg",)
FOREIGN_URL = re.compile(r"""(?:https?:)?//[\w.-]+|url\(\s*['"]?(?:https?:)?//""", re.IGNORECASE)


def _foreign_urls(html: str) -> list[str]:
    for namespace in NAMESPACES:
        html = html.replace(namespace, "")
    return FOREIGN_URL.findall(html)


@pytest.fixture
def site_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def no_urls(settings):
    settings.ROOT_URLCONF = _NoURLs


def _member():
    user_model = get_user_model()
    user = user_model(**{user_model.USERNAME_FIELD: "tinh.lv"})
    for attribute, value in (("first_name", "Tính"), ("last_name", "Lê Văn")):
        if hasattr(user, attribute):
            setattr(user, attribute, value)
    return user


def _render(template: str, *, user=None, path_: str = "/", context=None) -> str:
    request = RequestFactory().get(path_)
    request.user = user if user is not None else AnonymousUser()
    return render_to_string(template, context or {}, request=request)


def test_base_renders_for_a_visitor_when_no_url_exists_yet(no_urls):
    html = _render("base.html")
    assert '<html lang="vi">' in html
    assert "Tổng kết" in html
    assert "site-search" not in html
    assert "Đảng viên" not in html


def test_base_renders_for_a_member_when_no_url_exists_yet(no_urls):
    html = _render("base.html", user=_member())
    assert "tinh.lv" in html or "Tính" in html
    menu = re.search(r'<ul class="container nav-list">(.*?)</ul>', html, re.DOTALL)
    assert menu is not None
    assert "<li" not in menu.group(1)


def test_base_shows_search_logout_and_every_section_to_a_member(site_urls):
    html = _render("base.html", user=_member(), path_="/awards/2021/")
    assert 'action="/people/search/"' in html
    assert 'name="q"' in html
    assert re.search(r'<form class="inline-form" method="post" action="/accounts/logout/">', html)
    assert "/i18n/setlang/" not in html  # Vietnamese only (settings.LANGUAGES)
    for label in (
        "Tổ chức",
        "Đảng viên",
        "Đánh giá",
        "Chấm điểm",
        "Khen thưởng",
        "Chương trình",
        "Hội nghị",
        "Báo cáo",
    ):
        assert f">{label}</a>" in html
    assert '<a href="/awards/" aria-current="page">Khen thưởng</a>' in html
    assert html.count('aria-current="page"') == 1


def test_base_hides_the_member_menu_and_search_from_a_visitor(site_urls):
    html = _render("base.html")
    assert "site-search" not in html
    assert "nav-list" not in html
    assert 'href="/accounts/login/"' in html


def test_base_carries_the_csrf_token_for_htmx_on_body(site_urls):
    html = _render("base.html", user=_member())
    match = re.search(r"""<body[^>]* hx-headers='\{"X-CSRFToken": "([A-Za-z0-9]+)"\}'""", html)
    assert match is not None
    assert len(match.group(1)) >= 32


def test_base_loads_htmx_and_styles_from_the_sites_own_static_files(site_urls):
    html = _render("base.html", user=_member())
    assert 'src="/static/tongket/vendor/htmx.min.js"' in html
    assert 'href="/static/tongket/css/app.css"' in html
    assert _foreign_urls(html) == []


@pytest.mark.parametrize("logged_in", [False, True])
def test_rendered_pages_have_no_inline_script_handler_or_style(site_urls, logged_in):
    html = _render("base.html", user=_member() if logged_in else None)
    for script in re.findall(r"<script[^>]*>", html):
        assert " src=" in script
    assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None
    assert re.search(r"\son[a-z]+\s*=", html) is None
    assert re.search(r"\sstyle\s*=", html) is None


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_source_has_inline_code_or_a_foreign_url(template):
    source = template.read_text(encoding="utf-8")
    assert re.search(r"<script(?![^>]*\ssrc=)[^>]*>", source) is None
    assert re.search(r"\son[a-z]+\s*=", source) is None
    assert re.search(r"\sstyle\s*=", source) is None
    assert _foreign_urls(source) == []


@pytest.mark.parametrize("asset", ["css/app.css", "js/app.js"])
def test_own_static_assets_load_nothing_from_elsewhere(asset):
    source = (STATIC / asset).read_text(encoding="utf-8")
    assert "@import" not in source
    assert "@font-face" not in source
    assert _foreign_urls(source) == []


def test_vendored_htmx_is_version_two_and_keeps_its_license():
    script = (STATIC / "vendor" / "htmx.min.js").read_text(encoding="utf-8")
    assert re.search(r'version:"2\.\d+\.\d+"', script)
    assert "BSD" in (STATIC / "vendor" / "htmx.LICENSE.txt").read_text(encoding="utf-8")


def _headers(response: HttpResponse) -> HttpResponseBase:
    middleware = SecurityHeadersMiddleware(lambda request: response)
    return middleware(RequestFactory().get("/"))


def test_middleware_sets_a_self_only_content_security_policy():
    response = _headers(HttpResponse("ok"))
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["font-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_middleware_sets_permissions_and_opener_policies():
    response = _headers(HttpResponse("ok"))
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_middleware_keeps_a_policy_a_view_set_itself():
    own = HttpResponse("ok")
    own["Content-Security-Policy"] = "default-src 'none'"
    assert _headers(own)["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ("{{ v|vi_number }}", 5600000, "5.600.000"),
        ("{{ v|vi_decimal }}", Decimal("326.7"), "326,7"),
        ("{{ v|vi_decimal:1 }}", Decimal("97"), "97,0"),
        ("{{ v|vi_decimal:2 }}", "88.567", "88,57"),
        ("{{ v|vi_count }}", 2, "02"),
        ("{{ v|vi_count }}", 10, "10"),
        ("{{ v|vi_percent }}", Decimal("83.333"), "83,3%"),
        ("{{ v|vi_percent:0 }}", 20, "20%"),
        ("{{ v|vi_date_long }}", date(2021, 2, 24), "ngày 24 tháng 02 năm 2021"),
        ("{{ v|vi_date }}", date(2021, 2, 24), "24/02/2021"),
        ("{{ v|vi_date }}", datetime(2021, 2, 23, 20, 0, tzinfo=UTC), "24/02/2021"),
        ("{{ v|vi_decimal }}", None, ""),
        ("{{ v|vi_date }}", None, ""),
        ("{{ v|vi_decimal }}", "chưa chấm", "chưa chấm"),
        ("{{ v|vi_count }}", "hai", "hai"),
    ],
)
def test_vietnamese_filters_format_and_pass_odd_values_through(source, value, expected):
    rendered = Template("{% load vi %}" + source).render(Context({"v": value}))
    assert rendered == expected


class _MemberForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", help_text="Như trên thẻ đảng viên.")
    card_number = forms.CharField(label="Số thẻ đảng viên", required=False)
    status = forms.ChoiceField(
        label="Trạng thái",
        choices=[("full", "Chính thức"), ("probationary", "Dự bị")],
        widget=forms.RadioSelect,
    )

    def clean(self):
        raise forms.ValidationError("Đảng viên này đã có trong danh sách.")


def test_form_partial_shows_vietnamese_errors_and_marks_invalid_fields():
    form = _MemberForm(data={})
    with translation.override("vi"):
        html = render_to_string("core/_form.html", {"form": form, "submit_label": "Lưu"})
    assert "Trường này là bắt buộc." in html
    assert "Đảng viên này đã có trong danh sách." in html
    assert 'role="alert"' in html
    assert re.search(r'<input[^>]*name="full_name"[^>]*aria-invalid="true"', html)
    assert re.search(r'aria-describedby="id_full_name_helptext id_full_name_error"', html)
    assert 'id="id_full_name_helptext"' in html
    assert 'id="id_full_name_error"' in html
    assert '<label for="id_full_name">Họ và tên' in html
    assert "<legend>Trạng thái" in html
    assert 'name="card_number"' in html
    assert re.search(r'<input[^>]*name="card_number"[^>]*aria-invalid', html) is None
    assert '<button type="submit" class="button button-primary">Lưu</button>' in html


def test_form_partial_shows_no_error_box_on_an_unbound_form():
    html = render_to_string("core/_form.html", {"form": _MemberForm()})
    assert "alert" not in html
    assert "aria-invalid" not in html


@pytest.mark.parametrize(
    ("level", "text", "css"),
    [
        ("excellent", "Hoàn thành xuất sắc nhiệm vụ", "level-excellent"),
        ("good", "Hoàn thành tốt nhiệm vụ", "level-good"),
        ("completed", "Hoàn thành nhiệm vụ", "level-completed"),
        ("not_completed", "Không hoàn thành nhiệm vụ", "level-not_completed"),
        ("not_classified", "Không xếp loại", "level-not_classified"),
        ("pending", "Chưa xếp loại", "level-pending"),
        ("", "Chưa xếp loại", "level-pending"),
    ],
)
def test_level_badge_names_and_colours_each_level(level, text, css):
    html = render_to_string("core/_level_badge.html", {"level": level})
    assert f'class="badge level {css}"' in html
    assert f">{text}</span>" in html


def test_level_badge_can_show_the_officials_abbreviation():
    html = render_to_string("core/_level_badge.html", {"level": "excellent", "short": True})
    assert '<abbr class="badge level level-excellent" title="Hoàn thành xuất sắc nhiệm vụ">' in html
    assert ">HTXSNV</abbr>" in html


def test_pagination_keeps_the_search_and_counts_in_vietnamese():
    page = Paginator(list(range(1234)), 50).page(2)
    request = RequestFactory().get("/people/members/", {"q": "le van tinh", "page": "2"})
    html = render_to_string("core/_pagination.html", {"page_obj": page}, request=request)
    assert "Trang 2 / 25" in html
    assert "1.234 mục" in html
    assert 'href="?q=le+van+tinh&amp;page=1"' in html
    assert 'href="?q=le+van+tinh&amp;page=3"' in html


def test_pagination_is_silent_for_a_single_page():
    page = Paginator([1, 2], 50).page(1)
    html = render_to_string("core/_pagination.html", {"page_obj": page})
    assert html.strip() == ""


def test_empty_partial_has_a_default_message_and_an_optional_action():
    assert "Chưa có dữ liệu." in render_to_string("core/_empty.html", {})
    html = render_to_string(
        "core/_empty.html",
        {
            "message": "Chưa có hội nghị nào.",
            "action_url": "/meetings/new/",
            "action_label": "Thêm",
        },
    )
    assert "Chưa có hội nghị nào." in html
    assert 'href="/meetings/new/"' in html


def test_missing_and_forbidden_objects_show_the_same_page(client, site_urls):
    missing = client.get("/missing/")
    forbidden = client.get("/forbidden/")
    assert missing.status_code == 404
    assert forbidden.status_code == 403
    for response in (missing, forbidden):
        body = response.content.decode()
        assert "<h1>Không tìm thấy</h1>" in body
        assert "Member 42" not in body
    strip = re.compile(r'value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert strip.sub("", missing.content.decode()) == strip.sub("", forbidden.content.decode())


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Lỗi hệ thống" in html
    assert 'href="/static/tongket/css/app.css"' in html
    assert _foreign_urls(html) == []
