"""`{% my_steps %}`: what the signed-in member must do in the open cycles, for the home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tongket.selfassessment.selectors import my_steps as my_steps_for

register = template.Library()


@register.inclusion_tag("selfassessment/_my_steps.html", takes_context=True)
def my_steps(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"steps": my_steps_for(user, timezone.localdate()) if user else []}
