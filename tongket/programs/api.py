"""REST API v1 for programs: programs and their items, read through the programs selectors and
written through the programs services (the same checks as the web: scope, sealing, reasons)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.core.api_records import OrganizationRecordViewSet
from tongket.core.errors import DomainError
from tongket.exchange.api import (
    ERRORS,
    ORG_PARAM,
    YEAR_PARAM,
    ApiViewSet,
    detail_schema,
    list_schema,
    parse_id,
    require,
    require_a_write_grant,
    write_schema,
)
from tongket.programs import selectors, services
from tongket.programs.models import (
    Program,
    ProgramItem,
)
from tongket.programs.serializers import (
    RESULT_FIELDS,
    AdoptionInput,
    ItemCreateInput,
    ItemPlanInput,
    ProgramCreateInput,
    ProgramDetailSerializer,
    ProgramItemDetailSerializer,
    ProgramItemSerializer,
    ProgramSerializer,
    RemediedInput,
    ResultInput,
    StatusInput,
)

# Item codes are "3" or "II.2": the model's column is 20 characters.
PROGRAM_NOT_FOUND = "Không tìm thấy chương trình."
ITEM_NOT_FOUND = "Không tìm thấy nội dung chương trình."


# --- viewsets ------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _change_note(data: dict[str, Any]) -> dict[str, Any]:
    """The reason and the day of a change to an item, as the API takes them: the reason may be
    left out (the services say when one is needed), the day is today unless given."""
    return {"reason": data.get("reason", ""), "on": data.get("on") or _today()}


def _writable_program(user: Any, program_id: int) -> Program:
    program = selectors.get_program(user, program_id)
    require(selectors.can_write(user, program))
    return program


def _item(user: Any, pk: str, *, track: bool) -> ProgramItem:
    """A visible item the user may change: its plan (writers of the program's organization) or
    its tracking (those and the member in charge)."""
    item = selectors.get_item(user, parse_id(pk, ITEM_NOT_FOUND))
    require(selectors.can_track(user, item) if track else selectors.can_write(user, item.program))
    return item


@extend_schema_view(
    list=list_schema(
        ProgramSerializer,
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("kind", str, description="work, inspection hoặc cell_plan."),
        OpenApiParameter("status", str, description="draft hoặc adopted."),
    ),
    retrieve=detail_schema(ProgramDetailSerializer),
    create=write_schema(ProgramCreateInput, ProgramDetailSerializer, 201, by_id=False),
)
class ProgramViewSet(OrganizationRecordViewSet):
    serializer_class = ProgramSerializer
    year_lookup = "year"
    not_found = PROGRAM_NOT_FOUND
    create_input = ProgramCreateInput

    def get_queryset(self) -> QuerySet[Program]:
        return selectors.counted_programs(self.request.user).order_by(
            "-year", "organization__path", "kind", "id"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": _today()}

    def _detail(self, program_id: int, status: int = 200) -> Response:
        page = selectors.program_page(self.request.user, program_id, today=_today())
        program = self.get_queryset().get(pk=page.program.pk)
        context = {**self.get_serializer_context(), "page": page}
        return Response(ProgramDetailSerializer(program, context=context).data, status=status)

    def create_record(self, data: dict[str, Any]) -> Program:
        return services.create_program(
            actor=self.request.user,
            organization_code=data["organization"],
            year=data["year"],
            kind=data["kind"],
            title=data["title"],
            parent_program_id=data.get("parent_program"),
        )

    @write_schema(
        AdoptionInput,
        ProgramDetailSerializer,
        description="Ghi nhận chương trình đã được hội nghị thông qua (khi hội nghị không được "
        "ghi trong hệ thống; nếu có, biểu quyết của hội nghị tự thông qua chương trình). "
        "Bản thông qua được niêm phong; sau đó mọi thay đổi là điều chỉnh có lý do.",
    )
    @action(detail=True, methods=["post"])
    def adoption(self, request: Request, pk: str) -> Response:
        program = _writable_program(request.user, parse_id(pk, PROGRAM_NOT_FOUND))
        data = self.parsed(AdoptionInput)
        services.adopt_program(
            actor=request.user,
            program_id=program.pk,
            adopted_on=data["adopted_on"],
            adopted_at=data["adopted_at"],
        )
        return self._detail(program.pk)


def _same(given: Any, stored: Any) -> bool:
    """A sent value equal to the stored one (texts are stored without surrounding spaces)."""
    if isinstance(given, str) and isinstance(stored, str):
        return given.strip() == stored
    return bool(given == stored)


def _current_plan(item: ProgramItem) -> dict[str, Any]:
    """The item's plan in the shape of ItemPlanInput, to merge a partial update into."""
    plan = services.item_plan(item)
    return {
        **plan,
        "subject_organizations": list(plan["subject_organizations"]),
        "subject_members": list(plan["subject_members"]),
    }


class ProgramItemViewSet(ApiViewSet):
    serializer_class = ProgramItemSerializer

    def get_queryset(self) -> QuerySet[ProgramItem]:
        return (
            selectors.visible_items(self.request.user)
            .select_related("program__organization", "in_charge_organization", "in_charge_member")
            .prefetch_related("subject_organizations", "subject_members")
            .order_by("program_id", "position", "id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": _today()}

    def _detail(self, item_id: int, status: int = 200) -> Response:
        item = selectors.get_item(self.request.user, item_id)
        data = ProgramItemDetailSerializer(item, context=self.get_serializer_context()).data
        return Response(data, status=status)

    def _item_id(self, pk: str) -> int:
        return _item(self.request.user, pk, track=True).pk

    @list_schema(
        ProgramItemSerializer,
        OpenApiParameter("program", str, description="Mã số chương trình."),
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter(
            "status", str, description="planned, in_progress, done, postponed, cancelled."
        ),
    )
    def list(self, request: Request) -> Response:
        items = self.get_queryset()
        params = request.query_params
        if params.get("program"):
            program = selectors.get_program(
                request.user, parse_id(params["program"], PROGRAM_NOT_FOUND)
            )
            items = items.filter(program=program)
        items = self.in_organization(items, "program__organization__path", strict=False)
        return self.page(self.matching(items, year="program__year", status="status"))

    @detail_schema(ProgramItemDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(parse_id(pk, ITEM_NOT_FOUND))

    @extend_schema(
        request=ItemCreateInput,
        responses={201: ProgramItemDetailSerializer, **ERRORS},
        description="Thêm nội dung; vào chương trình đã thông qua thì là điều chỉnh, phải có "
        "lý do.",
    )
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(ItemCreateInput)
        program = _writable_program(request.user, data["program"])
        item = services.add_item(
            actor=request.user,
            program_id=program.pk,
            data=services.ItemInput.of(data),
            **_change_note(data),
        )
        return self._detail(item.pk, status=201)

    @write_schema(
        ItemPlanInput,
        ProgramItemDetailSerializer,
        description="Sửa kế hoạch của nội dung (chỉ các trường gửi lên); khi chương trình đã "
        "thông qua thì là điều chỉnh, phải có lý do.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        item = _item(request.user, pk, track=False)
        data = self.parsed(ItemPlanInput, partial=True)
        merged = _current_plan(item)
        if "month" in data or "quarter" in data:
            merged["month"], merged["quarter"] = data.get("month"), data.get("quarter")
        merged.update({k: v for k, v in data.items() if k not in ("month", "quarter")})
        updated = services.update_item(
            actor=request.user,
            item_id=item.pk,
            data=services.ItemInput.of(merged),
            **_change_note(data),
        )
        return self._detail(updated.pk)

    @write_schema(
        StatusInput,
        ProgramItemDetailSerializer,
        description="Đổi trạng thái theo các bước cho phép; tạm hoãn, hủy bỏ, mở lại phải có lý "
        "do. Người phụ trách nội dung cũng được cập nhật.",
    )
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str) -> Response:
        item_id = self._item_id(pk)
        data = self.parsed(StatusInput)
        services.change_item_status(
            actor=request.user,
            item_id=item_id,
            status=data["status"],
            **_change_note(data),
        )
        return self._detail(item_id)

    @write_schema(
        ResultInput,
        ProgramItemDetailSerializer,
        description="Ghi kết quả; với kiểm tra, giám sát: kết luận, hạn chế, yêu cầu và thời hạn "
        "khắc phục. Chỉ các trường gửi lên được ghi, các trường khác giữ nguyên; không gửi trường "
        "nào thì bị từ chối (programs.item.result.empty); gửi đúng những gì đã ghi thì không ghi "
        "gì thêm.",
    )
    @action(detail=True, methods=["post"])
    def result(self, request: Request, pk: str) -> Response:
        item = _item(request.user, pk, track=True)
        data = self.parsed(ResultInput)
        if not data:
            raise DomainError(
                "Chưa có gì để ghi: hãy gửi ít nhất một trong các trường "
                + ", ".join(RESULT_FIELDS)
                + ".",
                field="result",
                rule="programs.item.result.empty",
            )
        current = {name: getattr(item, name) for name in RESULT_FIELDS}
        merged = {**current, **data}
        if all(_same(merged[name], current[name]) for name in RESULT_FIELDS):
            return self._detail(item.pk)  # nothing changes: nothing is written, nor audited
        services.record_item_result(actor=request.user, item_id=item.pk, **merged)
        return self._detail(item.pk)

    @write_schema(
        RemediedInput,
        ProgramItemDetailSerializer,
        description="Ghi ngày đối tượng kiểm tra khắc phục xong.",
    )
    @action(detail=True, methods=["post"])
    def remedied(self, request: Request, pk: str) -> Response:
        item_id = self._item_id(pk)
        data = self.parsed(RemediedInput)
        services.mark_remedied(actor=request.user, item_id=item_id, on=data["on"])
        return self._detail(item_id)
