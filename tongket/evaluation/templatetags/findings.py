"""`{{ user|sees_rule_ids }}`: whether the findings of a page show their rule ids (the office)."""

from __future__ import annotations

from typing import Any

from django import template

from tongket.accounts.scope import scope_for
from tongket.evaluation.permissions import can_see_rule_ids

register = template.Library()


@register.filter
def sees_rule_ids(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return can_see_rule_ids(scope_for(user))
