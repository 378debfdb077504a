"""REST API v1 for evaluation: cycles, evaluations and their tiers and decisions, read through the
evaluation selectors and written through the evaluation services (the same checks as the web)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet, Subquery
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.accounts.scope import Scope, scope_for
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.core.rules import Finding
from tongket.evaluation import permissions, selectors, services
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.forms import FACT_CHOICES, FACT_COUNTS, FACT_FLAGS
from tongket.evaluation.models import (
    Assessment,
    Cycle,
    Decision,
    DecisionStatus,
    Evaluation,
)
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    ORG_PARAM,
    READ_ERRORS,
    YEAR_PARAM,
    ApiViewSet,
    code_field,
    error_body,
    parse_id,
    parse_year,
    require,
    require_a_write_grant,
)

LEVEL_CHOICES = [(level.value, level.label) for level in Level.descending()]
OUTCOME_CHOICES = LEVEL_CHOICES + [
    (reason.value, f"Không xếp loại ({reason.label.lower()})") for reason in NotClassifiedReason
]
CYCLE_NOT_FOUND = "Không tìm thấy kỳ đánh giá."
EVALUATION_NOT_FOUND = "Không tìm thấy bản đánh giá."
RECLASSIFY_REFUSAL = "Chỉ cấp ủy cấp trên trực tiếp mới được hủy kết quả và xếp loại lại."

LEVEL_HELP = "Mức xếp loại: " + ", ".join(Level) + "; rỗng nếu không xếp loại."
REASON_HELP = "Lý do không xếp loại: " + ", ".join(NotClassifiedReason) + "; rỗng nếu có mức."

# --- serializers ---------------------------------------------------------------------------------


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
            "created_at",
        )
        read_only_fields = fields


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
        )
        read_only_fields = fields

    def get_facts(self, ev: Evaluation) -> dict[str, Any]:
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


class _Refused(Exception):
    """Raised inside the bulk transaction to undo every decision it wrote."""

    def __init__(self, refusals: list[dict[str, Any]]) -> None:
        super().__init__("refused")
        self.refusals = refusals


def _refusals(ev: Evaluation, exc: DomainError) -> list[dict[str, Any]]:
    subject = selectors.subject_code(ev)
    findings = list(exc.findings) or [
        Finding(rule=exc.rule, citation=exc.citation, message=exc.message)
    ]
    return [
        {
            "evaluation": ev.pk,
            "subject": subject,
            "rule": f.rule or "domain.refused",
            "field": exc.field,
            "message": f.message,
            "citation": f.citation,
            "severity": str(f.severity),
        }
        for f in findings
    ]


def decide_all(
    *,
    actor: Any,
    cycle: Cycle,
    items: list[dict[str, Any]],
    number: str,
    date: dt.date,
    reason: str,
) -> list[int]:
    """Every decision of the list through services.decide, in the order given (the quota counts
    the earlier ones), all or nothing: when any is refused nothing is written and _Refused lists
    every refusal. An evaluation the user may not see makes the whole request NotFound."""
    ids = [item["evaluation"] for item in items]
    found = {
        ev.pk: ev
        for ev in selectors.visible_evaluations(actor)
        .filter(pk__in=ids)
        .select_related("member", "organization")
    }
    if set(ids) - set(found):
        raise NotFound("Không tìm thấy bản đánh giá.")
    if not permissions.can_manage_cycle(scope_for(actor), cycle):
        raise PermissionDenied()
    refusals: list[dict[str, Any]] = []
    with transaction.atomic():
        for item in items:
            ev = found[item["evaluation"]]
            if ev.cycle_id != cycle.pk:
                refusals.append(
                    {
                        "evaluation": ev.pk,
                        "subject": selectors.subject_code(ev),
                        "rule": "evaluation.decision.other_cycle",
                        "field": "items",
                        "message": "Bản đánh giá này thuộc kỳ đánh giá khác.",
                        "citation": "",
                        "severity": "error",
                    }
                )
                continue
            try:
                services.decide(
                    actor=actor,
                    evaluation_id=ev.pk,
                    outcome=selectors.parse_outcome(item["outcome"]),
                    number=number,
                    date=date,
                    justification=item.get("justification") or reason,
                )
            except (NotFound, PermissionDenied, ConcurrentEdit):
                raise
            except DomainError as exc:
                refusals += _refusals(ev, exc)
        if refusals:
            raise _Refused(refusals)
    return ids


# --- viewsets ------------------------------------------------------------------------------------


def evaluations_for(user: Any) -> QuerySet[Evaluation]:
    """The evaluations the user sees, with their current tiers and decision prefetched."""
    return (
        selectors.visible_evaluations(user)
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


def _manages(scope: Scope, ev: Evaluation) -> bool:
    """Appraise, decide, correct: the office of the cycle's deciding organization."""
    return permissions.can_manage_cycle(scope, ev.cycle)


def _reclassifies(scope: Scope, ev: Evaluation) -> bool:
    """Cancel and reclassify: the directly superior committee."""
    return permissions.can_reclassify(scope, ev.cycle)


class CycleViewSet(ApiViewSet):
    serializer_class = CycleSerializer

    def get_queryset(self) -> QuerySet[Cycle]:
        # `org_path` is the organization's path, copied (kept by the services and the moves):
        # the order an index serves, with no join to sort (`eval_cycle_api_idx`).
        return selectors.visible_cycles(self.request.user).order_by(
            "-year", "quarter", "org_path", "id"
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
        cycles = self.in_organization(self.get_queryset(), "organization__path")
        return self.page(self.matching(cycles, year="year", status="status"))

    @extend_schema(parameters=[ID_PARAM], responses={200: CycleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        cycle = selectors.get_cycle(request.user, parse_id(pk, CYCLE_NOT_FOUND))
        return Response(self.get_serializer(cycle).data)

    @extend_schema(request=CycleOpenSerializer, responses={201: CycleSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(CycleOpenSerializer)
        cycle = services.open_cycle(
            actor=request.user,
            organization_code=data["organization"],
            year=data["year"],
            quarter=data.get("quarter"),
            params=data.get("params") or {},
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=cycle.pk)).data, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=BulkDecisionInput,
        responses={
            201: BulkDecisionResult,
            **ERRORS,
            400: OpenApiResponse(
                BulkErrorSerializer,
                description="Bị từ chối: không ghi quyết định nào; liệt kê mọi lần từ chối.",
            ),
            409: ERRORS[400],
        },
        description="Một quyết định (một số, một ngày) cho nhiều bản đánh giá của kỳ, ghi tất cả "
        "hoặc không ghi gì: mỗi bản được xét như một quyết định riêng, theo thứ tự gửi lên (tỷ lệ "
        "tính cả các bản trước); một bản bị từ chối thì không ghi bản nào và trả lời liệt kê mọi "
        "lần từ chối, kèm bản đánh giá, quy tắc và lý do.",
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, pk: str) -> Response:
        """One decision (one number and date) for many evaluations of the cycle, all or nothing:
        each is checked as a single decision would be, in the order given, so the quota counts
        the earlier ones; when any is refused nothing is written and the answer lists every
        refusal with its evaluation, rule and message."""
        cycle = selectors.get_cycle(request.user, parse_id(pk, CYCLE_NOT_FOUND))
        require(permissions.can_manage_cycle(self.scope, cycle))
        data = self.parsed(BulkDecisionInput)
        try:
            ids = decide_all(
                actor=request.user,
                cycle=cycle,
                items=data["items"],
                number=data["number"],
                date=data["date"],
                reason=data.get("justification", ""),
            )
        except _Refused as refused:
            first = refused.refusals[0]
            subjects = sorted({r["subject"] for r in refused.refusals})
            message = (
                f"Không ghi quyết định nào: {len(subjects)} bản đánh giá bị từ chối ("
                + ", ".join(subjects)
                + "). "
                + "; ".join(f"{r['subject']}: {r['message']}" for r in refused.refusals)
            )
            body = error_body(first["rule"], message, field="items", findings=refused.refusals)
            return Response(body, status=400)
        shown = {ev.pk: ev for ev in evaluations_for(request.user).filter(pk__in=ids)}
        results = [EvaluationSerializer(shown[i]).data for i in ids if i in shown]
        return Response({"count": len(results), "results": results}, status=201)


class EvaluationViewSet(ApiViewSet):
    serializer_class = EvaluationSerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        return evaluations_for(self.request.user)

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
            cycle = selectors.get_cycle(request.user, parse_id(params["cycle"], CYCLE_NOT_FOUND))
            evaluations = evaluations.filter(cycle=cycle)
        evaluations = self.in_organization(evaluations, "subject_path")
        evaluations = self.matching(evaluations, year="cycle__year", subject_kind="subject_kind")
        if params.get("year") and "\x00" not in params["year"]:
            # The year's cycles bound the cycle ids too (the same rows): without the bound,
            # PostgreSQL merges the evaluations in cycle order from the first cycle ever and
            # walks every earlier year's to reach this one (2.2 s at national size, now 0.1 s).
            first = Cycle.objects.filter(year=parse_year(params["year"])).order_by("id")
            evaluations = evaluations.filter(cycle_id__gte=Subquery(first.values("id")[:1]))
        return self.page(evaluations)

    @extend_schema(parameters=[ID_PARAM], responses={200: EvaluationSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        ev = selectors.get_evaluation(request.user, parse_id(pk, EVALUATION_NOT_FOUND))
        return self._fresh(ev.pk)

    def _evaluation(
        self, pk: str, allowed: Callable[[Scope, Evaluation], bool], refusal: str = ""
    ) -> Evaluation:
        """A visible evaluation (404 otherwise) the user may act on (403 otherwise), checked
        before the body is read; the services check again."""
        ev = selectors.get_evaluation(self.request.user, parse_id(pk, EVALUATION_NOT_FOUND))
        require(allowed(self.scope, ev), refusal)
        return ev

    @extend_schema(
        parameters=[ID_PARAM],
        request=SelfAssessmentInput,
        responses={201: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation(pk, permissions.can_self_assess).pk
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
        evaluation_id = self._evaluation(pk, permissions.can_propose).pk
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
        request=FactsInputSerializer,
        responses={200: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def facts(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation(pk, _manages).pk
        facts = FactsInputSerializer.to_facts(self.parsed(FactsInputSerializer))
        ev = services.record_facts(actor=request.user, evaluation_id=evaluation_id, facts=facts)
        return self._fresh(ev.pk)

    @extend_schema(
        parameters=[ID_PARAM],
        request=AppraisalInput,
        responses={201: EvaluationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def appraisal(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation(pk, _manages).pk
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
        evaluation_id = self._evaluation(pk, _manages).pk
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

    def _decision_id(self, ev: Evaluation, given: int | None) -> int:
        """The decision to correct: the one the client read, which must be this evaluation's,
        or else the evaluation's current decision."""
        if given is not None:
            if not ev.decisions.filter(pk=given).exists():
                raise NotFound("Không tìm thấy quyết định.")
            return given
        current = selectors.current_decision(ev)
        if current is None:
            raise DomainError(
                "Bản đánh giá này chưa có quyết định đang có hiệu lực để điều chỉnh.",
                field="decision",
                rule="evaluation.decision.not_current",
            )
        return current.pk

    @extend_schema(
        parameters=[ID_PARAM],
        request=CorrectionInput,
        responses={201: EvaluationSerializer, **ERRORS, 409: ERRORS[400]},
        description="Cấp quyết định điều chỉnh: quyết định mới thay thế quyết định đang có hiệu "
        "lực; quyết định cũ giữ nguyên, chỉ được đánh dấu là đã bị thay thế; mọi kiểm tra chạy "
        "lại.",
    )
    @action(detail=True, methods=["post"])
    def correction(self, request: Request, pk: str) -> Response:
        """A correction by the deciding body: a new decision supersedes the current one, which
        stays sealed and is only marked superseded; every check runs again."""
        ev = self._evaluation(pk, _manages)
        data = self.parsed(CorrectionInput)
        decision = services.supersede_decision(
            actor=request.user,
            decision_id=self._decision_id(ev, data.get("decision")),
            outcome=selectors.parse_outcome(data["outcome"]),
            number=data["number"],
            date=data["date"],
            reason=data["reason"],
            justification=data.get("justification", ""),
        )
        return self._fresh(decision.evaluation_id, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=CorrectionInput,
        responses={201: EvaluationSerializer, **ERRORS, 409: ERRORS[400]},
        description="Cấp ủy cấp trên trực tiếp hủy kết quả và xếp loại lại (qd124, qd366); theo "
        "qd132 thì bị từ chối với quy tắc qd132.reclassification.not_provided.",
    )
    @action(detail=True, methods=["post"])
    def reclassification(self, request: Request, pk: str) -> Response:
        """The directly superior committee cancels the result and reclassifies (qd124, qd366);
        under qd132 it is refused with `qd132.reclassification.not_provided`."""
        ev = self._evaluation(pk, _reclassifies, RECLASSIFY_REFUSAL)
        data = self.parsed(CorrectionInput)
        decision = services.cancel_and_reclassify(
            actor=request.user,
            decision_id=self._decision_id(ev, data.get("decision")),
            outcome=selectors.parse_outcome(data["outcome"]),
            number=data["number"],
            date=data["date"],
            reason=data["reason"],
            justification=data.get("justification", ""),
        )
        return self._fresh(decision.evaluation_id, status=201)
