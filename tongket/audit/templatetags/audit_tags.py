"""`{{ user|may_browse_audit }}`: whether the menu shows the audit-log browser."""

from __future__ import annotations

from django import template

from tongket.audit.selectors import may_browse

register = template.Library()


@register.filter
def may_browse_audit(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_browse(user)  # type: ignore[arg-type]
