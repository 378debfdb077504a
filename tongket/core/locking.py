"""The row a service changes, locked for the rest of its transaction."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from tongket.core.errors import NotFound

M = TypeVar("M", bound=Model)


def locked(model: type[M], pk: int, *related: str, missing: str = "") -> M:
    """Row `pk` of `model` with `related` joined, locked (its own row only) until the transaction
    ends; NotFound (saying `missing`, if given) when there is none."""
    found = (
        model._default_manager.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(missing) if missing else NotFound()
    return found
