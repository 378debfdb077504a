"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.http import content_disposition_header
from django.views import defaults

from tongket.core.errors import DomainError, NotFound, PermissionDenied

V = TypeVar("V", bound=Callable[..., Any])
T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The data of a POST, even an empty one, or None on GET.

    `request.POST or None` would treat an empty POST as a first visit and show the form again
    without a word; bound to the empty data, the form reports every required field instead.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, UploadedFile] | None:
    """The uploaded files of a POST (possibly none), or None on GET."""
    return request.FILES if request.method == "POST" else None


def not_ready(request: HttpRequest, message: str, back_url: str = "") -> HttpResponse:
    """A download a rule refuses (nothing to print yet, a signer missing): a page of the site
    with the reason and a way back, answered 409 (Conflict), never a bare text."""
    return render(
        request,
        "core/not_ready.html",
        {"message": message, "back_url": back_url},
        status=409,
    )


# --- errors outside a view: the API answers them in its JSON error body, the site as Django does

API_PREFIX = "/api/"


def _api_error(status: int, rule: str, message: str) -> HttpResponse:
    body = {"error": {"rule": rule, "field": "", "message": message, "findings": []}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(400, "api.bad_request", "Yêu cầu không hợp lệ.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(403, "access.denied", "Bạn không có quyền.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(404, "access.not_found", "Không tìm thấy.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error(500, "server.error", "Lỗi máy chủ; đã ghi lại để xử lý.")
    return defaults.server_error(request)


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition of a download, built by Django's helper (quotes escaped, names
    with diacritics as RFC 5987 `filename*`), after dropping control characters: a code with a
    line break or a quote (organization codes were free text) must not break the header."""
    clean = "".join(ch for ch in filename if ch.isprintable() and ch not in "/\\") or "tep"
    header = content_disposition_header(not inline, clean)
    return header or "attachment"


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


def run_service(action: Callable[[], T], on_refusal: Callable[[DomainError], None]) -> T | None:
    """Run a service for a page: a NotFound answers 404 and a PermissionDenied 403 (both are
    DomainErrors, so they are caught first); any other refusal goes to `on_refusal` (the form,
    the page's messages) and the result is None (the service's transaction rolled back)."""
    try:
        return action()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        on_refusal(exc)
        return None


def page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only the fragment htmx asks for (a job's status while it polls)."""
    if getattr(request, "htmx", False):
        return render(request, fragment, context)
    return render(request, page, context)


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[None]:
    """Run a write whose refusal is news rather than a failure (a job that finished before it
    could be cancelled): its message is shown on the next page."""
    try:
        yield
    except DomainError as exc:
        messages.info(request, exc.message)


def form_page(request: HttpRequest, template: str, form: BaseForm, **context: Any) -> HttpResponse:
    """A page with a form, answered 400 while the form shows errors (so a refused post reads as
    one to scripts and tests, not only on screen)."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


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
