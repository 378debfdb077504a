"""`{% overdue_steps %}`: the evaluation steps past their deadline, for the home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tongket.evaluation.deadlines import overdue_steps as overdue_steps_for

register = template.Library()


@register.inclusion_tag("evaluation/_overdue_steps.html", takes_context=True)
def overdue_steps(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"overdue": overdue_steps_for(user, timezone.localdate()) if user else []}
