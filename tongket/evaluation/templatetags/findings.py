"""`{{ user|sees_rule_ids }}`: whether the findings of a page show their rule ids (the office);
`{% subject_names findings as names %}`: the names of the findings' subjects the user may see."""

from __future__ import annotations

from typing import Any

from django import template

from tongket.accounts.scope import scope_for
from tongket.evaluation.permissions import can_see_rule_ids
from tongket.people import selectors as people

register = template.Library()


@register.filter
def sees_rule_ids(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return can_see_rule_ids(scope_for(user))


def _subject(finding: Any) -> str:
    value = finding.get("subject") if isinstance(finding, dict) else getattr(finding, "subject", "")
    return str(value or "")


@register.simple_tag(takes_context=True)
def subject_names(context: template.Context, findings: Any) -> dict[str, str]:
    """Card number or organization code → the name shown in a findings box (people.selectors)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return people.subject_names(user, (_subject(f) for f in findings or ()))


@register.filter
def named(subject: str, names: dict[str, str]) -> str:
    """`{{ f.subject|named:names }}`: the subject's name when known, else the subject as is."""
    return names.get(subject, subject) if subject else ""
