"""REST API v1 for evaluation: cycles, evaluations and their tiers and decisions, read through the
evaluation selectors and written through the evaluation services (the same checks as the web)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.core.errors import NotFound
from tongket.evaluation import selectors, services
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.models import (
    Assessment,
    Cycle,
    Decision,
    DecisionStatus,
    Evaluation,
)
from tongket.exchange.api import ERRORS, READ_ERRORS, ApiViewSet
from tongket.people import selectors as people_selectors

LEVEL_CHOICES = [(level.value, level.label) for level in Level.descending()]
OUTCOME_CHOICES = LEVEL_CHOICES + [
    (reason.value, f"Không xếp loại ({reason.label.lower()})") for reason in NotClassifiedReason
]
# Ids beyond this cannot exist; refusing them early keeps huge numbers away from the database.
MAX_ID_DIGITS = 12


def _code(help_text: str, **kwargs: Any) -> serializers.CharField:
    """A read-only code as a plain string: several of them are blank when unused, which a
    documented enum would forbid, and their names collide with other apps' enums."""
    return serializers.CharField(read_only=True, help_text=help_text, **kwargs)


LEVEL_HELP = "Mức xếp loại: " + ", ".join(Level) + "; rỗng nếu không xếp loại."
REASON_HELP = "Lý do không xếp loại: " + ", ".join(NotClassifiedReason) + "; rỗng nếu có mức."

# --- serializers ---------------------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer[Cycle]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status = _code("open hoặc closed.")
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


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    tier = _code("self (tự đánh giá), cell (chi bộ đề xuất), committee (cấp ủy thẩm định).")
    level = _code(LEVEL_HELP)
    not_classified_reason = _code(REASON_HELP)
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
            "created_at",
        )
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    deciding_body = serializers.CharField(source="deciding_body.code", read_only=True)
    kind = _code("decision, correction hoặc reclassification.")
    level = _code(LEVEL_HELP)
    not_classified_reason = _code(REASON_HELP)
    status = _code("current, superseded hoặc cancelled.")

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
            "decided_by_label",
            "created_at",
        )
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    subject_code = serializers.SerializerMethodField(help_text="Số thẻ đảng viên hoặc mã tổ chức.")
    subject_name = serializers.SerializerMethodField()
    unit = serializers.CharField(
        source="unit.code", read_only=True, help_text="Chi bộ hoặc cấp trên."
    )
    subject_kind = _code("member hoặc organization.")
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    quarter = serializers.IntegerField(source="cycle.quarter", read_only=True, allow_null=True)
    assessments = serializers.SerializerMethodField(help_text="Ý kiến hiện hành của từng cấp.")
    decision = serializers.SerializerMethodField(help_text="Quyết định đang có hiệu lực.")

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
        )
        read_only_fields = fields

    def get_subject_code(self, ev: Evaluation) -> str:
        return selectors.subject_code(ev)

    def get_subject_name(self, ev: Evaluation) -> str:
        return selectors.subject_name(ev)

    @extend_schema_field(AssessmentSerializer(many=True))
    def get_assessments(self, ev: Evaluation) -> list[dict[str, Any]]:
        found: list[Assessment] | None = getattr(ev, "current_assessments", None)
        rows = list(ev.assessments.filter(is_current=True)) if found is None else found
        return [dict(AssessmentSerializer(a).data) for a in rows]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, ev: Evaluation) -> dict[str, Any] | None:
        found: list[Decision] | None = getattr(ev, "current_decisions", None)
        decision = selectors.current_decision(ev) if found is None else next(iter(found), None)
        return dict(DecisionSerializer(decision).data) if decision is not None else None


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


# --- viewsets ------------------------------------------------------------------------------------


def _id(value: str, message: str) -> int:
    if not value.isdigit() or len(value) > MAX_ID_DIGITS:
        raise NotFound(message)
    return int(value)


def _year(value: str) -> int:
    if not value.isdigit() or len(value) > 4:
        raise serializers.ValidationError({"year": ["Năm phải là số có tối đa 4 chữ số."]})
    return int(value)


ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Mã số (số nguyên).")
ORG_PARAM = OpenApiParameter(
    "organization", str, description="Mã tổ chức: chỉ những gì thuộc cây tổ chức này."
)
YEAR_PARAM = OpenApiParameter("year", str, description="Năm đánh giá, ví dụ 2021.")


class CycleViewSet(ApiViewSet):
    serializer_class = CycleSerializer

    def get_queryset(self) -> QuerySet[Cycle]:
        return selectors.visible_cycles(self.request.user).order_by(
            "-year", "quarter", "organization__path", "id"
        )

    @extend_schema(
        parameters=[
            ORG_PARAM,
            YEAR_PARAM,
            OpenApiParameter("status", str, description="open hoặc closed."),
        ],
        responses={200: CycleSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
    )
    def list(self, request: Request) -> Response:
        cycles = self.get_queryset()
        params = request.query_params
        if params.get("organization"):
            org = people_selectors.get_organization(request.user, params["organization"])
            cycles = cycles.filter(organization__path__startswith=org.path)
        if params.get("year"):
            cycles = cycles.filter(year=_year(params["year"]))
        if params.get("status"):
            cycles = cycles.filter(status=params["status"])
        return self.page(cycles)

    @extend_schema(parameters=[ID_PARAM], responses={200: CycleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        cycle = selectors.get_cycle(request.user, _id(pk, "Không tìm thấy kỳ đánh giá."))
        return Response(self.get_serializer(cycle).data)

    @extend_schema(request=CycleOpenSerializer, responses={201: CycleSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data = self.parsed(CycleOpenSerializer)
        cycle = services.open_cycle(
            actor=request.user,
            organization_code=data["organization"],
            year=data["year"],
            quarter=data.get("quarter"),
            params=data.get("params") or {},
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=cycle.pk)).data, status=201)


class EvaluationViewSet(ApiViewSet):
    serializer_class = EvaluationSerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        return (
            selectors.visible_evaluations(self.request.user)
            .select_related("cycle", "member", "organization", "unit")
            .prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=Assessment.objects.filter(is_current=True).order_by("tier"),
                    to_attr="current_assessments",
                ),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.filter(status=DecisionStatus.CURRENT).select_related(
                        "deciding_body"
                    ),
                    to_attr="current_decisions",
                ),
            )
            .order_by("cycle_id", "subject_kind", "subject_path", "id")
        )

    def _fresh(self, evaluation_id: int, status: int = 200) -> Response:
        ev = self.get_queryset().get(pk=evaluation_id)
        return Response(self.get_serializer(ev).data, status=status)

    @extend_schema(
        parameters=[
            OpenApiParameter("cycle", str, description="Mã số kỳ đánh giá."),
            ORG_PARAM,
            YEAR_PARAM,
            OpenApiParameter("subject_kind", str, description="member hoặc organization."),
        ],
        responses={200: EvaluationSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
    )
    def list(self, request: Request) -> Response:
        evaluations = self.get_queryset()
        params = request.query_params
        if params.get("cycle"):
            cycle = selectors.get_cycle(
                request.user, _id(params["cycle"], "Không tìm thấy kỳ đánh giá.")
            )
            evaluations = evaluations.filter(cycle=cycle)
        if params.get("organization"):
            org = people_selectors.get_organization(request.user, params["organization"])
            evaluations = evaluations.filter(subject_path__startswith=org.path)
        if params.get("year"):
            evaluations = evaluations.filter(cycle__year=_year(params["year"]))
        if params.get("subject_kind"):
            evaluations = evaluations.filter(subject_kind=params["subject_kind"])
        return self.page(evaluations)

    @extend_schema(parameters=[ID_PARAM], responses={200: EvaluationSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        ev = selectors.get_evaluation(request.user, _id(pk, "Không tìm thấy bản đánh giá."))
        return self._fresh(ev.pk)

    def _evaluation_id(self, pk: str) -> int:
        return _id(pk, "Không tìm thấy bản đánh giá.")

    @extend_schema(
        parameters=[ID_PARAM],
        request=SelfAssessmentInput,
        responses={201: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation_id(pk)
        data = self.parsed(SelfAssessmentInput)
        level = data.get("level")
        row = services.submit_self_assessment(
            actor=request.user,
            evaluation_id=evaluation_id,
            level=Level(level) if level else None,
            grades=data.get("grades") or {},
            points=data.get("points") or {},
            comment=data.get("comment", ""),
        )
        return self._fresh(row.evaluation_id, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=ProposalInput,
        responses={201: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def proposal(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation_id(pk)
        data = self.parsed(ProposalInput)
        row = services.record_proposal(
            actor=request.user,
            evaluation_id=evaluation_id,
            outcome=selectors.parse_outcome(data["outcome"]),
            comment=data.get("comment", ""),
        )
        return self._fresh(row.evaluation_id, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=AppraisalInput,
        responses={201: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def appraisal(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation_id(pk)
        data = self.parsed(AppraisalInput)
        row = services.record_appraisal(
            actor=request.user,
            evaluation_id=evaluation_id,
            outcome=selectors.parse_outcome(data["outcome"]),
            comment=data.get("comment", ""),
            grades=data.get("grades") or {},
            points=data.get("points") or {},
        )
        return self._fresh(row.evaluation_id, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=DecisionInput,
        responses={201: EvaluationSerializer, **ERRORS, 409: ERRORS[400]},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation_id(pk)
        data = self.parsed(DecisionInput)
        decision = services.decide(
            actor=request.user,
            evaluation_id=evaluation_id,
            outcome=selectors.parse_outcome(data["outcome"]),
            number=data["number"],
            date=data["date"],
            justification=data.get("justification", ""),
        )
        return self._fresh(decision.evaluation_id, status=201)
