"""The inbox page, the unread count in the header (loaded by htmx, so no page pays a query for
it), marking read and the e-mail opt-out. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tongket.core.text import as_id
from tongket.notifications import selectors, services
from tongket.notifications.domain import due_text

PAGE_SIZE = 50


@login_required
@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    rows = selectors.visible_notifications(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "rows": [(n, due_text(n.due)) for n in page.object_list],
            "unread": selectors.unread_count(request.user),
            "email_digest": selectors.wants_email_digest(request.user),
            "has_email": bool(getattr(request.user, "email", "")),
        },
    )


@login_required
@never_cache
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    return render(
        request, "notifications/_badge.html", {"unread": selectors.unread_count(request.user)}
    )


@login_required
@require_POST
def read(request: HttpRequest) -> HttpResponse:
    ids = [i for i in map(as_id, request.POST.getlist("id")) if i is not None]
    count = services.mark_read(actor=request.user, ids=None if "all" in request.POST else ids)
    if count:
        messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    else:
        messages.warning(
            request, "Không có thông báo chưa đọc nào được chọn; không có gì thay đổi."
        )
    return redirect("notifications:inbox")


@login_required
@require_POST
def email_digest(request: HttpRequest) -> HttpResponse:
    enabled = services.set_email_digest(
        actor=request.user, enabled=request.POST.get("email_digest") == "on"
    )
    messages.success(
        request,
        "Đã bật nhận thư tổng hợp hằng ngày."
        if enabled
        else "Đã tắt thư tổng hợp: thông báo chỉ hiện ở trang này.",
    )
    return redirect("notifications:inbox")
