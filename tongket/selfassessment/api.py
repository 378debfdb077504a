"""REST API v1 for self-assessments (Mẫu 01, 2A, 2B, 2C): the forms the user sees (their own,
and their cells' members' as a secretary or an office sees them), one form whole, starting and
saving a draft, submitting, and the cell's return with a comment. Reads through the
selfassessment selectors, writes through its services (the same checks as the web page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.evaluation.domain import Level
from tongket.exchange.api import (
    ORG_PARAM,
    YEAR_PARAM,
    ApiViewSet,
    detail_schema,
    list_schema,
    parse_id,
    require,
    write_schema,
)
from tongket.selfassessment import domain, permissions, selectors, services
from tongket.selfassessment.domain import RemedyState, TaskLine
from tongket.selfassessment.models import SelfAssessment
from tongket.selfassessment.serializers import (
    FormReturnInput,
    SelfAssessmentDraftInput,
    SelfAssessmentFormDetailSerializer,
    SelfAssessmentFormSerializer,
    SelfAssessmentStartInput,
    form_detail,
    form_row,
)

NOT_FOUND = "Không tìm thấy bản tự kiểm điểm."


def _draft(form: SelfAssessment, data: dict[str, Any]) -> services.FormInput:
    """What was sent over what the form holds: a part not sent stays as it is."""
    remedies = (
        [(r["text"], RemedyState(r["state"])) for r in data["remedies"]]
        if "remedies" in data
        else selectors.remedy_rows(form)
    )
    level = data.get("proposed_level", form.proposed_level)
    tasks = (
        [
            TaskLine(
                title=t["title"],
                due_on=t["due_on"],
                done_on=t.get("done_on"),
                quality_ok=t.get("quality_ok", True),
                exceeded=t.get("exceeded", False),
            )
            for t in data["tasks"]
        ]
        if "tasks" in data
        else None
    )
    return services.FormInput(
        texts={name: data[name] for name in domain.PART_A if name in data},
        remedies=remedies,
        points=dict(data["points"]) if "points" in data else dict(form.points),
        proposed_level=Level(level) if level else None,
        tasks=tasks,
    )


class SelfAssessmentViewSet(ApiViewSet):
    serializer_class = SelfAssessmentFormSerializer

    def get_queryset(self) -> QuerySet[SelfAssessment]:
        return selectors.visible_forms(self.request.user).order_by(
            "-evaluation__cycle__year", "evaluation__subject_path", "id"
        )

    def _detail(self, form_id: int, status: int = 200) -> Response:
        form = self.get_queryset().get(pk=form_id)
        return Response(
            SelfAssessmentFormDetailSerializer(form_detail(form, self.scope)).data, status=status
        )

    def _form(self, pk: str) -> SelfAssessment:
        """A form the user sees (404 otherwise), with its evaluation."""
        found = selectors.get_form(self.request.user, parse_id(pk, NOT_FOUND))
        return self.get_queryset().get(pk=found.pk)

    def _writable(self, pk: str) -> SelfAssessment:
        """A visible form the user may write (403 otherwise), checked before the body."""
        form = self._form(pk)
        require(permissions.can_write_form(self.scope, form.evaluation))
        return form

    @list_schema(
        SelfAssessmentFormSerializer,
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("status", str, description="draft, submitted hoặc returned."),
        OpenApiParameter("mine", str, description="«1»: chỉ bản của chính mình."),
        description="Bản tự kiểm điểm của mình, và của đảng viên các chi bộ mình được xem.",
    )
    def list(self, request: Request) -> Response:
        forms = self.in_organization(self.get_queryset(), "evaluation__subject_path")
        forms = self.matching(forms, year="evaluation__cycle__year", status="status")
        if request.query_params.get("mine") == "1":
            forms = forms.filter(evaluation__member_id=self.scope.own_member_id or 0)
        page = self.paginate_queryset(forms)
        rows = [form_row(f, self.scope) for f in (page if page is not None else forms)]
        data = SelfAssessmentFormSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @detail_schema(SelfAssessmentFormDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self._form(pk).pk)

    @write_schema(
        SelfAssessmentStartInput,
        SelfAssessmentFormDetailSerializer,
        201,
        by_id=False,
        description=(
            "Bắt đầu bản tự kiểm điểm của một bản đánh giá (gắn bộ tiêu chí đang áp dụng; mẫu "
            "theo phụ lục), và lưu nháp những phần gửi kèm. Bí thư, văn phòng nhập thay cho "
            "đảng viên không có tài khoản: ghi là «nhập thay»."
        ),
    )
    def create(self, request: Request) -> Response:
        data = self.parsed(SelfAssessmentStartInput)
        ev = selectors.get_evaluation(request.user, data.pop("evaluation"))
        require(permissions.can_write_form(self.scope, ev))
        form = services.start(actor=request.user, evaluation_id=ev.pk)
        if data:
            services.save_draft(actor=request.user, form_id=form.pk, data=_draft(form, data))
        return self._detail(form.pk, status=201)

    @write_schema(
        SelfAssessmentDraftInput,
        SelfAssessmentFormDetailSerializer,
        description=(
            "Lưu nháp (bản nháp hoặc bản chi bộ trả lại): chỉ những phần gửi lên thay đổi; "
            "bản đã gửi chi bộ không sửa được (selfassessment.status.submitted_read_only)."
        ),
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        form = self._writable(pk)
        data = self.parsed(SelfAssessmentDraftInput)
        services.save_draft(actor=request.user, form_id=form.pk, data=_draft(form, data))
        return self._detail(form.pk)

    @write_schema(
        None,
        SelfAssessmentFormDetailSerializer,
        description=(
            "Gửi chi bộ: mọi tiêu chí đã chấm và đã tự xếp loại; các số của phụ lục và điểm "
            "chuyển vào bản đánh giá, được kiểm theo Quy định 366-QĐ/TW."
        ),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        form = self._writable(pk)
        services.submit(actor=request.user, form_id=form.pk)
        return self._detail(form.pk)

    @write_schema(
        FormReturnInput,
        SelfAssessmentFormDetailSerializer,
        description=(
            "Chi bộ trả lại bản đã gửi, với ý kiến; người viết được báo trong hộp thông báo."
        ),
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_author(self, request: Request, pk: str) -> Response:
        form = self._form(pk)
        require(
            permissions.can_return_form(self.scope, form.evaluation),
            "Chỉ chi bộ được trả lại bản tự kiểm điểm.",
        )
        data = self.parsed(FormReturnInput)
        services.return_to_author(actor=request.user, form_id=form.pk, comment=data["comment"])
        return self._detail(form.pk)
