"""The home page's panels: what is due for the signed-in user today, for an inclusion tag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import template
from django.utils import timezone

Item = TypeVar("Item")


def due_today(
    context: template.Context, items_for: Callable[[Any, dt.date], Sequence[Item]]
) -> Sequence[Item]:
    """`items_for(user, today)` for the request's user; nothing outside a request (an e-mail, a
    document rendered without one)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return items_for(user, timezone.localdate()) if user else []
