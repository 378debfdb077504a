"""The audit-log browser: thin views over audit.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongket.audit import selectors
from tongket.audit.forms import EventFilterForm
from tongket.core.errors import NotFound, PermissionDenied
from tongket.core.http import form_page

PAGE_SIZE = 50


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_browse(user):
        raise DjangoPermissionDenied("Chỉ quản trị văn phòng được xem nhật ký kiểm toán.")
    form = EventFilterForm(request.GET or None, choices=selectors.filter_choices(user))
    events = selectors.browse(user, form.event_filter())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    chain = selectors.chain_status(user) if request.GET.get("verify") == "1" else None
    return form_page(request, "audit/index.html", form, page_obj=page, chain=chain)


@login_required
@require_GET
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        detail = selectors.event_detail(request.user, event_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    return render(request, "audit/event.html", {"detail": detail, "event": detail.event})
