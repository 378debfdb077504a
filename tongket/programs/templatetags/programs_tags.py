"""`{% programs_due %}`: what is due for the signed-in person in charge, for the home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tongket.programs.selectors import due_items_for

register = template.Library()


@register.inclusion_tag("programs/_due.html", takes_context=True)
def programs_due(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"due_items": due_items_for(user, timezone.localdate()) if user else []}
