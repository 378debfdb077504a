"""`{% overdue_steps %}`: the evaluation steps past their deadline, for the home page."""

from __future__ import annotations

from django import template

from tongket.core.home_lists import register_home_list
from tongket.evaluation.deadlines import overdue_steps

register = template.Library()

register_home_list(
    register, "overdue_steps", "evaluation/_overdue_steps.html", "overdue", overdue_steps
)
