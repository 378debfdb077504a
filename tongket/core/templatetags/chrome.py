"""The page chrome that is the same on every page of a language: rendered once per process.

`{% site_nav %}` draws the main menu from `NAV` (one entry per app, the audit log only for
those who may browse it) with the current section marked; `{% chrome "name" %}…{% endchrome %}`
keeps a block that depends on nothing but the language (the brand, the footer). Both are kept
per language in this process: the base template no longer reverses a dozen URLs and
translates thirty strings on every request.
"""

from __future__ import annotations

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from tongket.audit.selectors import may_browse
from tongket.core.templatetags.vi import path_under

register = template.Library()

# (URL name, label): the main menu in its order. Labels are translated when drawn.
NAV: tuple[tuple[str, str], ...] = (
    ("people:organization_list", "Tổ chức"),
    ("people:member_list", "Đảng viên"),
    ("evaluation:index", "Đánh giá"),
    ("scoring:index", "Chấm điểm"),
    ("awards:index", "Khen thưởng"),
    ("programs:index", "Chương trình"),
    ("meetings:index", "Hội nghị"),
    ("reports:index", "Báo cáo"),
    ("exchange:index", "Nhập/xuất Excel"),
    ("audit:index", "Nhật ký"),
)
AUDIT = "audit:index"

_drawn: dict[tuple[object, ...], SafeString] = {}
_reversed: dict[object, list[tuple[str, str]]] = {}


def _urls() -> list[tuple[str, str]]:
    urlconf = get_urlconf()
    found = _reversed.get(urlconf)
    if found is None:
        found = []
        for name, _label in NAV:
            try:
                found.append((name, reverse(name)))
            except NoReverseMatch:  # an app left out of the URLs
                continue
        _reversed[urlconf] = found
    return found


@register.simple_tag(takes_context=True)
def site_nav(context: Context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    path = getattr(request, "path", "")
    audit = bool(getattr(user, "is_authenticated", False)) and may_browse(user)  # type: ignore[arg-type]
    urls = [(name, url) for name, url in _urls() if name != AUDIT or audit]
    current = next((url for _name, url in urls if path_under(path, url)), None)
    key = ("nav", get_urlconf(), get_language(), audit, current)
    html = _drawn.get(key)
    if html is None:
        labels = dict(NAV)
        html = format_html_join(
            "",
            '<li><a href="{}"{}>{}</a></li>',
            (
                (
                    url,
                    mark_safe(' aria-current="page"') if url == current else "",
                    gettext(labels[name]),
                )
                for name, url in urls
            ),
        )
        _drawn[key] = html
    return html


class ChromeNode(template.Node):
    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        key = (self.name, get_urlconf(), get_language())
        html = _drawn.get(key)
        if html is None:
            html = _drawn[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by the template engine
        return html


@register.tag("chrome")
def chrome(parser: Parser, token: Token) -> ChromeNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Cú pháp: {% chrome "tên" %}')
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(bits[1][1:-1], nodelist)


def clear() -> None:
    """Forget what was drawn (tests that change the URLs or the translations)."""
    _drawn.clear()
    _reversed.clear()
