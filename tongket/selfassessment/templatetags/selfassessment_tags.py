"""`{% my_steps %}`: what the signed-in member must do in the open cycles, for the home page."""

from __future__ import annotations

from django import template

from tongket.core.home_lists import register_home_list
from tongket.selfassessment.selectors import my_steps

register = template.Library()
register_home_list(register, "my_steps", "selfassessment/_my_steps.html", "steps", my_steps)
