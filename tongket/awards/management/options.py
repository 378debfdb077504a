"""What the awards commands share: reading `--date` and turning a refusal into a CommandError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

from tongket.core.errors import DomainError
from tongket.core.formatting import parse_date_vi


def date_option(text: str) -> dt.date:
    """The `--date` option, dd/mm/yyyy; a CommandError naming the option otherwise."""
    try:
        return parse_date_vi(text)
    except ValueError as exc:
        raise CommandError(f"--date: {exc}") from None


@contextmanager
def refusals_as_command_errors() -> Iterator[None]:
    """A service's refusal (NotFound included) ends the command with its message and rule."""
    try:
        yield
    except DomainError as exc:
        raise CommandError(f"{exc.message} [{exc.rule}]" if exc.rule else exc.message) from None
