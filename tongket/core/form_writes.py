"""A page's write through a form: the posted form, once valid, written by one service call; the
service's refusal shown on the form (shared by the apps' views)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from tongket.core.errors import DomainError

T = TypeVar("T")


def refuse_on_form(form: BaseForm, exc: DomainError) -> None:
    """Show a service's refusal next to the field it names, else at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def write_form(
    request: HttpRequest, form: BaseForm, write: Callable[[dict[str, Any]], T], done: str
) -> T | None:
    """Write a posted, valid form with `write(cleaned_data)` and say `done` on the next page;
    the written record is returned. None when there is nothing written: a GET, an invalid form,
    or a refusal (shown on the form; the service's transaction rolled back)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        written = write(form.cleaned_data)
    except DomainError as exc:
        refuse_on_form(form, exc)
        return None
    messages.success(request, done)
    return written
