"""Vietnamese number and date filters for templates, wrapping tongket.core.formatting.

Filters fail quietly as Django's do: an empty value renders as "", a value they cannot read
renders as it came, so a page never breaks on one odd cell.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from tongket.core import formatting

register = template.Library()


def _number(value: object) -> Decimal | int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return value
    if isinstance(value, float):
        # A float means what its shortest repr says; Decimal(0.1) would show binary noise.
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _places(arg: object) -> int | None:
    if arg is None or arg == "":
        return None
    try:
        return int(str(arg))
    except ValueError:
        return None


def _local_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


def _as_number(value: object, write: Callable[[Decimal | int], str]) -> object:
    """`write` applied to the value read as a number; a value that is no number, or one `write`
    refuses, renders as it came (None as nothing)."""
    number = _number(value)
    if number is None:
        return "" if value is None else value
    try:
        return write(number)
    except ValueError:
        return value


def _as_date(value: object, write: Callable[[date], str]) -> object:
    """`write` applied to the value's local date; a value that is no date renders as it came."""
    day = _local_date(value)
    if day is None:
        return "" if value is None else value
    return write(day)


@register.filter
def vi_number(value: object) -> object:
    """`{{ 5600000|vi_number }}` → `5.600.000`."""
    return _as_number(value, formatting.format_number)


@register.filter
def vi_points(value: object) -> object:
    """`{{ sheet.points|vi_points }}` → `326,7` (no trailing zeros), as every file writes it."""
    number = _number(value)
    if number is None:
        return "" if value is None else value
    return formatting.format_points(number)


@register.filter
def vi_maximum(value: object, points: object) -> object:
    """`{{ max|vi_maximum:points }}` → `350` beside 326,7 and `97,0` beside 88,57."""
    number, scored = _number(value), _number(points)
    if number is None:
        return "" if value is None else value
    return formatting.format_maximum(number, scored if scored is not None else number)


@register.filter
def vi_score(points: object, maximum: object) -> object:
    """`{{ points|vi_score:max }}` → `326,7/350`, `88,57/97,0`."""
    scored, number = _number(points), _number(maximum)
    if scored is None or number is None:
        return ""
    return formatting.format_score(scored, number)


@register.filter
def vi_decimal(value: object, places: object = None) -> object:
    """`{{ score|vi_decimal }}` → `326,7`; `{{ max|vi_decimal:1 }}` → `97,0`."""
    digits = _places(places)
    return _as_number(value, lambda number: formatting.format_decimal(number, places=digits))


@register.filter
def vi_count(value: object) -> object:
    """`{{ 2|vi_count }} chi bộ` → `02 chi bộ`."""
    number = _number(value)
    if number is None or number != int(number):
        return "" if value is None else value
    try:
        return formatting.format_count(int(number))
    except ValueError:
        return value


@register.filter
def vi_percent(value: object, places: object = 1) -> object:
    """`{{ 83.33|vi_percent }}` → `83,3%` (the value is already a percentage)."""
    digits = _places(places)
    return _as_number(
        value,
        lambda number: formatting.format_percent(number, places=1 if digits is None else digits),
    )


@register.filter
def vi_date_long(value: object) -> object:
    """`{{ meeting.held_on|vi_date_long }}` → `ngày 24 tháng 02 năm 2021` (local date)."""
    return _as_date(value, formatting.date_long)


@register.filter
def vi_date(value: object) -> object:
    """`{{ meeting.held_on|vi_date }}` → `24/02/2021` (local date)."""
    return _as_date(value, formatting.date_short)


@register.filter
def path_under(path: object, prefix: object) -> bool:
    """True when `path` is `prefix` or below it: marks the current section in the navigation."""
    if not isinstance(path, str) or not isinstance(prefix, str) or not prefix:
        return False
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")
