"""The dossier's pages: what a subject's dossier holds, adding and removing uploads, a
document's download (checked against its checksum), Mẫu 04. Thin: parse, call, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_export
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.http import content_disposition, not_found_as_404
from tongket.dossier import permissions, printing, selectors, services
from tongket.dossier.domain import DossierKind


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise DomainError(
            f"«Ngày ký»: «{value}» không phải ngày hợp lệ (năm-tháng-ngày).",
            field="signed_on",
            rule="dossier.signed_on.invalid",
        ) from None


@login_required
@not_found_as_404
def dossier_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """What the subject's dossier holds; the cell or the office adds a file or the residence-area
    committee's typed comment."""
    ev = selectors.get_evaluation(request.user, evaluation_id)
    can_change = permissions.can_change_dossier(scope_for(request.user), ev)
    problem: DomainError | None = None
    if request.method == "POST":
        if not can_change:
            raise DjangoPermissionDenied("Bạn không được thay đổi hồ sơ này.")
        sent = request.FILES.get("file")
        limit = services.max_bytes()
        try:
            services.add_document(
                actor=request.user,
                evaluation_id=ev.pk,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                upload=(
                    services.Upload(sent.name or "", sent.size or 0, sent.read(limit + 1))
                    if sent is not None
                    else None
                ),
                text=request.POST.get("text", ""),
                signed_by=request.POST.get("signed_by", ""),
                signed_on=_date(request.POST.get("signed_on", "")),
            )
        except NotFound:
            raise
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            problem = exc
        else:
            messages.success(request, "Đã thêm tài liệu vào hồ sơ.")
            return redirect("dossier:dossier", evaluation_id=ev.pk)
    dossier = selectors.dossier_of(ev)
    return render(
        request,
        "dossier/dossier.html",
        {
            "ev": ev,
            "dossier": dossier,
            "can_change": can_change,
            "kinds": [(k.value, k.label) for k in DossierKind],
            "problem": problem,
            "posted": request.POST if problem else {},
            "max_mb": services.max_bytes() // (1024 * 1024),
        },
        status=422 if problem else 200,
    )


@login_required
@not_found_as_404
def download(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.get_document(request.user, document_id)
    if not document.file:
        return redirect("dossier:dossier", evaluation_id=document.evaluation_id)
    try:
        content = selectors.file_content(document)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossier:dossier", evaluation_id=document.evaluation_id)
    record_export(
        actor=request.user,
        what="dossier_document",
        fmt=document.content_type,
        rows=1,
        org_path=document.evaluation.subject_path,
        object_id=document.pk,
        summary=f"Tải tài liệu hồ sơ: {document.title}",
    )
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
@not_found_as_404
def remove(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.get_document(request.user, document_id)
    try:
        services.remove_document(actor=request.user, document_id=document.pk)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    messages.success(request, "Đã gỡ tài liệu khỏi hồ sơ.")
    return redirect("dossier:dossier", evaluation_id=document.evaluation_id)


@login_required
@not_found_as_404
def form_04(request: HttpRequest, evaluation_id: int, fmt: str) -> HttpResponse:
    """Mẫu 04: the list of the dossier, as DOCX or PDF."""
    dossier = selectors.dossier_for_user(request.user, evaluation_id)
    printed = printing.render_form_04(dossier, fmt)
    record_export(
        actor=request.user,
        what="dossier_form_04",
        fmt=fmt,
        rows=len(dossier.entries),
        org_path=dossier.evaluation.subject_path,
        object_id=evaluation_id,
        summary=f"Tải Mẫu 04 ({fmt})",
    )
    response = HttpResponse(printed.content, content_type=printed.content_type)
    response["Content-Disposition"] = content_disposition(printed.filename)
    return response
