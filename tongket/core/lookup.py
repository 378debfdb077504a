"""One row by id or NotFound: the selectors' `get_*` read a queryset (usually already narrowed to
what the user may see, so that absent and hidden read the same) and refuse with the app's own
words when the row is not in it."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from tongket.core.errors import NotFound

M = TypeVar("M", bound=Model)


def one_or_not_found(rows: QuerySet[M], pk: int, missing: str) -> M:
    """Row `pk` of `rows`; NotFound saying `missing` when it is not there."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise NotFound(missing)
    return found
