"""REST API v1 for programs: programs and their items, read through the programs selectors and
written through the programs services (the same checks as the web: scope, sealing, reasons)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.accounts.scope import Scope
from tongket.core.errors import DomainError
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    MAX_ID,
    ORG_PARAM,
    READ_ERRORS,
    YEAR_PARAM,
    ApiViewSet,
    code_field,
    parse_id,
    require,
    require_a_write_grant,
)
from tongket.people.models import Member
from tongket.people.permissions import can_see_member
from tongket.people.serializers import PersonSerializer, person
from tongket.programs import selectors, services
from tongket.programs.models import (
    Activity,
    Amendment,
    ItemStatus,
    ItemStatusChange,
    Program,
    ProgramItem,
    ProgramKind,
)

# Item codes are "3" or "II.2": the model's column is 20 characters.
CODE_LENGTH = 20
PROGRAM_NOT_FOUND = "Không tìm thấy chương trình."
ITEM_NOT_FOUND = "Không tìm thấy nội dung chương trình."


def _readable_cards(scope: Scope, cards: Iterable[str]) -> set[str]:
    wanted = {c for c in cards if c}
    if not wanted:
        return set()
    rows = Member.objects.filter(card_number__in=wanted).values_list(
        "card_number", "org_path", "pk"
    )
    return {card for card, path, pk in rows if can_see_member(scope, org_path=path, member_id=pk)}


def _plan_cards(plan: Any) -> list[str]:
    if not isinstance(plan, dict):
        return []
    cards = [plan.get("in_charge_member") or ""]
    cards.extend(str(c) for c in plan.get("subject_members") or [])
    return [str(c) for c in cards if c]


def _masked_plan(plan: Any, readable: set[str]) -> Any:
    """A sealed or amended item plan with the card numbers the user may not read left out."""
    if not isinstance(plan, dict):
        return plan
    masked = dict(plan)
    if masked.get("in_charge_member") and masked["in_charge_member"] not in readable:
        masked["in_charge_member"] = None
    if isinstance(masked.get("subject_members"), list):
        masked["subject_members"] = [c for c in masked["subject_members"] if c in readable]
    return masked


# --- serializers ---------------------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer[Program]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = code_field("work (công tác), inspection (kiểm tra, giám sát) hoặc cell_plan (chi bộ).")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = code_field("draft (dự thảo) hoặc adopted (đã thông qua, bản thông qua đã niêm phong).")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    parent_program = serializers.IntegerField(
        source="parent_program_id",
        read_only=True,
        allow_null=True,
        help_text="Chương trình của cấp ủy mà kế hoạch chi bộ thực hiện.",
    )
    items_total = serializers.IntegerField(source="n_total", read_only=True)
    items_done = serializers.IntegerField(source="n_done", read_only=True)

    class Meta:
        model = Program
        fields: tuple[str, ...] = (
            "id",
            "organization",
            "organization_name",
            "year",
            "kind",
            "kind_label",
            "title",
            "status",
            "status_label",
            "parent_program",
            "adopted_on",
            "adopted_at",
            "items_total",
            "items_done",
            "version",
        )
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer[ItemStatusChange]):
    from_status = code_field("Trạng thái trước.")
    to_status = code_field("Trạng thái sau.")
    changed_by = serializers.SerializerMethodField()

    class Meta:
        model = ItemStatusChange
        fields = ("from_status", "to_status", "reason", "changed_on", "changed_at", "changed_by")
        read_only_fields = fields

    def get_changed_by(self, change: ItemStatusChange) -> str:
        return change.changed_by.get_username() if change.changed_by else ""


class AmendmentSerializer(serializers.ModelSerializer[Amendment]):
    item = serializers.IntegerField(source="item_id", read_only=True, allow_null=True)
    before = serializers.SerializerMethodField(
        help_text="Nội dung trước điều chỉnh (null nếu mới)."
    )
    after = serializers.SerializerMethodField(help_text="Nội dung sau điều chỉnh.")

    class Meta:
        model = Amendment
        fields = ("number", "item", "summary", "reason", "decided_on", "before", "after")
        read_only_fields = fields

    def _readable(self) -> set[str]:
        found: set[str] = self.context.get("readable_cards", set())
        return found

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_before(self, amendment: Amendment) -> Any:
        return _masked_plan(amendment.before, self._readable())

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_after(self, amendment: Amendment) -> Any:
        return _masked_plan(amendment.after, self._readable())


class ProgramItemSerializer(serializers.ModelSerializer[ProgramItem]):
    program = serializers.IntegerField(source="program_id", read_only=True)
    activity = code_field("task (nhiệm vụ), inspection (kiểm tra) hoặc supervision (giám sát).")
    activity_label = serializers.CharField(source="get_activity_display", read_only=True)
    timing_label = serializers.SerializerMethodField(help_text="«Tháng 03/2021» hoặc «Quý I/2021».")
    due_date = serializers.SerializerMethodField(help_text="Ngày cuối của tháng hoặc quý.")
    in_charge_organization = serializers.SerializerMethodField(help_text="Mã tổ chức chủ trì.")
    in_charge_member = serializers.SerializerMethodField()
    subject_organizations = serializers.SerializerMethodField(
        help_text="Mã các tổ chức được kiểm tra, giám sát hoặc liên quan."
    )
    subject_members = serializers.SerializerMethodField()
    status = code_field("planned, in_progress, done, postponed hoặc cancelled.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Quá hạn mà chưa hoàn thành.")
    remedy_open = serializers.SerializerMethodField(help_text="Có yêu cầu khắc phục chưa xong.")
    remedy_overdue = serializers.SerializerMethodField(help_text="Quá thời hạn khắc phục.")
    done_late = serializers.SerializerMethodField(help_text="Hoàn thành sau thời hạn.")

    class Meta:
        model = ProgramItem
        fields: tuple[str, ...] = (
            "id",
            "program",
            "position",
            "code",
            "activity",
            "activity_label",
            "content",
            "month",
            "quarter",
            "timing_label",
            "due_date",
            "in_charge_text",
            "in_charge_organization",
            "in_charge_member",
            "subject_organizations",
            "subject_members",
            "status",
            "status_label",
            "status_reason",
            "completed_on",
            "result",
            "conclusions",
            "shortcomings",
            "remedies_required",
            "remedy_deadline",
            "remedy_done_on",
            "overdue",
            "remedy_open",
            "remedy_overdue",
            "done_late",
            "version",
        )
        read_only_fields = fields

    def _row(self, item: ProgramItem) -> selectors.ItemRow:
        today: dt.date = self.context.get("today") or timezone.localdate()
        return selectors.item_row(item, today)

    def _scope(self) -> Scope:
        scope: Scope = self.context["scope"]
        return scope

    def get_timing_label(self, item: ProgramItem) -> str:
        return self._row(item).timing.label

    def get_due_date(self, item: ProgramItem) -> dt.date:
        return self._row(item).timing.due_date()

    def get_in_charge_organization(self, item: ProgramItem) -> str | None:
        org = item.in_charge_organization
        return org.code if org is not None else None

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_in_charge_member(self, item: ProgramItem) -> dict[str, Any] | None:
        return person(item.in_charge_member, self._scope())

    def get_subject_organizations(self, item: ProgramItem) -> list[str]:
        return sorted(o.code for o in item.subject_organizations.all())

    @extend_schema_field(PersonSerializer(many=True))
    def get_subject_members(self, item: ProgramItem) -> list[dict[str, Any] | None]:
        members = sorted(item.subject_members.all(), key=lambda m: m.card_number)
        return [person(m, self._scope()) for m in members]

    def get_overdue(self, item: ProgramItem) -> bool:
        return self._row(item).overdue

    def get_remedy_open(self, item: ProgramItem) -> bool:
        return self._row(item).remedy_open

    def get_remedy_overdue(self, item: ProgramItem) -> bool:
        return self._row(item).remedy_overdue

    def get_done_late(self, item: ProgramItem) -> bool:
        return self._row(item).done_late


class ProgramItemDetailSerializer(ProgramItemSerializer):
    history = serializers.SerializerMethodField(help_text="Các lần đổi trạng thái, có lý do.")
    amendments = serializers.SerializerMethodField(help_text="Các lần điều chỉnh sau thông qua.")
    can_track = serializers.SerializerMethodField(
        help_text="Người dùng được cập nhật trạng thái, kết quả của nội dung này."
    )

    class Meta(ProgramItemSerializer.Meta):
        fields = (*ProgramItemSerializer.Meta.fields, "history", "amendments", "can_track")
        read_only_fields = fields

    @extend_schema_field(StatusChangeSerializer(many=True))
    def get_history(self, item: ProgramItem) -> list[Any]:
        return list(StatusChangeSerializer(selectors.item_history(item), many=True).data)

    @extend_schema_field(AmendmentSerializer(many=True))
    def get_amendments(self, item: ProgramItem) -> list[Any]:
        amendments = list(item.amendments.all())
        cards = [c for a in amendments for plan in (a.before, a.after) for c in _plan_cards(plan)]
        context = {"readable_cards": _readable_cards(self._scope(), cards)}
        return list(AmendmentSerializer(amendments, many=True, context=context).data)

    def get_can_track(self, item: ProgramItem) -> bool:
        user = self.context["request"].user
        return selectors.can_track(user, item)


class MonthProgressSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(help_text="«Tháng 03/2021».")  # type: ignore[assignment]
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Số nội dung đến hạn trong tháng, theo trạng thái.",
    )
    total = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer[Any]):
    today = serializers.DateField(help_text="Ngày tính tiến độ.")
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    percent_done = serializers.CharField(
        allow_null=True, help_text="Tỷ lệ hoàn thành (trên số không hủy), số thập phân dạng chuỗi."
    )
    by_month = MonthProgressSerializer(many=True)
    overdue = serializers.ListField(child=serializers.IntegerField(), help_text="Mã số nội dung.")
    open_remedies = serializers.ListField(child=serializers.IntegerField())


class ChildPlanSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organization = serializers.CharField()
    title = serializers.CharField()


class ProgramDetailSerializer(ProgramSerializer):
    items = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    amendments = serializers.SerializerMethodField(help_text="Các lần điều chỉnh sau thông qua.")
    adopted_snapshot = serializers.SerializerMethodField(
        help_text="Bản được hội nghị thông qua (niêm phong, không bao giờ thay đổi); null nếu là "
        "dự thảo."
    )
    child_plans = serializers.SerializerMethodField(help_text="Kế hoạch của các chi bộ thực hiện.")
    can_write = serializers.SerializerMethodField(help_text="Người dùng được sửa chương trình.")

    class Meta(ProgramSerializer.Meta):
        fields = (
            *ProgramSerializer.Meta.fields,
            "adopted_snapshot",
            "items",
            "progress",
            "amendments",
            "child_plans",
            "can_write",
        )
        read_only_fields = fields

    def _page(self) -> selectors.ProgramPage:
        page: selectors.ProgramPage = self.context["page"]
        return page

    def _readable(self, program: Program) -> set[str]:
        plans: list[Any] = []
        if isinstance(program.adopted_snapshot, dict):
            plans.extend(program.adopted_snapshot.get("items") or [])
        for amendment in self._page().amendments:
            plans.extend((amendment.before, amendment.after))
        cards = [c for plan in plans for c in _plan_cards(plan)]
        return _readable_cards(self.context["scope"], cards)

    @extend_schema_field(ProgramItemSerializer(many=True))
    def get_items(self, program: Program) -> list[Any]:
        items = [row.item for row in self._page().rows]
        return list(ProgramItemSerializer(items, many=True, context=self.context).data)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, program: Program) -> dict[str, Any]:
        page = self._page()
        summary = page.summary
        percent = summary.percent_done
        return dict(
            ProgressSerializer(
                {
                    "today": summary.today,
                    "total": summary.total,
                    "by_status": {value: count for value, _label, count in page.statuses},
                    "percent_done": str(percent) if percent is not None else None,
                    "by_month": [
                        {
                            "label": m.label,
                            "counts": dict(zip(ItemStatus.values, m.counts, strict=True)),
                            "total": m.total,
                        }
                        for m in page.months
                    ],
                    "overdue": [r.item.pk for r in page.overdue],
                    "open_remedies": [r.item.pk for r in page.open_remedies],
                }
            ).data
        )

    @extend_schema_field(AmendmentSerializer(many=True))
    def get_amendments(self, program: Program) -> list[Any]:
        context = {"readable_cards": self._readable(program)}
        return list(AmendmentSerializer(self._page().amendments, many=True, context=context).data)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_adopted_snapshot(self, program: Program) -> dict[str, Any] | None:
        snapshot = program.adopted_snapshot
        if not isinstance(snapshot, dict):
            return None
        readable = self._readable(program)
        items = [_masked_plan(plan, readable) for plan in snapshot.get("items") or []]
        return {**snapshot, "items": items}

    @extend_schema_field(ChildPlanSerializer(many=True))
    def get_child_plans(self, program: Program) -> list[dict[str, Any]]:
        return [
            {"id": p.pk, "organization": p.organization.code, "title": p.title}
            for p in self._page().child_plans
        ]

    def get_can_write(self, program: Program) -> bool:
        return self._page().can_write


class ProgramCreateInput(serializers.Serializer[Any]):
    organization = serializers.CharField(max_length=64, help_text="Mã tổ chức đảng.")
    year = serializers.IntegerField(min_value=1930, max_value=2200)
    kind = serializers.ChoiceField(choices=ProgramKind.choices)
    title = serializers.CharField(max_length=255)
    parent_program = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="Kế hoạch chi bộ: mã số chương trình cùng năm của cấp ủy cấp trên.",
    )


class AdoptionInput(serializers.Serializer[Any]):
    adopted_on = serializers.DateField(help_text="Ngày hội nghị thông qua.")
    adopted_at = serializers.CharField(
        max_length=255, help_text="Hội nghị đã thông qua, ví dụ «Hội nghị tổng kết năm 2020»."
    )


class AmendmentFields(serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Lý do điều chỉnh: bắt buộc khi chương trình đã được thông qua.",
    )
    on = serializers.DateField(required=False, help_text="Ngày điều chỉnh (mặc định: hôm nay).")


class ItemPlanInput(AmendmentFields):
    code = serializers.CharField(max_length=CODE_LENGTH, help_text="Số thứ tự, ví dụ «3», «II.2».")
    content = serializers.CharField(max_length=5000)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    activity = serializers.ChoiceField(choices=Activity.choices, default=Activity.TASK)
    in_charge_text = serializers.CharField(max_length=255, required=False, allow_blank=True)
    in_charge_organization = serializers.CharField(
        max_length=64, required=False, allow_blank=True, allow_null=True, help_text="Mã tổ chức."
    )
    in_charge_member = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, help_text="Số thẻ."
    )
    subject_organizations = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=500
    )
    subject_members = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=500
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [f for f in ("month", "quarter") if f in attrs]
        chosen = [f for f in given if attrs[f] is not None]
        if (self.partial and not given) or len(chosen) == 1:
            return attrs
        raise serializers.ValidationError(
            {"month": ["Thời gian thực hiện phải là một tháng hoặc một quý (chỉ một trong hai)."]},
            code="timing",
        )


class ItemCreateInput(ItemPlanInput):
    program = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Mã số chương trình."
    )


class StatusInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Bắt buộc khi tạm hoãn, hủy bỏ hoặc mở lại nội dung đã hoàn thành.",
    )
    on = serializers.DateField(required=False, help_text="Ngày (mặc định: hôm nay).")


RESULT_FIELDS = ("result", "conclusions", "shortcomings", "remedies_required", "remedy_deadline")


class ResultInput(serializers.Serializer[Any]):
    result = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    conclusions = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    shortcomings = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    remedies_required = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    remedy_deadline = serializers.DateField(required=False, allow_null=True)


class RemediedInput(serializers.Serializer[Any]):
    on = serializers.DateField(help_text="Ngày khắc phục xong.")


# --- viewsets ------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


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


class ProgramViewSet(ApiViewSet):
    serializer_class = ProgramSerializer

    def get_queryset(self) -> QuerySet[Program]:
        return (
            selectors.visible_programs(self.request.user)
            .annotate(
                n_total=Count("items", distinct=True),
                n_done=Count("items", filter=Q(items__status=ItemStatus.DONE), distinct=True),
            )
            .order_by("-year", "organization__path", "kind", "id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": _today()}

    def _detail(self, program_id: int, status: int = 200) -> Response:
        page = selectors.program_page(self.request.user, program_id, today=_today())
        program = self.get_queryset().get(pk=page.program.pk)
        context = {**self.get_serializer_context(), "page": page}
        return Response(ProgramDetailSerializer(program, context=context).data, status=status)

    @extend_schema(
        parameters=[
            ORG_PARAM,
            YEAR_PARAM,
            OpenApiParameter("kind", str, description="work, inspection hoặc cell_plan."),
            OpenApiParameter("status", str, description="draft hoặc adopted."),
        ],
        responses={200: ProgramSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
    )
    def list(self, request: Request) -> Response:
        programs = self.in_organization(self.get_queryset(), "organization__path", strict=False)
        return self.page(self.matching(programs, year="year", kind="kind", status="status"))

    @extend_schema(parameters=[ID_PARAM], responses={200: ProgramDetailSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(parse_id(pk, PROGRAM_NOT_FOUND))

    @extend_schema(request=ProgramCreateInput, responses={201: ProgramDetailSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(ProgramCreateInput)
        program = services.create_program(
            actor=request.user,
            organization_code=data["organization"],
            year=data["year"],
            kind=data["kind"],
            title=data["title"],
            parent_program_id=data.get("parent_program"),
        )
        return self._detail(program.pk, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=AdoptionInput,
        responses={200: ProgramDetailSerializer, **ERRORS},
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


def _item_input(data: dict[str, Any]) -> services.ItemInput:
    return services.ItemInput(
        code=data["code"],
        content=data["content"],
        month=data.get("month"),
        quarter=data.get("quarter"),
        activity=data.get("activity") or Activity.TASK,
        in_charge_text=data.get("in_charge_text") or "",
        in_charge_organization_code=data.get("in_charge_organization") or None,
        in_charge_member_card=data.get("in_charge_member") or None,
        subject_organization_codes=tuple(data.get("subject_organizations") or ()),
        subject_member_cards=tuple(data.get("subject_members") or ()),
    )


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
            ProgramItem.objects.filter(program__in=selectors.visible_programs(self.request.user))
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

    @extend_schema(
        parameters=[
            OpenApiParameter("program", str, description="Mã số chương trình."),
            ORG_PARAM,
            YEAR_PARAM,
            OpenApiParameter(
                "status", str, description="planned, in_progress, done, postponed, cancelled."
            ),
        ],
        responses={200: ProgramItemSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
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

    @extend_schema(
        parameters=[ID_PARAM], responses={200: ProgramItemDetailSerializer, **READ_ERRORS}
    )
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
            data=_item_input(data),
            reason=data.get("reason", ""),
            on=data.get("on") or _today(),
        )
        return self._detail(item.pk, status=201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=ItemPlanInput,
        responses={200: ProgramItemDetailSerializer, **ERRORS},
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
            data=_item_input(merged),
            reason=data.get("reason", ""),
            on=data.get("on") or _today(),
        )
        return self._detail(updated.pk)

    @extend_schema(
        parameters=[ID_PARAM],
        request=StatusInput,
        responses={200: ProgramItemDetailSerializer, **ERRORS},
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
            reason=data.get("reason", ""),
            on=data.get("on") or _today(),
        )
        return self._detail(item_id)

    @extend_schema(
        parameters=[ID_PARAM],
        request=ResultInput,
        responses={200: ProgramItemDetailSerializer, **ERRORS},
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
        services.record_item_result(
            actor=request.user,
            item_id=item.pk,
            result=merged["result"],
            conclusions=merged["conclusions"],
            shortcomings=merged["shortcomings"],
            remedies_required=merged["remedies_required"],
            remedy_deadline=merged["remedy_deadline"],
        )
        return self._detail(item.pk)

    @extend_schema(
        parameters=[ID_PARAM],
        request=RemediedInput,
        responses={200: ProgramItemDetailSerializer, **ERRORS},
        description="Ghi ngày đối tượng kiểm tra khắc phục xong.",
    )
    @action(detail=True, methods=["post"])
    def remedied(self, request: Request, pk: str) -> Response:
        item_id = self._item_id(pk)
        data = self.parsed(RemediedInput)
        services.mark_remedied(actor=request.user, item_id=item_id, on=data["on"])
        return self._detail(item_id)
