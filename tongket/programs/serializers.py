"""Shapes of the programs API: output serializers over programs, their items, amendments and
progress (card numbers only where the user may read the member), and input serializers that only
parse (every rule is in tongket.programs.services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tongket.accounts.scope import Scope
from tongket.exchange.api import MAX_ID, code_field
from tongket.people.models import Member
from tongket.people.permissions import can_see_member
from tongket.people.serializers import PersonSerializer, person
from tongket.programs import selectors
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


CODE_LENGTH = 20


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
        codes = self._page().readable_codes
        items = [
            _masked_plan(plan, readable)
            for plan in snapshot.get("items") or []
            if codes is None or plan.get("code") in codes
        ]
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
