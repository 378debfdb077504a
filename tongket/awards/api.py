"""REST API v1 for the award register: forms, awards, proposals with their candidates, decisions
and their corrections, a member's and an organization's register. Reads go through the award
selectors, writes through the award services (the same checks as the web pages)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.awards import downloads, selectors, services
from tongket.awards.models import (
    AwardDecision,
    AwardForm,
    AwardProposal,
)
from tongket.awards.serializers import (
    AdjustInput,
    AwardFormSerializer,
    AwardSerializer,
    CorrectionInput,
    DecisionInput,
    DecisionSerializer,
    GenerateInput,
    OrganizationRegisterSerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    RecordInput,
    RegisterSerializer,
)
from tongket.core.errors import NotFound
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    ORG_PARAM,
    READ_ERRORS,
    YEAR_PARAM,
    ApiViewSet,
    FileNegotiation,
    detail_schema,
    file_response,
    list_schema,
    parse_id,
    parse_year,
    require,
    require_a_write_grant,
    write_schema,
)
from tongket.people import selectors as people_selectors

# --- viewsets ------------------------------------------------------------------------------------

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="Giấy khen, PDF khổ A4 ngang.")
FORM_PARAM = OpenApiParameter("form", str, description="Mã hình thức khen thưởng.")
ISSUER_PARAM = OpenApiParameter("issuer", str, description="Mã cơ quan khen thưởng.")


class AwardFormViewSet(ApiViewSet):
    """The catalog of forms: the codes the other endpoints take."""

    serializer_class = AwardFormSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[AwardForm]:
        return AwardForm.objects.order_by("sort_order", "code")

    @extend_schema(responses={200: AwardFormSerializer(many=True)})
    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset())

    @extend_schema(responses={200: AwardFormSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, code: str) -> Response:
        form = self.get_queryset().filter(code=code).first()
        if form is None:
            raise NotFound("Không có hình thức khen thưởng này.")
        return Response(self.get_serializer(form).data)


class AwardViewSet(FileNegotiation):
    serializer_class = AwardSerializer
    file_actions = frozenset({"certificate"})

    @list_schema(
        AwardSerializer,
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("member", str, description="Số thẻ đảng viên được khen."),
        FORM_PARAM,
        ISSUER_PARAM,
        OpenApiParameter(
            "decision", str, description="Mã số quyết định (kể cả các lần đính chính)."
        ),
    )
    def list(self, request: Request) -> Response:
        user = request.user
        awards = selectors.visible_awards(user)
        params = request.query_params
        awards = self.in_organization(awards, "member__org_path", "organization__path")
        awards = self.matching(
            awards,
            year="year",
            member="member__card_number",
            form="form__code",
            issuer="decision__issuer__code",
        )
        if params.get("decision"):
            found = AwardDecision.objects.filter(
                pk=parse_id(params["decision"], "Không tìm thấy quyết định khen thưởng.")
            ).first()
            root = (found.original_id or found.pk) if found is not None else 0
            awards = awards.filter(Q(decision_id=root) | Q(decision__original_id=root))
        awards = awards.order_by("-year", "form__sort_order", "member__sort_name", "pk")
        page = self.paginate_queryset(awards)
        assert page is not None  # a default pagination class is set
        data = AwardSerializer(selectors.award_rows(page), many=True).data
        return self.get_paginated_response(data)

    @detail_schema(AwardSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        award = selectors.get_award(request.user, parse_id(pk, "Không tìm thấy khen thưởng."))
        return Response(AwardSerializer(selectors.award_rows([award])[0]).data)

    @write_schema(
        RecordInput,
        AwardSerializer,
        201,
        by_id=False,
        description=(
            "Ghi nhận khen thưởng do cơ quan khen thưởng quyết định (ví dụ Bằng khen của Tỉnh ủy), "
            "với cùng các kiểm tra như trang web: điều kiện của hình thức, và một thành tích chỉ "
            "được khen một lần (quy tắc awards.achievement.not_rewarded_twice)."
        ),
    )
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(RecordInput)
        organization = (data.get("organization") or "").strip()
        if organization:
            # An organization outside the user's subtrees answers like a missing one.
            organization = people_selectors.get_organization(request.user, organization).code
        award = services.record_award(
            actor=request.user,
            data=services.RecordInput(
                form_code=data["form"].strip(),
                issuer_code=data["issuer"].strip(),
                year=data["year"],
                achievement=data["achievement"],
                member_card=(data.get("member") or "").strip(),
                organization_code=organization,
                justification=data.get("justification") or "",
                decision=services.DecisionInput.sent(data["decision"]),
            ),
        )
        fresh = selectors.visible_awards(request.user).filter(pk=award.pk)
        return Response(AwardSerializer(selectors.award_rows(fresh)[0]).data, status=201)

    @extend_schema(parameters=[ID_PARAM], responses={(200, "application/pdf"): PDF, **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def certificate(self, request: Request, pk: str) -> HttpResponse:
        # Audited as an export of personal data, like the web page's certificate.
        data = downloads.certificate_pdf(request.user, parse_id(pk, "Không tìm thấy khen thưởng."))
        return file_response(data, "application/pdf", f"giay-khen-{pk}.pdf", inline=True)


class AwardDecisionViewSet(ApiViewSet):
    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[AwardDecision]:
        successor = AwardDecision.objects.filter(supersedes=OuterRef("pk")).values("pk")[:1]
        return (
            selectors.visible_decisions(self.request.user)
            .annotate(successor_id=Subquery(successor))
            .order_by("-date", "number", "pk")
        )

    @list_schema(
        DecisionSerializer,
        YEAR_PARAM,
        ISSUER_PARAM,
        OpenApiParameter("number", str, description="Số quyết định."),
    )
    def list(self, request: Request) -> Response:
        decisions = self.matching(
            self.get_queryset(), year="year", issuer="issuer__code", number="number"
        )
        return self.page(decisions)

    @detail_schema(DecisionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        decision = selectors.get_decision(
            request.user, parse_id(pk, "Không tìm thấy quyết định khen thưởng.")
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=decision.pk)).data)

    @write_schema(
        CorrectionInput,
        DecisionSerializer,
        201,
        description=(
            "Đính chính quyết định đã ban hành bằng một quyết định mới thay thế nó, ghi rõ lý do; "
            "quyết định cũ giữ nguyên (awards.decision.sealed nếu nó đã được thay thế)."
        ),
    )
    @action(detail=True, methods=["post"])
    def correction(self, request: Request, pk: str) -> Response:
        # Missing, invisible, read-only: answered before the body is read.
        decision = selectors.get_decision(
            request.user, parse_id(pk, "Không tìm thấy quyết định khen thưởng.")
        )
        require(selectors.may_correct(request.user, decision))
        data = self.parsed(CorrectionInput)
        new = services.correct_decision(
            actor=request.user,
            decision_id=decision.pk,
            reason=data["reason"],
            corrected=services.DecisionInput.sent(data),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=201)


class AwardProposalViewSet(ApiViewSet):
    serializer_class = ProposalSerializer

    def get_queryset(self) -> QuerySet[AwardProposal]:
        return (
            selectors.visible_proposals(self.request.user)
            .annotate(
                n_candidates=Count("candidates"),
                n_included=Count("candidates", filter=Q(candidates__included=True)),
                n_eligible=Count("candidates", filter=Q(candidates__eligible=True)),
            )
            .order_by("-year", "-created_at", "-pk")
        )

    def _detail(self, proposal_id: int, status: int = 200) -> Response:
        proposal = self.get_queryset().get(pk=proposal_id)
        return Response(ProposalDetailSerializer(proposal).data, status=status)

    def _proposal_id(self, pk: str) -> int:
        return parse_id(pk, "Không tìm thấy danh sách đề nghị.")

    @list_schema(
        ProposalSerializer,
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("status", str, description="draft, submitted hoặc decided."),
        FORM_PARAM,
    )
    def list(self, request: Request) -> Response:
        proposals = self.in_organization(self.get_queryset(), "organization__path")
        return self.page(self.matching(proposals, year="year", status="status", form="form__code"))

    @detail_schema(ProposalDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        proposal = selectors.get_proposal(request.user, self._proposal_id(pk))
        return self._detail(proposal.pk)

    @write_schema(
        GenerateInput,
        ProposalDetailSerializer,
        201,
        by_id=False,
        description=(
            "Lập danh sách đề nghị từ kết quả xếp loại đã quyết định: mọi trường hợp kèm lý do, "
            "người đủ điều kiện được đưa vào, người chưa đủ vẫn được liệt kê."
        ),
    )
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(GenerateInput)
        proposal = services.generate_proposal(
            actor=request.user,
            organization_code=data["organization"].strip(),
            year=data["year"],
            form_code=data["form"].strip(),
            issuer_code=(data.get("issuer") or "").strip(),
        )
        return self._detail(proposal.pk, status=201)

    @write_schema(
        AdjustInput,
        ProposalDetailSerializer,
        description="Đưa vào hoặc bỏ ra một trường hợp, hoặc sửa thành tích, khi còn là dự thảo.",
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request: Request, pk: str) -> Response:
        proposal = selectors.get_proposal(request.user, self._proposal_id(pk))
        require(self.scope.writes(proposal.organization.path))
        data = self.parsed(AdjustInput)
        if not proposal.candidates.filter(pk=data["candidate"]).exists():
            raise NotFound("Không có trường hợp này trong danh sách.")
        services.adjust_candidate(
            actor=request.user,
            candidate_id=data["candidate"],
            included=data.get("included"),
            achievement=data.get("achievement"),
        )
        return self._detail(proposal.pk)

    @write_schema(
        None, ProposalDetailSerializer, description="Trình danh sách lên cơ quan khen thưởng."
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        proposal = services.submit_proposal(actor=request.user, proposal_id=self._proposal_id(pk))
        return self._detail(proposal.pk)

    @write_schema(
        DecisionInput,
        ProposalDetailSerializer,
        201,
        description=(
            "Ghi quyết định khen thưởng cho danh sách đã trình: từng trường hợp được xét lại; một "
            "trường hợp không đủ điều kiện (hay thành tích đã được khen) thì cả quyết định bị từ "
            "chối, kèm quy tắc và lý do. Quyết định đã ghi không sửa được."
        ),
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        proposal = selectors.get_proposal(request.user, self._proposal_id(pk))
        scope = self.scope
        require(scope.writes(proposal.issuer.path) or scope.writes(proposal.organization.path))
        data = self.parsed(DecisionInput)
        services.decide_proposal(
            actor=request.user, proposal_id=proposal.pk, decision=services.DecisionInput.sent(data)
        )
        return self._detail(proposal.pk, status=201)


class MemberRegisterViewSet(ApiViewSet):
    """A member's awards over the years."""

    serializer_class = RegisterSerializer
    lookup_field = "card_number"

    @extend_schema(responses={200: RegisterSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, card_number: str) -> Response:
        member, rows = selectors.member_awards(request.user, card_number)
        body = {
            "member": member.card_number,
            "full_name": member.full_name,
            "organization": member.organization.code,
            "awards": rows,
        }
        return Response(RegisterSerializer(body).data)


class OrganizationRegisterViewSet(ApiViewSet):
    """An organization's awards in one year, by form and issuer."""

    serializer_class = OrganizationRegisterSerializer
    lookup_field = "code"

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, description="Năm; mặc định là năm gần nhất có khen.")
        ],
        responses={200: OrganizationRegisterSerializer, **READ_ERRORS, 400: ERRORS[400]},
    )
    def retrieve(self, request: Request, code: str) -> Response:
        raw = request.query_params.get("year")
        register = selectors.organization_register(
            request.user, code, parse_year(raw) if raw else None
        )
        return Response(OrganizationRegisterSerializer(register).data)
