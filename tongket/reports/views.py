"""Report pages: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_export
from tongket.core.errors import DomainError, NotFound
from tongket.reports import charts, selectors, services
from tongket.reports.builders import classification_sentence, scores_sentence
from tongket.reports.models import NarrativeSection

DOWNLOADS = (
    ("year-end", "Báo cáo tổng kết"),
    ("decision", "Quyết định công nhận kết quả xếp loại"),
    ("notice", "Thông báo kết quả tới chi bộ"),
    ("minutes", "Biên bản hội nghị"),
    ("resolution", "Nghị quyết hội nghị"),
    ("awards", "Tờ trình đề nghị khen thưởng"),
)


def _default_year() -> int:
    return timezone.localdate().year - 1


@login_required
def index(request: HttpRequest) -> HttpResponse:
    orgs = list(selectors.reportable_organizations(request.user)[:200])
    return render(
        request,
        "reports/index.html",
        {"organizations": orgs, "year": _default_year()},
    )


@login_required
def organization(request: HttpRequest, code: str, year: int) -> HttpResponse:
    try:
        facts = selectors.year_end_facts(request.user, code, year)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    # The SVG is built by charts.py, which escapes every text it draws.
    svg = {
        "cells": mark_safe(  # noqa: S308
            charts.level_distribution_svg(
                [(y, c) for y, c, _m in facts.level_history], what="chi bộ"
            )
        ),
        "members": mark_safe(  # noqa: S308
            charts.level_distribution_svg(
                [(y, m) for y, _c, m in facts.level_history], what="đảng viên"
            )
        ),
        "scores": mark_safe(charts.score_history_svg(facts.score_history)),  # noqa: S308
        "programs": mark_safe(charts.program_progress_svg(facts.programs or ())),  # noqa: S308
    }
    return render(
        request,
        "reports/organization.html",
        {
            "facts": facts,
            "svg": svg,
            "classification": classification_sentence(facts),
            "scores": scores_sentence(facts),
            "downloads": DOWNLOADS,
            "can_write": scope_for(request.user).writes(facts.organization.path),
            "sections": NarrativeSection.choices,
        },
    )


@login_required
def download(request: HttpRequest, code: str, year: int, kind: str, fmt: str) -> HttpResponse:
    try:
        report = selectors.render_report(request.user, code, year, kind=kind, fmt=fmt)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    org = selectors.report_organization(request.user, code)
    record_export(
        actor=request.user,
        what="report",
        fmt=fmt,
        rows=1,
        org_path=org.path,
        object_id=org.code,
        summary=f"Tải {report.filename}",
        details={
            "kind": kind,
            "year": year,
            "organization": org.code,
            "bytes": len(report.content),
        },
    )
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def narrative(request: HttpRequest, code: str, year: int, section: str) -> HttpResponse:
    try:
        org = selectors.report_organization(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if section not in NarrativeSection.values:
        raise Http404("Không tìm thấy.")
    if not scope_for(request.user).writes(org.path):
        raise PermissionDenied("Bạn chỉ được xem báo cáo của tổ chức này.")
    current = selectors.narratives(org, year).get(section)
    error = None
    text = current.text if current else ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.save_narrative(
                actor=request.user,
                organization_code=org.code,
                year=year,
                section=section,
                text=text,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("reports:organization", code=org.code, year=year)
    return render(
        request,
        "reports/narrative.html",
        {
            "organization": org,
            "year": year,
            "section": NarrativeSection(section),
            "text": text,
            "error": error,
        },
        status=400 if error else 200,
    )
