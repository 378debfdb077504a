"""Self-assessment pages: the member's list, the form (part A, part B with a running total, the
task annex), the cell's return, the printed form. Thin: parse, call a service, render."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_export
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.http import content_disposition, not_found_as_404
from tongket.core.text import is_digits
from tongket.criteria.domain import leaves
from tongket.evaluation import selectors as evaluation_selectors
from tongket.evaluation.checks import review_findings
from tongket.evaluation.domain import Level, PointGroup
from tongket.selfassessment import permissions, printing, selectors, services
from tongket.selfassessment.domain import RemedyState, Status, TaskLine
from tongket.selfassessment.models import SelfAssessment

NEW_TASK_ROWS = 3
TEXT_FIELDS = (
    ("strengths_politics", "I.1. Về phẩm chất chính trị"),
    ("strengths_ethics", "I.2. Về đạo đức, lối sống"),
    ("strengths_duties", "I.3. Về thực hiện chức trách, nhiệm vụ được giao"),
    ("commitment", "I.4. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu"),
    ("shortcomings", "II. Hạn chế, khuyết điểm và nguyên nhân"),
)
LATER_FIELDS = (
    ("explanations", "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)"),
    ("responsibility", "V. Trách nhiệm đối với hạn chế, khuyết điểm của tập thể (nếu có)"),
    ("direction", "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm"),
)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The member's own forms in open cycles; for a cell or office, the forms it may return."""
    own = selectors.own_evaluations(request.user)
    forms = {f.evaluation_id: f for f in SelfAssessment.objects.filter(evaluation__in=own)}
    scope = scope_for(request.user)
    # From the forms the user sees (not the country's first 200): those they may return.
    submitted = selectors.visible_forms(request.user).filter(status=Status.SUBMITTED.value)
    others = [
        f
        for f in submitted.order_by("-submitted_at", "-pk")[:200]
        if permissions.can_return_form(scope, f.evaluation)
    ]
    return render(
        request,
        "selfassessment/index.html",
        {"rows": [(ev, forms.get(ev.pk)) for ev in own], "others": others},
    )


MAX_ROWS = 500  # task or remedy rows a page may send (a longer annex comes from a sheet)


def _row_count(raw: str) -> int:
    """The number of rows the page sent (a hidden field): anything but a small whole
    number reads as none, never an error page."""
    return min(int(raw), MAX_ROWS) if is_digits(raw) else 0


def _posted_remedies(data: QueryDict) -> list[tuple[str, RemedyState]]:
    remedies: list[tuple[str, RemedyState]] = []
    for i in range(_row_count(data.get("remedy_count", "")) + 1):
        text = data.get(f"remedy_text_{i}", "").strip()
        if text:
            try:
                state = RemedyState(data.get(f"remedy_state_{i}", "not_fixed"))
            except ValueError:
                state = RemedyState.NOT_FIXED
            remedies.append((text, state))
    return remedies


def _form_input(request: HttpRequest, form: SelfAssessment) -> services.FormInput:
    data = request.POST
    texts = {name: data.get(name, "") for name, _ in TEXT_FIELDS + LATER_FIELDS}
    remedies = _posted_remedies(data)
    points = {
        node.code: data.get(f"points_{node.code}", "") for node in leaves(selectors.nodes_for(form))
    }
    tasks: list[TaskLine] = []
    for i in range(_row_count(data.get("task_count", "")) + NEW_TASK_ROWS):
        title = data.get(f"task_title_{i}", "").strip()
        due = services.parse_date(data.get(f"task_due_{i}", ""), field_name=f"task_due_{i}")
        if not title and due is None:
            continue
        if due is None:
            raise DomainError(
                f"Nhiệm vụ «{title}» chưa có hạn.",
                field=f"task_due_{i}",
                rule="selfassessment.task.due",
            )
        tasks.append(
            TaskLine(
                title=title,
                due_on=due,
                done_on=services.parse_date(
                    data.get(f"task_done_{i}", ""), field_name=f"task_done_{i}"
                ),
                quality_ok=data.get(f"task_quality_{i}") == "on",
                exceeded=data.get(f"task_exceeded_{i}") == "on",
            )
        )
    level_text = data.get("proposed_level", "")
    return services.FormInput(
        texts=texts,
        remedies=remedies,
        points=points,
        proposed_level=Level(level_text) if level_text in Level._value2member_map_ else None,
        tasks=tasks,
    )


def _handle_post(request: HttpRequest, form: SelfAssessment) -> str:
    action = request.POST.get("action", "")
    if action == "return":
        services.return_to_author(
            actor=request.user, form_id=form.pk, comment=request.POST.get("comment", "")
        )
        return "Đã trả lại bản tự kiểm điểm cho đảng viên."
    if action == "import_tasks":
        upload = request.FILES.get("tasks_sheet")
        if upload is None:
            raise DomainError("Chọn tệp XLSX.", field="tasks_sheet", rule="selfassessment.sheet")
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            services.import_tasks(actor=request.user, form_id=form.pk, path=Path(tmp.name))
        return "Đã nhập phụ lục nhiệm vụ từ tệp."
    services.save_draft(actor=request.user, form_id=form.pk, data=_form_input(request, form))
    if action == "submit":
        services.submit(actor=request.user, form_id=form.pk)
        return "Đã gửi bản tự kiểm điểm cho chi bộ."
    return "Đã lưu nháp."


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def form_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    ev = selectors.get_evaluation(request.user, evaluation_id)
    scope = scope_for(request.user)
    form = selectors.form_of(ev)
    problem = ""
    if request.method == "POST":
        try:
            if form is None:
                form = services.start(actor=request.user, evaluation_id=ev.pk)
                if request.POST.get("action") == "start":
                    return redirect("selfassessment:form", evaluation_id=ev.pk)
            message = _handle_post(request, form)
        except NotFound:
            raise
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            problem = exc.message
        else:
            messages.success(request, message)
            return redirect("selfassessment:form", evaluation_id=ev.pk)
        form = selectors.form_of(ev)
    context = _context(request, ev, form, problem, scope)
    if problem and form is not None and request.POST.get("action") in ("save", "submit"):
        context |= _as_typed(request.POST, context)  # a refusal keeps what the member wrote
    return render(
        request,
        "selfassessment/form.html",
        context,
        status=422 if problem else 200,
    )


def _typed_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _as_typed(data: QueryDict, context: dict[str, Any]) -> dict[str, Any]:
    """The page's fields as the refused request carried them (nothing of it was saved): part A,
    the remedies, the points, the level and the annex, so that no written line is lost."""
    tasks = []
    for i in range(_row_count(data.get("task_count", "")) + NEW_TASK_ROWS):
        title = data.get(f"task_title_{i}", "").strip()
        due, done = data.get(f"task_due_{i}", ""), data.get(f"task_done_{i}", "")
        if title or due.strip():
            tasks.append(
                {
                    "title": title,
                    "due_on": _typed_date(due),
                    "done_on": _typed_date(done),
                    "quality_ok": data.get(f"task_quality_{i}") == "on",
                    "exceeded": data.get(f"task_exceeded_{i}") == "on",
                }
            )
    return {
        "texts": [(name, label, data.get(name, "")) for name, label in TEXT_FIELDS],
        "later_texts": [(name, label, data.get(name, "")) for name, label in LATER_FIELDS],
        "remedies": _posted_remedies(data),
        "sections": [
            (label, [row | {"value": data.get(f"points_{row['node'].code}", "")} for row in rows])
            for label, rows in context["sections"]
        ],
        "proposed_level": data.get("proposed_level", ""),
        "tasks": tasks,
        "task_blanks": range(len(tasks), len(tasks) + NEW_TASK_ROWS),
    }


def _context(
    request: HttpRequest, ev: Any, form: SelfAssessment | None, problem: str, scope: Any
) -> dict[str, Any]:
    not_reviewed = review_findings(ev)  # 366-QĐ/TW Điều 5: the member does not review
    context: dict[str, Any] = {
        "ev": ev,
        "form": form,
        "problem": problem,
        "not_reviewed": not_reviewed[0] if not_reviewed else None,
        "can_write": permissions.can_write_form(scope, ev) and not not_reviewed,
        "author": permissions.is_author(scope, ev),
        "due": selectors.self_assessment_due(ev, form),
    }
    if form is None:
        return context
    decision = evaluation_selectors.current_decision(ev)
    nodes = selectors.nodes_for(form)
    scored = {n.code for n in leaves(nodes)}
    score = selectors.score_of(form, nodes)
    excellent, good, completed = selectors.thresholds(ev)
    status = Status(form.status)
    tasks = selectors.tasks_of(form)
    from tongket.selfassessment.domain import annex_counts

    context |= {
        "status": status,
        "decision": decision,
        "editable": context["can_write"] and status is not Status.SUBMITTED and decision is None,
        "proposed_level": form.proposed_level,
        "can_return": status is Status.SUBMITTED and permissions.can_return_form(scope, ev),
        "sections": [
            (
                group.label,
                [
                    {
                        "node": n,
                        "scored": n.code in scored,
                        "value": form.points.get(n.code, ""),
                    }
                    for n in nodes
                    if n.section is group
                ],
            )
            for group in (PointGroup.GENERAL, PointGroup.TASKS)
        ],
        "score": score,
        "bands": {"excellent": excellent, "good": good, "completed": completed},
        "levels": [(level.value, level.label) for level in Level.descending()],
        "texts": [(name, label, getattr(form, name)) for name, label in TEXT_FIELDS],
        "later_texts": [(name, label, getattr(form, name)) for name, label in LATER_FIELDS],
        "remedies": selectors.remedy_rows(form),
        "remedy_states": [(s.value, s.label) for s in RemedyState],
        "tasks": tasks,
        "task_blanks": range(len(tasks), len(tasks) + NEW_TASK_ROWS),
        "counts": annex_counts(tasks),
    }
    return context


@login_required
@not_found_as_404
def download(request: HttpRequest, evaluation_id: int, fmt: str) -> HttpResponse:
    ev = selectors.get_evaluation(request.user, evaluation_id)
    form = selectors.form_of(ev)
    if form is None:
        messages.error(request, "Chưa có bản tự kiểm điểm.")
        return redirect("selfassessment:form", evaluation_id=ev.pk)
    try:
        printed = printing.render_form(form, fmt)
    except DomainError as exc:  # a format other than docx or pdf in the address
        messages.error(request, exc.message)
        return redirect("selfassessment:form", evaluation_id=ev.pk)
    record_export(
        actor=request.user,
        what="self_assessment_form",
        fmt=fmt,
        rows=1,
        org_path=ev.subject_path,
        object_id=form.pk,
        summary=f"Tải Mẫu {form.form} ({fmt})",
    )
    response = HttpResponse(printed.content, content_type=printed.content_type)
    response["Content-Disposition"] = content_disposition(printed.filename)
    return response
