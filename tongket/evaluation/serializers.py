"""Shapes of the evaluation API: output serializers over cycles, evaluations, their tiers and
decisions, and input serializers that only parse (every rule is in tongket.evaluation.services)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import (
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.fields import SerializerMethodField as MethodField
from rest_framework.relations import PKOnlyObject

from tongket.evaluation import permissions, selectors, services
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.forms import FACT_CHOICES, FACT_COUNTS, FACT_FLAGS
from tongket.evaluation.models import (
    DISCIPLINE_CHOICES,
    Assessment,
    Cycle,
    Decision,
    Evaluation,
)
from tongket.exchange.api import (
    code_field,
)

LEVEL_CHOICES = [(level.value, level.label) for level in Level.descending()]
OUTCOME_CHOICES = LEVEL_CHOICES + [
    (reason.value, f"Không xếp loại ({reason.label.lower()})") for reason in NotClassifiedReason
]
LEVEL_HELP = "Mức xếp loại: " + ", ".join(Level) + "; rỗng nếu không xếp loại."
REASON_HELP = "Lý do không xếp loại: " + ", ".join(NotClassifiedReason) + "; rỗng nếu có mức."


class CycleSerializer(serializers.ModelSerializer[Cycle]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status = code_field("open hoặc closed.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    params = serializers.DictField(
        read_only=True, help_text="Tham số bộ quy tắc đã điều chỉnh khi mở kỳ."
    )

    class Meta:
        model = Cycle
        fields = (
            "id",
            "organization",
            "organization_name",
            "year",
            "quarter",
            "profile_id",
            "params",
            "status",
            "status_label",
            "opened_at",
        )
        read_only_fields = fields


class CycleOpenSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(max_length=100, help_text="Mã tổ chức mở kỳ.")
    year = serializers.IntegerField(min_value=1930, max_value=2200)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    params = serializers.DictField(
        required=False,
        help_text='Điều chỉnh tham số của bộ quy tắc, ví dụ {"quota_enforcement": "warn"}.',
    )


AnyField = Field[Any, Any, Any, Any]


def built_once(
    owner: type[serializers.BaseSerializer[Any]], build: Callable[[], dict[str, AnyField]]
) -> dict[str, AnyField]:
    """The fields of a serializer `owner`: built by `build` (DRF's `get_fields`) on the first
    instance only, then a shallow copy of each for every instance, which binds its own (DRF
    deep-copies the declared fields and introspects the model's for every instance: a tenth of
    a decision's CPU, issue 22). Only for serializers whose fields depend on their class alone,
    never on the instance, its context or a request, and keep no state of their own while they
    serialize or validate (no nested serializer as a field)."""
    built: dict[str, AnyField] | None = owner.__dict__.get("_built_fields")
    if built is None:
        built = build()
        setattr(owner, "_built_fields", built)  # noqa: B010 - on this class, not a subclass
    return {name: _shallow_copy(field) for name, field in built.items()}


def _shallow_copy(field: AnyField) -> AnyField:
    """`copy.copy` without its generic machinery: a new field of the class with the same
    attributes (DRF's `Field.__new__` only records the arguments, which the copy carries)."""
    clone: AnyField = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


def represent(serializer: serializers.Serializer[Any], instance: Any) -> dict[str, Any]:
    """What DRF's `Serializer.to_representation` gives (the same keys, values and order), from
    fields bound once per class to a serializer that never serializes: a method field calls
    `serializer`'s method, so its context is this request's; the others read only the instance
    (issue 22: DRF builds and binds every field of every serializer instance, three of them
    for one evaluation's answer). For output serializers whose fields keep no state."""
    owner = type(serializer)
    plan: list[tuple[str, AnyField, str | None]] | None = owner.__dict__.get("_readable_plan")
    if plan is None:
        plan = []
        for name, field in owner().fields.items():
            if field.write_only:
                continue
            method = field.method_name if isinstance(field, MethodField) else None
            plan.append((name, field, method))
        setattr(owner, "_readable_plan", plan)  # noqa: B010 - on this class, not a subclass
    ret: dict[str, Any] = {}
    for name, field, method in plan:
        if method is not None:
            ret[name] = getattr(serializer, method)(instance)
            continue
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            continue
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        ret[name] = None if check is None else field.to_representation(attribute)
    return ret


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    tier = code_field("self (tự đánh giá), cell (chi bộ đề xuất), committee (cấp ủy thẩm định).")
    level = code_field(LEVEL_HELP)
    not_classified_reason = code_field(REASON_HELP)
    grades = serializers.DictField(child=serializers.CharField(), read_only=True)
    points = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Assessment
        fields = (
            "id",
            "tier",
            "level",
            "not_classified_reason",
            "grades",
            "points",
            "comment",
            "author_label",
            "on_behalf",
            "created_at",
        )
        read_only_fields = fields

    def to_representation(self, instance: Assessment) -> dict[str, Any]:
        return represent(self, instance)


# Component names say "evaluation": other apps have decisions and corrections too.
@extend_schema_serializer(component_name="EvaluationDecision")
class DecisionSerializer(serializers.ModelSerializer[Decision]):
    deciding_body = serializers.CharField(source="deciding_body.code", read_only=True)
    kind = code_field("decision, correction hoặc reclassification.")
    level = code_field(LEVEL_HELP)
    not_classified_reason = code_field(REASON_HELP)
    status = code_field("current, superseded hoặc cancelled.")
    supersedes = serializers.IntegerField(
        source="supersedes_id",
        read_only=True,
        allow_null=True,
        help_text="Quyết định mà quyết định này thay thế hoặc hủy.",
    )
    reason = serializers.CharField(read_only=True, help_text="Lý do điều chỉnh hoặc hủy.")

    class Meta:
        model = Decision
        fields = (
            "id",
            "kind",
            "number",
            "date",
            "deciding_body",
            "level",
            "not_classified_reason",
            "justification",
            "status",
            "supersedes",
            "reason",
            "decided_by_label",
            "created_at",
        )
        read_only_fields = fields

    def to_representation(self, instance: Decision) -> dict[str, Any]:
        return represent(self, instance)


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    subject_code = serializers.SerializerMethodField(help_text="Số thẻ đảng viên hoặc mã tổ chức.")
    subject_name = serializers.SerializerMethodField()
    unit = serializers.CharField(
        source="unit.code", read_only=True, help_text="Chi bộ hoặc cấp trên."
    )
    subject_kind = code_field("member hoặc organization.")
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    quarter = serializers.IntegerField(source="cycle.quarter", read_only=True, allow_null=True)
    assessments = serializers.SerializerMethodField(help_text="Ý kiến hiện hành của từng cấp.")
    decision = serializers.SerializerMethodField(help_text="Quyết định đang có hiệu lực.")
    facts = serializers.SerializerMethodField(
        help_text="Dữ kiện các quy tắc đọc (ghi bằng POST …/facts/)."
    )
    findings = serializers.SerializerMethodField(
        help_text="Cảnh báo đã chấp nhận khi ra quyết định đang có hiệu lực (chỉ cấp quyết định)."
    )

    class Meta:
        model = Evaluation
        fields = (
            "id",
            "cycle",
            "year",
            "quarter",
            "subject_kind",
            "subject_code",
            "subject_name",
            "unit",
            "assessments",
            "decision",
            "facts",
            "findings",
        )
        read_only_fields = fields

    def to_representation(self, instance: Evaluation) -> dict[str, Any]:
        return represent(self, instance)

    def get_facts(self, ev: Evaluation) -> dict[str, Any]:
        """The facts go only to who records them (the deciding organization's office), as the
        web shows them only on the facts page: a fellow member or a superior reader does not
        learn who is suspended, disciplined or on leave."""
        scope = self.context.get("scope")
        if scope is None or not permissions.can_manage_cycle(scope, ev.cycle):
            return {}
        names = (*FACT_FLAGS, *FACT_COUNTS, *FACT_CHOICES)
        return {
            name: str(value) if isinstance(value, Decimal) else value
            for name in names
            for value in (getattr(ev, name),)
        }

    def get_subject_code(self, ev: Evaluation) -> str:
        return selectors.subject_code(ev)

    def get_subject_name(self, ev: Evaluation) -> str:
        return selectors.subject_name(ev)

    @extend_schema_field(AssessmentSerializer(many=True))
    def get_assessments(self, ev: Evaluation) -> list[dict[str, Any]]:
        found: list[Assessment] | None = getattr(ev, "current_assessments", None)
        rows = list(ev.assessments.filter(is_current=True)) if found is None else found
        return [dict(AssessmentSerializer(a).data) for a in rows]

    def _current(self, ev: Evaluation) -> Decision | None:
        found: list[Decision] | None = getattr(ev, "current_decisions", None)
        return selectors.current_decision(ev) if found is None else next(iter(found), None)

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, ev: Evaluation) -> dict[str, Any] | None:
        decision = self._current(ev)
        return dict(DecisionSerializer(decision).data) if decision is not None else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_findings(self, ev: Evaluation) -> list[dict[str, str]]:
        """The warnings the deciding body accepted with the current decision (a missing step of
        Điều 12, a quota overrun…), only to who manages the cycle, as the facts."""
        scope = self.context.get("scope")
        if scope is None or not permissions.can_manage_cycle(scope, ev.cycle):
            return []
        decision = self._current(ev)
        return list(decision.findings) if decision is not None else []


class RatingsInput(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    grades = serializers.DictField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text="Mức đạt từng tiêu chí (qd132, qd124), theo mã tiêu chí.",
    )
    points = serializers.DictField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="Điểm từng tiêu chí (qd366), số thập phân viết dạng chuỗi, theo mã tiêu chí.",
    )


class SelfAssessmentInput(RatingsInput):
    level = serializers.ChoiceField(
        choices=LEVEL_CHOICES, required=False, allow_null=True, help_text="Mức tự nhận."
    )


class ProposalInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AppraisalInput(RatingsInput):
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)


class FactsInputSerializer(serializers.Serializer[Any]):
    """The facts the rules read (issue 24 item 5): the same fields, checks and audit as the web
    form (`services.record_facts`); an omitted field is left unchanged. Under qd366 the task
    shares come from these counts, never from typed percentages."""

    civil_service_level = serializers.ChoiceField(
        choices=[("", "—"), *LEVEL_CHOICES], required=False, allow_blank=True
    )
    same_level_bodies_level = serializers.ChoiceField(
        choices=LEVEL_CHOICES, required=False, help_text="Kết quả của cơ quan (QĐ 366, Điều 12)."
    )
    leadership_discipline = serializers.CharField(required=False, allow_blank=True, max_length=20)
    sick_leave_months = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal(0), required=False
    )
    peer_group = serializers.CharField(required=False, allow_blank=True, max_length=80)
    temporary_cell = serializers.CharField(required=False, allow_blank=True, max_length=255)
    temporary_cell_comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000
    )
    discipline_form = serializers.ChoiceField(
        choices=[("", "—"), *DISCIPLINE_CHOICES],
        required=False,
        allow_blank=True,
        help_text="Hình thức kỷ luật (QĐ 366, Điều 11.4; tập thể: của thành viên lãnh đạo).",
    )
    discipline_date = serializers.DateField(
        required=False, allow_null=True, help_text="Ngày xảy ra vi phạm (null: xóa)."
    )
    discipline_unit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Mã đơn vị nơi xảy ra vi phạm (trống: đơn vị này).",
    )
    competent_justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Lý do cấp có thẩm quyền xem xét (tự khắc phục, bất khả kháng).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FACT_FLAGS:
            self.fields[name] = serializers.BooleanField(required=False)
        for name in FACT_COUNTS:
            self.fields[name] = serializers.IntegerField(required=False, min_value=0)

    @staticmethod
    def to_facts(validated: dict[str, Any]) -> services.FactsInput:
        data = dict(validated)
        level = data.pop("civil_service_level", None)
        bodies = data.pop("same_level_bodies_level", None)
        if "discipline_date" in data and data["discipline_date"] is None:
            data.pop("discipline_date")
            data["clear_discipline_date"] = True
        return services.FactsInput(
            civil_service_level=Level(level) if level else None,
            clear_civil_service_level=level == "",
            same_level_bodies_level=Level(bodies) if bodies else None,
            **data,
        )


@extend_schema_serializer(component_name="EvaluationDecisionInput")
class DecisionInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    number = serializers.CharField(max_length=40, help_text="Số quyết định.")
    date = serializers.DateField(help_text="Ngày quyết định.")
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Lý do của cấp quyết định (bắt buộc khi vượt tỷ lệ ở chế độ cảnh báo).",
    )

    def get_fields(self) -> dict[str, AnyField]:
        return built_once(type(self), super().get_fields)


MAX_BULK = 500


class BulkDecisionItem(serializers.Serializer[Any]):
    evaluation = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Lý do riêng cho đánh giá này; bỏ trống thì dùng lý do chung.",
    )


class BulkDecisionInput(serializers.Serializer[Any]):
    number = serializers.CharField(
        max_length=40, help_text="Số quyết định (chung cho cả danh sách)."
    )
    date = serializers.DateField(help_text="Ngày quyết định.")
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Lý do chung của cấp quyết định (khi vượt tỷ lệ ở chế độ cảnh báo).",
    )
    items = serializers.ListField(
        child=BulkDecisionItem(),
        min_length=1,
        max_length=MAX_BULK,
        help_text="Các bản đánh giá cần quyết định, xét theo thứ tự này.",
    )


class RefusalSerializer(serializers.Serializer[Any]):
    evaluation = serializers.IntegerField(help_text="Mã số bản đánh giá bị từ chối.")
    subject = serializers.CharField(help_text="Số thẻ đảng viên hoặc mã tổ chức.")
    rule = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()
    citation = serializers.CharField()
    severity = serializers.CharField()


class BulkErrorDetailSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField(help_text="Quy tắc của lần từ chối đầu tiên.")
    field = serializers.CharField()
    message = serializers.CharField()
    findings = RefusalSerializer(many=True, help_text="Mọi lần từ chối, mỗi đánh giá một hoặc vài.")


class BulkErrorSerializer(serializers.Serializer[Any]):
    error = BulkErrorDetailSerializer()


class BulkDecisionResult(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = EvaluationSerializer(many=True)


@extend_schema_serializer(component_name="EvaluationCorrectionInput")
class CorrectionInput(DecisionInput):
    decision = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Mã số quyết định đang có hiệu lực đã đọc; bỏ trống: quyết định hiện hành.",
    )
    reason = serializers.CharField(max_length=5000, help_text="Lý do điều chỉnh hoặc hủy.")


def refusal_json(refusal: services.Refusal) -> dict[str, Any]:
    f = refusal.finding
    return {
        "evaluation": refusal.evaluation_id,
        "subject": f.subject,
        "rule": f.rule or "domain.refused",
        "field": refusal.field,
        "message": f.message,
        "citation": f.citation,
        "severity": str(f.severity),
    }
