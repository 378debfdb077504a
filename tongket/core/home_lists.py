"""The home page's personal lists (what is due, what to do next): each app registers one as an
inclusion tag that reads its selector for the signed-in user and today's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import template
from django.utils import timezone


def register_home_list(
    register: template.Library,
    name: str,
    template_name: str,
    key: str,
    read: Callable[[Any, dt.date], Any],
) -> None:
    """`{% <name> %}` renders `template_name` with `read(user, today)` under `key` (an empty list
    when the page has no user)."""

    def tag(context: template.Context) -> dict[str, Any]:
        request = context.get("request")
        user = getattr(request, "user", None)
        return {key: read(user, timezone.localdate()) if user else []}

    register.inclusion_tag(template_name, takes_context=True, name=name)(tag)
