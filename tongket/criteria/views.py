"""Criteria set pages: the list, one set (its tree; a draft's points edited in place), create or
copy a draft, publish, a new version, the sheet. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tongket.accounts.scope import scope_for
from tongket.core.errors import DomainError, NotFound
from tongket.core.http import content_disposition, not_found_as_404, run_service
from tongket.core.text import as_id
from tongket.criteria import domain, permissions, selectors, services, xlsx
from tongket.criteria.domain import Appendix, Node, starting_tree
from tongket.criteria.models import CriteriaSet
from tongket.evaluation.domain import PointGroup
from tongket.people.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW_ROWS = 3


def _writable_orgs(request: HttpRequest) -> list[Organization]:
    scope = scope_for(request.user)
    if scope.is_superuser:
        return list(Organization.objects.exclude(kind="cell").order_by("path")[:200])
    return list(Organization.objects.filter(path__in=scope.write_paths).order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Sets the user may see; a writer creates a draft (empty tree from the sample, a copy of
    another set, or an uploaded sheet)."""
    orgs = _writable_orgs(request)
    if request.method == "POST" and orgs:
        try:
            created = _create(request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Đã lưu dự thảo {created}.")
            return redirect("criteria:detail", set_id=created.pk)
    sets = list(selectors.visible_sets(request.user)[:300])
    return render(
        request,
        "criteria/index.html",
        {
            "sets": sets,
            "orgs": orgs,
            "appendices": [(a.value, a.label) for a in Appendix],
        },
    )


def _create(request: HttpRequest) -> CriteriaSet:
    data = request.POST
    code = data.get("organization", "")
    try:
        year = int(data.get("year", ""))
    except ValueError:
        raise DomainError("Năm phải là số.", field="year", rule="criteria.year.invalid") from None
    source = data.get("copy_from", "").strip()
    upload = request.FILES.get("sheet")
    if upload is not None:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            sheet = xlsx.read_set(Path(tmp.name))
        return services.save_draft(
            actor=request.user,
            organization_code=code,
            year=year,
            appendix=sheet.appendix,
            title=sheet.title,
            nodes=sheet.nodes,
        )
    if source:
        source_id = as_id(source)
        if source_id is None:  # like a set that does not exist
            raise NotFound("Không tìm thấy bộ tiêu chí.")
        return services.copy_set(
            actor=request.user, source_id=source_id, organization_code=code, year=year
        )
    appendix = data.get("appendix", "")
    if appendix in {a.value for a in Appendix}:
        chosen = Appendix(appendix)
        return services.save_draft(
            actor=request.user,
            organization_code=code,
            year=year,
            appendix=chosen,
            title=f"Bộ tiêu chí {chosen.label.lower()} năm {year}",
            nodes=starting_tree(),
        )
    raise DomainError(
        "Chọn phụ lục để soạn bộ mới, hoặc bộ tiêu chí để sao chép (năm trước, hoặc của cấp "
        "trên), hoặc tải lên tệp XLSX.",
        field="appendix",
        rule="criteria.create.source_required",
    )


def _edited_nodes(request: HttpRequest, criteria_set: CriteriaSet) -> list[Node]:
    data = request.POST
    nodes: list[Node] = []
    keys = [k.removeprefix("code_") for k in data if k.startswith("code_")]
    for key in keys:
        code = data.get(f"code_{key}", "").strip()
        if not code:
            continue
        raw = data.get(f"points_{key}", "")
        try:
            points = domain.points_from_text(raw)
        except ValueError:
            raise DomainError(
                f"Tiêu chí {code}: «{raw.strip()}» không phải là số.",
                field=f"points_{key}",
                rule="criteria.node.points_invalid",
            ) from None
        try:
            section = domain.section_from_word(data.get(f"section_{key}", ""))
        except ValueError as exc:
            raise DomainError(
                str(exc), field=f"section_{key}", rule="criteria.sheet.section"
            ) from None
        nodes.append(
            Node(
                code=code,
                title=data.get(f"title_{key}", "").strip(),
                points=points,
                section=section,
                parent=data.get(f"parent_{key}", "").strip(),
                guidance=data.get(f"guidance_{key}", ""),
                evidence=data.get(f"evidence_{key}", ""),
            )
        )
    return nodes


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, set_id: int) -> HttpResponse:
    criteria_set = selectors.get_set(request.user, set_id)
    can_write = permissions.can_write_set(scope_for(request.user), criteria_set.organization.path)
    problems: list[str] = []
    if request.method == "POST" and not can_write:
        raise DjangoPermissionDenied("Chỉ văn phòng cấp ủy của tổ chức này được sửa bộ tiêu chí.")
    if request.method == "POST" and not criteria_set.is_frozen:
        try:
            nodes = _edited_nodes(request, criteria_set)
            found = domain.check_nodes(nodes)
            if found:
                problems = [f.message for f in found]
            else:
                services.save_draft(
                    actor=request.user,
                    organization_code=criteria_set.organization.code,
                    year=criteria_set.year,
                    appendix=Appendix(criteria_set.appendix),
                    title=request.POST.get("title", ""),
                    nodes=nodes,
                )
                messages.success(request, "Đã lưu dự thảo.")
                return redirect("criteria:detail", set_id=criteria_set.pk)
        except DomainError as exc:
            problems = [exc.message]
    nodes = selectors.nodes_of(criteria_set)
    rows = [
        {
            "key": str(i),
            "node": n,
            "indent": "· " * domain.depth(n, nodes),
            "section_word": domain.SECTION_WORDS[n.section],
        }
        for i, n in enumerate(nodes)
    ]
    blanks = [str(len(nodes) + i) for i in range(NEW_ROWS)]
    sums = {
        "general": sum(
            (n.points or 0 for n in nodes if n.section is PointGroup.GENERAL and not n.parent),
            Decimal(0),
        ),
        "tasks": sum(
            (n.points or 0 for n in nodes if n.section is PointGroup.TASKS and not n.parent),
            Decimal(0),
        ),
    }
    return render(
        request,
        "criteria/detail.html",
        {
            "set": criteria_set,
            "rows": rows,
            "blanks": blanks,
            "can_write": can_write,
            "editable": can_write and not criteria_set.is_frozen,
            "problems": problems,
            "sums": sums,
            "orgs": _writable_orgs(request),
        },
        status=422 if problems else 200,
    )


def _written(request: HttpRequest, write: Callable[[], CriteriaSet]) -> CriteriaSet | None:
    """The set `write` answers, or None with its refusal said on the page (not found stays a 404,
    a refused permission is a 403)."""
    return run_service(write, lambda exc: messages.error(request, exc.message))


@login_required
@not_found_as_404
@require_POST
def publish(request: HttpRequest, set_id: int) -> HttpResponse:
    published = _written(request, lambda: services.publish_set(actor=request.user, set_id=set_id))
    if published is not None:
        messages.success(request, f"Đã ban hành {published}; bộ tiêu chí không sửa được nữa.")
    return redirect("criteria:detail", set_id=set_id)


@login_required
@not_found_as_404
@require_POST
def new_version(request: HttpRequest, set_id: int) -> HttpResponse:
    draft = _written(request, lambda: services.new_version(actor=request.user, set_id=set_id))
    if draft is None:
        return redirect("criteria:detail", set_id=set_id)
    messages.success(request, f"Đã tạo dự thảo phiên bản {draft.version}.")
    return redirect("criteria:detail", set_id=draft.pk)


@login_required
@not_found_as_404
def download(request: HttpRequest, set_id: int) -> HttpResponse:
    criteria_set = selectors.get_set(request.user, set_id)
    content = xlsx.export_set(
        xlsx.SheetSet(
            organization_code=criteria_set.organization.code,
            year=criteria_set.year,
            appendix=Appendix(criteria_set.appendix),
            title=criteria_set.title,
            nodes=tuple(selectors.nodes_of(criteria_set)),
        )
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(
        f"bo-tieu-chi-{criteria_set.appendix}-{criteria_set.year}-v{criteria_set.version}.xlsx"
    )
    return response
