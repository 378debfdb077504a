"""Pages of the exchange app: template and export downloads, the upload with its dry run, progress
and confirmation, and the API documentation page (server-rendered, no external asset)."""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongket.core import filejobs, queue
from tongket.core.errors import DomainError
from tongket.core.http import (
    content_disposition,
    page_or_fragment,
    posted,
    posted_files,
    refusal_as_message,
)
from tongket.core.replicas import replica_reads
from tongket.exchange import exporter, jobs, services
from tongket.exchange.apps import XLSX
from tongket.exchange.models import ImportJob, JobStatus
from tongket.exchange.template import template_workbook
from tongket.exchange.workbook import MAX_BYTES, UPLOAD_EXTENSIONS, Action
from tongket.people.selectors import visible_members, writable_organization_codes

SHOWN_PROBLEMS = 500
SHOWN_OUTCOMES = 300
EXPORTS = {
    "all": ("du-lieu", exporter.EXPORTABLE),
    "members": ("dang-vien", ("members",)),
    "organizations": ("to-chuc", ("organizations",)),
    "results": ("ket-qua-xep-loai", ("evaluation_results",)),
    "scores": ("bang-diem", ("score_lines",)),
    "targets": ("chi-tieu", ("targets",)),
    "awards": ("khen-thuong", ("awards",)),
}


def _user(request: HttpRequest) -> AuthUser:
    # Every page here is behind login_required.
    return cast(AuthUser, request.user)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    jobs = ImportJob.objects.filter(user=_user(request)).defer("content", "report")[:10]
    context = {"jobs": jobs, "form": UploadForm(), "may_import": services.may_import(request.user)}
    return render(request, "exchange/index.html", context)


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    content = template_workbook(writable_organization_codes(request.user))
    return _download(content, "mau-nhap-tong-ket.xlsx", XLSX)


@login_required
@require_GET
@replica_reads
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    if kind not in EXPORTS or fmt not in ("xlsx", "csv") or (kind == "all" and fmt == "csv"):
        raise Http404
    stem, keys = EXPORTS[kind]
    stamp = timezone.localdate().strftime("%Y%m%d")
    if kind == "all" and _large_export(request.user):
        job = filejobs.start(
            actor=_user(request),
            kind="export",
            params={"keys": list(keys), "filename": f"{stem}-{stamp}.xlsx"},
            summary="Yêu cầu xuất toàn bộ dữ liệu (XLSX)",
            join_unfinished=True,  # a GET: a reload shows the job already asked for
        )
        return redirect("core:job", job_id=job.pk)
    # Written to a temporary file as the rows are read, then sent from it: a national export
    # never sits in memory whole.
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    try:
        if fmt == "csv":
            exporter.export_csv_to(file, request.user, keys[0])
            content_type, filename = "text/csv; charset=utf-8", f"{stem}-{stamp}.csv"
        else:
            exporter.export_workbook_to(file, request.user, keys)
            content_type, filename = XLSX, f"{stem}-{stamp}.xlsx"
    except BaseException:
        file.close()
        raise
    file.seek(0)
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def _large_export(user: Any) -> bool:
    """Whether the export of every sheet covers more members than a request should write
    (TONGKET_EXPORT_INLINE_MEMBERS): then it is queued for the worker. Counted up to the
    limit only. A single sheet is always written in the request (streamed from a file)."""
    limit = int(getattr(settings, "TONGKET_EXPORT_INLINE_MEMBERS", 5000))
    return bool(visible_members(user).order_by()[: limit + 1].count() > limit)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp bảng tính (.xlsx, .xls hoặc .ods)",
        help_text=f"Theo mẫu nhập; tối đa {MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_EXTENSIONS}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"Tệp quá lớn; giới hạn là {MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a workbook: it is checked first (a dry run), then applied on confirmation."""
    if not services.may_import(request.user):
        raise DjangoPermissionDenied("Bạn chỉ có quyền xem, không nhập được dữ liệu.")
    form = UploadForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        job = services.start_import(
            actor=_user(request), filename=upload_file.name or "", content=upload_file.read()
        )
        return redirect("exchange:job", job_id=job.pk)
    return render(request, "exchange/upload.html", {"form": form})


def _own_job(request: HttpRequest, job_id: str) -> ImportJob:
    # Another user's job answers 404, like a missing one.
    found = ImportJob.objects.filter(pk=job_id, user=_user(request)).defer("content").first()
    if found is None:
        raise Http404
    return found


def _job_context(job: ImportJob) -> dict[str, Any]:
    report: dict[str, Any] = job.report or {}
    problems = report.get("problems", [])
    errors = [p for p in problems if p["severity"] == "error"]
    # A stored report keeps the first problems and changes, and counts them all.
    error_count = int(report.get("error_count", len(errors)))
    changes = [o for o in report.get("outcomes", []) if o["action"] != Action.UNCHANGED]
    change_count = int(report.get("change_count", len(changes)))
    problem_count = len(problems) + int(report.get("problems_omitted", 0))
    counts = [
        (sheet, [(Action(a).label, n) for a, n in actions.items()])
        for sheet, actions in report.get("counts", {}).items()
    ]
    shown_problems = problems[:SHOWN_PROBLEMS]
    shown_changes = changes[:SHOWN_OUTCOMES]
    return {
        **queue.status_context(job),
        "report": report,
        "counts": counts,
        "errors": errors,
        "error_count": error_count,
        "problem_count": problem_count,
        "problems": shown_problems,
        "hidden_problems": max(0, problem_count - len(shown_problems)),
        "changes": [{**o, "label": Action(o["action"]).label} for o in shown_changes],
        "hidden_changes": max(0, change_count - len(shown_changes)),
        "can_apply": (
            job.status == JobStatus.DONE
            and job.dry_run
            and report
            and not error_count
            and bool(change_count)
            and job.applied_as is None
        ),
    }


@login_required
@require_GET
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job's report; while it runs, htmx polls the status fragment."""
    found = _own_job(request, job_id)
    # A job whose worker stopped ends here too (failed), even before another worker starts.
    jobs.end_if_lost(found)
    return page_or_fragment(
        request, "exchange/job.html", "exchange/_job_status.html", _job_context(found)
    )


@login_required
@require_POST
def apply(request: HttpRequest, job_id: str) -> HttpResponse:
    """Apply a checked file: the same bytes, run for real (all rows or none)."""
    checked = _own_job(request, job_id)
    if not _job_context(checked)["can_apply"]:
        raise Http404
    try:
        real = services.apply_checked_import(actor=_user(request), checked=checked)
    except DomainError as exc:  # applied meanwhile, from another tab
        raise Http404 from exc
    return redirect("exchange:job", job_id=real.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    """Cancel one's own waiting or running job (a running one stops at its next rows, and
    nothing of it is written)."""
    found = _own_job(request, job_id)
    with refusal_as_message(request):  # finished meanwhile
        services.cancel_import(actor=_user(request), job=found)
    return redirect("exchange:job", job_id=found.pk)


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API reference rendered on the server from the OpenAPI schema (the CSP forbids the
    inline scripts of the usual renderers, and nothing is loaded from elsewhere)."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    operations = []
    for route, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": spec.get("summary") or spec.get("description", ""),
                    "parameters": spec.get("parameters", []),
                    "body": _body_ref(spec.get("requestBody")),
                    "responses": [
                        (code, resp.get("description", ""))
                        for code, resp in spec.get("responses", {}).items()
                    ],
                    "tag": (spec.get("tags") or [""])[0],
                }
            )
    components = schema.get("components", {}).get("schemas", {})
    shapes = [
        (
            name,
            [
                (field, _type_of(prop), field in spec.get("required", []), prop.get("readOnly"))
                for field, prop in spec.get("properties", {}).items()
            ],
        )
        for name, spec in sorted(components.items())
    ]
    return render(
        request,
        "exchange/api_docs.html",
        {"info": schema.get("info", {}), "operations": operations, "shapes": shapes},
    )


def _body_ref(body: dict[str, Any] | None) -> str:
    if not body:
        return ""
    for media in body.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref:
            return str(ref).rsplit("/", 1)[-1]
    return ""


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    if "allOf" in prop:
        return " | ".join(_type_of(p) for p in prop["allOf"])
    if "oneOf" in prop:
        return " | ".join(_type_of(p) for p in prop["oneOf"])
    kind = str(prop.get("type", ""))
    if kind == "array":
        return f"array[{_type_of(prop.get('items', {}))}]"
    if prop.get("format"):
        kind += f" ({prop['format']})"
    if prop.get("enum"):
        kind += ": " + ", ".join(str(v) for v in prop["enum"] if v)
    return kind
