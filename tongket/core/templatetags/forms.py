"""`{% post_form %}`: a form that posts a Django form's fields, drawn in one place.

    {% load forms %}
    {% post_form form=form submit_label="Lưu" [post_url=url] [action="move"] %}

posts to the page, or to `post_url` when the tag gives one; a page with several forms names the
one posted in `action` (a hidden field of that name). An inclusion tag rather than an
`{% include %}`: the partial sees only what the tag gives it (and the CSRF token), so a page's
own `post_url` or `action` never leaks into a form that did not ask for it.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("core/_post_form.html")
def post_form(form: Any, submit_label: str, post_url: str = "", action: str = "") -> dict[str, Any]:
    return {"form": form, "submit_label": submit_label, "post_url": post_url, "action": action}
