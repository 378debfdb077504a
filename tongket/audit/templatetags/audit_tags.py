"""`{{ user|may_browse_audit }}`: whether the menu shows the audit-log browser;
`{{ event.action|audit_action }}`, `{{ event.object_type|audit_object }}`: the log in words."""

from __future__ import annotations

from django import template

from tongket.audit.labels import action_label, object_type_label
from tongket.audit.selectors import may_browse

register = template.Library()


@register.filter
def may_browse_audit(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_browse(user)  # type: ignore[arg-type]


@register.filter
def audit_action(code: object) -> str:
    return action_label(str(code))


@register.filter
def audit_object(code: object) -> str:
    return object_type_label(str(code)) if code else ""
