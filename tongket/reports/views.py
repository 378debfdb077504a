"""Report pages: parse the request, call one selector or service, render."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongket.accounts.scope import User, scope_for
from tongket.core.errors import DomainError, NotFound, refusal_text
from tongket.core.http import (
    content_disposition,
    not_found_as_404,
    not_ready,
    posted,
    posted_files,
)
from tongket.core.replicas import replica_reads
from tongket.evaluation.permissions import can_see_rule_ids
from tongket.reports import charts, selectors, services, subtree
from tongket.reports.builders import classification_sentence, missing_sections, scores_sentence
from tongket.reports.forms import IssueDocumentForm, SubtreeDocumentsForm
from tongket.reports.models import Document, DocumentStatus, NarrativeSection

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
@replica_reads
@not_found_as_404
def organization(request: HttpRequest, code: str, year: int) -> HttpResponse:
    # The page states counts, never the list of every decided subject (the downloads of
    # the decision and the notice print it): a province's page needs no row of it.
    facts = selectors.year_end_facts(request.user, code, year, rows=False)
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
    cells = [(y, c) for y, c, _m in facts.level_history]
    members = [(y, m) for y, _c, m in facts.level_history]
    # Each chart with the table of its figures, for screen readers and for checking.
    figures = (
        (svg["cells"], charts.level_counts_table(cells, what="chi bộ")),
        (svg["members"], charts.level_counts_table(members, what="đảng viên")),
        (svg["scores"], charts.score_history_table(facts.score_history)),
        (svg["programs"], charts.program_progress_table(facts.programs or ())),
    )
    can_write = scope_for(request.user).writes(facts.organization.path)
    return render(
        request,
        "reports/organization.html",
        {
            "facts": facts,
            "svg": svg,
            "figures": figures,
            "missing": missing_sections(facts),
            "classification": classification_sentence(facts),
            "scores": scores_sentence(facts),
            "downloads": DOWNLOADS,
            "can_write": can_write,
            "sections": NarrativeSection.choices,
            "documents": _issued_documents(request.user, facts.organization.code),
            "subtree_form": (
                SubtreeDocumentsForm(prefix="subtree", initial={"level": "grassroots"})
                if facts.organization.kind != "cell"
                else None
            ),
            "issue_form": (
                _issue_form(request.user, facts.organization.code, None, None)
                if can_write
                else None
            ),
        },
    )


@login_required
@replica_reads
def download(request: HttpRequest, code: str, year: int, kind: str, fmt: str) -> HttpResponse:
    try:
        report = services.export_report(request.user, code, year, kind=kind, fmt=fmt)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        back = reverse("reports:organization", kwargs={"code": code, "year": year})
        return not_ready(request, exc.message, back)
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = content_disposition(report.filename)
    return response


@login_required
@require_POST
@not_found_as_404
def subtree_documents(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Queue one kind of document for every organization of a level of the subtree; its page
    follows the job (tongket.core.filejobs). An organization the user may not report on is
    not found, whatever the form holds."""
    selectors.report_organization(request.user, code)
    form = SubtreeDocumentsForm(request.POST, prefix="subtree")
    back = redirect("reports:organization", code=code, year=year)
    if not form.is_valid():
        messages.error(request, "Chọn loại văn bản, định dạng và cấp tổ chức.")
        return back
    try:
        job = subtree.start(actor=cast(AuthUser, request.user), request=form.request(code, year))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    return redirect("core:job", job_id=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def narrative(request: HttpRequest, code: str, year: int, section: str) -> HttpResponse:
    org = selectors.report_organization(request.user, code)
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


def _issued_documents(user: User | None, code: str) -> QuerySet[Document]:
    """The organization's issued documents, newest first, with which files are stored (the files
    themselves are not loaded) and whether a later document superseded each one."""
    return (
        selectors.visible_documents(user)
        .filter(organization__code=code, status=DocumentStatus.ISSUED)
        .defer("docx", "pdf", "markdown")
        .annotate(
            has_docx=Q(docx__isnull=False),
            has_pdf=Q(pdf__isnull=False),
            has_md=~Q(markdown=""),
            is_superseded=Exists(Document.objects.filter(supersedes=OuterRef("pk"))),
        )
        .select_related("supersedes")
        .order_by("-year", "kind", "-number")
    )


def _issue_form(
    user: User | None,
    code: str,
    data: QueryDict | None,
    files: MultiValueDict[str, UploadedFile] | None,
) -> IssueDocumentForm:
    issued = list(_issued_documents(user, code).filter(superseded_by__isnull=True))
    return IssueDocumentForm(data, files, issued=issued, prefix="doc")


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def document_issue(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Issue a numbered document of the organization (the service numbers it without gaps)."""
    org = selectors.report_organization(request.user, code)
    if not scope_for(request.user).writes(org.path):
        raise PermissionDenied("Bạn chỉ được xem văn bản của tổ chức này.")
    form = _issue_form(request.user, org.code, posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stored = data["file"]
        try:
            doc = services.issue_document(
                actor=request.user,
                organization_code=org.code,
                kind=data["kind"],
                year=year,
                title=data["title"],
                date=data["date"],
                summary=data["summary"],
                markdown=data["markdown"],
                docx=stored[1] if stored and stored[0] == "docx" else None,
                pdf=stored[1] if stored and stored[0] == "pdf" else None,
                supersedes_id=data["supersedes"],
                reason=data["reason"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            show_rule = can_see_rule_ids(scope_for(request.user))
            message = refusal_text(exc.message, exc.rule, show_rule=show_rule)
            form.add_domain_error(DomainError(message, field=exc.field, rule=exc.rule))
        else:
            messages.success(
                request, f"Đã ban hành văn bản số {doc.number}-{doc.kind}: {doc.title}."
            )
            return redirect("reports:organization", code=org.code, year=year)
    return render(
        request,
        "reports/document_issue.html",
        {"organization": org, "year": year, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@not_found_as_404
def document_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The file stored with an issued document (Markdown, DOCX or PDF)."""
    doc = selectors.get_document(request.user, pk)
    stored = services.export_stored_file(actor=request.user, doc=doc, fmt=fmt)
    response = HttpResponse(stored.content, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(stored.filename)
    return response
