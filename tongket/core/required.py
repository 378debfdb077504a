"""The one check every form repeats: a text that must be filled in."""

from __future__ import annotations

from tongket.core.errors import DomainError


def require_text(value: str, message: str, *, field: str, rule: str) -> None:
    """Refuse a blank `value` (empty or only white space) with `message`, naming the input at
    fault (`field`) and the rule that refuses it (`rule`)."""
    if not value.strip():
        raise DomainError(message, field=field, rule=rule)
