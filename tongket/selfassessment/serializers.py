"""Shapes of the self-assessment API: output over plain dicts built from the selectors (the
member named by `people.serializers.person`, so a card number shows only to its readers) and
input serializers that only parse (every rule is in tongket.selfassessment.services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tongket.accounts.scope import Scope
from tongket.criteria.domain import leaves
from tongket.evaluation.domain import Level
from tongket.exchange.api import MAX_ID
from tongket.people.serializers import PersonSerializer, person
from tongket.selfassessment import domain, permissions, selectors
from tongket.selfassessment.domain import RemedyState, Status
from tongket.selfassessment.models import SelfAssessment

LEVELS = [level.value for level in Level.descending()]


class SelfAssessmentFormSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    evaluation = serializers.IntegerField(help_text="Mã số bản đánh giá.")
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    form = serializers.CharField(help_text="Mẫu 01, 2A, 2B hoặc 2C (Hướng dẫn 43-HD/BTCTW).")
    form_title = serializers.CharField()
    member = PersonSerializer(allow_null=True, help_text="Đảng viên tự kiểm điểm.")
    organization = serializers.CharField(
        allow_null=True, help_text="Mã tổ chức tự kiểm điểm (Mẫu 01); null với đảng viên."
    )
    unit = serializers.CharField(help_text="Mã chi bộ xem xét.")
    criteria_set = serializers.IntegerField(help_text="Bộ tiêu chí (phiên bản) đã chấm.")
    appendix = serializers.CharField()
    status = serializers.CharField(help_text="draft, submitted hoặc returned.")
    status_label = serializers.CharField()
    proposed_level = serializers.CharField(help_text="Tự xếp loại; rỗng nếu chưa chọn.")
    return_comment = serializers.CharField(help_text="Ý kiến của chi bộ khi trả lại.")
    entered_on_behalf = serializers.BooleanField(help_text="Do người khác nhập thay.")
    entered_by_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class FormRemedySerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=2000)
    state = serializers.ChoiceField(choices=[s.value for s in RemedyState])


class FormRemedyOutSerializer(FormRemedySerializer):
    state_label = serializers.CharField()


class FormCriterionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    section = serializers.CharField(help_text="general (30 điểm) hoặc tasks (70 điểm).")
    max = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    scored = serializers.BooleanField(help_text="Tiêu chí được chấm điểm (không có tiêu chí con).")
    value = serializers.CharField(help_text="Điểm tự chấm; rỗng nếu chưa chấm.")


class AnnexTaskSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=500)
    due_on = serializers.DateField()
    done_on = serializers.DateField(required=False, allow_null=True)
    quality_ok = serializers.BooleanField(required=False, default=True)
    exceeded = serializers.BooleanField(required=False, default=False)


class FormScoreSerializer(serializers.Serializer[Any]):
    general = serializers.DecimalField(max_digits=6, decimal_places=2)
    tasks = serializers.DecimalField(max_digits=6, decimal_places=2)
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    level = serializers.CharField(help_text="Mức xếp loại mà số điểm cho phép.")
    level_label = serializers.CharField()
    complete = serializers.BooleanField(help_text="Mọi tiêu chí đều đã chấm.")


class AnnexCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    exceeded = serializers.IntegerField()
    not_completed = serializers.IntegerField()


class SelfAssessmentFormDetailSerializer(SelfAssessmentFormSerializer):
    strengths_politics = serializers.CharField()
    strengths_ethics = serializers.CharField()
    strengths_duties = serializers.CharField()
    commitment = serializers.CharField()
    shortcomings = serializers.CharField()
    explanations = serializers.CharField()
    responsibility = serializers.CharField()
    direction = serializers.CharField()
    remedies = FormRemedyOutSerializer(many=True, help_text="A.III. Khắc phục hạn chế đã chỉ ra.")
    criteria = FormCriterionSerializer(many=True, help_text="Phần B: tiêu chí và điểm tự chấm.")
    score = FormScoreSerializer()
    tasks = AnnexTaskSerializer(many=True, help_text="Phụ lục kết quả thực hiện nhiệm vụ.")
    annex_counts = AnnexCountsSerializer()
    can_write = serializers.BooleanField()
    can_return = serializers.BooleanField()


def form_row(form: SelfAssessment, scope: Scope) -> dict[str, Any]:
    ev = form.evaluation
    return {
        "id": form.pk,
        "evaluation": ev.pk,
        "year": ev.cycle.year,
        "quarter": ev.cycle.quarter,
        "form": form.form,
        "form_title": domain.FormKind(form.form).heading,
        "member": person(ev.member, scope),
        "organization": ev.organization.code if ev.member is None and ev.organization else None,
        "unit": ev.unit.code if ev.unit else "",
        "criteria_set": form.criteria_set_id,
        "appendix": form.criteria_set.appendix,
        "status": form.status,
        "status_label": Status(form.status).label,
        "proposed_level": form.proposed_level,
        "return_comment": form.return_comment,
        "entered_on_behalf": form.entered_on_behalf,
        "entered_by_label": form.entered_by_label,
        "submitted_at": form.submitted_at,
        "updated_at": form.updated_at,
    }


def form_detail(form: SelfAssessment, scope: Scope) -> dict[str, Any]:
    ev = form.evaluation
    nodes = selectors.nodes_for(form)
    scored = {n.code for n in leaves(nodes)}
    score = selectors.score_of(form, nodes)
    tasks = selectors.tasks_of(form)
    counts = domain.annex_counts(tasks)
    status = Status(form.status)
    can_write = permissions.can_write_form(scope, ev)
    return {
        **form_row(form, scope),
        **{name: getattr(form, name) for name in domain.PART_A},
        "remedies": [
            {"text": text, "state": state.value, "state_label": state.label}
            for text, state in selectors.remedy_rows(form)
        ],
        "criteria": [
            {
                "code": n.code,
                "title": n.title,
                "section": n.section.value,
                "max": n.points,
                "scored": n.code in scored,
                "value": str(form.points.get(n.code, "")),
            }
            for n in nodes
        ],
        "score": {
            "general": score.general,
            "tasks": score.tasks,
            "total": score.total,
            "level": score.level.value,
            "level_label": score.level.label,
            "complete": score.complete,
        },
        "tasks": [
            {
                "title": t.title,
                "due_on": t.due_on,
                "done_on": t.done_on,
                "quality_ok": t.quality_ok,
                "exceeded": t.exceeded,
            }
            for t in tasks
        ],
        "annex_counts": {
            "total": counts.total,
            "on_time": counts.on_time,
            "late": counts.late,
            "exceeded": counts.exceeded,
            "not_completed": counts.not_completed,
        },
        "can_write": can_write and status is not Status.SUBMITTED,
        "can_return": status is Status.SUBMITTED and permissions.can_return_form(scope, ev),
    }


class SelfAssessmentDraftInput(serializers.Serializer[Any]):
    """A draft: only the parts sent change (the remedies, points and tasks sent replace theirs)."""

    strengths_politics = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    strengths_ethics = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    strengths_duties = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    commitment = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    shortcomings = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    explanations = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    responsibility = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    direction = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    remedies = serializers.ListField(child=FormRemedySerializer(), required=False, max_length=500)
    points = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20),
        required=False,
        help_text='Điểm theo mã tiêu chí, ví dụ {"1.1": "4", "5.1": "18,5"}.',
    )
    proposed_level = serializers.ChoiceField(
        choices=LEVELS, required=False, allow_blank=True, help_text="Tự xếp loại."
    )
    tasks = serializers.ListField(child=AnnexTaskSerializer(), required=False, max_length=500)


class SelfAssessmentStartInput(SelfAssessmentDraftInput):
    evaluation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Bản đánh giá của năm (hoặc quý) cần tự kiểm điểm."
    )


class FormReturnInput(serializers.Serializer[Any]):
    comment = serializers.CharField(max_length=5000, help_text="Ý kiến của chi bộ (bắt buộc).")
