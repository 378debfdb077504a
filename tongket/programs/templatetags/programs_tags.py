"""`{% programs_due %}`: what is due for the signed-in person in charge, for the home page."""

from __future__ import annotations

from django import template

from tongket.core.home_lists import register_home_list
from tongket.programs.selectors import due_items_for

register = template.Library()
register_home_list(register, "programs_due", "programs/_due.html", "due_items", due_items_for)
