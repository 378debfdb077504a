"""Every write on self-assessments: start (binds the criteria set in force), save a draft,
submit (the annex counts and the points go to the evaluation's rules), return to the author,
import the task annex from a sheet. One transaction each, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongket.accounts.scope import scope_for
from tongket.audit.recorders import EventRecorder
from tongket.core.actors import actor_label
from tongket.core.errors import DomainError, PermissionDenied
from tongket.core.formatting import format_points
from tongket.core.locking import locked
from tongket.criteria import services as criteria_services
from tongket.criteria.domain import leaves
from tongket.evaluation import selectors as evaluation_selectors
from tongket.evaluation import services as evaluation_services
from tongket.evaluation.checks import parse_points, review_findings
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Evaluation
from tongket.notifications import services as notifications
from tongket.notifications.domain import Kind
from tongket.selfassessment import domain, permissions, selectors
from tongket.selfassessment.domain import RemedyState, Status, TaskLine
from tongket.selfassessment.models import AnnexTask, SelfAssessment

User = Any


@dataclass(frozen=True)
class FormInput:
    """What the author writes: part A's texts, III's remedies, part B's points, the level."""

    texts: Mapping[str, str] = field(default_factory=dict)
    remedies: Sequence[tuple[str, RemedyState]] = ()
    points: Mapping[str, str] = field(default_factory=dict)
    proposed_level: Level | None = None
    tasks: Sequence[TaskLine] | None = None  # None: the annex is left as it is


def _on_behalf(actor: User | None, ev: Evaluation) -> bool:
    """Entered by someone other than the member (a secretary for a member without account)."""
    return not permissions.is_author(scope_for(actor), ev)


def _require_writer(actor: User | None, ev: Evaluation) -> None:
    if not permissions.can_write_form(scope_for(actor), ev):
        raise PermissionDenied("Bạn không được viết bản tự kiểm điểm này.")


@transaction.atomic
def start(*, actor: User | None, evaluation_id: int) -> SelfAssessment:
    """The subject's form, created on first use: bound to the criteria set in force (the version
    stays with the evaluation), the form its appendix asks for, last year's shortcomings carried
    into part A III as «chưa khắc phục»."""
    ev = selectors.get_evaluation(actor, evaluation_id)
    existing = selectors.form_of(ev)
    if existing is not None:
        return existing
    _require_writer(actor, ev)
    not_reviewed = review_findings(ev)  # 366-QĐ/TW Điều 5: no form to write
    if not_reviewed:
        raise DomainError.from_findings(not_reviewed, field="evaluation")
    criteria_set = criteria_services.bind_evaluation(actor=actor, evaluation=ev)
    return SelfAssessment.objects.create(
        evaluation=ev,
        form=domain.form_for_appendix(criteria_set.appendix).value,
        criteria_set=criteria_set,
        remedies=[
            {"text": text, "state": RemedyState.NOT_FIXED.value}
            for text in selectors.earlier_shortcomings(ev)
        ],
        entered_on_behalf=_on_behalf(actor, ev),
        entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        entered_by_label=actor_label(actor),
    )


def _check_points(form: SelfAssessment, points: Mapping[str, str]) -> dict[str, str]:
    """Each point within 0..the criterion's maximum, on a criterion of the bound set."""
    scored = {n.code: n for n in leaves(selectors.nodes_for(form))}
    clean = {code: value for code, value in points.items() if str(value).strip()}
    try:
        parsed = parse_points(clean)
    except ValueError as exc:
        raise DomainError(str(exc), field="points", rule="selfassessment.points.invalid") from None
    for code, value in parsed.items():
        node = scored.get(code)
        if node is None:
            raise DomainError(
                f"Mã tiêu chí «{code}» không có trong bộ tiêu chí đang áp dụng.",
                field=f"points_{code}",
                rule="selfassessment.points.unknown",
            )
        if not Decimal(0) <= value <= (node.points or Decimal(0)):
            raise DomainError(
                f"Tiêu chí {code} «{node.title}»: {format_points(value)} điểm nằm ngoài "
                f"khoảng 0 đến {format_points(node.points or Decimal(0))}.",
                field=f"points_{code}",
                rule="selfassessment.points.out_of_range",
            )
    return {code: str(value) for code, value in parsed.items()}


def _write_tasks(form: SelfAssessment, tasks: Sequence[TaskLine]) -> None:
    for line, task in enumerate(tasks, start=1):
        domain.check_task(line, task)
    AnnexTask.objects.filter(self_assessment=form).delete()
    AnnexTask.objects.bulk_create(
        AnnexTask(
            self_assessment=form,
            title=t.title.strip(),
            due_on=t.due_on,
            done_on=t.done_on,
            quality_ok=t.quality_ok,
            exceeded=t.exceeded,
            position=i,
        )
        for i, t in enumerate(tasks)
    )


def _locked(actor: User | None, form_id: int) -> SelfAssessment:
    found = selectors.get_form(actor, form_id)
    return locked(
        SelfAssessment,
        found.pk,
        "evaluation__cycle",
        "evaluation__member",
        "evaluation__unit",
        "criteria_set",
    )


_FORMS = EventRecorder[SelfAssessment](
    "selfassessment.SelfAssessment", lambda form: form.evaluation.subject_path
)


def _audit(
    actor: User | None, action: str, form: SelfAssessment, summary: str, after: dict[str, Any]
) -> None:
    """Record a change of a form, filed under its evaluation's subject."""
    _FORMS.record(actor, action, form, summary, after=after)


@transaction.atomic
def save_draft(*, actor: User | None, form_id: int, data: FormInput) -> SelfAssessment:
    """Save what is written so far (a draft or a returned form); nothing is checked against the
    level rules until it is submitted."""
    form = _locked(actor, form_id)
    ev = form.evaluation
    _require_writer(actor, ev)
    domain.require_editable(Status(form.status))
    for name in domain.PART_A:
        if name in data.texts:
            setattr(form, name, data.texts[name].strip())
    form.remedies = [
        {"text": text.strip(), "state": state.value} for text, state in data.remedies if text
    ]
    form.points = _check_points(form, data.points)
    form.proposed_level = data.proposed_level.value if data.proposed_level else ""
    if data.tasks is not None:
        _write_tasks(form, data.tasks)
    if _on_behalf(actor, ev):
        form.entered_on_behalf = True
    form.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    form.entered_by_label = actor_label(actor)
    form.updated_at = timezone.now()
    form.save()
    _audit(
        actor,
        "selfassessment.save",
        form,
        f"Lưu nháp Mẫu {form.form}" + (" (nhập thay)" if form.entered_on_behalf else ""),
        {"points": form.points, "proposed_level": form.proposed_level},
    )
    return form


@transaction.atomic
def submit(*, actor: User | None, form_id: int) -> SelfAssessment:
    """Send the form to the cell: every criterion scored and a level proposed; the annex counts
    become the evaluation's task facts and the points its self-assessment, checked by the qd366
    rules (a level the points or the annex do not allow is refused). Read-only afterwards."""
    form = _locked(actor, form_id)
    ev = form.evaluation
    _require_writer(actor, ev)
    domain.require_editable(Status(form.status))
    scored = leaves(selectors.nodes_for(form))
    missing = [n.code for n in scored if n.code not in form.points]
    if missing:
        raise DomainError(
            f"Chưa chấm điểm các tiêu chí: {', '.join(missing)}.",
            field="points",
            rule="selfassessment.submit.points_missing",
        )
    if not form.proposed_level:
        raise DomainError(
            "Chưa tự xếp loại.", field="proposed_level", rule="selfassessment.submit.no_level"
        )
    tasks = selectors.tasks_of(form)
    if tasks:
        evaluation_services.record_task_annex(
            actor=actor, evaluation_id=ev.pk, tasks=domain.annex_counts(tasks).tally()
        )
    evaluation_services.submit_self_assessment(
        actor=actor,
        evaluation_id=ev.pk,
        level=Level(form.proposed_level),
        points=dict(form.points),
        comment=f"Mẫu {form.form} (Hướng dẫn 43-HD/BTCTW)"
        + (f", nhập thay bởi {actor_label(actor)}" if form.entered_on_behalf else ""),
    )
    form.status = Status.SUBMITTED.value
    form.submitted_at = timezone.now()
    form.save(update_fields=["status", "submitted_at"])
    _audit(
        actor,
        "selfassessment.submit",
        form,
        f"Gửi Mẫu {form.form} tự xếp loại {Level(form.proposed_level).label}",
        {"status": form.status, "on_behalf": form.entered_on_behalf},
    )
    return form


@transaction.atomic
def return_to_author(*, actor: User | None, form_id: int, comment: str) -> SelfAssessment:
    """The cell returns a submitted form with its comment; the author edits and resubmits."""
    form = _locked(actor, form_id)
    ev = form.evaluation
    if not permissions.can_return_form(scope_for(actor), ev):
        raise PermissionDenied("Chỉ chi bộ được trả lại bản tự kiểm điểm.")
    domain.require_returnable(Status(form.status), comment)
    form.status = Status.RETURNED.value
    form.return_comment = comment.strip()
    form.save(update_fields=["status", "return_comment"])
    _tell_returned(actor, form, ev)
    _audit(
        actor,
        "selfassessment.return",
        form,
        f"Chi bộ trả lại Mẫu {form.form}",
        {"status": form.status, "comment": form.return_comment},
    )
    return form


def _tell_returned(actor: User | None, form: SelfAssessment, ev: Evaluation) -> None:
    """The author learns that the cell returned the form, with its comment and the deadline of
    the correction (the cell's own step, calendar.py): the member (with an account), or for a
    collective's form whoever wrote it; not the one returning it."""
    author_id = ev.member.user_id if ev.member is not None else form.entered_by_id
    if author_id is None or author_id == getattr(actor, "pk", None):
        return
    period = evaluation_selectors.period_label(ev.cycle)
    notifications.notify(
        user_ids=[author_id],
        kind=Kind.SELF_ASSESSMENT_RETURNED,
        text=(
            f"Chi bộ trả lại Mẫu {form.form} {period[:1].lower()}{period[1:]} để đồng chí sửa "
            f"và gửi lại: «{form.return_comment}»"
        ),
        url=reverse("selfassessment:form", args=[ev.pk]),
        due=evaluation_selectors.calendar_of(ev.cycle).returned_self_assessment_due,
    )


@transaction.atomic
def import_tasks(*, actor: User | None, form_id: int, path: Path) -> SelfAssessment:
    """Replace the annex with the tasks of a sheet (xlsx.read_tasks); nothing half-written."""
    from tongket.selfassessment.xlsx import read_tasks

    form = _locked(actor, form_id)
    _require_writer(actor, form.evaluation)
    domain.require_editable(Status(form.status))
    tasks = read_tasks(path)  # only for a writer: a reader's upload is never opened
    _write_tasks(form, tasks)
    _audit(
        actor,
        "selfassessment.tasks.import",
        form,
        f"Nhập {len(tasks)} nhiệm vụ vào phụ lục Mẫu {form.form}",
        {"tasks": len(tasks)},
    )
    return form


def parse_date(text: str, *, field_name: str) -> dt.date | None:
    """dd/mm/yyyy or yyyy-mm-dd; empty is None."""
    text = text.strip()
    if not text:
        return None
    try:
        return domain.read_date(text)
    except ValueError:
        raise DomainError(
            f"«{text}» không phải là ngày (dd/mm/yyyy).",
            field=field_name,
            rule="selfassessment.date.invalid",
        ) from None
