"""`{% overdue_steps %}`: the evaluation steps past their deadline, for the home page."""

from __future__ import annotations

from typing import Any

from django import template

from tongket.core.home_panels import due_today
from tongket.evaluation.deadlines import overdue_steps as overdue_steps_for

register = template.Library()


@register.inclusion_tag("evaluation/_overdue_steps.html", takes_context=True)
def overdue_steps(context: template.Context) -> dict[str, Any]:
    return {"overdue": due_today(context, overdue_steps_for)}
