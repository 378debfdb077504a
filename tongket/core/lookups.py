"""A selector's read of one object: the first row of what the user may see, else NotFound with
the selector's own message (a missing object and a hidden one are never told apart)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from django.db.models import Model, QuerySet

from tongket.core.errors import NotFound

R = TypeVar("R", covariant=True)
T = TypeVar("T")
M = TypeVar("M", bound=Model)


class Rows(Protocol[R]):
    """A query set, or anything else whose `first()` is the first row or None."""

    def first(self) -> R | None: ...


def first_or_not_found(rows: Rows[T], message: str) -> T:
    found = rows.first()
    if found is None:
        raise NotFound(message)
    return found


def one_or_not_found(rows: QuerySet[M], pk: int, message: str) -> M:
    """Row `pk` of `rows`; NotFound saying `message` when it is not there."""
    return first_or_not_found(rows.filter(pk=pk), message)
