"""Helpers shared by the management commands of every app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def named_user(username: str) -> Any:
    """The account a command acts for (its --user): a CommandError when there is none."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không có tài khoản «{username}».")
    return user
