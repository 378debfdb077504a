"""REST API v1 for evaluation: cycles, evaluations and their tiers and decisions, read through the
evaluation selectors and written through the evaluation services (the same checks as the web)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet, Subquery
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.accounts.scope import Scope
from tongket.core.errors import DomainError, NotFound
from tongket.core.text import join_sentences
from tongket.evaluation import permissions, selectors, services
from tongket.evaluation.domain import Level
from tongket.evaluation.models import (
    Assessment,
    Cycle,
    Decision,
    DecisionStatus,
    Evaluation,
)
from tongket.evaluation.serializers import (
    AppraisalInput,
    BulkDecisionInput,
    BulkDecisionResult,
    BulkErrorSerializer,
    CorrectionInput,
    CycleOpenSerializer,
    CycleSerializer,
    DecisionInput,
    EvaluationSerializer,
    FactsInputSerializer,
    ProposalInput,
    SelfAssessmentInput,
    refusal_json,
)
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    ORG_PARAM,
    YEAR_PARAM,
    ApiViewSet,
    detail_schema,
    error_body,
    list_schema,
    parse_id,
    parse_year,
    require,
    require_a_write_grant,
    write_schema,
)

CYCLE_NOT_FOUND = "Không tìm thấy kỳ đánh giá."
EVALUATION_NOT_FOUND = "Không tìm thấy bản đánh giá."
RECLASSIFY_REFUSAL = "Chỉ cấp ủy cấp trên trực tiếp mới được hủy kết quả và xếp loại lại."


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


def decision_schema(request: type, description: str | None = None) -> Callable[[Any], Any]:
    """The schema of a write that records a decision: the evaluation answered (201), or refused
    (400), or written meanwhile by someone else (409)."""
    return extend_schema(
        parameters=[ID_PARAM],
        request=request,
        responses={201: EvaluationSerializer, **ERRORS, 409: ERRORS[400]},
        description=description,
    )


class CycleViewSet(ApiViewSet):
    serializer_class = CycleSerializer

    def get_queryset(self) -> QuerySet[Cycle]:
        # `org_path` is the organization's path, copied (kept by the services and the moves):
        # the order an index serves, with no join to sort (`eval_cycle_api_idx`).
        return selectors.visible_cycles(self.request.user).order_by(
            "-year", "quarter", "org_path", "id"
        )

    @list_schema(
        CycleSerializer,
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("status", str, description="open hoặc closed."),
    )
    def list(self, request: Request) -> Response:
        cycles = self.in_organization(self.get_queryset(), "organization__path")
        return self.page(self.matching(cycles, year="year", status="status"))

    @detail_schema(CycleSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        cycle = selectors.get_cycle(request.user, parse_id(pk, CYCLE_NOT_FOUND))
        return Response(self.get_serializer(cycle).data)

    @write_schema(CycleOpenSerializer, CycleSerializer, 201, by_id=False)
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
        "hoặc không ghi gì: tỷ lệ Hoàn thành xuất sắc nhiệm vụ tính trên kết quả của cả danh "
        "sách như khi đã ghi; các điều kiện khác xét từng bản theo thứ tự gửi lên; một bản bị "
        "từ chối thì không ghi bản nào và trả lời liệt kê mọi lần từ chối, kèm bản đánh giá, "
        "quy tắc và lý do.",
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, pk: str) -> Response:
        """One decision (one number and date) for many evaluations of the cycle, all or nothing,
        through `services.decide_many`: the quota counts the whole list as its result would
        stand; the other checks run per evaluation in the order given. When any is refused
        nothing is written and the answer lists every refusal with its evaluation, rule and
        message."""
        cycle = selectors.get_cycle(request.user, parse_id(pk, CYCLE_NOT_FOUND))
        require(permissions.can_manage_cycle(self.scope, cycle))
        data = self.parsed(BulkDecisionInput)
        ids = [item["evaluation"] for item in data["items"]]
        try:
            services.decide_many(
                actor=request.user,
                cycle_id=cycle.pk,
                items=[
                    services.DecisionItem(
                        item["evaluation"],
                        selectors.parse_outcome(item["outcome"]),
                        justification=item.get("justification") or "",
                    )
                    for item in data["items"]
                ],
                number=data["number"],
                date=data["date"],
                justification=data.get("justification", ""),
            )
        except services.BatchRefused as refused:
            refusals = [refusal_json(r) for r in refused.refusals]
            subjects = sorted({r["subject"] for r in refusals})
            message = (
                f"Không ghi quyết định nào: {len(subjects)} bản đánh giá bị từ chối ("
                + ", ".join(subjects)
                + "). "
                + join_sentences(f"{r['subject']}: {r['message']}" for r in refusals)
            )
            body = error_body(refusals[0]["rule"], message, field="items", findings=refusals)
            return Response(body, status=400)
        # The cycle's organization with them: whether the reader manages it (the facts) is
        # asked of every evaluation answered.
        answered = evaluations_for(request.user).filter(pk__in=ids)
        shown = {ev.pk: ev for ev in answered.select_related("cycle__organization")}
        context = self.get_serializer_context()
        results = [EvaluationSerializer(shown[i], context=context).data for i in ids if i in shown]
        return Response({"count": len(results), "results": results}, status=201)


class EvaluationViewSet(ApiViewSet):
    serializer_class = EvaluationSerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        return evaluations_for(self.request.user)

    def _fresh(self, evaluation_id: int, status: int = 200) -> Response:
        ev = self.get_queryset().get(pk=evaluation_id)
        return Response(self.get_serializer(ev).data, status=status)

    @list_schema(
        EvaluationSerializer,
        OpenApiParameter("cycle", str, description="Mã số kỳ đánh giá."),
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("subject_kind", str, description="member hoặc organization."),
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

    @detail_schema(EvaluationSerializer)
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

    @write_schema(SelfAssessmentInput, EvaluationSerializer, 201)
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

    @write_schema(ProposalInput, EvaluationSerializer, 201)
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

    @write_schema(FactsInputSerializer, EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def facts(self, request: Request, pk: str) -> Response:
        evaluation_id = self._evaluation(pk, _manages).pk
        facts = FactsInputSerializer.to_facts(self.parsed(FactsInputSerializer))
        ev = services.record_facts(actor=request.user, evaluation_id=evaluation_id, facts=facts)
        return self._fresh(ev.pk)

    @write_schema(AppraisalInput, EvaluationSerializer, 201)
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

    @decision_schema(DecisionInput)
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
        return self._written(decision)

    def _written(self, decision: Decision) -> Response:
        """The evaluation as the decision left it, from what the service read and wrote under
        its lock (its current assessments, the new decision): no query."""
        ev = decision.evaluation
        ev.current_decisions = [decision]  # type: ignore[attr-defined]
        return Response(self.get_serializer(ev).data, status=201)

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

    @decision_schema(
        CorrectionInput,
        "Cấp quyết định điều chỉnh: quyết định mới thay thế quyết định đang có hiệu lực; quyết "
        "định cũ giữ nguyên, chỉ được đánh dấu là đã bị thay thế; mọi kiểm tra chạy lại.",
    )
    @action(detail=True, methods=["post"])
    def correction(self, request: Request, pk: str) -> Response:
        """A correction by the deciding body: a new decision supersedes the current one, which
        stays sealed and is only marked superseded; every check runs again."""
        return self._replace(self._evaluation(pk, _manages), services.supersede_decision)

    @decision_schema(
        CorrectionInput,
        "Cấp ủy cấp trên trực tiếp hủy kết quả và xếp loại lại (qd124, qd366); theo qd132 thì "
        "bị từ chối với quy tắc qd132.reclassification.not_provided.",
    )
    @action(detail=True, methods=["post"])
    def reclassification(self, request: Request, pk: str) -> Response:
        """The directly superior committee cancels the result and reclassifies (qd124, qd366);
        under qd132 it is refused with `qd132.reclassification.not_provided`."""
        ev = self._evaluation(pk, _reclassifies, RECLASSIFY_REFUSAL)
        return self._replace(ev, services.cancel_and_reclassify)

    def _replace(self, ev: Evaluation, replace: Callable[..., Decision]) -> Response:
        """A new decision replacing the current one (a correction or a reclassification), with
        its number, date and written reason."""
        data = self.parsed(CorrectionInput)
        decision = replace(
            actor=self.request.user,
            decision_id=self._decision_id(ev, data.get("decision")),
            outcome=selectors.parse_outcome(data["outcome"]),
            number=data["number"],
            date=data["date"],
            reason=data["reason"],
            justification=data.get("justification", ""),
        )
        return self._fresh(decision.evaluation_id, status=201)
