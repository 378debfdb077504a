"""The page chrome that is the same on every page of a language: rendered once per process.

`{% site_nav %}` draws the main menu from `NAV` (one entry per app, the audit log only for
those who may browse it) with the current section marked.

`{% chrome "name" [key ...] %}…{% endchrome %}` keeps a block drawn once per name, language and
the values of its keys (`user.is_authenticated` for the header); what differs per request is
written as a hole, `{% hole expression %}` (the user's name, the search text, the CSRF token,
the address to come back to): the block is stored with markers and each request fills the
holes, escaped as `{{ }}` would. Anything else inside a chrome block must not depend on the
request: a variable written with `{{ }}` there would be frozen for everyone
(`core/tests/test_chrome.py` checks the header for two users).

The base template no longer reverses a dozen URLs and translates thirty strings per request.
"""

from __future__ import annotations

import re

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList, Parser, Token, render_value_in_context
from django.template.context import Context
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from tongket.accounts.scope import scope_for
from tongket.audit.selectors import may_browse
from tongket.core.templatetags.vi import path_under

register = template.Library()

# (URL name, label): the main menu in its order. Labels are translated when drawn.
NAV: tuple[tuple[str, str], ...] = (
    ("people:organization_list", "Tổ chức"),
    ("people:member_list", "Đảng viên"),
    ("evaluation:index", "Đánh giá"),
    ("selfassessment:index", "Tự kiểm điểm"),
    ("criteria:index", "Bộ tiêu chí"),
    ("scoring:index", "Chấm điểm"),
    ("awards:index", "Khen thưởng"),
    ("programs:index", "Chương trình"),
    ("meetings:index", "Hội nghị"),
    ("reports:index", "Báo cáo"),
    ("exchange:index", "Nhập/xuất Excel"),
    ("audit:index", "Nhật ký"),
    ("accounts:user_list", "Tài khoản"),
)
AUDIT = "audit:index"
# Shown only to those who may browse the audit log: office administrators (and superusers),
# the same people who manage accounts.
OFFICE_ONLY = {AUDIT, "accounts:user_list"}
# The member's own self-assessment (and the forms a cell or an office writes for its members):
# for those with a member record or a write grant.
SELF_ASSESSMENT = "selfassessment:index"
# The criteria sets: for those who may see one (a read grant, or a member record: the sets
# published above their cell), as criteria.selectors.visible_sets reads them.
CRITERIA = "criteria:index"

_drawn: dict[tuple[object, ...], SafeString] = {}
_chromes: dict[tuple[object, ...], tuple[list[str], list[HoleNode]]] = {}
_reversed: dict[object, list[tuple[str, str]]] = {}


def _urlconf() -> object:
    """The URLs in force: a request's own, else the settings' (tests override either)."""
    return get_urlconf() or settings.ROOT_URLCONF


def _urls() -> list[tuple[str, str]]:
    urlconf = _urlconf()
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
    urls = _urls()
    audit = (
        any(name in OFFICE_ONLY for name, _url in urls)
        and bool(getattr(user, "is_authenticated", False))
        and may_browse(user)  # type: ignore[arg-type]
    )
    forms = sets = False
    linked = any(name in (SELF_ASSESSMENT, CRITERIA) for name, _url in urls)
    if linked and getattr(user, "is_authenticated", False):
        scope = scope_for(user)  # read by may_browse: no new query
        forms = scope.is_superuser or scope.own_member_id is not None or bool(scope.write_paths)
        sets = scope.is_superuser or scope.own_org_path is not None or bool(scope.read_paths)
    hidden = {SELF_ASSESSMENT} if not forms else set()
    hidden |= {CRITERIA} if not sets else set()
    urls = [
        (name, url)
        for name, url in urls
        if (name not in OFFICE_ONLY or audit) and name not in hidden
    ]
    current = next((url for _name, url in urls if path_under(path, url)), None)
    key = ("nav", _urlconf(), get_language(), audit, forms, sets, current)
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


HOLE = "\x1e"  # record separator: never in rendered text (templates hold no control chars)
_SPLIT = re.compile(HOLE + r"(\d+)" + HOLE)


class HoleNode(template.Node):
    def __init__(self, expression: FilterExpression) -> None:
        self.expression = expression

    def render(self, context: Context) -> str:
        holes: list[HoleNode] | None = context.render_context.get(_HOLES)
        if holes is None:  # outside a chrome block: an ordinary {{ }}
            return self.value(context)
        holes.append(self)
        return f"{HOLE}{len(holes) - 1}{HOLE}"

    def value(self, context: Context) -> str:
        return render_value_in_context(self.expression.resolve(context), context)


_HOLES = "tongket.chrome.holes"


class ChromeNode(template.Node):
    def __init__(self, name: str, keys: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.keys = keys
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        key = (
            self.name,
            _urlconf(),
            get_language(),
            *(bool(k.resolve(context)) for k in self.keys),
        )
        drawn = _chromes.get(key)
        if drawn is None:
            holes: list[HoleNode] = []
            with context.render_context.push():
                context.render_context[_HOLES] = holes
                text = self.nodelist.render(context)
            drawn = _chromes[key] = (_SPLIT.split(text), holes)
        parts, holes = drawn
        out = []
        for index, part in enumerate(parts):
            out.append(holes[int(part)].value(context) if index % 2 else part)
        return mark_safe("".join(out))  # noqa: S308 - drawn by the template engine, holes escaped


@register.tag("chrome")
def chrome(parser: Parser, token: Token) -> ChromeNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Cú pháp: {% chrome "tên" [khóa ...] %}')
    keys = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(bits[1][1:-1], keys, nodelist)


@register.tag("hole")
def hole(parser: Parser, token: Token) -> HoleNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("Cú pháp: {% hole biểu_thức %}")
    return HoleNode(parser.compile_filter(bits[1]))


def clear() -> None:
    """Forget what was drawn (tests that change the URLs or the translations)."""
    _drawn.clear()
    _chromes.clear()
    _reversed.clear()
