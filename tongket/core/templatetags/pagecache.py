"""`{% cached_part "name" %} … {% endcached_part %}`: a part of a page kept in the page cache.

The view passes a `tongket.core.pagecache.CachedPage` as `page_cache`; inside the part the
variables of its builder are available. Without `page_cache` the part renders as written.

`{% live_figure key %}` inside a part: a figure read afresh on every request (hit or miss) by the
page's `live` function (`CachedPage.live`), not stored with the part.
"""

from __future__ import annotations

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context

from tongket.core.pagecache import LIVE_PLACEHOLDER, CachedPage

register = template.Library()


class CachedPartNode(template.Node):
    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        page: CachedPage | None = context.get("page_cache")
        if page is None:
            return self.nodelist.render(context)
        return page.render_part(self.name, self.nodelist, context)


@register.tag("cached_part")
def cached_part(parser: Parser, token: Token) -> CachedPartNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Cú pháp: {% cached_part "tên" %}')
    nodelist = parser.parse(("endcached_part",))
    parser.delete_first_token()
    return CachedPartNode(bits[1][1:-1], nodelist)


@register.simple_tag
def live_figure(*parts: object) -> str:
    """The placeholder of a live figure whose key is `parts` joined by ":" (`CachedPage.live`
    fills it in)."""
    return LIVE_PLACEHOLDER.format(":".join(str(part) for part in parts))
