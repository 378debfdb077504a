"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from tongket.core.errors import NotFound

V = TypeVar("V", bound=Callable[..., Any])


def posted(request: HttpRequest) -> QueryDict | None:
    """The data of a POST, even an empty one, or None on GET.

    `request.POST or None` would treat an empty POST as a first visit and show the form again
    without a word; bound to the empty data, the form reports every required field instead.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, UploadedFile] | None:
    """The uploaded files of a POST (possibly none), or None on GET."""
    return request.FILES if request.method == "POST" else None


def not_found_as_404(view: V) -> V:
    """A NotFound from a selector or service answers 404: missing and invisible look alike (the
    one place a page maps it; the API's error handler does the same for the API)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped  # type: ignore[return-value]
